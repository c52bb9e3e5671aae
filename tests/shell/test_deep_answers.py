"""A daemon's legal JSON nested 600 to 9,000 deep (Go's decoder allows 10,000): shown under -c, stored, read
back; no RecursionError anywhere (it lost the result with a traceback in the masking step)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.replaydaemon import ReplayDaemon

from .tmux import REPO


def _dshell(home: Path, uri: str, *inputs: str) -> subprocess.CompletedProcess[str]:
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "COLUMNS": "120"}
    argv = [sys.executable, "-m", "dshell", "-H", uri] + [arg for text in inputs for arg in ("-c", text)]
    return subprocess.run(argv, env=env, cwd=REPO, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("levels", [700, 950, 9000])
def test_a_deep_answer_is_shown_stored_and_read_back(tmp_path: Path, levels: int) -> None:
    body = b'{"Id": "deep", "Config": {"Env": ["DB_PASSWORD=hunter2"]}, "Nest": ' + b'{"a": ' * levels + \
        b'"bottom"' + b"}" * levels + b"}"
    with ReplayDaemon(tmp_path / "d.sock", {"/containers/deep/json": (200, body)}) as daemon:
        shown = _dshell(tmp_path, daemon.uri, "ContainerInspect deep", "_1.Id")
        again = _dshell(tmp_path, daemon.uri, "_1.Config.Env", "_1.Nest.a.a.a")
    for done in (shown, again):
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Traceback" not in done.stdout + done.stderr and "internal error" not in done.stdout
    assert "DB_PASSWORD=hunter2" in shown.stdout  # shown as sent, for the call that asked
    assert "DB_PASSWORD=***" in again.stdout and "hunter2" not in again.stdout
    stored = (tmp_path / ".local" / "share" / "dshell" / "results.jsonl").read_text()
    assert "hunter2" not in stored
    line = next(line for line in stored.splitlines() if '"ContainerInspect"' in line)
    assert line.count('{"a": ') == levels
