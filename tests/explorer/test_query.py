"""JMESPath queries over result values."""

from __future__ import annotations

import pytest

from dshell.explorer import QueryError, query

from .conftest import containers


def test_query_filters_and_projects() -> None:
    rows = containers()
    assert query(rows, "[?State=='running'].Names[0]") == ["/web"]
    assert query(rows, "length(@)") == 2
    assert query(rows, "[].Ports[].PublicPort") == [8080]
    assert query({"a": {"b": 1}}, "a.b") == 1


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("[?State=='running'", "incomplete expression"),
        ("[?State==]", r'Parse error at column 9, token "\]"'),
        ("a ~ b", "Unknown token ~$"),
        ("length(`1`)", "invalid type"),
        ("nosuch(@)", "Unknown function: nosuch()"),
        ("  ", "empty"),
    ],
)
def test_query_errors_are_one_line(expression: str, message: str) -> None:
    with pytest.raises(QueryError, match=message) as err:
        query(containers(), expression)
    assert "\n" not in str(err.value)
