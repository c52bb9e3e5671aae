"""What a known table is made of: columns, the spec saying where an op's rows are, and cell helpers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from ._format import compact, to_epoch
from ._grid import GAP, GridColumn

Row = dict[str, Any]
HOST = "HOST"
"""The key a fan-out (`@a,b Op`) adds to each row of its merged result: the endpoint's name."""


@dataclass(frozen=True, kw_only=True)
class Column(GridColumn):
    """A grid column plus `cell`, which turns a row into the cell text; `wide`, the text uncut where docker cuts
    it (for notebooks); and `value`, its value in a DataFrame (else the wide or the cell text)."""

    cell: Callable[[Row], str]
    wide: Callable[[Row], str] | None = None
    value: Callable[[Row], Any] | None = None


def is_rows(data: Any) -> bool:
    """Whether `data` is a list of objects."""
    return isinstance(data, list) and all(isinstance(row, dict) for row in data)


def list_rows(data: Any) -> list[Row] | None:
    """`data` itself when it is a list of objects."""
    return data if is_rows(data) else None


Columns = tuple[Column, ...]


@dataclass(frozen=True)
class TableSpec:
    """How one operation's data becomes a table: the columns (or a function of the data giving them, when the
    answer names its own, as ContainerTop's `Titles`) and where the rows are (None: not here).

    `header`: "always"; "rows" (only above rows: a prune that deleted nothing is its total alone); "never" (docker
    prints none, as `docker diff`; a fan-out's merged table still gets one, to name its HOST column).
    `footer`: lines after the table, from the data (a prune's "Total reclaimed space"). `gap`: spaces between
    columns."""

    columns: Columns | Callable[[Any], Columns]
    rows: Callable[[Any], list[Row] | None] = list_rows
    header: Literal["always", "rows", "never"] = "always"
    footer: Callable[[Any], list[str]] | None = None
    gap: int = GAP

    def layout(self, data: Any) -> tuple[Columns, list[Row]] | None:
        """The columns and rows `data` shows as, or None when it has another shape."""
        rows = self.rows(data)
        if rows is None:
            return None
        return (self.columns(data) if callable(self.columns) else self.columns), rows


def hosts(data: Any) -> list[tuple[str | None, Row]] | None:
    """An object answer as `[(None, answer)]`; a fan-out's merged one (objects with HOST) as each host's name
    and answer; None for anything else."""
    if isinstance(data, dict):
        return [(None, data)]
    if isinstance(data, list) and data and all(isinstance(row, dict) and HOST in row for row in data):
        return [(row[HOST], {k: v for k, v in row.items() if k != HOST}) for row in data]
    return None


def per_host(rows: Callable[[Row], list[Row] | None]) -> Callable[[Any], list[Row] | None]:
    """A rows function for an op answering one object: `rows` of it, or of each host's in a fan-out's merged
    result with HOST first in each row; None when a part has another shape."""

    def of(data: Any) -> list[Row] | None:
        parts = hosts(data)
        if parts is None:
            return None
        out: list[Row] = []
        for host, answer in parts:
            found = rows(answer)
            if found is None:
                return None
            out += found if host is None else [{HOST: host, **row} for row in found]
        return out

    return of


def dig(row: Any, path: str) -> Any:
    """The value at a dotted `path` in nested dicts, or None where it stops."""
    for key in path.split("."):
        if not isinstance(row, dict):
            return None
        row = row.get(key)
    return row


def text(value: Any) -> str:
    """Cell text for any value: '' for None, lists joined with ', ', nested values compacted."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(map(text, value))
    return value if isinstance(value, str) else compact(value, 40)


def at(path: str, fmt: Callable[[Any], Any] = text) -> Callable[[Row], Any]:
    """A cell function formatting the value at dotted `path` with `fmt`."""
    return lambda row: fmt(dig(row, path))


def key(name: str, fmt: Callable[[Any], Any] = text) -> Callable[[Row], Any]:
    """A cell function formatting the value of key `name` (which may hold dots) with `fmt`."""
    return lambda row: fmt(row.get(name))


def same(value: Any) -> Any:
    """`value` as it is (a Column's DataFrame value kept raw)."""
    return value


def when(value: Any) -> datetime | None:
    """An epoch or RFC 3339 timestamp as a local datetime; None when missing or unparseable."""
    epoch = to_epoch(value)
    return datetime.fromtimestamp(epoch).astimezone() if epoch else None
