"""Commands over the kept results: ``show`` (and a reference typed alone, maybe reshaped: ``_3 --sort NAMES``),
``open`` (the navigator), ``cd``, ``ls``, ``pwd``, ``history``, ``save``, ``diff``."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from dshell._frozen import Record

from ..grammar import FULL_FLAGS, ParseError, Show, arity, command_value, none, one, ref
from . import Command, register

if TYPE_CHECKING:
    from dshell.explorer import Navigator, Ref

    from ..reply import Reply
    from ..session import Session
    from ..worker import Runner


@command_value
class Cd(Record):
    """``cd _3.Config`` / ``cd ..`` / ``cd Config`` / ``cd`` (back to the top)."""

    target: str | None = None


@command_value
class Ls(Record):
    """``ls [path]``: the keys (or indices) at the current location."""

    target: str | None = None


@command_value
class Pwd(Record):
    """``pwd``."""


@command_value
class Save(Record):
    """``save _3 file.json`` (or .yaml)."""

    ref: Ref
    path: str


@command_value
class Listing(Record):
    """``history [N]``: the stored results, the last N."""

    limit: int | None = None


@command_value
class Open(Record):
    """``open [_3[.path]]``: the navigator, full-screen (the last result without one)."""

    target: str | None = None


@command_value
class Diff(Record):
    """``diff _A _B``: the words as typed (``shell.workflows.diff`` reads them)."""

    args: tuple[str, ...] = ()


def _nav(session: Session) -> Navigator:
    if session.navigator is None:
        session.require_client()  # waits for the load, and says why it failed
    assert session.navigator is not None
    return session.navigator


def _parse_show(args: list[str], usage: str) -> Show:
    full = bool(args) and args[-1] in FULL_FLAGS
    rest = args[:-1] if full else args
    arity(rest, 0, 1, usage)
    return Show(ref(rest[0], usage) if rest else None, None, full)


def show(session: Session, cmd: Show, run: Runner) -> Reply:
    """Show a result, a path into one, or where ``cd`` went (a query over it, all of it with ``full``)."""
    from dshell.explorer import Ref, query, render, resolve

    from ..reply import Reply

    history = session.history
    assert history is not None
    nav = _nav(session)
    if cmd.ref is not None:
        where: Ref = cmd.ref
    elif cmd.path is not None:
        found = nav.locate(cmd.path) if nav.ref is not None else None
        if found is None:
            return Reply(error=f"{cmd.path}: a path like this is relative to where cd went: cd _3 first, "
                               f"or name the result (_3.{cmd.path})")
        where = found
    elif nav.ref is not None:
        where = nav.ref
    else:
        return Reply(error="nothing to show here: name a result (_3) or cd into one")
    limit = None if cmd.full else 200
    value = resolve(where, history)  # checks that the result and the path exist
    if cmd.gestures:
        return _reshape(session, where, value, cmd, limit)
    if not where.steps and cmd.query is None:
        result = history.last if where.result is None else history[where.result]
        return Reply(render(result, full=cmd.full, limit=limit))
    if cmd.query is not None:
        return Reply(render(query(value, cmd.query), full=cmd.full, limit=limit))
    last = history.last  # `_` is that one: paths in a notebook name it by number
    named = Ref(last.n, where.steps) if where.result is None and last is not None else where
    return Reply(render(value, full=cmd.full, limit=limit, path=str(named)))


def _reshape(session: Session, where: Ref, value: Any, cmd: Show, limit: int | None) -> Reply:
    """``_3 --filter EXPR --sort COL ...``: the value reshaped, kept as the next numbered result."""
    from dshell.explorer import Ref, gestures_from, render, reshaped

    from ..reply import Reply
    from ..words import shell_words

    assert session.history is not None
    source = session.history.last if where.result is None else session.history[where.result]
    assert source is not None
    named = Ref(source.n, where.steps)
    gestures = gestures_from(shell_words(" ".join(cmd.gestures)))
    data, op = reshaped(value, source.op if not where.steps else "", gestures, str(named))
    result = session.keep(op or "Table", {"of": str(named), "gestures": str(gestures)}, data, status=None, elapsed=0.0,
                          error=None, endpoint=source.endpoint, api_version=source.api_version)
    return Reply(render(result, full=cmd.full, limit=limit), result=result)


def _open(session: Session, cmd: Open, run: Runner) -> Reply:
    from ..reply import Reply

    handler = session.plugs.get("navigator")
    if handler is None:
        return Reply(error="open needs the interactive prompt (a full screen); here a result shows as a table or "
                           "a tree: _3, _3 --sort COL, _3 --filter EXPR")
    return handler(cmd)


def _cd(session: Session, cmd: Cd, run: Runner) -> Reply:
    from ..reply import Reply

    return Reply(_nav(session).cd(cmd.target or "/"))


def _ls(session: Session, cmd: Ls, run: Runner) -> Reply:
    from ..reply import Reply

    return Reply(_nav(session).ls(cmd.target or "."))


def _pwd(session: Session, cmd: Pwd, run: Runner) -> Reply:
    from ..reply import Reply

    return Reply(_nav(session).pwd())


def _parse_history(args: list[str], usage: str) -> Listing:
    arity(args, 0, 1, usage)
    if args and not args[0].isdigit():
        raise ParseError(f"usage: {usage}")
    return Listing(int(args[0]) if args else None)


def _history(session: Session, cmd: Listing, run: Runner) -> Reply:
    from ..reply import Reply
    from ..views import history_view

    _nav(session)
    assert session.history is not None
    results = session.history.recent(cmd.limit)
    return Reply(history_view(results) if results else "no results yet")


def _parse_save(args: list[str], usage: str) -> Save:
    arity(args, 2, 2, usage)
    return Save(ref(args[0], usage), args[1])


def _save(session: Session, cmd: Save, run: Runner) -> Reply:
    from dshell.explorer import save

    from ..reply import Reply

    path = save(session.resolve(cmd.ref), os.path.expanduser(cmd.path))
    return Reply(f"saved {cmd.ref} to {path}")


def _diff(session: Session, cmd: Diff, run: Runner) -> Reply:
    from ..workflows.diff import command

    return command(session, cmd.args)


register(Command("history", "history [N]", "the stored results (also those of earlier sessions)", _parse_history,
                 _history, Listing))
register(Command("show", "show _3 [all]", "show a result; `all` (or `_3 --full`) shows all of it", _parse_show,
                 show, Show, args=("ref", "more")))
register(Command("open", "open [_3[.Config]]", "a result full-screen: arrows move, Enter opens, Backspace goes "
                 "back, / filters (text: searches, n/N), s sorts, c picks columns, y puts the path on the prompt, "
                 "Y copies the value, q quits (Ctrl-O on an empty line: the last result)", one(Open, optional=True),
                 _open, Open, fronts=frozenset({"prompt"}), args=("ref",)))
register(Command("cd", "cd _3.Config | cd .. | cd Key | cd", "move into a result", one(Cd, optional=True), _cd, Cd,
                 args=("key",)))
register(Command("ls", "ls [path]", "the keys at the current location", one(Ls, optional=True), _ls, Ls,
                 args=("key",)))
register(Command("pwd", "pwd", "where cd went", none(Pwd), _pwd, Pwd))
register(Command("save", "save _3 file.json", "save a result as JSON or YAML (by the file extension)", _parse_save,
                 _save, Save, args=("ref",)))
register(Command("diff", "diff _A _B", "what changed between two results or paths into them (added, removed, "
                 "changed); the diff is a result too", lambda args, usage: Diff(tuple(args)), _diff, Diff,
                 args=("ref", "ref")))
