"""Data in a place another user controls, and a history that cannot be written: dshell refuses what is not the
user's own (one line saying what to fix), never writes through a symlink, and goes on without saving when the
history is a folder, on a read-only file system or on a full disk (each said once)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from dshell.explorer import History
from dshell.shell.app import Shell
from dshell.shell.config import Config
from dshell.shell.line_history import RedactingFileHistory
from dshell.shell.session import Session

NOWHERE = "unix:///tmp/dshell-test-no-such.sock"
OTHER = 65534  # nobody: another user (the tests run as root, who may give files away)


def _victim(tmp_path: Path) -> Path:
    victim = tmp_path / "victim"
    victim.write_text("theirs\n")
    victim.chmod(0o644)
    return victim


def _results(path: Path) -> tuple[History, list[str]]:
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        history = History(path)
        history.add("SystemPing", {}, 200, 0.0, "OK")
        history.add("SystemPing", {}, 200, 0.0, "OK")
    return history, [str(w.message) for w in said]


def test_results_in_another_users_folder_are_refused(tmp_path: Path) -> None:
    shared = tmp_path / "shared" / "dshell"
    shared.mkdir(parents=True)
    planted = shared / "results.jsonl"
    planted.write_text("")
    os.chown(shared, OTHER, OTHER)
    os.chown(planted, OTHER, OTHER)
    history, said = _results(planted)
    assert history.path is None and history[2].data == "OK"  # kept in memory, not saved
    assert len(said) == 1 and "refused" in said[0] and f"uid {OTHER}" in said[0] and "\n" not in said[0]
    assert planted.read_text() == ""


@pytest.mark.parametrize("how", ["symlink", "world-writable"])
def test_a_planted_results_file_is_refused(tmp_path: Path, how: str) -> None:
    victim = _victim(tmp_path)
    folder = tmp_path / "data" / "dshell"
    folder.mkdir(parents=True, mode=0o700)
    results = folder / "results.jsonl"
    if how == "symlink":
        results.symlink_to(victim)
    else:
        results.write_text("")
        results.chmod(0o666)
    history, said = _results(results)
    assert history.path is None and len(said) == 1 and "refused" in said[0]
    assert ("symlink" in said[0]) if how == "symlink" else ("chmod go-w" in said[0])
    assert victim.read_text() == "theirs\n" and victim.stat().st_mode & 0o777 == 0o644


def test_the_index_is_never_truncated_through_a_symlink(tmp_path: Path) -> None:
    victim = _victim(tmp_path)
    folder = tmp_path / "d"
    folder.mkdir(mode=0o700)
    (folder / "results.idx").symlink_to(victim)
    history, said = _results(folder / "results.jsonl")
    assert history.path is None and "symlink" in said[0]
    assert victim.read_text() == "theirs\n"


def test_the_command_history_is_never_written_through_a_symlink(tmp_path: Path) -> None:
    victim = _victim(tmp_path)
    link = tmp_path / "history"
    link.symlink_to(victim)
    said: list[str] = []
    history = RedactingFileHistory(str(link), warn=said.append)
    history.store_string("ContainerList")
    history.store_string("ContainerList")
    assert victim.read_text() == "theirs\n" and victim.stat().st_mode & 0o777 == 0o644
    assert len(said) == 1 and "symlink" in said[0]


def test_the_request_log_is_never_written_or_chmodded_through_a_symlink(tmp_path: Path) -> None:
    victim = _victim(tmp_path)
    link = tmp_path / "requests.log"
    link.symlink_to(victim)
    code = ("import dshell.client as docker\n"
            "c = docker.client(transport=docker.MockTransport(lambda r: docker.MockResponse(200, b'OK')),"
            " api_version='v1.41')\n"
            "print(docker.invoke(c, {'op': 'SystemPing'}), docker.invoke(c, {'op': 'SystemPing'}))\n")
    done = subprocess.run([sys.executable, "-c", code], env={**os.environ, "DSHELL_REQUEST_LOG": str(link)},
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.stdout.strip() == "b'OK' b'OK'", done.stderr
    assert "DSHELL_REQUEST_LOG" in done.stderr and "symlink" in done.stderr and done.stderr.count("\n") == 1
    assert victim.read_text() == "theirs\n" and victim.stat().st_mode & 0o777 == 0o644


def _shell(history_dir: Path, shell_home: Path) -> str:
    """Start the interactive shell (its own file history) with XDG_DATA_HOME's dshell folder as given, type two
    lines, and return what it printed."""
    console = Console(file=io.StringIO(), width=120, color_system=None)
    with create_pipe_input() as pipe:
        shell = Shell(Session(Config(endpoint=NOWHERE, api_version="v1.41"), results_file=None), input=pipe,
                      output=DummyOutput(), console=console)
        pipe.send_text("help\rhelp\r")
        pipe.close()
        shell.run()
    return console.file.getvalue()  # type: ignore[attr-defined]


@contextmanager
def _mounted(where: Path, options: str) -> Iterator[Path]:
    where.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], check=True)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


@pytest.mark.parametrize("case", ["folder", "read-only", "full"])
def test_an_unwritable_history_is_said_once_and_the_shell_goes_on(shell_home: Path, case: str) -> None:
    data = shell_home / "data" / "dshell"
    if case == "folder":
        (data / "history").mkdir(parents=True)
        out = _shell(data, shell_home)
    elif case == "read-only":
        with _mounted(data, "ro,size=64k"):
            out = _shell(data, shell_home)
    else:
        with _mounted(data, "size=16k,mode=0700"):
            (data / "history").write_text("")
            filler = os.open(data / "filler", os.O_WRONLY | os.O_CREAT)
            with pytest.raises(OSError, match="No space"):
                while True:
                    os.write(filler, b"x" * 4096)
            os.close(filler)
            out = _shell(data, shell_home)
    assert out.count("the command history is not saved") == 1, out
    assert out.count("ContainerList all=true") == 2  # both helps answered
    assert "Traceback" not in out and "internal error" not in out


def test_dshell_says_a_refused_data_folder_in_one_line_and_goes_on(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    (shared / "dshell").mkdir(parents=True)
    os.chown(shared / "dshell", OTHER, OTHER)
    env = {**os.environ, "XDG_DATA_HOME": str(shared), "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run([sys.executable, "-m", "dshell", "-H", NOWHERE, "--api-version", "v1.41", "-c", "help",
                           "-c", "_1"], env=env, capture_output=True, text=True, timeout=60, check=False)
    warning, error = done.stderr.splitlines()  # said once; then _1's own error line
    assert "results are no longer saved" in warning and error == "_1: no result 1 (no results yet)", done.stderr
    assert f"belongs to uid {OTHER}" in done.stderr and not any((shared / "dshell").iterdir())
