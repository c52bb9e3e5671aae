"""Compose: ``compose ...`` — projects as data and their lifecycle through dshell.compose (``shell.workflows.compose``,
loaded when first run). ``@a,b compose ls`` lists every host's projects; ``@NAME compose ...`` runs on NAME."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dshell._frozen import Record

from ..grammar import command_value
from . import Command, register

if TYPE_CHECKING:
    from ..reply import Reply
    from ..session import Session
    from ..worker import Runner

USAGE = "compose [-p NAME] [-f FILE]... [--profile P] [--env-file F] [--dry-run] COMMAND [ARGS]"


@command_value
class Compose(Record):
    """``compose`` with its words as typed (an ``@a,b`` before the subcommand among them)."""

    args: tuple[str, ...] = ()


def _parse(args: list[str], usage: str) -> Compose:
    return Compose(tuple(args))


def _run(session: Session, cmd: Compose, run: Runner) -> Reply:
    from ..workflows.compose import command

    return command(session, cmd, run)


register(Command("compose", USAGE, "Compose projects as docker compose v2 runs them, on the Engine API; COMMAND: ls "
                 "ps top images port events logs config tree up down start stop restart pause unpause kill rm run "
                 "exec pull build (each op a result; --dry-run lists them; @a,b compose ls)",
                 _parse, _run, Compose, at="several", args=("compose",)))
