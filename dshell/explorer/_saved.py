"""Saved views: per op, the columns a user prefers, each a header and a JMESPath expression over a row (as k9s's
custom columns); every docker-like table of that op shows them instead of its own."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from dshell._checking import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

    from ._columns import Column, Columns, Row

_KEYS = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")

_VIEWS: dict[str, tuple[tuple[str, str], ...]] = {}
_BUILT: dict[str, Columns] = {}


def use_views(views: Mapping[str, Sequence[tuple[str, str]]]) -> None:
    """Make `views` (op -> (header, expression) pairs) the saved views; an empty mapping restores the defaults."""
    _VIEWS.clear()
    _BUILT.clear()
    _VIEWS.update({op: tuple(pairs) for op, pairs in views.items() if pairs})


def saved_columns(op: str | None) -> Columns | None:
    """The saved view's columns for `op`, or None when it has none (built, and JMESPath imported, on first use)."""
    pairs = _VIEWS.get(op or "")
    if not pairs:
        return None
    if op not in _BUILT:
        _BUILT[op or ""] = tuple(expression_column(header, expression) for header, expression in pairs)
    return _BUILT[op or ""]


def _search(expression: str) -> Callable[[Row], Any]:
    """`expression` as a function of a row: a dotted key path (`State`, `Labels.app`) read directly, anything else
    by JMESPath (None where it fails on a row, as a function given the wrong type)."""
    from ._columns import dig  # here: setting the views (at every start) loads no table code

    if _KEYS.fullmatch(expression):
        return lambda row: dig(row, expression)
    import jmespath
    from jmespath.exceptions import JMESPathError

    compiled = jmespath.compile(expression).search

    def search(row: Row) -> Any:
        try:
            return compiled(row)
        except (JMESPathError, ValueError, TypeError):
            return None

    return search


def expression_error(expression: str) -> str | None:
    """Why `expression` is no JMESPath expression (one line), or None when it is one."""
    import jmespath
    from jmespath.exceptions import JMESPathError

    try:
        jmespath.compile(expression)
    except JMESPathError as exc:
        return f"{expression}: {str(exc).strip().splitlines()[0].removesuffix(', for expression:')}"
    except RecursionError:
        return f"{expression[:40]}...: nested too deeply"
    return None


def expression_column(header: str, expression: str) -> Column:
    """A column showing `expression` (JMESPath) of each row under `header`; its value in a DataFrame and its sort
    key is the expression's value when that is a scalar."""
    from ._columns import Column, text

    search = _search(expression)

    def value(row: Row) -> Any:
        found = search(row)
        return found if found is None or isinstance(found, str | int | float | bool) else text(found)

    cell: Callable[[Row], str] = lambda row: text(value(row))  # noqa: E731 - a one-line closure
    return Column(header, cell=cell, value=value)
