"""Nested data as a rich tree, bounded in children per node and in nodes overall."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from . import _html as H
from ._format import ellipsis, type_label
from ._paths import Step, format_step
from ._visible import visible, visible_line

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult
    from rich.style import Style
    from rich.text import Text

NODES_PER_LIMIT = 10
"""A tree shows at most `limit * NODES_PER_LIMIT` nodes in all."""
SCALAR_CHARS = 1000
"""Strings longer than this are cut in tree leaves."""
FOLD_PAST = 8
"""In a notebook, a branch with more children than this starts folded (the top level is always open)."""
_INDENT = "margin-left:.45em;padding-left:1.1em;border-left:1px solid rgba(128,128,128,.35)"
_LEAF = "padding-left:1em"
_PATH = "opacity:.45;font-size:85%;margin-left:.6em"


def scalar_parts(value: Any) -> tuple[str, str]:
    """(text, style) of a scalar styled like JSON (strings quoted); bytes and empty containers summarized."""
    if isinstance(value, bytes | bytearray):
        return f"<{len(value)} bytes>", "dim"
    if isinstance(value, dict | list | tuple):
        return "{}" if isinstance(value, dict) else "[]", "json.brace"
    if isinstance(value, bool):
        return json.dumps(value), "json.bool_true" if value else "json.bool_false"
    if value is None:
        return "null", "json.null"
    if isinstance(value, int | float):
        return json.dumps(value), "json.number"
    return visible(ellipsis(json.dumps(str(value), ensure_ascii=False), SCALAR_CHARS)), "json.str"


def scalar_text(value: Any) -> Text:
    """A scalar styled like JSON (strings quoted); bytes and empty containers summarized."""
    from rich.text import Text

    text, style = scalar_parts(value)
    return Text(text, style=style)


def _steps(value: Any) -> Iterable[tuple[str, Step, Any]]:
    """(label, path step, child) for each child of a dict or list."""
    if isinstance(value, dict):
        return ((visible_line(ellipsis(str(key), SCALAR_CHARS)), str(key), item) for key, item in value.items())
    return ((f"[{i}]", i, item) for i, item in enumerate(value))


_GUIDES = ("    ", "│   ", "├── ", "└── ")  # rich's tree guides: space, line, branch, last branch
_END = object()


class DataTree:
    """Dicts and lists as a tree of `key: value` leaves; `limit` bounds children per node (None: all).

    In a notebook branches fold, and with a `root` (`_3`) each node says its drill-down path (`_3.Config.Env[0]`)."""

    def __init__(
        self, value: dict[str, Any] | list[Any] | tuple[Any, ...], limit: int | None = None, root: str | None = None
    ) -> None:
        self.value = value
        self.limit = limit
        self.root = root

    def _budget(self) -> float:
        return float("inf") if self.limit is None else self.limit * NODES_PER_LIMIT

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """One line at a time (no tree is built first): a huge result streams to a pager in small memory."""
        from rich.cells import cell_len
        from rich.segment import Segment
        from rich.text import Text

        styles: dict[str, Style] = {}

        def style(name: str) -> Style:
            if name not in styles:
                styles[name] = console.get_style(name, default="")
            return styles[name]

        width = options.max_width
        for prefix, more, parts in self._nodes():
            room = width - len(prefix)
            if sum(cell_len(text) for text, _ in parts) <= room or room < 8:
                yield Segment(prefix, style("dim"))
                for text, name in parts:
                    yield Segment(text, style(name))
                yield Segment.line()
                continue
            for n, line in enumerate(Text.assemble(*parts).wrap(console, room)):
                yield Segment(prefix if n == 0 else more, style("dim"))
                yield from line.render(console, end="")
                yield Segment.line()

    def _nodes(self) -> Iterator[tuple[str, str, list[tuple[str, str]]]]:
        """(guide, guide of continuation lines, (text, style) parts) for each node in order, depth first,
        within the limits; the top level has no guides, as in rich's tree with a hidden root."""
        limit, budget = self.limit, self._budget()
        stack: list[list[Any]] = [[iter(_steps(self.value)), len(self.value), 0, None]]  # None: the top
        while stack:
            frame = stack[-1]
            it, size, count, prefix = frame
            item: Any = next(it, _END)
            if item is _END:
                stack.pop()
                continue
            if budget <= 0 or (limit is not None and count >= limit):
                stack.pop()
                top = prefix is None
                guide = "" if top else prefix + _GUIDES[3]
                yield guide, "" if top else prefix + _GUIDES[0], [(f"… {size - count} more", "dim")]
                continue
            frame[2] = count + 1
            budget -= 1
            label, _, value = item
            last = count + 1 == size
            if prefix is None:
                head = inner = ""
            else:
                head, inner = prefix + _GUIDES[3 if last else 2], prefix + _GUIDES[0 if last else 1]
            if isinstance(value, dict | list | tuple) and value:
                yield head, inner, [(label, "json.key"), (f" {type_label(value)}", "dim")]
                stack.append([iter(_steps(value)), len(value), 0, inner])
            else:
                yield head, inner, [(label, "json.key"), (": ", ""), scalar_parts(value)]

    def __html__(self) -> str:
        parts: list[str] = []
        self._html(parts, self.value, self.root, self._budget())
        return f'<div style="{H.MONO}">{"".join(parts)}</div>'

    def _html(self, out: list[str], value: Any, path: str | None, budget: float) -> float:
        """Append `value`'s children as HTML to `out`, as `_nodes` does for the terminal; returns the budget left."""
        for count, (label, step, item) in enumerate(_steps(value)):
            if budget <= 0 or (self.limit is not None and count >= self.limit):
                out.append(f'<div style="{H.DIM}">… {len(value) - count} more</div>')
                break
            budget -= 1
            here = None if path is None else path + format_step(step)
            title = "" if here is None else f' title="{H.escape(here)}"'
            if isinstance(item, list) and item and all(isinstance(row, dict) for row in item):
                budget = self._table(out, label, item, here, budget)
            elif isinstance(item, dict | list | tuple) and item:
                opened = " open" if len(item) <= FOLD_PAST else ""
                shown = "" if here is None else f' <span style="{_PATH}">{H.escape(here)}</span>'
                out.append(f'<details{opened}><summary{title}>{H.key(label)} '
                           f'<span style="{H.DIM}">{type_label(item)}</span>{shown}</summary><div style="{_INDENT}">')
                budget = self._html(out, item, here, budget)
                out.append("</div></details>")
            else:
                out.append(f'<div style="{_LEAF}"{title}>{H.key(label)}: {H.scalar(item, SCALAR_CHARS)}</div>')
        return budget

    def _table(self, out: list[str], label: str, rows: list[dict[str, Any]], path: str | None, budget: float) -> float:
        """A list of objects as a branch holding a table (a unit of `budget` per row shown), each cell's title its
        path; returns the budget left."""
        from ._tables import generic_columns

        room = len(rows) if self.limit is None else min(len(rows), self.limit)
        shown = rows[: max(1, min(room, int(min(budget, room))))]
        columns = generic_columns(shown)
        titles = None if path is None else [[f"{path}[{n}]{format_step(c.header)}" for c in columns]
                                             for n in range(len(shown))]
        where = "" if path is None else f' title="{H.escape(path)}"'
        beside = "" if path is None else f' <span style="{_PATH}">{H.escape(path)}</span>'
        opened = " open" if len(rows) <= FOLD_PAST else ""
        out.append(f'<details{opened}><summary{where}>{H.key(label)} <span style="{H.DIM}">{type_label(rows)}</span>'
                   f'{beside}</summary><div style="{_INDENT}">')
        out.append(H.table([c.header for c in columns], [c.justify == "right" for c in columns],
                           [[c.cell(row) for c in columns] for row in shown], len(shown), len(rows) - len(shown),
                           titles))
        out.append("</div></details>")
        return budget - len(shown)
