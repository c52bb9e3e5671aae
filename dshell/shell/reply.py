"""What a command answers (a Reply), and the one-line form of an error."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from dshell.explorer import Result


class Reply(NamedTuple):
    """What a command produced: ``body`` to show (a rich renderable or text), an ``error`` line, ``exit``."""

    body: Any = None
    error: str | None = None
    exit: bool = False
    result: Result | None = None  # the numbered result the command made, if any
    status: int = 0  # the exit status it gives a script (``dshell -c``): run's container exit code


def one_line(exc: BaseException) -> str:
    """The first line of an exception's message (its type name when it has none)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
