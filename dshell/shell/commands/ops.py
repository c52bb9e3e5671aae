"""An op typed by its name (``ContainerList all=true``, ``containers ContainerList``, ``Op ... | query``) and
``fetch``, the raw request. An op that would stream until stopped is shown inline, line by line as it arrives,
until it ends or Ctrl-C stops it; either way what arrived is the stored result."""

from __future__ import annotations

from dshell._checking import TYPE_CHECKING
from dshell._frozen import Record

from ..grammar import NO_VALUES, OpCall, ParseError, Show, command_value, value
from ..words import name_value
from . import Command, form, register

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from dshell.client import Client

    from ..reply import Reply
    from ..session import Session
    from ..worker import Runner


@command_value
class Fetch(Record):
    """``fetch [METHOD] /path [name=value ...] [body]``: a raw request."""

    method: str
    path: str
    query: Mapping[str, Any] = NO_VALUES
    body: Any = None


def op_call(session: Session, cmd: OpCall, run: Runner) -> Reply:
    """Bind ``cmd`` by the spec of the version spoken, call it (inline while it streams), store the outcome."""
    import dshell.client as docker

    from .. import calls
    from ..bind import bind
    from ..completion.live import CHANGES
    from ..reply import Reply

    c = session.require_client()
    if _is_key_here(session, cmd):  # `Networks` after `cd _3.NetworkSettings`
        from .results import show

        return show(session, Show(None, cmd.query, path=cmd.op), run)
    params, told = calls.with_defaults(cmd.op, run(lambda: bind(cmd, c.spec, session.resolve)))
    if told:
        session.note(told)
    if calls.streams(cmd.op, params):
        return follow(session, cmd.op, params, c, run)
    if session.ask is not None and cmd.op.endswith("Prune"):  # at the prompt a prune asks as docker does
        from ..docker.runner import op_question

        question = op_question(session, cmd.op, params)
        if question is not None and not session.ask(question):
            return Reply()
    if cmd.op in ("ImageCreate", "ImagePush", "ImageLoad") and cmd.query is None:  # docker's progress as it comes
        from dshell.explorer import header

        from ..docker.progress import progress

        pulled = progress(session, cmd.op, params)
        return pulled if pulled.error or pulled.result is None else pulled._replace(body=header(pulled.result))
    if cmd.op in calls.LOG_READS:  # stderr lines marked in the result, as in a pane
        outcome = run(lambda: calls.marked_logs(c, cmd.op, params))
    else:
        outcome = run(lambda: docker.call(c, {"op": cmd.op, "params": params}))
    op = session.spec_index.ops.get(cmd.op) if session.spec_index else None
    if op is not None and op.method != "GET" and op.category in CHANGES:
        session.live_here().refresh([CHANGES[op.category]])
    reply = shown(session.store(cmd.op, params, outcome))
    if cmd.query is None or reply.error or reply.result is None:
        return reply
    from dshell.explorer import query, render

    return Reply(render(query(reply.result.data, cmd.query)), result=reply.result)


def shown(result: Any) -> Reply:
    """The reply for a stored result: it rendered, or its error."""
    from dshell.explorer import error_line, render

    from ..reply import Reply

    if result.failed:
        return Reply(error=error_line(result), result=result)
    return Reply(render(result), result=result)


def _is_key_here(session: Session, cmd: OpCall) -> bool:
    """Whether ``cmd`` is a lone word that is no op but a key where ``cd`` went."""
    spec = session.spec_index
    if spec is None or cmd.op in spec.ops or cmd.params or cmd.args:
        return False
    nav = session.navigator
    return nav is not None and nav.ref is not None and cmd.op in nav.names_here()


def follow(session: Session, op: str, params: dict[str, Any], c: Client, run: Runner) -> Reply:
    """Stream ``op`` inline, as ``dshell -c`` prints a stream (``shell.printed``), until it ends or Ctrl-C; what
    arrived is the stored result either way."""
    from rich.text import Text

    from dshell.explorer import STDERR_MARK

    from ..panes.reader import Feed, keep
    from ..panes.reader import follow as run_feed
    from ..panes.sources import Source
    from ..printed import PrintedPane, Said
    from ..reply import Reply

    session.note(f"{op} streams until it ends: Ctrl-C stops it and keeps what arrived")
    pane = PrintedPane(op, Said(session), Said(session, "red", STDERR_MARK))
    feed = Feed(c.copy(), Source(op, op, params), pane, lambda: None)
    how = run_feed(feed, run)
    error = feed.error.removeprefix("error: ") if feed.error else None
    result = keep(session, feed, error)
    if error:
        from dshell.explorer import error_line

        return Reply(error=error_line(result), result=result)
    return Reply(Text(f"[{result.n}] {op}: {how}; {pane.lines} lines kept as _{result.n}", style="dim"),
                 result=result)


def _parse_fetch(args: list[str], usage: str) -> Fetch:
    if args and not args[0].startswith("/"):
        method, args = args[0].upper(), args[1:]
    else:
        method = "GET"
    if not args or not args[0].startswith("/"):
        raise ParseError(f"usage: {usage}")
    path, query, body = args[0], {}, None
    for arg in args[1:]:
        pair = name_value(arg)
        if pair:
            query[pair[0]] = value(pair[1])
        elif body is None:
            body = value(arg)
        else:
            raise ParseError(f"unexpected {arg!r}: usage: {usage}")
    return Fetch(method, path, query, body)


def _fetch(session: Session, cmd: Fetch, run: Runner) -> Reply:
    import dshell.client as docker

    c = session.require_client()
    request = {"conn": c, "url": cmd.path, "method": cmd.method.lower(), "query": session.resolve(cmd.query),
               "body": session.resolve(cmd.body)}
    outcome = run(lambda: docker.fetch_outcome(request))
    params = {"method": cmd.method, "url": cmd.path, "query": request["query"], "body": request["body"]}
    return shown(session.store("fetch", {k: v for k, v in params.items() if v not in (None, {})}, outcome))


register(Command("fetch", "fetch [METHOD] /path [name=value ...] [body]", "a raw request to the daemon", _parse_fetch,
                 _fetch, Fetch, at="one", args=("method",)))
form(OpCall, op_call)
