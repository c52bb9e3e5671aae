"""``@a,b Op ...`` / ``@all Op ...``: one op on several endpoints at once.

The words are bound by the default endpoint's spec first (bad input is one line, no host asked), then by
each host's own where it speaks another API version; ``docker.fanout`` runs the call on every endpoint
concurrently, each with its own timeouts. Each host's outcome is stored as a result of its own, then the
merged rows (each with ``HOST`` first) as one more; a host that failed is one line while the others answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from dshell.explorer import HOST

if TYPE_CHECKING:
    import dshell.client as docker
    from dshell.client import Client, DshellError, Outcome, SpecIndex
    from dshell.explorer import Result

    from .grammar import FanOut, OpCall
    from .reply import Reply
    from .session import Session
    from .worker import Runner


def host_rows(name: str, data: Any) -> list[dict[str, Any]]:
    """A host's data as rows with ``HOST`` first: each object of a list, an object itself, else ``Data``."""
    if isinstance(data, list):
        return [{HOST: name, **row} if isinstance(row, dict) else {HOST: name, "Data": row} for row in data]
    if isinstance(data, dict):
        return [{HOST: name, **data}]
    return [{HOST: name, "Data": data}]


def run_on(session: Session, names: list[str], request: docker.FanoutRequest, run: Runner,
           on_answer: Callable[[str, Outcome | DshellError], None] | None = None
           ) -> tuple[dict[str, Client], dict[str, Outcome | DshellError]]:
    """The clients of ``names`` and each one's answer to ``request``, asked concurrently (each within the
    ``fanout_timeout`` setting; ``on_answer`` as each comes)."""
    import dshell.client as docker

    clients = {name: session.hosts.client(name) for name in names}
    deadline = session.config.fanout_timeout
    return clients, run(lambda: docker.fanout(clients, request, deadline=deadline, on_answer=on_answer))


def fan_out(session: Session, cmd: FanOut, run: Runner) -> Reply:
    """Run ``cmd.call`` on the endpoints ``cmd.hosts``; the reply shows the merged table and a line per failed
    host."""
    import dshell.client as docker
    from dshell.explorer import Note, query, render

    from .reply import Reply, one_line

    names = session.hosts.select(cmd.hosts)
    base = session.require_client()
    op = cmd.call.op
    spec = run(base.listing_spec)
    params = _bound(session, cmd.call, spec)  # bad input is one line before any host is asked
    request, bound = per_host(session, cmd.call, spec, params)
    stored: dict[str, Result] = {}

    def came(name: str, answer: Outcome | DshellError) -> None:
        """Each host's answer is kept as it comes (Ctrl-C keeps them) and told in a line when others wait."""
        if isinstance(answer, docker.Outcome):
            stored[name] = result = session.store(op, bound[name], answer, session.hosts.client(name).api_version)
            if len(stored) < len(names) and session.say is not None:
                session.say(Note(f"{name}: {answer.status} in {answer.elapsed * 1000:.0f} ms (_{result.n})"))

    clients, answers = run_on(session, names, request, run, came)
    rows: list[dict[str, Any]] = []
    lines: list[str] = []
    elapsed = 0.0
    for name, answer in answers.items():
        if isinstance(answer, docker.DshellError):
            lines.append(f"{name}: {one_line(answer)}")
            continue
        result = stored[name]
        elapsed = max(elapsed, answer.elapsed)
        if answer.error is not None:
            lines.append(f"{name}: [{result.n}] {answer.status} {answer.error.message}")
        else:
            rows += host_rows(name, answer.data)
    error = "\n".join(lines) or None
    if len(lines) == len(names):
        return Reply(error=error)
    merged = session.keep(op, {"@": names, **params}, rows, status=200, elapsed=elapsed, error=None,
                          endpoint="@" + ",".join(names))
    body = render(merged) if cmd.call.query is None else render(query(rows, cmd.call.query))
    return Reply(body, error=error, result=merged)


def per_host(session: Session, call: OpCall, spec: SpecIndex, params: dict[str, Any]
             ) -> tuple[Callable[[str, Client], dict[str, Any]], dict[str, dict[str, Any]]]:
    """The fan-out request of ``call`` (``params``: bound by ``spec``): a host that speaks another version gets
    the words bound by its own spec; and the params each host was sent, filled in as they are sent."""
    import dshell.client as docker

    from .reply import one_line

    bound: dict[str, dict[str, Any]] = {}

    def request(name: str, c: Client) -> dict[str, Any]:
        own = c.spec  # what this host speaks (asked here first for a host not yet connected: in its own thread)
        try:
            bound[name] = params if own.version == spec.version else _bound(session, call, own)
        except ValueError as exc:
            raise docker.ValidationError(one_line(exc)) from None
        return {"op": call.op, "params": bound[name]}

    return request, bound


def _bound(session: Session, call: OpCall, spec: SpecIndex) -> dict[str, Any]:
    """``call``'s params by ``spec`` (with the shell's defaults); an op that would stream is refused."""
    import dshell.client as docker

    from . import calls
    from .bind import bind

    params, _ = calls.with_defaults(call.op, bind(call, spec, session.resolve))
    if calls.streams(call.op, params):
        raise docker.ValidationError(f"{call.op} with these params streams until stopped: a fan-out runs ops that "
                                     "answer (e.g. follow=false)")
    return params
