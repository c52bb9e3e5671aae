"""Notebook HTML: plain HTML with inline CSS, no script, for JupyterLab, classic Notebook and VS Code alike.

Renderables with a notebook form give it from ``__html__``; ``html_of`` asks them. The styles use
``currentColor`` and opacity so that light and dark themes both read well.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

MONO = "font-family:Menlo,'DejaVu Sans Mono',Consolas,'Courier New',monospace;font-size:12px;line-height:1.4"
DIM = "opacity:.6"
RED = "#d43c3c"
COLOURS = {"key": "#3b7dd8", "str": "#3a9a45", "number": "#c0761a", "literal": "#a35cc4"}
STDOUT = "border-left:3px solid transparent;padding-left:.5em"
STDERR = f"color:{RED};border-left:3px solid {RED};padding-left:.5em"
BADGE = f"font-size:80%;border:1px solid {RED};border-radius:3px;padding:0 3px"
ERROR = f"{MONO};color:{RED};background:rgba(212,60,60,.1);border-left:3px solid {RED};padding:2px 8px"
_CELL = "padding:1px 1.5em 1px 0;text-align:"
_NOWRAP = "white-space:nowrap"
_WRAP = "white-space:normal;min-width:16em"
_HEAD = "border-bottom:1px solid rgba(128,128,128,.6);font-weight:bold;" + _CELL


def escape(text: str) -> str:
    """``text`` safe inside HTML elements and quoted attributes."""
    from html import escape as html_escape  # here: the terminal, which imports this module, needs no html

    return html_escape(text, quote=True)


def table(
    headers: Sequence[str],
    right: Sequence[bool],
    rows: Iterable[Sequence[str]],
    shown: int,
    more: int,
    titles: Sequence[Sequence[str]] | None = None,
    *,
    head: bool = True,
    wraps: Sequence[bool] | None = None,
) -> str:
    """A ``<table>`` (full cells, a header row unless not ``head``, right-aligned columns where ``right``) and its
    row count; ``titles``, when given, are the cells' hover texts (their paths). A cell stays on one line (IDs,
    names, times, statuses: the table scrolls sideways) unless its column ``wraps`` (free text), each cell saying
    so itself, since notebook styles set ``white-space`` on cells."""
    align = ["right" if r else "left" for r in right]
    wrapping = wraps or [False] * len(align)
    styles = [f"{_CELL}{a};{_WRAP if w else _NOWRAP}" for a, w in zip(align, wrapping, strict=True)]
    cells = "".join(f'<th style="{_HEAD}{a};{_NOWRAP}">{escape(h)}</th>' for h, a in zip(headers, align, strict=True))
    thead = f"<thead><tr>{cells}</tr></thead>" if head else ""
    if titles is None:
        opens = [f'<td style="{style}">' for style in styles]
        body = "".join(
            "<tr>" + "".join(o + escape(cell) + "</td>" for o, cell in zip(opens, row, strict=True)) + "</tr>"
            for row in rows
        )
    else:
        body = "".join(
            "<tr>" + "".join(f'<td style="{style}" title="{escape(t)}">{escape(cell)}</td>'
                             for style, cell, t in zip(styles, row, hover, strict=True)) + "</tr>"
            for row, hover in zip(rows, titles, strict=True)
        )
    total = shown + more
    count = f"{total:,} row{'' if total == 1 else 's'}"
    if more:
        count += f", the first {shown:,} shown (… {more:,} more rows)"
    return (f'<div style="overflow-x:auto"><table style="border-collapse:collapse;white-space:nowrap;{MONO}">'
            f"{thead}<tbody>{body}</tbody></table>"
            f'<div style="{DIM};{MONO}">{count}</div></div>')


def scalar(value: Any, chars: int) -> str:
    """A scalar coloured like JSON (strings quoted, cut after ``chars``); bytes and empty containers summed up."""
    if isinstance(value, bytes | bytearray):
        text, kind = f"<{len(value)} bytes>", ""
    elif isinstance(value, dict | list | tuple):
        text, kind = ("{}" if isinstance(value, dict) else "[]"), ""
    elif value is None or isinstance(value, bool):
        text, kind = json.dumps(value), "literal"
    elif isinstance(value, int | float):
        text, kind = json.dumps(value), "number"
    else:
        text = json.dumps(str(value), ensure_ascii=False)
        text, kind = (text if len(text) <= chars else text[: chars - 1] + "…"), "str"
    colour = COLOURS.get(kind)
    return f'<span style="color:{colour}">{escape(text)}</span>' if colour else escape(text)


def key(label: str) -> str:
    """A tree node's key."""
    return f'<span style="color:{COLOURS["key"]}">{escape(label)}</span>'


def error_line(text: str) -> str:
    """One highlighted line for a failure."""
    return f'<div style="{ERROR}">{escape(text)}</div>'
