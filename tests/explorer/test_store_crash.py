"""Crash safety of the results file: torn tails, flipped bytes, killed writers, side files, lazy start."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

from dshell.explorer import History, _store

REPO = Path(__file__).resolve().parents[2]


def test_a_torn_tail_from_another_writer_never_swallows_the_next_record(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    live = History(path)
    assert live.add("Ping", {}, 200, 0.0, "first").n == 1
    with path.open("ab") as other:  # another process killed in the middle of its line
        other.write(b'{"n": 2, "op": "ContainerList", "params": {}, "sta')
    with pytest.warns(RuntimeWarning, match="skipped 1 damaged record"):
        assert live.add("Ping", {}, 200, 0.0, "second").n == 2
    fresh = History(path)
    assert [(r.n, r.data) for r in fresh] == [(1, "first"), (2, "second")]
    assert all(json.loads(line)["n"] for line in path.read_text().splitlines()[::2])


def test_a_flipped_byte_makes_a_record_skipped_not_wrong(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    hist = History(path)
    hist.add("VolumeCreate", {"body": {"Name": "v1"}}, 201, 0.0, {"Name": "v1"})
    hist.add("Ping", {}, 200, 0.0, "OK")
    raw = bytearray(path.read_bytes())
    raw[raw.index(b'"v1"') + 2] = ord("2")  # still valid JSON, but not what was written
    path.write_bytes(bytes(raw))
    fresh = History(path)
    assert fresh.get(1) is None and fresh[2].data == "OK"


def test_start_up_reads_no_result(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "results.jsonl"
    hist = History(path)
    for i in range(200):
        hist.add("Ping", {}, 200, 0.0, "x" * i)
    parsed: list[object] = []
    real = _store.loads
    monkeypatch.setattr(_store, "loads", lambda raw: parsed.append(raw) or real(raw))
    fresh = History(path)
    assert len(fresh) == 200 and fresh.numbers() == list(range(1, 201))
    assert parsed == []  # indexed, not read
    assert fresh[150].data == "x" * 149 and fresh.last is not None and fresh.last.n == 200
    assert len(parsed) == 2


def test_an_index_that_does_not_match_the_file_is_made_again(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    hist = History(path)
    for i in range(5):
        hist.add("Ping", {}, 200, 0.0, i)
    index = path.with_suffix(".idx")
    index.write_bytes(index.read_bytes()[:-30] + b"\xff" * 30)  # a damaged and cut-short index
    assert [r.data for r in History(path)] == [0, 1, 2, 3, 4]
    index.unlink()  # an index lost (or a file from an older dshell)
    fresh = History(path)
    assert [r.data for r in fresh] == [0, 1, 2, 3, 4] and fresh.add("Ping", {}, 200, 0.0, 5).n == 6


def test_side_files_left_by_a_killed_writer_are_swept(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    History(path, inline_limit=10).add("ImageList", {}, 200, 0.0, ["x" * 100])
    side = tmp_path / "results"
    (side / "2.json.tmp-4242").write_text('["partial')  # killed while writing
    (side / "3.json").write_text('["never referenced"]')  # killed after the rename, before the line
    History(path)
    assert sorted(p.name for p in side.iterdir()) == ["1.json"]
    assert History(path, inline_limit=10)[1].data == ["x" * 100]


WRITER = """
import sys, time
from pathlib import Path
from dshell.explorer import History
h = History(Path(sys.argv[1]))
while True:
    print(h.add("Ping", {}, 200, 0.0, "y" * 2000).n, flush=True)
    time.sleep(0.002)
"""
VICTIM = """
import fcntl, os, signal, sys
from pathlib import Path
from dshell.explorer import History
h = History(Path(sys.argv[1]))
h.add("Ping", {}, 200, 0.0, "mine")
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_APPEND)
fcntl.flock(fd, fcntl.LOCK_EX)  # the results file's lock, as every writer's `add` takes it; then killed mid-line
os.write(fd, b'{"n": 999999, "op": "ContainerList", "params": {}, "status": 200, "data": [{"Id": "ab')
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_kill_9_of_a_writer_while_another_writes_loses_no_record_of_the_survivor(tmp_path: Path) -> None:
    """Repeatedly: a writer killed mid-line while another writes; every number the survivor printed is
    readable, and so is each victim's finished record."""
    path = tmp_path / "results.jsonl"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    survivor = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True,
                                env=env)
    try:
        assert survivor.stdout is not None
        survivor.stdout.readline()
        victims = [subprocess.run([sys.executable, "-c", VICTIM, str(path)], env=env, check=False).returncode
                   for _ in range(5)]
        time.sleep(0.2)  # the survivor writes on after the last kill
    finally:
        survivor.kill()
        survivor.wait()
    printed = [int(line) for line in survivor.stdout.read().split()]
    survivor.stdout.close()
    assert victims == [-signal.SIGKILL] * 5 and printed
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the torn tails of the killed writers are reported, fine here
        fresh = History(path)
    have = {r.n: r.data for r in fresh}
    assert [n for n in printed if have.get(n) != "y" * 2000] == []
    assert list(have.values()).count("mine") == 5
