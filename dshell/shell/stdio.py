"""``attach`` and ``exec`` on the user's terminal, plugged into a Session by a front end that has one (the
shell, ``dshell -c``, a terminal IPython), and streams printed on this process's stdout (``dshell -c``): the
session knows no front end, and ``attach`` and ``printed`` load on first use."""

from __future__ import annotations

from functools import partial

from dshell._checking import TYPE_CHECKING

if TYPE_CHECKING:
    from .commands.streams import Stream
    from .printed import Sink
    from .reply import Reply
    from .session import Session


def register(session: Session) -> None:
    """Run ``attach`` and ``exec`` typed to ``session`` on this process's terminal."""
    session.plug(session.front, terminal=partial(_run, session))


def _run(session: Session, cmd: Stream) -> Reply:
    from .attach import command

    return command(session, cmd)


def print_streams(session: Session, out: Sink | None = None, err: Sink | None = None) -> None:
    """Print the pane commands typed to ``session`` on ``out``/``err`` (default: this process's)."""
    session.plug("script", pane=partial(_print, session, out, err))


def _print(session: Session, out: Sink | None, err: Sink | None, cmd: Stream) -> Reply:
    import sys

    from .printed import stream

    return stream(session, out or sys.stdout, err or sys.stderr, cmd)
