"""JMESPath queries over result values, and splitting `_3 | expr` into its path and query."""

from __future__ import annotations

from typing import Any

_CLOSERS = {"[": "]", "(": ")", "{": "}"}


class QueryError(ValueError):
    """An invalid or failing JMESPath expression; the message is one line."""


def query(value: Any, expression: str) -> Any:
    """Evaluate the JMESPath `expression` against `value`."""
    import jmespath
    from jmespath.exceptions import IncompleteExpressionError, JMESPathError

    if not expression.strip():
        raise QueryError("empty query after '|'")
    try:
        return jmespath.search(expression, value)
    except IncompleteExpressionError:
        raise QueryError(f"{expression}: incomplete expression") from None
    except JMESPathError as exc:
        raise QueryError(f"{expression}: {_first_line(exc)}") from None


def _first_line(exc: Exception) -> str:
    lines = str(exc).strip().splitlines() or [type(exc).__name__]
    return lines[0].removesuffix(", for expression:").rstrip(":")


def split_pipe(text: str) -> tuple[str, str | None]:
    """Split `_3 | [?State=='running'].Names` at the first `|` outside quotes and brackets.

    Returns (path text, query text), or (text, None) when there is no such pipe.
    """
    expected: list[str] = []
    quote = ""
    escaped = False
    for pos, char in enumerate(text):
        if quote:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == quote:
                quote = ""
        elif char in "'\"`":
            quote = char
        elif char in _CLOSERS:
            expected.append(_CLOSERS[char])
        elif expected and char == expected[-1]:
            expected.pop()
        elif char == "|" and not expected:
            return text[:pos].strip(), text[pos + 1 :].strip()
    return text.strip(), None
