"""Sort, filter, pick columns and grep: the data explorer's gestures over any result, as pure functions.

A filter is a substring or a regex (`web-\\d`), matched with smart case (lower case: any case), or `COL=value`
(`COL` contains it), `COL==value` (is it), `COL!=value` (does not contain it); `/text/` is always a regex over the
whole row. A column is named by its header (`STATUS`, any case) or, failing that, is a JMESPath expression over
the row (`State`, `Labels.app`). Each gesture at the prompt gives new data to keep as a numbered result: the same
shape (and op) when the table's rows are the data's own items, else the table as shown (op `Table`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ._columns import Column, Columns, Row, list_rows
from ._format import type_label
from ._saved import expression_column, expression_error
from ._tables import layout

SHOWN_OP = "Table"
"""The op of a kept table whose rows are no items of the data (derived rows, picked columns): cells as shown."""
_COLUMN_FILTER = re.compile(r"(?P<column>[^=!/][^=!]*?)\s*(?P<op>==|!=|=)\s*(?P<value>.*)", re.S)
_DIGITS = re.compile(r"(\d+)")


class ReshapeError(ValueError):
    """A gesture that cannot apply (unknown column, bad pattern, wrong kind of data); the message is one line."""


@dataclass(frozen=True)
class Table:
    """The columns and rows a value shows as; `items` says where each row lies in the data (None when the rows
    are made from it: one per image tag, a stats summary, a report's lines)."""

    columns: Columns
    rows: list[Row]
    items: Callable[[list[Row]], Any] | None

    def cells(self, row: Row) -> list[str]:
        """The row's cells as shown."""
        return [column.cell(row) for column in self.columns]


def table_of(data: Any, op: str | None) -> Table | None:
    """The table `data` shows as (None when it is no table), knowing how to rebuild data from some of its rows."""
    found = layout(data, op)
    if found is None:
        return None
    columns, rows = found
    return Table(columns, rows, _rebuilder(data, rows))


def _rebuilder(data: Any, rows: list[Row]) -> Callable[[list[Row]], Any] | None:
    """How to make data of `data`'s shape holding only the given rows, when the rows are its own items."""
    if rows is data or (isinstance(data, list) and _same_items(rows, data)):
        return list
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, list) and _same_items(rows, value):
                return _under(data, key)
    return None


def _under(data: dict[str, Any], key: str) -> Callable[[list[Row]], Any]:
    return lambda kept: {**data, key: kept}


def _same_items(rows: list[Row], items: list[Any]) -> bool:
    return len(rows) == len(items) and all(a is b for a, b in zip(rows, items, strict=True))


def find_column(columns: Sequence[Column], name: str) -> Column:
    """The column headed `name` (any case), else a column of the JMESPath expression `name`."""
    wanted = name.strip()
    for column in columns:
        if column.header.lower() == wanted.lower():
            return column
    if not wanted or (error := expression_error(wanted)) is not None:
        have = ", ".join(column.header for column in columns)
        raise ReshapeError(f"{wanted or '(empty)'}: no such column (have {have}), nor a JMESPath expression"
                           + (f" ({error})" if wanted else ""))
    return expression_column(wanted, wanted)


def pattern(text: str) -> re.Pattern[str]:
    """`text` as a search: a regex when it compiles (else the text as it is), any case when it has no capitals."""
    flags = 0 if any(ch.isupper() for ch in text) else re.IGNORECASE
    try:
        return re.compile(text, flags)
    except re.error:
        return re.compile(re.escape(text), flags)


RowTest = Callable[[Row, Callable[[], Iterable[str]]], bool]
"""A filter: (row, its cells as shown, made only when asked and as far as needed) -> kept."""


def row_filter(expression: str, columns: Sequence[Column]) -> RowTest:
    """The test `expression` makes over rows shown in `columns` (see the module's doc)."""
    text = expression.strip()
    if len(text) > 1 and text.startswith("/") and text.endswith("/"):
        return _whole(_regex(text[1:-1]))
    match = _COLUMN_FILTER.fullmatch(text)
    if match is None:
        return _whole(pattern(text))
    column = find_column(columns, match["column"])
    value, op = match["value"].strip(), match["op"]
    cell = column.cell
    if op == "==":
        return lambda row, cells: cell(row) == value
    search = pattern(value).search
    if op == "!=":
        return lambda row, cells: search(cell(row)) is None
    return lambda row, cells: search(cell(row)) is not None


