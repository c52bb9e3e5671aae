"""``attach`` and ``exec`` on the user's terminal, registered with a Session by a front end that has one (the
shell, a terminal IPython): the session knows no front end, and ``attach`` loads on first use."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .parse import Stream
    from .reply import Reply
    from .session import Session

COMMANDS = ("attach", "exec")


def register(session: Session) -> None:
    """Run ``attach`` and ``exec`` typed to ``session`` on this process's terminal."""
    for name in COMMANDS:
        session.register_stream(name, partial(_run, session))


def _run(session: Session, cmd: Stream) -> Reply:
    from .attach import command

    return command(session, cmd)
