"""`to_pandas`: a list result, or a query's table, as a DataFrame with the columns its table shows."""

from __future__ import annotations

from typing import Any

from ._format import type_label
from ._tables import layout

INSTALL = "pip install 'dshell[pandas]'"


def frame(data: Any, op: str | None, what: str = "this value") -> Any:
    """`data` as a pandas DataFrame: the table's columns (an op's docker-like ones, else the keys most rows share),
    typed values (sizes in bytes, times as datetimes) where the table shows them formatted."""
    table = layout(data, op)
    if table is None:
        raise ValueError(f"to_pandas: {what} is {type_label(data)}, not a list of objects; "
                         "query it into one first (`_3 | [].{name: Names[0], state: State}`)")
    try:
        import pandas  # type: ignore[import-untyped]
    except ImportError:
        raise ImportError(f"to_pandas needs pandas: {INSTALL}") from None
    columns, rows = table
    values = [column.value or column.wide or column.cell for column in columns]
    return pandas.DataFrame([[value(row) for value in values] for row in rows],
                            columns=[column.header for column in columns])
