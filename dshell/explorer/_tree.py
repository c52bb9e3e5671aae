"""Nested data as a rich tree, bounded in children per node and in nodes overall."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from . import _html as H
from ._format import ellipsis, type_label
from ._paths import Step, format_step

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult
    from rich.text import Text
    from rich.tree import Tree

NODES_PER_LIMIT = 10
"""A tree shows at most `limit * NODES_PER_LIMIT` nodes in all."""
SCALAR_CHARS = 1000
"""Strings longer than this are cut in tree leaves."""
FOLD_PAST = 8
"""In a notebook, a branch with more children than this starts folded (the top level is always open)."""
_INDENT = "margin-left:.45em;padding-left:1.1em;border-left:1px solid rgba(128,128,128,.35)"
_LEAF = "padding-left:1em"
_PATH = "opacity:.45;font-size:85%;margin-left:.6em"


def scalar_text(value: Any) -> Text:
    """A scalar styled like JSON (strings quoted); bytes and empty containers summarized."""
    from rich.text import Text

    if isinstance(value, bytes | bytearray):
        return Text(f"<{len(value)} bytes>", style="dim")
    if isinstance(value, dict | list | tuple):
        return Text("{}" if isinstance(value, dict) else "[]", style="json.brace")
    if isinstance(value, bool):
        return Text(json.dumps(value), style="json.bool_true" if value else "json.bool_false")
    if value is None:
        return Text("null", style="json.null")
    if isinstance(value, int | float):
        return Text(json.dumps(value), style="json.number")
    return Text(ellipsis(json.dumps(str(value), ensure_ascii=False), SCALAR_CHARS), style="json.str")


def _steps(value: Any) -> Iterable[tuple[str, Step, Any]]:
    """(label, path step, child) for each child of a dict or list."""
    if isinstance(value, dict):
        return ((str(key), str(key), item) for key, item in value.items())
    return ((f"[{i}]", i, item) for i, item in enumerate(value))


class DataTree:
    """Dicts and lists as a tree of `key: value` leaves; `limit` bounds children per node (None: all).

    In a notebook each node is foldable and says its drill-down path from `root` (`_3.Config.Env[0]`)."""

    def __init__(
        self, value: dict[str, Any] | list[Any] | tuple[Any, ...], limit: int | None = None, root: str = "_"
    ) -> None:
        self.value = value
        self.limit = limit
        self.root = root

    def _budget(self) -> float:
        return float("inf") if self.limit is None else self.limit * NODES_PER_LIMIT

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.tree import Tree

        root = Tree("", hide_root=True, guide_style="dim")
        self._fill(root, self.value, self._budget())
        yield root

    def __html__(self) -> str:
        parts: list[str] = []
        self._html(parts, self.value, self.root, self._budget())
        return f'<div style="{H.MONO}">{"".join(parts)}</div>'

    def _html(self, out: list[str], value: Any, path: str, budget: float) -> float:
        """Append `value`'s children as HTML to `out`, as `_fill` does for the terminal; returns the budget left."""
        for count, (label, step, item) in enumerate(_steps(value)):
            if budget <= 0 or (self.limit is not None and count >= self.limit):
                out.append(f'<div style="{H.DIM}">… {len(value) - count} more</div>')
                break
            budget -= 1
            where = H.escape(path + format_step(step))
            if isinstance(item, dict | list | tuple) and item:
                opened = " open" if len(item) <= FOLD_PAST else ""
                out.append(f'<details{opened}><summary title="{where}">{H.key(label)} '
                           f'<span style="{H.DIM}">{type_label(item)}</span> <span style="{_PATH}">{where}</span>'
                           f'</summary><div style="{_INDENT}">')
                budget = self._html(out, item, path + format_step(step), budget)
                out.append("</div></details>")
            else:
                out.append(f'<div style="{_LEAF}" title="{where}">{H.key(label)}: {H.scalar(item, SCALAR_CHARS)}</div>')
        return budget

    def _fill(self, node: Tree, value: Any, budget: float) -> float:
        """Add `value`'s children under `node`, one unit of `budget` per node; returns the budget left."""
        from rich.text import Text

        for count, (label, _, item) in enumerate(_steps(value)):
            if budget <= 0 or (self.limit is not None and count >= self.limit):
                node.add(Text(f"… {len(value) - count} more", style="dim"))
                break
            budget -= 1
            if isinstance(item, dict | list | tuple) and item:
                branch = node.add(Text.assemble((label, "json.key"), (f" {type_label(item)}", "dim")))
                budget = self._fill(branch, item, budget)
            else:
                node.add(Text.assemble((label, "json.key"), ": ", scalar_text(item)))
        return budget
