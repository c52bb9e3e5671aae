"""``dshell -c`` does what it was asked and no more: no completion prefetch, no rich for a text answer, none of
the standard library's heavy modules (start-up was 6.7x `docker version`), and the text it prints is what rich
printed into a pipe."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from dshell.explorer import History, render
from tests.replaydaemon import ReplayDaemon

from .tmux import REPO

HEAVY = ("rich", "dataclasses", "inspect", "argparse", "shutil", "locale", "pathlib", "urllib.parse", "ipaddress",
         "pickle", "datetime", "signal", "shlex", "typing")
"""What a one-shot op call does without: each costs a ``dshell -c`` more than dshell's own work on it."""
PROBE = f"""
import sys
from dshell.__main__ import main
status = main(sys.argv[1:])
print(" ".join(m for m in {HEAVY!r} if m in sys.modules) or "none heavy")
sys.exit(status)
"""


def test_a_one_shot_ping_asks_nothing_else_and_loads_nothing_heavy(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)}
    with ReplayDaemon(tmp_path / "d.sock", {}) as daemon:
        ping = ["-c", PROBE, "-H", daemon.uri, "-c", "SystemPing"]
        warm = subprocess.run([sys.executable, *ping], cwd=REPO, env=env, capture_output=True, text=True,
                              timeout=60, check=False)  # the spec cache made, as after any first run
        seen = len(daemon.seen)
        # without site: what this interpreter's site-packages load at start (here: pathlib, shutil) is not
        # counted, and nothing outside the standard library may load
        done = subprocess.run([sys.executable, "-S", *ping], cwd=REPO, env=env, capture_output=True, text=True,
                              timeout=60, check=False)
        asked = list(daemon.seen)[seen:]
    assert warm.returncode == 0 and done.returncode == 0, warm.stderr + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("[2] SystemPing  200  ") and lines[1:] == ["OK", "none heavy"]
    assert asked and not [request for request in asked if "/containers/" in request or "/images/" in request]


@pytest.mark.parametrize("text", ["OK", "", "a\nb\n", "  spaced  \n", "\x1b]0;PWNED\x07", "wide 中文 😀", "x\r\ny",
                                  "\n".join(f"line {i}" for i in range(500)), "y" * 150_000])
@pytest.mark.parametrize("status", [200, 304, None])
def test_a_text_result_printed_without_rich_is_what_rich_printed_into_a_pipe(text: str, status: int | None) -> None:
    result = History(None).add("ContainerStop" if status == 304 else "SystemPing", {}, status, 0.0123, text)
    view = render(result)
    assert view.plain_text is not None
    piped = io.StringIO()
    Console(file=piped, width=10_000, soft_wrap=True, force_terminal=False).print(view)
    assert view.plain_text() + "\n" == piped.getvalue()


def test_tables_logs_and_failures_still_go_through_rich() -> None:
    history = History(None)
    assert render(history.add("ContainerList", {}, 200, 0.1, [{"Id": "x"}])).plain_text is None
    assert render(history.add("ContainerLogs", {}, 200, 0.1, "a log\n")).plain_text is None
    assert render(history.add("SystemPing", {}, 500, 0.1, "boom", "boom")).plain_text is None
