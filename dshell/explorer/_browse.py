"""The navigator's model: any result as a stack of levels (a table, a tree of keys, text lines) that a cursor
moves through, drills into and backs out of, filtered, sorted and searched; free of any terminal library.

Only what is visible is formatted: a move costs the same on 50 rows as on 5,000, a page of a 300,000-line log as
one of ten lines. A table's cells are made when a row is first shown (its first rows' at once, for the column
widths), or when a filter reads them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from rich.cells import cell_len

from ._columns import Column
from ._format import compact, type_label
from ._grid import GAP, column_widths, fit_cell, one_line
from ._logs import LOG_OPS, STDERR_MARK
from ._paths import Ref, Step, format_step
from ._reshape import (
    ReshapeError,
    RowTest,
    Table,
    pattern,
    pick_columns,
    row_filter,
    sort_rows,
    split_names,
    table_of,
)
from ._tree import scalar_parts

Span = tuple[int, int]
WIDTH_SAMPLE = 200
"""A table's columns start as wide as its first rows need (what the shell shows of a result); rows formatted
later widen them."""


@dataclass(frozen=True)
class Line:
    """One visible line: its text, whether the cursor is on it, the spans a search or filter matched, and a kind
    for its colour (`row`, `key`, `stderr`)."""

    text: str
    current: bool = False
    matches: tuple[Span, ...] = ()
    kind: str = "row"


@dataclass(frozen=True)
class Screen:
    """What a level shows in `height` lines: a header line (a table's column titles) and the lines."""

    header: str | None
    lines: list[Line]
    cursor_column: tuple[int, int] | None = None  # the header's (start, end) of the column under the cursor


@dataclass
class Level:
    """One level: a cursor over `count()` items, the first shown (`top`), the height last shown (`page`)."""

    ref: Ref
    value: Any
    cursor: int = 0
    top: int = 0
    page: int = 20
    query: str = ""  # the filter (tables, trees) or search (text) typed with /
    note: str = ""  # what the last gesture said (a bad column, no match)
    _matches: Callable[[str], list[Span]] = field(default=lambda text: [], repr=False)

    kind = "level"

    def count(self) -> int:
        raise NotImplementedError

    def move(self, delta: int) -> None:
        """Move the cursor by `delta` items (a page is `page`), keeping it on screen."""
        self.cursor = max(0, min(self.count() - 1, self.cursor + delta))
        self._follow()

    def home(self) -> None:
        self.move(-self.count())

    def end(self) -> None:
        self.move(self.count())

    def _follow(self) -> None:
        if self.cursor < self.top:
            self.top = self.cursor
        elif self.cursor >= self.top + self.page:
            self.top = self.cursor - self.page + 1
        self.top = max(0, min(self.top, max(0, self.count() - self.page)))

    def screen(self, width: int, height: int) -> Screen:
        raise NotImplementedError

    def enter(self) -> Level | None:
        """The level the item under the cursor opens (a scalar's is a ScalarLevel, which opens nothing)."""
        found = self.here()
        return None if found is None else level_of(*found)

    def here(self) -> tuple[Ref, Any] | None:
        """The path and value under the cursor (None on an empty level)."""
        return None

    def set_query(self, text: str) -> None:
        """Filter (or search) by `text`; "" clears it."""
        raise NotImplementedError

    def status(self) -> str:
        """A short summary for the title bar (`63 rows`, `sort NAMES ↑`, `/web`)."""
        return ""

    def _set_highlight(self, text: str) -> None:
        if not text:
            self._matches = lambda line: []
            return
        search = pattern(text).finditer
        self._matches = lambda line: [m.span() for m in search(line) if m.end() > m.start()]


class TableLevel(Level):
    """A list of objects as a table: rows filtered and sorted, columns chosen; Enter drills into a row."""

    kind = "table"

    def __init__(self, ref: Ref, value: Any, table: Table) -> None:
        super().__init__(ref, value)
        self.table = table
        self.columns: tuple[Column, ...] = table.columns
        self.column = 0  # the column under the cursor (s sorts by it)
        self.sort: tuple[str, bool] | None = None  # header, reversed
        self._locate = _row_steps(value, table)
        self._test: RowTest = lambda row, cells: True
        self.order: list[int] = []
        self._set_cells()

    def _set_cells(self) -> None:
        """Forget the cells (the columns changed); widths start from the headers and the first rows."""
        self._cells: list[list[str] | None] = [None] * len(self.table.rows)
        self.natural = [cell_len(column.header) for column in self.columns]
        for i in range(min(WIDTH_SAMPLE, len(self._cells))):
            self.cells(i)
        self._apply()

    def cells(self, index: int) -> list[str]:
        """Row `index`'s cells as shown, made when first asked for (the columns widen to fit them)."""
        found = self._cells[index]
        if found is None:
            row = self.table.rows[index]
            found = self._cells[index] = [column.cell(row).replace("\n", "⏎") for column in self.columns]
            natural = self.natural
            for i, cell in enumerate(found):
                natural[i] = max(natural[i], cell_len(cell))
        return found

    def count(self) -> int:
        return len(self.order)

    def _apply(self, sort_changed: bool = True) -> None:
        """The shown order: the query's rows, in the sort's order; the cursor stays on its row when it can."""
        current = self.order[self.cursor] if self.order and self.cursor < len(self.order) else None
        rows = self.table.rows
        order = list(range(len(rows)))
        if self.sort is not None:
            header, reverse = self.sort
            column = next(c for c in self.columns if c.header == header)
            position = {id(row): i for i, row in enumerate(rows)}
            order = [position[id(row)] for row in sort_rows(list(rows), column, reverse)]
        if self.query:
            test, cells = self._test, self.cells
            order = [i for i in order if test(rows[i], partial(cells, i))]
        self.order = order
        self.cursor = order.index(current) if current is not None and current in order else 0
        self._follow()

    def set_query(self, text: str) -> None:
        try:
            self._test = row_filter(text, self.columns) if text.strip() else (lambda row, cells: True)
        except ReshapeError as exc:
            self.note = str(exc)
            return
        self.query, self.note = text.strip(), ""
        self._set_highlight(self.query if not _is_column_filter(self.query) else "")
        self._apply()

    def sort_here(self) -> None:
        """Sort by the column under the cursor; again: the other way."""
        header = self.columns[self.column].header
        reverse = self.sort is not None and self.sort[0] == header and not self.sort[1]
        self.sort = (header, reverse)
        self._apply()

    def sort_by(self, name: str, reverse: bool = False) -> None:
        """Sort by the column `name` (a header or an expression, which becomes a column)."""
        from ._reshape import find_column

        column = find_column(self.columns, name)
        if column not in self.columns:
            self.set_columns([*(c.header for c in self.columns), name])
        self.sort = (column.header, reverse)
        self._apply()

    def set_columns(self, names: Sequence[str] | str) -> None:
        """Show the columns `names` lists (headers, expressions, `HEADER=expression`); one line if it cannot."""
        listed = split_names(names) if isinstance(names, str) else list(names)
        try:
            chosen = pick_columns(self.table.columns + self.columns, listed)
        except ReshapeError as exc:
            self.note = str(exc)
            return
        self.columns, self.note = chosen, ""
        self.column = min(self.column, len(chosen) - 1)
        if self.sort is not None and all(c.header != self.sort[0] for c in chosen):
            self.sort = None
        self._set_cells()
        if self.query:
            self.set_query(self.query)

    def move_column(self, delta: int) -> None:
        self.column = max(0, min(len(self.columns) - 1, self.column + delta))

    def screen(self, width: int, height: int) -> Screen:
        self.page = max(1, height - 1)
        self._follow()
        shown = [self.cells(self.order[n]) for n in range(self.top, min(self.count(), self.top + self.page))]
        widths = column_widths(self.columns, self.natural, width)
        header, spans, pos = [], [], 0
        for i, column in enumerate(self.columns):
            title = column.header + (("↓" if self.sort[1] else "↑") if self.sort and self.sort[0] == column.header
                                     else "")
            cell = fit_cell(title, widths[i])
            spans.append((pos, pos + len(cell)))
            header.append(cell)
            pos += len(cell) + GAP
        lines = []
        for n, cells in enumerate(shown, self.top):
            text = one_line(cells, widths, self.columns)
            lines.append(Line(text, n == self.cursor, tuple(self._matches(text))))
        return Screen((" " * GAP).join(header).rstrip(), lines, spans[self.column] if spans else None)

    def here(self) -> tuple[Ref, Any] | None:
        if not self.order:
            return None
        index = self.order[self.cursor]
        row = self.table.rows[index]
        steps = self._locate(index)
        return (self.ref if steps is None else self.ref.child(*steps)), row

    def status(self) -> str:
        total = len(self.table.rows)
        parts = [f"{self.count():,} of {total:,} rows" if self.query else f"{total:,} rows"]
        if self.sort is not None:
            parts.append(f"sort {self.sort[0]} {'↓' if self.sort[1] else '↑'}")
        if self.query:
            parts.append(f"/{self.query}")
        return "  ".join(parts)


def _is_column_filter(text: str) -> bool:
    from ._reshape import _COLUMN_FILTER

    return not (text.startswith("/") and text.endswith("/")) and _COLUMN_FILTER.fullmatch(text) is not None


def _row_steps(data: Any, table: Table) -> Callable[[int], tuple[Step, ...] | None]:
    """Where row i of `table` lies in `data`: its index (or key and index), or the item it was made from
    (an image's row per tag); None when it lies nowhere (a report's line)."""
    rows = table.rows
    if isinstance(data, list) and table.items is not None:
        return lambda i: (i,)
    if isinstance(data, dict) and table.items is not None:
        key = next(k for k, v in data.items() if isinstance(v, list) and v and v[0] is rows[0])
        return lambda i: (key, i)

    def made_from(i: int) -> tuple[Step, ...] | None:
        row = rows[i]
        items = data if isinstance(data, list) else []
        for n, item in enumerate(items):
            if isinstance(item, dict) and item and all(row.get(k) is v for k, v in item.items()):
                return (n,)
        return None

    return made_from


class TreeLevel(Level):
    """A dict's keys or a list's items, one a line with a preview; / filters by key and value."""

    kind = "tree"

    def __init__(self, ref: Ref, value: dict[str, Any] | list[Any] | tuple[Any, ...]) -> None:
        super().__init__(ref, value)
        self.steps: list[Step] = list(value) if isinstance(value, dict) else list(range(len(value)))
        self.shown = self.steps
        self.label_width = min(40, max((len(_label(s)) for s in self.steps), default=0))

    def count(self) -> int:
        return len(self.shown)

    def _child(self, step: Step) -> Any:
        return self.value[step]

    def set_query(self, text: str) -> None:
        self.query = text.strip()
        self._set_highlight(self.query)
        if not self.query:
            self.shown = self.steps
        else:
            search = pattern(self.query).search
            self.shown = [s for s in self.steps if search(_label(s)) or search(_preview(self._child(s), 200))]
        self.cursor = 0
        self._follow()

    def screen(self, width: int, height: int) -> Screen:
        self.page = max(1, height)
        self._follow()
        lines = []
        for n in range(self.top, min(self.count(), self.top + self.page)):
            step = self.shown[n]
            child = self._child(step)
            label = _label(step).ljust(self.label_width)
            kind = type_label(child)
            text = f"{label}  {kind:<10}  {_preview(child, max(10, width - self.label_width - 14))}"
            lines.append(Line(text, n == self.cursor, tuple(self._matches(text)), "key"))
        return Screen(None, lines)

    def here(self) -> tuple[Ref, Any] | None:
        if not self.shown:
            return None
        step = self.shown[self.cursor]
        return self.ref.child(step), self._child(step)

    def status(self) -> str:
        total = len(self.steps)
        what = "keys" if isinstance(self.value, dict) else "items"
        return f"{self.count():,} of {total:,} {what}  /{self.query}" if self.query else f"{total:,} {what}"


def _label(step: Step) -> str:
    return format_step(step).removeprefix(".")


def _preview(value: Any, width: int) -> str:
    if isinstance(value, dict | list | tuple):
        return compact(value, width)
    text, _ = scalar_parts(value)
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


class TextLevel(Level):
    """Text and logs as numbered lines; / searches, n and N go to the next and previous match."""

    kind = "text"

    def __init__(self, ref: Ref, value: str, logs: bool = False) -> None:
        super().__init__(ref, value)
        self.lines = value.splitlines()
        self.logs = logs
        self.gutter = len(str(len(self.lines)))
        self._search: Callable[[str], Any] | None = None

    def count(self) -> int:
        return len(self.lines)

    def set_query(self, text: str) -> None:
        self.query = text.strip()
        self._set_highlight(self.query)
        self._search = pattern(self.query).search if self.query else None
        here = self.lines[self.cursor] if self.lines else ""
        if self._search is not None and not self._search(here) and not self.next_match() \
                and not self.next_match(after=-1):  # none below: the first from the top
            self.note = f"/{self.query}: no match"

    def next_match(self, backwards: bool = False, after: int | None = None) -> bool:
        """Put the cursor on the next (previous) line after the cursor (or line `after`) that matches the search;
        False (noted) when none does."""
        search = self._search
        if search is None:
            return False
        n, start = len(self.lines), self.cursor if after is None else after
        order = (range(start - 1, -1, -1) if backwards else range(start + 1, n))
        for i in order:
            if search(self.lines[i]):
                self.cursor, self.note = i, ""
                self.top = max(0, i - self.page // 2)
                self._follow()
                return True
        self.note = f"/{self.query}: no {'earlier' if backwards else 'later'} match"
        return False

    def screen(self, width: int, height: int) -> Screen:
        self.page = max(1, height)
        self._follow()
        lines = []
        for n in range(self.top, min(self.count(), self.top + self.page)):
            text = self.lines[n]
            kind = "stderr" if self.logs and text.startswith(STDERR_MARK) else "row"
            shown = f"{n + 1:>{self.gutter}}  {text[: max(width * 4, 1)]}"
            offset = self.gutter + 2
            spans = tuple((a + offset, b + offset) for a, b in self._matches(text[: width * 4]))
            lines.append(Line(shown, n == self.cursor, spans, kind))
        return Screen(None, lines)

    def here(self) -> tuple[Ref, Any] | None:
        return (self.ref, self.value) if self.lines else None

    def enter(self) -> Level | None:
        return None

    def status(self) -> str:
        found = f"  /{self.query}" if self.query else ""
        return f"line {self.cursor + 1:,} of {len(self.lines):,}{found}"


class ScalarLevel(TextLevel):
    """A number, a boolean, null or bytes: one line."""

    kind = "scalar"

    def __init__(self, ref: Ref, value: Any) -> None:
        text, _ = scalar_parts(value) if not isinstance(value, str) else (value, "")
        super().__init__(ref, text)
        self.value = value


def level_of(ref: Ref, value: Any, op: str | None = None) -> Level:
    """The level showing `value` (which lies at `ref`): a table, a tree, text or a scalar."""
    if isinstance(value, list | tuple | dict) and (table := table_of(value, op)) is not None and table.rows:
        return TableLevel(ref, value, table)
    if isinstance(value, dict | list | tuple) and value:
        return TreeLevel(ref, value)
    if isinstance(value, str):
        return TextLevel(ref, value, logs=op in LOG_OPS)
    return ScalarLevel(ref, value)


class Browser:
    """A result opened for navigating: the levels drilled into (the first is the result), the current last."""

    def __init__(self, n: int, value: Any, op: str | None = None, *, path: Sequence[Step] = ()) -> None:
        ref = Ref(n, tuple(path))
        self.levels: list[Level] = [level_of(ref, value, op if not path else None)]

    @property
    def level(self) -> Level:
        return self.levels[-1]

    def enter(self) -> bool:
        """Drill into the item under the cursor; False when it is a scalar (nothing to open)."""
        found = self.level.enter()
        if found is None or type(found) is ScalarLevel:
            return False
        self.levels.append(found)
        return True

    def back(self) -> bool:
        """Up one level; False at the top."""
        if len(self.levels) == 1:
            return False
        self.levels.pop()
        return True

    def path(self) -> str:
        """The path of what is under the cursor (`_7[3].Config.Env`), else of the level."""
        found = self.level.here()
        return str(found[0] if found is not None else self.level.ref)

    def copied(self) -> str:
        """The value under the cursor as text for the clipboard: a string as it is, anything else as JSON."""
        found = self.level.here()
        value = found[1] if found is not None else self.level.value
        if isinstance(self.level, TextLevel) and self.level.lines:
            value = self.level.lines[self.level.cursor]
        if isinstance(value, str):
            return value
        if isinstance(value, bytes | bytearray):
            return value.hex()
        return json.dumps(value, indent=2, ensure_ascii=False, default=str)

