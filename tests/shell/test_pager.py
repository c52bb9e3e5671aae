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


LONG = """
import sys
from rich.console import Console
from rich.segment import Segment
from dshell.shell.output import Printer

class Lines:
    made = 0
    def __rich_console__(self, console, options):
        for n in range(2_000_000):
            Lines.made += 1
            yield Segment(f"row {n}")
            yield Segment.line()

Printer(Console(force_terminal=True, width=80, height=24), pager=sys.argv[1]).body(Lines())
print(f"printer done after {Lines.made} rows")
"""


def _spawn(pager: str, tmp_path) -> pexpect.spawn:
    env = {"PATH": "/usr/bin:/bin", "TERM": "xterm", "PYTHONPATH": str(REPO), "HOME": str(tmp_path)}
    return pexpect.spawn(sys.executable, ["-c", LONG, pager], cwd=str(tmp_path), env=env, dimensions=(24, 80),
                         encoding="utf-8", timeout=30)


def test_ctrl_c_stops_a_long_output_without_pager_at_once(tmp_path):
    """Ctrl-C never lands inside a finalizer (it was ignored there and the output went on); it stops the lines."""
    child = _spawn("off", tmp_path)
    try:
        child.expect("row 1000")
        child.sendintr()
        child.expect(r"\(output stopped: Ctrl-C\)", timeout=5)
        child.expect(r"printer done after (\d+) rows", timeout=5)
        assert int(child.match.group(1)) < 1_500_000
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert "Traceback" not in child.before and "Exception ignored" not in child.before


def test_ctrl_c_in_less_seeking_the_end_leaves_less_to_quit(tmp_path):
    """less takes Ctrl-C (it stops seeking and stays); dshell waits for it to quit, then goes on."""
    child = _spawn("always", tmp_path)
    try:
        child.expect("row 0")
        child.send("G")
        time.sleep(0.5)
        child.sendintr()
        time.sleep(0.5)
        assert child.isalive()
        child.send("q")
        child.expect(r"printer done after \d+ rows", timeout=10)
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert "Traceback" not in (child.before or "")