def _regex(text: str) -> re.Pattern[str]:
    try:
        return re.compile(text, 0 if any(ch.isupper() for ch in text) else re.IGNORECASE)
    except re.error as exc:
        raise ReshapeError(f"/{text}/: not a regular expression ({exc})") from None


def _whole(found: re.Pattern[str]) -> RowTest:
    search = found.search
    return lambda row, cells: any(search(cell) is not None for cell in cells())


def sort_key(column: Column) -> Callable[[Row], tuple[int, Any]]:
    """The order of `column`: by its value where it has one (a size in bytes, a time), else its text in natural
    order (`web-2` before `web-10`); empty cells last."""
    value = column.value or column.cell

    def key(row: Row) -> tuple[int, Any]:
        found = value(row)
        if found is None or found == "":
            return (9, 0)
        if isinstance(found, bool):
            return (1, int(found))
        if isinstance(found, int | float):
            return (1, found)
        if isinstance(found, datetime):
            return (2, found.timestamp())
        text = found if isinstance(found, str) else str(found)
        return (3, [int(part) if part.isdigit() else part.lower() for part in _DIGITS.split(text)])

    return key


def sort_rows(rows: list[Row], column: Column, reverse: bool = False) -> list[Row]:
    """`rows` in `column`'s order (reversed: still empty cells last)."""
    key = sort_key(column)
    keyed = [(key(row), row) for row in rows]
    empty = [row for k, row in keyed if k[0] == 9]
    full = [(k, row) for k, row in keyed if k[0] != 9]
    try:
        full.sort(key=lambda pair: pair[0], reverse=reverse)
    except TypeError:  # numbers beside lists of parts cannot happen (ranks differ); this is a safety net
        full.sort(key=lambda pair: str(pair[0]), reverse=reverse)
    return [row for _, row in full] + empty


def _table(data: Any, op: str | None, what: str, gesture: str) -> Table:
    found = table_of(data, op)
    if found is None:
        raise ReshapeError(f"{gesture}: {what} is {type_label(data)}, not a table (a list of objects)")
    return found


def _kept(table: Table, rows: list[Row], op: str) -> tuple[Any, str]:
    """Data holding `rows` in the data's own shape when it can, else the table as shown."""
    if table.items is not None:
        return table.items(rows), op
    return shown_rows(table.columns, rows), SHOWN_OP


def shown_rows(columns: Sequence[Column], rows: list[Row]) -> list[Row]:
    """The rows as shown: `{header: cell}` each."""
    return [{column.header: column.cell(row) for column in columns} for row in rows]


def sorted_by(data: Any, op: str, name: str, reverse: bool = False, what: str = "this value") -> tuple[Any, str]:
    """(`data` sorted by the column `name`, the op of that data)."""
    table = _table(data, op, what, "--sort")
    return _kept(table, sort_rows(table.rows, find_column(table.columns, name), reverse), op)


def filtered(data: Any, op: str, expression: str, what: str = "this value") -> tuple[Any, str]:
    """(the rows of `data` that `expression` keeps, the op of that data)."""
    table = _table(data, op, what, "--filter")
    test = row_filter(expression, table.columns)
    kept = [row for row in table.rows if test(row, _lazy_cells(table.columns, row))]
    return _kept(table, kept, op)


def _lazy_cells(columns: Columns, row: Row) -> Callable[[], Iterable[str]]:
    return lambda: (column.cell(row) for column in columns)


def split_names(text: str) -> list[str]:
    """`A,B,...` split at the commas outside brackets, braces, parentheses and quotes (a JMESPath may hold some)."""
    names, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"`":
            quote = ch
        elif ch in "[{(":
            depth += 1
        elif ch in "]})":
            depth -= 1
        elif ch == "," and depth == 0:
            names.append(text[start:i])
            start = i + 1
    names.append(text[start:])
    return [name.strip() for name in names if name.strip()]


