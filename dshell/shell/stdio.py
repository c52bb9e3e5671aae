"""``attach`` and ``exec`` on the user's terminal, plugged into a Session by a front end that has one (the
shell, ``dshell -c``, a terminal IPython): the session knows no front end, and ``attach`` loads on first use."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .commands.streams import Stream
    from .reply import Reply
    from .session import Session


def register(session: Session) -> None:
    """Run ``attach`` and ``exec`` typed to ``session`` on this process's terminal."""
    session.plug(session.front, terminal=partial(_run, session))


def _run(session: Session, cmd: Stream) -> Reply:
    from .attach import command

    return command(session, cmd)
