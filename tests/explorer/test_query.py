"""JMESPath queries and splitting `path | query`."""

from __future__ import annotations

import pytest

from dshell.explorer import QueryError, query, split_pipe

from .conftest import containers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("_3", ("_3", None)),
        ("_3 | [?State=='running'].Names", ("_3", "[?State=='running'].Names")),
        ("_3|length(@)", ("_3", "length(@)")),
        ("_3 | [].Names | [0]", ("_3", "[].Names | [0]")),
        ("_3 | [?a || b]", ("_3", "[?a || b]")),
        ('_3["a|b"] | keys(@)', ('_3["a|b"]', "keys(@)")),
        ("_3['it''s|'] | x", ("_3['it''s|']", "x")),
        (r'_3["q\"|"] | x', (r'_3["q\"|"]', "x")),
        ("_3 |", ("_3", "")),
        ("_3[a|b]", ("_3[a|b]", None)),
        ("_3[(a|b)] | x", ("_3[(a|b)]", "x")),
    ],
)
def test_split_pipe(text: str, expected: tuple[str, str | None]) -> None:
    assert split_pipe(text) == expected


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