def pick_columns(columns: Sequence[Column], names: Sequence[str]) -> Columns:
    """The columns `names` asks for, in its order: headers, expressions, or `HEADER=expression`."""
    picked = []
    for name in names:
        header, sep, expression = name.partition("=")
        if sep and header.strip() and expression.strip():
            if (error := expression_error(expression.strip())) is not None:
                raise ReshapeError(f"{name}: {error}")
            picked.append(expression_column(header.strip(), expression.strip()))
        else:
            picked.append(find_column(columns, name))
    if not picked:
        raise ReshapeError("--columns: name at least one column (e.g. --columns NAMES,STATUS)")
    return tuple(picked)


def with_columns(data: Any, op: str, names: str, what: str = "this value") -> tuple[Any, str]:
    """(the table of `data` with only the columns `names` lists, as shown; its op)."""
    table = _table(data, op, what, "--columns")
    return shown_rows(pick_columns(table.columns, split_names(names)), table.rows), SHOWN_OP


def grep(data: Any, expression: str, what: str = "this value") -> str:
    """The lines of a text that match `expression` (a substring or regex, smart case), each after its line
    number (`12:` as `grep -n` writes it)."""
    if not isinstance(data, str):
        raise ReshapeError(f"--grep: {what} is {type_label(data)}, not text or logs"
                           + ("; use --filter on a table" if list_rows(data) is not None else ""))
    search = pattern(expression).search
    return "".join(f"{n}:{line}\n" for n, line in enumerate(data.splitlines(), 1) if search(line))


@dataclass(frozen=True)
class Gestures:
    """What `_N --filter EXPR --sort COL [--reverse] --columns A,B --grep PATTERN` asks, applied in that order
    (a filter sees every column, the columns picked last), any of them left out."""

    filter: str | None = None
    sort: str | None = None
    reverse: bool = False
    columns: str | None = None
    grep: str | None = None

    def __str__(self) -> str:
        parts = [f"--filter {self.filter}" if self.filter is not None else "",
                 f"--sort {self.sort}" if self.sort is not None else "", "--reverse" if self.reverse else "",
                 f"--columns {self.columns}" if self.columns is not None else "",
                 f"--grep {self.grep}" if self.grep is not None else ""]
        return " ".join(part for part in parts if part)


GESTURE_USAGE = "--filter EXPR, --sort COL [--reverse], --columns A,B,... or --grep PATTERN"
_VALUED = ("--filter", "--sort", "--columns", "--grep")


def gestures_from(words: Sequence[str]) -> Gestures:
    """The gestures `words` ask for (each flag's value one word, its quotes already read); ReshapeError (one
    line) for an unknown flag, a missing value or a flag given twice."""
    found: dict[str, Any] = {}
    items = iter(words)
    for word in items:
        flag, eq, inline = word.partition("=")
        if flag == "--reverse" and not eq:
            found["reverse"] = True
            continue
        if flag not in _VALUED:
            raise ReshapeError(f"unknown {word!r}: after a result comes {GESTURE_USAGE}")
        value = inline if eq else next(items, None)
        if value is None or (not eq and value.startswith("--")):
            raise ReshapeError(f"{flag} needs a value: {GESTURE_USAGE}")
        name = flag.removeprefix("--")
        if name in found:
            raise ReshapeError(f"{flag} given twice")
        found[name] = value
    return Gestures(**found)


def reshaped(data: Any, op: str, gestures: Gestures, what: str = "this value") -> tuple[Any, str]:
    """(`data` filtered, sorted, its columns picked, or grepped as `gestures` asks; the op of that data)."""
    if gestures.grep is not None:
        if gestures.filter is not None or gestures.sort is not None or gestures.columns is not None:
            raise ReshapeError("--grep reads text and logs; --filter, --sort and --columns tables: not both")
        return grep(data, gestures.grep, what), op
    if gestures.reverse and gestures.sort is None:
        raise ReshapeError("--reverse goes with --sort COL")
    if gestures.filter is not None:
        data, op = filtered(data, op, gestures.filter, what)
    if gestures.sort is not None:
        data, op = sorted_by(data, op, gestures.sort, gestures.reverse, what)
    if gestures.columns is not None:
        data, op = with_columns(data, op, gestures.columns, what)
    return data, op
