"""The docker CLI's own commands as typed (``ps -a``, ``rm -f a b``, ``network ls -q``): any first word of the
docker command table (``shell.docker``, data) that no dshell command declares, run by that table's planner."""

from __future__ import annotations

import re
import shlex
from typing import TYPE_CHECKING

from dshell._frozen import Record

from ..grammar import ParseError, command_value
from . import find, form

if TYPE_CHECKING:
    from ..reply import Reply
    from ..session import Session
    from ..worker import Runner

SHARED = {"diff": "_", "history": "0123456789", "save": "_"}
"""Words both dshell and docker have: dshell's when the first argument starts so (``diff _1 _2``, ``history 5``,
``save _3 f.json``; ``history`` alone too), else docker's (``diff web``, ``history busybox``, ``save -o f img``)."""


@command_value
class Docker(Record):
    """A docker CLI command as typed: its words, unquoted as a shell unquotes them. A ``$(...)`` is one word, its
    inner docker command in ``subs`` (the word is ``$(N)``, N its index): its output lines become targets."""

    words: tuple[str, ...]
    subs: tuple[str, ...] = ()


def docker_words(head: str, args: list[str], text: str) -> Docker | None:
    """The docker command the words are, or None (a dshell command, an op, a category)."""
    if find(head) is not None and head not in SHARED:
        return None
    if head in SHARED and (not args or args[0][:1] in SHARED[head]):
        return None
    from ..docker.table import heads

    if head not in heads():
        return None
    subs: list[str] = []

    def sub(m: re.Match[str]) -> str:
        subs.append(m.group(1))
        return f" $({len(subs) - 1}) "

    try:
        return Docker(tuple(shlex.split(_SUB_RE.sub(sub, text))), tuple(subs))
    except ValueError as exc:
        raise ParseError(f"{head}: {exc}") from None


_SUB_RE = re.compile(r"\$\(([^()]*)\)")


def _run(session: Session, cmd: Docker, run: Runner) -> Reply:
    from ..docker.runner import run_words

    return run_words(session, list(cmd.words), run, cmd.subs)


form(Docker, _run)
