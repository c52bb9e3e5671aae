"""Start-up in a real pty: ``--exit-at-prompt`` (what bench/bench_shell.py times) shows the prompt and leaves
cleanly, so the bench measures a start, not a crash."""

from __future__ import annotations

import sys

import pexpect

from .tmux import REPO


def test_exit_at_prompt_shows_the_prompt_and_exits_cleanly(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "TERM": "xterm", "PYTHONPATH": str(REPO), "HOME": str(tmp_path),
           "XDG_DATA_HOME": str(tmp_path / "data"), "PROMPT_TOOLKIT_NO_CPR": "1"}
    child = pexpect.spawn(sys.executable, ["-m", "dshell", "--exit-at-prompt", "-H", "unix:///tmp/dsh-no-such.sock"],
                          env=env, dimensions=(40, 120), encoding="utf-8", timeout=30)
    child.expect(pexpect.EOF)
    child.close()
    assert "dshell> " in child.before
    assert "Traceback" not in child.before and "Exception" not in child.before
    assert child.exitstatus == 0
