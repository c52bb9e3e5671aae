"""`to_pandas`: a list result as a DataFrame of the API's fields (nested objects flattened, as `json_normalize`
does), or with `view=True` of the columns its table shows."""

from __future__ import annotations

from typing import Any

from ._format import type_label
from ._reshape import table_of
from ._tables import layout

INSTALL = "pip install 'dshell[pandas]'"


def frame(data: Any, op: str | None, what: str = "this value", *, view: bool = False) -> Any:
    """`data` as a pandas DataFrame. Without `view`: one row per item of the answer, a column per field (`State`,
    `Labels.app`, `NetworkSettings.Networks.bridge.IPAddress`), as the API named them; rows a table makes from the
    answer (a report's lines, stats summaries) are its only fields. With `view`: the table's columns (an op's
    docker-like ones, else the keys most rows share), typed (sizes in bytes, times as datetimes)."""
    table = layout(data, op)
    if table is None:
        raise ValueError(f"to_pandas: {what} is {type_label(data)}, not a list of objects; "
                         "query it into one first (`_3 | [].{name: Names[0], state: State}`)")
    try:
        import pandas  # type: ignore[import-untyped]
    except ImportError:
        raise ImportError(f"to_pandas needs pandas: {INSTALL}") from None
    columns, rows = table
    if not view:
        found = table_of(data, op)
        items = rows if found is None or found.items is not None else None
        if isinstance(data, list) and all(isinstance(item, dict) for item in data):
            items = data
        if items is not None:
            return pandas.json_normalize(items)
    values = [column.value or column.wide or column.cell for column in columns]
    return pandas.DataFrame([[value(row) for value in values] for row in rows],
                            columns=[column.header for column in columns])
