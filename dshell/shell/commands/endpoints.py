"""Commands over the endpoints: ``use``, ``connect``, ``disconnect``, ``hosts``, and the ``@`` forms: ``@a,b Op``
(one op on several endpoints at once, ``shell.fanout``) and ``@NAME CMD`` (one command on another endpoint)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from dshell._frozen import Record

from ..grammar import NO_VALUES, FanOut, OnHost, ParseError, command_value, host_name, none, one
from . import Command, form, register, runner_of

if TYPE_CHECKING:
    from dshell.client import Client

    from ..reply import Reply
    from ..session import Session
    from ..worker import Runner

VERSION_RE = re.compile(r"v?\d+\.\d+")
TLS_FLAGS = {"--tlscacert": "ca", "--tlscert": "cert", "--tlskey": "key", "--tlspass": "password"}


@command_value
class Use(Record):
    """``use v1.41`` pins the API version; ``use auto`` negotiates again; ``use NAME`` makes the endpoint (or
    docker context) NAME the default."""

    version: str


@command_value
class Connect(Record):
    """``connect [NAME] [URI] [--api-version V] [--tlscacert F --tlscert F --tlskey F --tlspass P]``: without
    NAME the default endpoint is replaced; with it one is added."""

    uri: str | None = None
    api_version: str | None = None
    tls: Mapping[str, str] = NO_VALUES  # ca, cert, key, password
    name: str | None = None

    def __repr__(self) -> str:
        tls = {k: "***" if k == "password" else v for k, v in self.tls.items()}  # a secret is never shown
        return f"Connect(uri={self.uri!r}, api_version={self.api_version!r}, tls={tls!r}, name={self.name!r})"


@command_value
class Disconnect(Record):
    """``disconnect NAME``: forget the endpoint NAME (not the default) and close its connections."""

    name: str


@command_value
class Hosts(Record):
    """``hosts``: the session's endpoints with their state, daemon version and API version spoken."""


def _use(session: Session, cmd: Use, run: Runner) -> Reply:
    from ..reply import Reply

    c = session.require_client()
    if cmd.version != "auto" and not VERSION_RE.fullmatch(cmd.version):
        return _use_host(session, cmd.version, run)
    session.pin(None if cmd.version == "auto" else cmd.version)
    run(lambda: c.spec)
    return Reply(f"API {c.api_version} ({'pinned' if c.pinned else 'negotiated'})")


def _asked(c: Client, run: Runner, done: str, said: Callable[[str], str]) -> Reply:
    """``said(version)`` once ``c``'s daemon tells its API version; ``done, but: why`` when it cannot (what was done
    stays: the daemon may come up later)."""
    from ..reply import Reply, one_line

    try:
        version = run(lambda: c.api_version)
    except Exception as exc:  # noqa: BLE001 - one line, whatever the cause
        return Reply(error=f"{done}, but: {one_line(exc)}")
    return Reply(said(version))


def _use_host(session: Session, name: str, run: Runner) -> Reply:
    name = session.hosts.find(name)
    c = session.make_default(name)
    return _asked(c, run, f"default endpoint {name} ({c.uri})", lambda v: f"default endpoint {name} ({c.uri}, API {v})")


def _parse_connect(args: list[str], usage: str) -> Connect:
    uri, version, tls, name = None, None, {}, None
    it = iter(args)
    for arg in it:
        flag, eq, inline = arg.partition("=")
        if flag in TLS_FLAGS or flag == "--api-version":
            value = inline if eq else next(it, None)
            if value is None:
                raise ParseError(f"{flag} needs a value: usage: {usage}")
            if flag == "--api-version":
                version = value
            else:
                tls[TLS_FLAGS[flag]] = value
        elif arg.startswith("-") or name is not None:
            raise ParseError(f"unexpected {arg!r}: usage: {usage}")
        elif uri is not None:
            name, uri = host_name(uri), arg
        else:
            uri = arg
    return Connect(uri, version, tls, name)


def _conn(session: Session, cmd: Connect) -> dict[str, Any] | None:
    if cmd.uri is None:
        return session.config.conn()
    return {"uri": cmd.uri, "timeouts": session.config.timeouts(), **({"mtls": cmd.tls} if cmd.tls else {})}


def _connect(session: Session, cmd: Connect, run: Runner) -> Reply:
    session.wait_ready()  # not require_client: connect is how to recover from a first connection that failed
    if cmd.name is not None and session.hosts.default not in (None, cmd.name):
        return _add_host(session, cmd, run)
    c = session.switch(_conn(session, cmd), cmd.api_version, cmd.name)
    return _asked(c, run, f"connected to {c.uri}", lambda v: f"connected to {c.uri} (API {v})")


