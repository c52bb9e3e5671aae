"""What a command answers (a Reply), and the one-line form of an error."""

from __future__ import annotations

from dshell._checking import TYPE_CHECKING
from dshell._frozen import Record

if TYPE_CHECKING:
    from typing import Any

    from dshell.explorer import Result


class Reply(Record):
    """What a command produced: ``body`` to show (a rich renderable or text: what docker would print on stdout),
    an ``error`` line, ``exit``, and a ``note``: words beside the body, dshell's own (the result it kept, how a
    container ended) or what docker prints on stderr (``info``'s daemon warnings), dim at the prompt, on stderr
    under ``dshell -c`` so that a script gets docker's output alone."""

    body: Any = None
    error: str | None = None
    exit: bool = False
    result: Result | None = None  # the numbered result the command made, if any
    status: int = 0  # the exit status it gives a script (``dshell -c``): run's container exit code
    note: str | None = None


LONGEST = 1000  # characters of an error line kept: a name a daemon sent may be a megabyte long


def one_line(exc: BaseException) -> str:
    """The first line of an exception's message (its type name when it has none), at most LONGEST characters."""
    text = str(exc).strip()
    line = text.splitlines()[0] if text else type(exc).__name__
    return line if len(line) <= LONGEST else f"{line[:LONGEST - 40]}… ({len(line) - LONGEST + 40} more characters)"
