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


def test_a_query_over_binary_data_is_one_line() -> None:
    with pytest.raises(QueryError) as info:
        query(b"\x00\x01" * 5000, "length(@)")
    assert str(info.value) == ("length(@): a query needs JSON data, and this result is 10000 bytes of binary "
                               "data (save it to a file: save _N out.tar)")
