"""The pager: which one, its flags, and that keys typed ahead never reach it (a real pty, a real less)."""

from __future__ import annotations

import sys
import time

import pexpect

from dshell.shell.output import DEFAULT_PAGER, pager_command, pager_env

from .tmux import REPO

PAGE = """
import io, sys, time
from rich.console import Console
from dshell.shell.output import Printer
time.sleep(1.0)  # the keys typed meanwhile wait in the terminal's input queue
console = Console(force_terminal=True, width=80, height=24)
Printer(console, pager="always").body("\\n".join(f"line {n}" for n in range(200)))
print("pager done")
"""


def test_dshell_pager_then_pager_then_less_keeping_the_screen(monkeypatch):
    monkeypatch.delenv("DSHELL_PAGER", raising=False)
    monkeypatch.delenv("PAGER", raising=False)
    assert pager_command() == ["less", "-F", "-R", "-X"] == DEFAULT_PAGER.split()
    monkeypatch.setenv("PAGER", "more")
    assert pager_command() == ["more"]
    monkeypatch.setenv("DSHELL_PAGER", "less -S")
    assert pager_command() == ["less", "-S"]
    monkeypatch.delenv("LESS", raising=False)
    assert pager_env()["LESSSECURE"] == "1" and pager_env()["LESS"] == "FRX"


def test_keys_typed_while_a_result_renders_never_reach_the_pager(tmp_path):
    work, home = tmp_path / "work", tmp_path / "home"
    work.mkdir()
    home.mkdir()
    env = {"PATH": "/usr/bin:/bin", "TERM": "xterm", "PYTHONPATH": str(REPO), "HOME": str(home)}
    child = pexpect.spawn(sys.executable, ["-c", PAGE], cwd=str(work), env=env, dimensions=(24, 80),
                          encoding="utf-8", timeout=15)
    try:
        child.send("slogged.txt\r")  # `s` + a name + Enter makes less save its input to that file
        child.expect("line 0")
        time.sleep(0.5)
        child.send("q")
        child.expect("pager done")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert list(work.iterdir()) == []  # no file written where the user works


class Counted:
    """200,000 lines, rendered lazily, counting how many were asked for."""

    def __init__(self) -> None:
        self.made = 0

    def __rich_console__(self, console, options):
        from rich.segment import Segment

        for n in range(200_000):
            self.made += 1
            yield Segment(f"row {n}")
            yield Segment.line()


def test_the_rendering_streams_through_the_pager_and_stops_when_it_quits(monkeypatch, tmp_path):
    import io

    from rich.console import Console

    from dshell.shell.output import Printer

    seen = tmp_path / "seen.txt"
    monkeypatch.setenv("DSHELL_PAGER", f"sh -c 'head -n 3 > {seen}'")  # a user who quits after a glance
    body = Counted()
    Printer(Console(file=io.StringIO(), force_terminal=True, width=80, height=24), pager="always").body(body)
    assert seen.read_text() == "row 0\nrow 1\nrow 2\n"
    assert body.made < 50_000  # not rendered whole first: what the pager never read was never made
