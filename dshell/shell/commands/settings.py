"""``set`` and ``exit``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dshell._frozen import Record

from ..grammar import ParseError, arity, command_value, none
from . import Command, register

if TYPE_CHECKING:
    from ..reply import Reply
    from ..session import Session
    from ..worker import Runner


@command_value
class Set(Record):
    """``set vi`` / ``set emacs`` / ``set pager off`` / ``set`` (list settings)."""

    key: str | None = None
    value: str | None = None


@command_value
class Exit(Record):
    """``exit`` / ``quit``."""


def _parse_set(args: list[str], usage: str) -> Set:
    arity(args, 0, 2, usage)
    if len(args) == 1 and args[0] in ("vi", "emacs"):
        return Set("editing_mode", args[0])
    if len(args) == 1:
        raise ParseError(f"set {args[0]} needs a value: usage: {usage}")
    return Set(*args)


def _set(session: Session, cmd: Set, run: Runner) -> Reply:
    from ..reply import Reply
    from ..views import settings_view

    if cmd.key is None or cmd.value is None:
        return Reply(settings_view(session.config.items()))
    session.configure(cmd.key, cmd.value)
    return Reply(f"{cmd.key} = {getattr(session.config, cmd.key)}")


def _exit(session: Session, cmd: Exit, run: Runner) -> Reply:
    from ..reply import Reply

    return Reply(exit=True)


register(Command("set", "set vi | set emacs | set KEY VALUE", "change a setting (editing_mode, pager, refresh)",
                 _parse_set, _set, Set, args=("setting",)))
register(Command("exit", "exit", "leave (also quit, Ctrl-D)", none(Exit), _exit, Exit, aliases=("quit",)))
