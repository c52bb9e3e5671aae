"""How the navigator looks: the title bar, the visible lines of the current level, the hints or the input line."""

from __future__ import annotations

from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.layout.controls import UIContent, UIControl
from prompt_toolkit.styles import Style

from dshell.explorer import visible_line
from dshell.explorer._browse import Browser, Line, Screen

STYLE = Style.from_dict({
    "nav.title": "bg:#005f87 #ffffff",
    "nav.title.path": "bg:#005f87 #ffffff bold",
    "nav.title.note": "bg:#870000 #ffffff",
    "nav.header": "bold",
    "nav.header.column": "bold underline",
    "nav.current": "reverse",
    "nav.match": "bg:#af8700 #000000",
    "nav.stderr": "#ff8787",
    "nav.key": "",
    "nav.hints": "bg:#303030 #d0d0d0",
    "nav.hints.key": "bg:#303030 #ffffff bold",
    "nav.input": "bg:#303030 #ffffff",
})
HINTS = {
    "table": (("↑↓ PgUp/PgDn", "move"), ("←→", "column"), ("Enter", "open"), ("⌫", "back"), ("/", "filter"),
              ("s", "sort"), ("c", "columns"), ("y", "path"), ("Y", "copy"), ("q", "quit")),
    "tree": (("↑↓ PgUp/PgDn", "move"), ("Enter", "open"), ("⌫", "back"), ("/", "filter"), ("y", "path"),
             ("Y", "copy"), ("q", "quit")),
    "text": (("↑↓ PgUp/PgDn", "move"), ("/", "search"), ("n N", "next/previous"), ("⌫", "back"), ("y", "path"),
             ("Y", "copy line"), ("q", "quit")),
}


def line_fragments(line: Line) -> StyleAndTextTuples:
    """A line's fragments: its kind's colour, the matches marked, the cursor's line reversed."""
    base = {"stderr": "class:nav.stderr", "key": "class:nav.key"}.get(line.kind, "")
    if line.current:
        base += " class:nav.current"
    out: StyleAndTextTuples = []
    pos = 0
    for start, end in line.matches:
        if start < pos:
            continue
        out += [(base, line.text[pos:start]), (f"{base} class:nav.match", line.text[start:end])]
        pos = end
    out.append((base, line.text[pos:]))
    return out


def header_fragments(screen: Screen) -> StyleAndTextTuples:
    """A table's header: the column under the cursor underlined."""
    text = screen.header or ""
    if screen.cursor_column is None:
        return [("class:nav.header", text)]
    start, end = screen.cursor_column
    return [("class:nav.header", text[:start]), ("class:nav.header.column", text[start:end]),
            ("class:nav.header", text[end:])]


class LevelControl(UIControl):
    """Draws the current level's visible lines only (cheap however big the result)."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser

    def create_content(self, width: int, height: int) -> UIContent:
        screen = self.browser.level.screen(width, height)
        rows = ([header_fragments(screen)] if screen.header is not None else []) + [
            line_fragments(line) for line in screen.lines]
        rows = [[(style, visible_line(text)) for style, text, *_ in row] for row in rows]  # a daemon's words
        return UIContent(get_line=lambda i: rows[i], line_count=len(rows), show_cursor=False)

    def is_focusable(self) -> bool:
        return True


def title_fragments(browser: Browser, label: str) -> StyleAndTextTuples:
    """`_7 ContainerList  _7[3]  63 rows  sort NAMES ↑  /web`, then what the last gesture said."""
    level = browser.level
    out: StyleAndTextTuples = [("class:nav.title", f" {label}  "), ("class:nav.title.path", browser.path()),
                               ("class:nav.title", f"  {level.status()} ")]
    if level.note:
        out.append(("class:nav.title.note", f" {level.note} "))
    return out


def hint_fragments(kind: str) -> StyleAndTextTuples:
    """The keys of the level shown."""
    out: StyleAndTextTuples = []
    for keys, what in HINTS.get(kind, HINTS["text"]):
        out += [("class:nav.hints.key", f" {keys}"), ("class:nav.hints", f" {what} ")]
    return out
