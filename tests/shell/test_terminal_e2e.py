"""The terminal in a real tmux against the real engine: pager, history search, completion, first prompt."""

from __future__ import annotations

from pathlib import Path

import pytest

from .tmux import Terminal

pytestmark = pytest.mark.engine


@pytest.fixture
def paged(env):
    """dshell with the default pager setting (auto) and no pager chosen in the environment."""
    (Path(env["HOME"]) / ".config" / "dshell" / "config.yaml").write_text("pager: auto\n")
    terminal = Terminal({k: v for k, v in env.items() if k not in ("PAGER", "DSHELL_PAGER", "LESS")})
    terminal.start()
    yield terminal
    terminal.close()


def test_the_pagers_output_stays_on_screen_after_q(paged):
    paged.run("ops")  # taller than the screen: less shows it
    paged.wait(r"^ContainerList\s+containers")
    paged.wait(r"^:\s*$")  # less's prompt
    paged.keys("q")
    paged.wait(r"^dshell>\s*$")
    screen = paged.screen()
    assert "ContainerList" in screen and screen.rstrip().splitlines()[-2:] != []
    before_prompt = screen[: screen.rindex("dshell>")]
    assert "ContainerCreate" in before_prompt  # the page is still there, above the new prompt


def test_ctrl_r_then_enter_runs_the_line_found(term):
    term.run("SystemPing")
    term.wait(r"^\[1\] SystemPing\s+200")
    term.run("SystemVersion")
    term.wait(r"^\[2\] SystemVersion\s+200")
    term.keys("C-r")
    term.type("Pin")
    term.wait(r"I-search backward: Pin")
    term.keys("Enter")
    term.wait(r"^\[3\] SystemPing\s+200")
    term.run("history")
    term.wait(r"^_3\s+SystemPing")


def test_a_unique_completion_is_inserted_and_the_menu_closes(term):
    term.type("SystemVersi")
    term.wait(r"SystemVersion\s+version · ")  # the menu, while typing
    term.keys("Tab")
    term.wait(r"^dshell> SystemVersion\s*$")
    assert "version · " not in term.screen().split("dshell> SystemVersion")[-1]  # the menu is closed
    term.keys("Enter")  # one Enter runs it
    term.wait(r"^\[1\] SystemVersion\s+200")


def test_an_op_prefix_never_completes_to_a_category(term):
    term.type("Contai")
    term.keys("Tab")
    term.wait(r"^dshell> Container\w*\s*$")
    assert "dshell> containers" not in term.screen()


def test_a_completed_body_key_takes_no_second_colon(term):
    term.type("VolumeCreate {Nam")
    term.keys("Tab")
    term.wait(r"^dshell> VolumeCreate \{Name:\s*$")
    term.type(":x")
    term.wait(r"^dshell> VolumeCreate \{Name: x\s*$")


def test_the_first_prompt_of_a_new_user_says_what_to_type(env):
    first = Terminal(env)
    first.start()
    try:
        first.wait(r"type help to see the commands, try ContainerList, Tab completes")
        first.run("exit")
    finally:
        first.close()
    again = Terminal(env)
    again.start()
    try:
        assert "try ContainerList" not in again.screen()
    finally:
        again.close()
