"""More panes than the screen holds: those that do not fit fold into one list line and the prompt stays (it
said "Window too small..." over the whole screen with 19 panes, until a blind ^W x)."""

from __future__ import annotations

import re

import pytest

from dshell.shell.panes.layout import PaneArea
from dshell.shell.panes.model import StreamPane

PANES = 16


@pytest.mark.engine
def test_panes_that_do_not_fit_fold_and_the_prompt_stays(term) -> None:
    term.tmux("resize-window", "-t", "main", "-x", "100", "-y", "24")
    for n in range(1, PANES + 1):
        term.run("watch 60 SystemPing")
        term.wait(rf"\[{n}\] watch 60s SystemPing")
    screen = term.screen()
    assert "too small" not in screen.lower()
    assert re.search(r"\+\d+ more panes: \[\d+\] watch", screen), screen
    term.run("SystemPing")  # the prompt answers, its reply under the panes
    term.wait(r"^dshell>\s*$")
    term.keys("C-w", "Up")
    term.wait(rf"\[{PANES - 1}\] watch 60s SystemPing")
    assert "too small" not in term.screen().lower()
    term.tmux("resize-window", "-t", "main", "-x", "100", "-y", "12")  # room for the prompt alone
    term.wait(r"^dshell>")
    assert "too small" not in term.screen().lower()


class _Feed:
    def start(self) -> None: ...
    def close(self) -> None: ...


@pytest.mark.parametrize(("rows", "columns", "side", "shown"), [(24, 100, False, 6), (40, 100, False, 14),
                                                                  (200, 100, False, 19), (24, 80, True, 6),
                                                                  (12, 80, False, 0), (11, 80, True, 0)])
def test_the_panes_shown_fit_and_hold_the_selected_one(rows: int, columns: int, side: bool, shown: int) -> None:
    area = PaneArea(rows=lambda: rows, columns=lambda: columns, below=lambda: 10)
    area.side_by_side = side
    for n in range(19):
        area.open(StreamPane(f"p{n}"), _Feed())  # type: ignore[arg-type]
    for selected in (0, 9, 18):
        area.selected = selected
        visible = area.shown()
        assert len(visible) == shown
        assert not visible or area.views[selected] in visible
