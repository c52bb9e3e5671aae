"""Nested data as a rich tree, bounded in children per node and in nodes overall."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ._format import ellipsis, type_label

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult
    from rich.text import Text
    from rich.tree import Tree

NODES_PER_LIMIT = 10
"""A tree shows at most `limit * NODES_PER_LIMIT` nodes in all."""
SCALAR_CHARS = 1000
"""Strings longer than this are cut in tree leaves."""


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


def _children(value: Any) -> Iterable[tuple[str, Any]]:
    if isinstance(value, dict):
        return ((str(key), item) for key, item in value.items())
    return ((f"[{i}]", item) for i, item in enumerate(value))


class DataTree:
    """Dicts and lists as a tree of `key: value` leaves; `limit` bounds children per node (None: all)."""

    def __init__(self, value: dict[str, Any] | list[Any] | tuple[Any, ...], limit: int | None = None) -> None:
        self.value = value
        self.limit = limit

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.tree import Tree

        root = Tree("", hide_root=True, guide_style="dim")
        self._fill(root, self.value, float("inf") if self.limit is None else self.limit * NODES_PER_LIMIT)
        yield root

    def _fill(self, node: Tree, value: Any, budget: float) -> float:
        """Add `value`'s children under `node`, one unit of `budget` per node; returns the budget left."""
        from rich.text import Text

        for count, (label, item) in enumerate(_children(value)):
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
