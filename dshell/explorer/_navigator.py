"""`cd` / `ls` / `pwd` over results: the location is `/` (all results) or a path into one result."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TYPE_CHECKING, Any

from dshell._frozen import Frozen, Record

from ._format import compact, type_label
from ._paths import PathError, Ref, format_step, parse_ref, parse_steps, select, walk

if TYPE_CHECKING:
    from rich.table import Table

    from ._paths import ResultSource
    from ._results import Result

LIST_LIMIT = 200
"""`ls` shows at most this many entries."""


class Entry(Record):
    """One line of an `ls`: the name to type, a type label, a one-line preview."""

    name: str
    kind: str
    preview: str


class Listing(Frozen):
    """What `ls` shows; iterable over its entries and renderable with rich."""

    __slots__ = ("entries", "more", "title")
    entries: list[Entry]
    more: int
    title: str | None

    def __init__(self, entries: list[Entry], more: int = 0, title: str | None = None) -> None:
        self._set(entries=entries, more=more, title=title)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def __rich__(self) -> Table:
        from rich.table import Table
        from rich.text import Text

        from ._visible import visible_line

        title = None if self.title is None else Text(visible_line(self.title))
        table = Table(box=None, show_header=False, pad_edge=False, title=title, title_justify="left")
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column(style="dim", no_wrap=True)
        table.add_column(overflow="ellipsis", no_wrap=True)
        for entry in self.entries:
            table.add_row(*(Text(visible_line(part)) for part in entry))
        if self.more:
            table.add_row("…", "", f"{self.more} more")
        return table


class Navigator:
    """A working location over a history, moved with `cd` and inspected with `ls` and `pwd`."""

    def __init__(self, history: ResultSource) -> None:
        self.history = history
        self.ref: Ref | None = None
        """The current location; None is the root `/`."""

    def pwd(self) -> str:
        """The current location as a path (`_3.Config`), or `/` at the root."""
        return "/" if self.ref is None else str(self.ref)

    def cd(self, target: str = "/") -> str:
        """Move to `target` (`_3.Config`, `Env`, `[0]`, `..`, `../Cmd`, `/`); returns the new `pwd()`."""
        ref = self.locate(target)
        if ref is not None:
            value = walk(select(ref, self.history).data, ref)
            if not isinstance(value, dict | list | tuple):
                raise PathError(f"{ref}: cannot cd into a {type_label(value)}")
        self.ref = ref
        return self.pwd()

    def ls(self, target: str = ".") -> Listing:
        """The entries at `target` (default: here): keys or indices with type and preview, or the results."""
        ref = self.locate(target)
        if ref is None:
            shown = self.history.recent(LIST_LIMIT)
            return Listing([_result_entry(result) for result in shown], len(self.history.numbers()) - len(shown), "/")
        value = walk(select(ref, self.history).data, ref)
        if isinstance(value, dict):
            pairs: Iterable[tuple[str, Any]] = (
                (format_step(key).removeprefix("."), item) for key, item in value.items()
            )
        elif isinstance(value, list | tuple):
            pairs = ((f"[{i}]", item) for i, item in enumerate(value))
        else:
            pairs = [(str(ref), value)]
        entries = [Entry(name, type_label(item), compact(item)) for name, item in islice(pairs, LIST_LIMIT)]
        return Listing(entries, _size(value) - len(entries), str(ref))

    def names_here(self) -> list[str]:
        """What can follow here (result names at the root, else keys or indices), for completion: from memory
        only, never reading a side file; [] when the location no longer resolves."""
        if self.ref is None:
            return [f"_{n}" for n in self.history.numbers()]
        try:
            result = select(self.ref, self.history)
            if not result.data_loaded:
                return []
            value = walk(result.data, self.ref)
        except PathError:
            return []
        if isinstance(value, dict):
            return [str(key) for key in value]
        return [f"[{i}]" for i in range(len(value))] if isinstance(value, list | tuple) else []

    def locate(self, target: str) -> Ref | None:
        """The absolute location `target` names relative to here (None for the root); `_` is pinned."""
        text = target.strip()
        if text.startswith("/"):
            ref, text = None, text.lstrip("/")
        else:
            ref = self.ref
        if text.startswith("_"):
            ref = parse_ref(text)
            return ref if ref.result is not None else Ref(select(ref, self.history).n, ref.steps)
        while text.startswith(".."):
            ref = None if ref is None or not ref.steps else Ref(ref.result, ref.steps[:-1])
            text = text[2:].lstrip("/")
        if text in ("", "."):
            return ref
        if ref is None:
            raise PathError(f"{text}: pick a result first, e.g. cd _3")
        return ref.child(*parse_steps(text, bare_first=True))


def _size(value: Any) -> int:
    return len(value) if isinstance(value, dict | list | tuple) else 1


def _result_entry(result: Result) -> Entry:
    if result.failed:
        preview = f"{result.status or ''} {result.error or ''}".strip()
    elif result.data_loaded:
        preview = f"{result.status}  {type_label(result.data)}"
    else:
        preview = f"{result.status}  (stored separately)"
    return Entry(f"_{result.n}", result.op, preview)