def _add_host(session: Session, cmd: Connect, run: Runner) -> Reply:
    import dshell.client as docker

    conn = _conn(session, cmd) or docker.default_conn()
    session.hosts.check(conn, cmd.api_version)  # a bad URI or version: nothing added
    name = session.hosts.add(cmd.name, conn, cmd.api_version)
    session.forget_names(name)  # of what the name meant before
    c = session.hosts.client(name)
    return _asked(c, run, f"added {name} ({c.uri})",
                  lambda v: f"added {name} ({c.uri}, API {v}); @{name} CMD runs a command there, use {name} switches")


def _disconnect(session: Session, cmd: Disconnect, run: Runner) -> Reply:
    import dshell.client as docker

    from ..reply import Reply

    session.wait_ready()
    names = session.hosts.names()
    if cmd.name not in names:
        hint = docker.did_you_mean(cmd.name, names)
        raise docker.ValidationError(f"no endpoint {cmd.name!r}{hint} (endpoints: {', '.join(names) or 'none'})")
    if cmd.name == session.hosts.default:
        others = [n for n in names if n != cmd.name]
        first = f"use {others[0]}" if others else "connect NAME URI and use NAME"
        raise docker.ValidationError(f"{cmd.name} is the default endpoint: make another the default first "
                                     f"({first}), then disconnect {cmd.name}")
    uri = session.hosts.conn(cmd.name).get("uri", "")
    session.forget_names(cmd.name)
    session.hosts.remove(cmd.name)
    for hook in session.on_disconnect:
        hook(cmd.name)
    return Reply(f"disconnected {cmd.name} ({uri}); endpoints: {', '.join(session.hosts.names())}")


def _hosts(session: Session, cmd: Hosts, run: Runner) -> Reply:
    """Each endpoint's name, URI, state, daemon version and the API version it speaks (asked of all at once),
    then the docker contexts not connected yet (``use NAME``/``@NAME`` reach them); a result too."""
    import dshell.client as docker
    from dshell.explorer import HOST, render

    from ..fanout import run_on
    from ..reply import Reply, one_line

    session.require_client()
    names = session.hosts.names()
    clients, answers = run_on(session, names, {"op": "SystemVersion"}, run)
    rows: list[dict[str, Any]] = []
    for name, answer in answers.items():
        c = clients[name]
        up = not isinstance(answer, docker.DshellError) and answer.error is None
        if isinstance(answer, docker.DshellError):
            state = f"down: {one_line(answer).split(';', 1)[0]}"
        elif answer.error is not None:
            state = f"error: {answer.status} {answer.error.message}"
        else:
            state = "up"
        version = answer.data.get("Version", "") if up and isinstance(answer.data, dict) else ""  # type: ignore[union-attr]
        spoken = c.api_version if up else (c.pinned or "")
        rows.append({HOST: name, "DEFAULT": "*" if name == session.hosts.default else "", "URI": c.uri,
                     "STATE": state, "DAEMON": version, "API": f"{spoken} (pinned)" if c.pinned else spoken})
    for name in session.hosts.contexts():
        conn = docker.context_conn(name) or {}
        rows.append({HOST: name, "DEFAULT": "", "URI": conn.get("uri", ""), "STATE": "not connected (docker context)",
                     "DAEMON": "", "API": ""})
    result = session.keep("hosts", {}, rows, status=200, elapsed=0.0, error=None, endpoint="")
    return Reply(render(result), result=result)


def _fan_out(session: Session, cmd: FanOut, run: Runner) -> Reply:
    from ..fanout import fan_out

    return fan_out(session, cmd, run)


def _on_host(session: Session, cmd: OnHost, run: Runner) -> Reply:
    """``@NAME CMD``: ``CMD`` on the endpoint NAME (its version asked first, cancellably, when not known)."""
    session.require_client()
    with session.on_host(cmd.host, run):
        return runner_of(cmd.command)(session, cmd.command, run)


register(Command("use", "use v1.41 | use auto | use NAME", "pin the API version, or negotiate it again; or make the "
                 "endpoint (or docker context) NAME the default", one(Use), _use, Use, args=("version",)))
register(Command("connect", "connect [NAME] [URI] [--api-version V] [--tlscacert F --tlscert F --tlskey F]",
                 "connect to another daemon (no URI: the default one); with NAME add an endpoint", _parse_connect,
                 _connect, Connect, args=("connect",)))
register(Command("disconnect", "disconnect NAME",
                 "forget the endpoint NAME, close its connections (not the default: use another first)",
                 one(Disconnect), _disconnect, Disconnect, args=("endpoint",)))
register(Command("hosts", "hosts", "the endpoints (-H, connect NAME, docker contexts) with state, daemon and API "
                 "version; @a,b Op or @all Op runs an op on several at once, @NAME CMD (exec, run, cp, ...) one "
                 "command on NAME", none(Hosts), _hosts, Hosts))
form(FanOut, _fan_out)
form(OnHost, _on_host)
