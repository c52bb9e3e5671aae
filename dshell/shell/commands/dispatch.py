"""Run one input: parse it (``shell.parse``), then the function its command declared (``shell.commands``)."""

from __future__ import annotations

from dshell._checking import TYPE_CHECKING

from ..reply import Reply, one_line
from ..worker import run_here
from . import runner_of

if TYPE_CHECKING:
    from typing import Any

    from ..session import Session
    from ..worker import Runner


def execute(session: Session, text: str | Any | None, runner: Runner = run_here) -> Reply:
    """Parse (if given text) and run one input on ``session``; user and daemon errors come back as
    ``Reply.error``, one line."""
    import dshell.client as docker

    from ..parse import parse_line

    try:
        cmd = parse_line(text) if isinstance(text, str) else text
        if cmd is None:
            return Reply()
        session.wait_ready()
        return runner_of(cmd)(session, cmd, runner)
    except (docker.DshellError, ValueError, OSError) as exc:
        return Reply(error=one_line(exc))
