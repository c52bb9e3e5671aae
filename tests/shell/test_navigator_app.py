"""The navigator application driven by keys through a pipe (the tmux tests drive the real dshell)."""

from __future__ import annotations

import io

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output.vt100 import Vt100_Output

from dshell.explorer import Browser
from dshell.shell.navigator.app import navigate
from tests.explorer.test_browse import rows

DOWN, ESC = "\x1b[B", "\x1b"


class Screen(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(keys: str, value=None, op: str = "ContainerList") -> tuple[str | None, Browser, str]:
    browser = Browser(7, rows() if value is None else value, op)
    out = Screen()
    output = Vt100_Output(out, lambda: __import__("prompt_toolkit").data_structures.Size(rows=20, columns=120),
                          term="xterm")
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        chosen = navigate(browser, "_7 ContainerList", input=pipe, output=output)
    return chosen, browser, out.getvalue()


def test_filter_drill_and_yank_the_path():
    chosen, browser, _ = run("jj/redis\r\r/Con\r\r\ry")
    assert chosen == "_7[0].Config.Env[0]"
    assert browser.levels[0].status() == "4 of 12 rows  /redis"


def test_escape_restores_the_filter_and_q_leaves_with_nothing():
    chosen, browser, _ = run("/web-1\r/web-11" + ESC + "q")
    assert chosen is None and browser.level.query == "web-1" and browser.level.count() == 3


def test_sort_columns_and_back():
    chosen, browser, _ = run("llllll" + "ss" + "c" + "\x15" + "NAMES,State\r" + "\r\x7fy")
    level = browser.levels[0]
    assert [c.header for c in level.columns] == ["NAMES", "State"]
    assert level.sort == ("NAMES", True)  # the sorted column is still shown, so is its order
    assert level.cursor == 11 and chosen == "_7[0]"  # the cursor stayed on its row (web-0), now last


def test_text_search_moves_with_n_and_N():
    text = "".join(f"{i} {'hit' if i % 10 == 3 else 'miss'}\n" for i in range(100))
    chosen, browser, _ = run("/hit\rnnN" + "y", text, "ContainerLogs")
    assert browser.level.cursor == 13 and chosen == "_7"


def test_copy_is_osc_52_on_the_users_key_only():
    chosen, _, screen = run("\ry", [{"Name": "a\x1b]0;x\x07", "n": 1}], "Unknown")
    assert "\x1b]52" not in screen
    chosen, _, screen = run("\r" + "Y" + "q", [{"Name": "a\x1b]0;x\x07", "n": 1}], "Unknown")
    import base64

    sent = screen.split("\x1b]52;c;")[1].split("\x07")[0]
    assert base64.b64decode(sent).decode() == "a\x1b]0;x\x07"  # the value, encoded: nothing reaches the terminal raw
    assert "\x1b]0;x" not in screen.replace("\x1b]52;c;" + sent, "")


@pytest.mark.parametrize("keys", ["q", "\x03"])
def test_q_and_ctrl_c_leave_the_alternate_screen(keys):
    _, _, screen = run(keys)
    assert screen.index("\x1b[?1049h") < screen.rindex("\x1b[?1049l")


def test_each_key_of_a_text_search_searches_from_where_it_began():
    text = "".join(f"{i}\n" for i in range(1, 400))
    _, browser, _ = run("G/^29.?$\r" + "y", text, "ContainerLogs")
    assert browser.level.cursor == 28  # line 29: nothing below the end, so the first from the top
    _, browser, _ = run("G/^29.?$\x1b" + "y", text, "ContainerLogs")
    assert browser.level.cursor == 398 and browser.level.query == ""  # Escape: back where it began
