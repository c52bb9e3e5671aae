"""How a pane looks: its title bar and its visible lines as prompt_toolkit fragments."""

from __future__ import annotations

import time

from prompt_toolkit.formatted_text import ANSI, StyleAndTextTuples, to_formatted_text
from prompt_toolkit.formatted_text.utils import fragment_list_to_text
from prompt_toolkit.layout.controls import UIContent, UIControl

from dshell.explorer import visible_line

from .model import Line, StreamPane

NOTICE_SECONDS = 6.0


def highlight(text: str, style: str, pane: StreamPane) -> StyleAndTextTuples:
    """``text`` with each occurrence of the pane's search pattern marked."""
    pattern = pane.pattern or ""
    hay = text.lower() if pattern.islower() else text
    out: StyleAndTextTuples = []
    pos = 0
    while pattern and (found := hay.find(pattern, pos)) >= 0:
        out += [(style, text[pos:found]), (f"{style} class:pane.match", text[found:found + len(pattern)])]
        pos = found + len(pattern)
    out.append((style, text[pos:]))
    return out


def line_fragments(line: Line, pane: StreamPane, current: bool) -> StyleAndTextTuples:
    """A line's fragments: its colours (ANSI escapes included), search matches marked."""
    style = f"{line.style} class:pane.current" if current else line.style
    if "\x1b" in line.text:
        fragments = to_formatted_text(ANSI(line.text), style=style)
        if not pane.matches(line.text):
            return fragments
        return highlight(fragment_list_to_text(fragments), style, pane)
    if pane.pattern and pane.matches(line.text):
        return highlight(line.text, style, pane)
    return [(style, line.text)]


class PaneControl(UIControl):
    """Draws only the lines that fit (cheap however long the buffer); remembers the height for paging."""

    def __init__(self, pane: StreamPane) -> None:
        self.pane = pane

    def create_content(self, width: int, height: int) -> UIContent:
        pane = self.pane
        pane.page = max(1, height)
        start, lines = pane.visible(pane.page)
        rows = [line_fragments(line, pane, start + i == pane.match) for i, line in enumerate(lines)]
        return UIContent(get_line=lambda i: rows[i], line_count=len(rows), show_cursor=False)

    def is_focusable(self) -> bool:
        return False


class Notice:
    """A short message that fades after a few seconds (e.g. "kept as _7")."""

    def __init__(self) -> None:
        self._text, self._until = "", 0.0

    def set(self, text: str) -> None:
        """Show ``text`` for the next NOTICE_SECONDS."""
        self._text, self._until = text, time.monotonic() + NOTICE_SECONDS

    def get(self) -> str:
        """The notice while it shows, else ""."""
        return self._text if time.monotonic() < self._until else ""


def title_fragments(number: int, pane: StreamPane, selected: bool, notice: str) -> StyleAndTextTuples:
    """``[1] logs web  streaming  1234 lines  paused +56  /err``: the pane's title bar."""
    base = "class:pane.title.selected" if selected else "class:pane.title"
    state = "class:pane.title.bad" if pane.status.startswith("error") else "class:pane.title.state"
    out: StyleAndTextTuples = [(base, f" [{number}] {visible_line(pane.title)} "),
                               (f"{base} {state}", f" {visible_line(pane.status)} "),
                               (base, f" {pane.total} lines ")]
    if pane.paused:
        out.append((f"{base} class:pane.title.paused", f" paused +{pane.below()} "))
    if pane.pattern:
        out.append((base, f" /{pane.pattern}{'' if pane.match is not None else ' (no match)'} "))
    if notice:
        out.append((f"{base} class:pane.title.notice", f" {notice} "))
    return out
