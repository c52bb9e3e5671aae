"""JMESPath queries over result values."""

from __future__ import annotations

from typing import Any


class QueryError(ValueError):
    """An invalid or failing JMESPath expression; the message is one line."""


def query(value: Any, expression: str) -> Any:
    """Evaluate the JMESPath `expression` against `value`."""
    import jmespath
    from jmespath.exceptions import IncompleteExpressionError, JMESPathError

    if not expression.strip():
        raise QueryError("empty query after '|'")
    if isinstance(value, bytes | bytearray):
        raise QueryError(f"{expression}: a query needs JSON data, and this result is {len(value)} bytes of "
                         "binary data (save it to a file: save _N out.tar)")
    try:
        return jmespath.search(expression, value)
    except IncompleteExpressionError:
        raise QueryError(f"{expression}: incomplete expression") from None
    except JMESPathError as exc:
        raise QueryError(f"{expression}: {_first_line(exc)}") from None
    except RecursionError:  # jmespath parses and evaluates recursively
        raise QueryError(f"{expression[:40]}...: nested too deeply to evaluate") from None


def _first_line(exc: Exception) -> str:
    lines = str(exc).strip().splitlines() or [type(exc).__name__]
    return lines[0].removesuffix(", for expression:").rstrip(":")

