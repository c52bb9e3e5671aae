"""Control characters made visible: what a daemon, a container or an image sent is shown, never obeyed.

A label ``\\x1b]0;PWNED\\x07`` would set the terminal's title, ``\\x1b]52;c;…\\x07`` write the clipboard,
``\\x1b[2J`` clear the screen, U+202E reverse the text after it. Every string from the daemon passes through
``visible`` where it becomes a cell, a tree node, a text body, an error line or a toolbar's text: C0 controls
as caret notation (``^[``, ``^G``, as prompt_toolkit's completion menu shows them), DEL as ``^?``, C1 controls
and the bidirectional overrides and isolates as ``<U+009B>``. Line feeds and tabs stay (text bodies keep their
lines; tables turn line feeds into ``⏎`` themselves). Logs and attach pass the container's own output raw, as
docker does.
"""

from __future__ import annotations

import re

_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return "^" + chr(code + 0x40)
    if code == 0x7F:
        return "^?"
    return f"<U+{code:04X}>"


def visible(text: str) -> str:
    """``text`` with every control character but line feed and tab, and every bidi control, made visible."""
    if text.isprintable() or not _CONTROLS.search(text):  # the first test is the quick one, for most text
        return text
    return _CONTROLS.sub(_shown, text)


def visible_line(text: str) -> str:
    """``text`` made visible, on one line: line feeds as ``⏎`` (a table cell, a tree's key, a title)."""
    return text if text.isprintable() else visible(text).replace("\n", "⏎")
