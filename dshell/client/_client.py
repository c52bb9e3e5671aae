"""The public operations: client, ops, doc, call and invoke, fetch."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterable

from dshell._checking import TYPE_CHECKING
from dshell._frozen import Record

from . import _auth, _reqlog, _specs
from ._config import default_conn
from ._context import is_local
from ._endpoint import Endpoint
from ._errors import DockerConnectionError, DockerError, ValidationError
from ._request import (
    build,
    check_params,
    check_timeouts,
    did_you_mean,
    find_op,
    raw_request,
    registry_auth,
    validate,
)
from ._response import PROGRESS_OPS, STDIO_OPS, Outcome, decode_answer, docker_error, error_body, stream_errors
from ._streams import DockerStream, demux_pieces
from ._transport import Body, Connection, Pool
from ._versions import negotiate
from ._websocket import UPGRADES, socket_for, upgraded_request

if TYPE_CHECKING:
    from typing import Any

    from ._seam import Transport

MODES = ("data", "stream", "socket")


class Client:
    """A connection to one daemon, scoped to a category of ops (None: every category).

    The API version is pinned, or negotiated with the daemon on first use. ``transport`` replaces the
    keep-alive pool to ``conn`` (a MockTransport, for one); it is shared by the client's copies.
    """

    def __init__(self, category: str | None = None, conn: dict[str, Any] | None = None,
                 api_version: str | None = None, transport: Transport | None = None) -> None:
        if transport is not None:
            self.conn = dict(conn) if conn else {"uri": transport.endpoint.uri}
            self.endpoint = transport.endpoint
        else:
            self.conn = dict(conn) if conn else default_conn()
            check_timeouts(self.conn)
            self.endpoint = Endpoint.parse(self.conn)
        self.transport: Transport = transport if transport is not None else Pool(self.endpoint)
        self._shared = transport is not None
        self._pinned = _specs.check_version(api_version) if api_version else None
        self._negotiated: str | None = None
        self._lock = threading.Lock()
        self._prepared: dict[tuple[Any, ...], Prepared] = {}
        if category is not None:  # checked against a spec only when given: a client of every category loads none
            known = _specs.load(self._pinned or _specs.NEWEST).categories
            if category not in known:
                raise ValidationError(f"unknown category {category!r}{did_you_mean(category, sorted(known))}")
        self.category = category

    @property
    def uri(self) -> str:
        """The endpoint's URI."""
        return self.endpoint.uri

    @property
    def pinned(self) -> str | None:
        """The pinned API version, or None when negotiated."""
        return self._pinned

    @property
    def api_version(self) -> str:
        """The API version spoken: the pin, else negotiated once with the daemon."""
        if self._pinned:
            return self._pinned
        if self._negotiated is None:
            with self._lock:
                if self._negotiated is None:
                    self._negotiated = negotiate(self.transport)
        return self._negotiated

    @property
    def known_version(self) -> str | None:
        """The API version spoken when known without asking the daemon (the pin, or the one negotiated), else
        None."""
        return self._pinned or self._negotiated

    def pin(self, version: str | None) -> None:
        """Pin ``version``, or with None negotiate again on next use."""
        self._pinned = _specs.check_version(version) if version else None
        self._negotiated = None

    @property
    def spec(self) -> _specs.SpecIndex:
        """The spec of the version spoken."""
        return _specs.load(self.api_version)

    @property
    def warm(self) -> bool:
        """Whether a call goes out at once: the API version is known and a kept-alive connection is waiting."""
        return bool(self._pinned or self._negotiated) and self.transport.has_idle()

    def listing_spec(self) -> _specs.SpecIndex:
        """The spec to list ops from: the version spoken, or the newest when the daemon is unreachable."""
        try:
            return self.spec
        except DockerConnectionError:
            return _specs.load(_specs.NEWEST)

    def copy(self) -> Client:
        """A client to the same daemon, speaking the same version, with connections of its own: cancelling
        it (a stream, a wait) breaks nothing of this one's (unless both share a transport given to them)."""
        twin = Client(self.category, self.conn, self._pinned, self.transport if self._shared else None)
        twin._negotiated = self._negotiated
        return twin

    def cancel(self) -> int:
        """Abort every call, stream and socket of this client in flight (from any thread); how many."""
        return self.transport.cancel()

    def close(self) -> None:
        """Close the connections (over ssh: end their processes): the idle ones now, one still being read when
        its stream ends. A later call opens new ones."""
        self.transport.close()

    def __repr__(self) -> str:
        version = self._pinned or self._negotiated or "auto"
        return f"<dshell.client.Client {self.category or '*'} {self.uri} {version}>"


def client(category: str | None = None, conn: dict[str, Any] | None = None,
           api_version: str | None = None, transport: Transport | None = None) -> Client:
    """A client for the ops of ``category`` on the daemon at ``conn`` (default: as the docker CLI would)."""
    return Client(category, conn, api_version, transport)


def categories(version: str | None = None) -> set[str]:
    """The categories of the spec of ``version`` (default: the newest)."""
    return set(_specs.load(version or _specs.NEWEST).categories)


def ops(c: Client) -> list[str]:
    """The op names of the client's category, in spec order."""
    return [o.name for o in c.listing_spec().ops.values() if c.category is None or o.category == c.category]


def doc(c: Client, op: str, prose_dir: str | None = None) -> dict[str, Any]:
    """The op's summary, params and online reference URL, with upstream prose from ``prose_dir`` (a folder of
    upstream ``vX.YY.yaml`` files; default ``$DSHELL_SPECS``) when it has the version's file."""
    spec = c.listing_spec()
    operation = find_op(spec, op, c.category)
    prose = _specs.descriptions(spec.version, prose_dir).get(op, {})
    params = []
    for p in operation.params.values():
        item = p.as_dict()
        if prose.get("params", {}).get(p.name):
            item["doc"] = prose["params"][p.name]
        params.append(item)
    return {"op": op, "category": operation.category, "method": operation.method, "path": operation.path,
            "summary": operation.summary, "doc": prose.get("doc") or operation.summary,
            "url": _specs.doc_url(operation, spec.version), "version": spec.version, "params": params}


def _tty_lookup(c: Client, op: str, params: dict[str, Any]) -> Callable[[], bool]:
    """For a stdio op (``STDIO_OPS``): a callable telling whether its container/exec/service has a TTY (one
    inspect, when asked)."""
    body = params.get("execStartConfig") or {}
    if op == "ExecStart" and "Tty" in body:
        return lambda: bool(body["Tty"])
    inspect: tuple[str, Callable[[Any], Any]] = {"ContainerLogs": ("ContainerInspect", lambda d: d["Config"]["Tty"]),
               "ContainerAttach": ("ContainerInspect", lambda d: d["Config"]["Tty"]),
               "ExecStart": ("ExecInspect", lambda d: d["ProcessConfig"]["tty"]),
               "ServiceLogs": ("ServiceInspect", lambda d: d["Spec"]["TaskTemplate"]["ContainerSpec"].get("TTY")),
               "TaskLogs": ("TaskInspect", lambda d: d["Spec"]["ContainerSpec"].get("TTY"))}[op]

    def lookup() -> bool:
        data = call(c, {"op": inspect[0], "params": {"id": params["id"]}}).unwrap()
        try:
            return bool(inspect[1](data))
        except (KeyError, TypeError):
            return False

    return lookup


def _with_registry_auth(op: _specs.Operation, params: dict[str, Any]) -> dict[str, Any]:
    """The login of the docker config for the image's registry, before validation (ImagePush requires the
    header); an op that requires it gets an empty one when there is no login, as the docker CLI sends."""
    param = op.params.get("X-Registry-Auth")
    if param is None or params.get("X-Registry-Auth") is not None:
        return params
    image = _auth.image_of(op.name, params)
    found = _auth.lookup(_auth.registry_of(image)) if isinstance(image, str) else None
    if found is None and not param.required:
        return params
    return {**params, "X-Registry-Auth": registry_auth(found or {})}


def _with_registry_config(op: _specs.Operation, params: dict[str, Any]) -> dict[str, Any]:
    """ImageBuild gets every login of the docker config (X-Registry-Config), as docker build sends them, so that
    a FROM image of a private registry is pulled with its login. A build with a session (BuildKit's) asks the
    session instead, as the docker CLI has it do."""
    if (op.name != "ImageBuild" or "X-Registry-Config" not in op.params or params.get("X-Registry-Config")
            or params.get("session")):
        return params
    logins = _auth.all_logins()
    return {**params, "X-Registry-Config": logins} if logins else params


def call(c: Client, request: dict[str, Any]) -> Outcome:
    """Run ``{"op", "params", "as": data|stream|socket}`` on the daemon; its Outcome (a daemon error is one
    too, in ``error``). A request that does not fit the spec raises ValidationError, an unreachable daemon
    DockerConnectionError."""
    if request.get("op") == "ImageBuild" and _buildkit_session(request.get("params")):
        from dshell.buildkit.build import client_call

        return client_call(c, request)  # type: ignore[no-any-return]
    prepared, name, mode, tty = _prepare(c, request)
    outcome = _send(c, prepared, name, mode, tty)
    if name == "ImageBuild" and mode == "data" and isinstance(outcome.data, list) and _version_2(request):
        from dshell.buildkit.progress import fold

        return outcome.replace(data=fold(outcome.data))  # BuildKit's base64 progress decoded, as with a session
    return outcome


def _version_2(request: dict[str, Any]) -> bool:
    params = request.get("params")
    return isinstance(params, dict) and str(params.get("version")) == "2"


def _buildkit_session(params: Any) -> bool:
    """Whether an ImageBuild is BuildKit's (``version=2``) with a local folder as its context: dshell then serves
    the context over a session of its own (dshell.buildkit)."""
    return (_version_2({"params": params}) and is_local(params.get("inputStream"))
            and os.path.isdir(params["inputStream"]))


class Pending(Record):
    """A request on its way: ``fileno()`` is readable once its answer begins, ``read()`` gives its Outcome."""

    conn: Connection
    read: Callable[[], Outcome]

    def fileno(self) -> int:
        """The connection's socket (for select/poll)."""
        return self.conn.sock.fileno()


def start(c: Client, request: dict[str, Any]) -> Pending:
    """Send ``request`` (as ``call`` does) and return at once: several daemons can then work at the same time
    without a thread each (``fanout``)."""
    return _start(c, *_prepare(c, request))


def _websocket_streams(name: str, params: dict[str, Any], version: str) -> dict[str, Any]:
    """From API 1.42 ContainerAttachWebsocket attaches only the streams asked for (before, all three with no
    params): unless the caller names one, all three are asked for, so the op shows the same on every version."""
    if name != "ContainerAttachWebsocket" or _specs.version_key(version) < (1, 42) or params.keys() & _STREAMS:
        return params
    return {**params, **dict.fromkeys(_STREAMS, True)}


_STREAMS = frozenset({"stdin", "stdout", "stderr"})


def _prepare(c: Client, request: dict[str, Any]) -> tuple[Prepared, str, str, Callable[[], bool] | None]:
    """The request ready to send (checked by the spec, once for plain params), its op name, mode and TTY lookup."""
    name = request.get("op")
    if not isinstance(name, str):
        raise ValidationError("invoke needs {'op': NAME, 'params': {...}}")
    params = check_params(name, request.get("params"))
    mode = _mode(request)
    if name in UPGRADES and mode != "socket":
        raise ValidationError(f"{name} upgrades the connection to {UPGRADES[name]}: invoke it with 'as': 'socket'")
    version = c.api_version
    key = _prepared_key(version, name, mode, params)
    prepared = c._prepared.get(key) if key is not None else None
    if prepared is None:
        spec = _specs.load(version)
        op = find_op(spec, name, c.category)
        params = _with_registry_config(op, _with_registry_auth(op, _websocket_streams(name, params, version)))
        validate(op, params, spec.version)
        req, upgrade, websocket_key = upgraded_request(build(op, params, spec.version, validated=True), name, mode)
        prepared = Prepared(op.method, op.path, req.target, req.head(c.endpoint.host_header, upgrade=upgrade),
                            req.body, websocket_key)
        if key is not None and not (op.params.keys() & _AUTH_PARAMS):  # a login is read afresh every time
            if len(c._prepared) >= PREPARED_MAX:
                c._prepared.clear()
            c._prepared[key] = prepared
    _reqlog.log(prepared.method, prepared.template, name)
    return prepared, name, mode, _tty_lookup(c, name, params) if name in STDIO_OPS else None


# A request is prepared once (found, validated, built, its head encoded) for each op, mode and params of these
# types; what the daemon sends back is never kept.
_PREPARABLE = frozenset({str, int, float, bool, type(None)})
_AUTH_PARAMS = frozenset({"X-Registry-Auth", "X-Registry-Config"})
PREPARED_MAX = 256  # prepared requests a client keeps; all are dropped when it is full


class Prepared(Record):
    """A request ready to send again: its head bytes and what the log and the Outcome name it by."""

    method: str
    template: str  # the spec's path, as the request log names it
    target: str
    head: bytes
    body: bytes | Iterable[bytes] | None
    websocket_key: str | None


def _prepared_key(version: str, name: str, mode: str, params: dict[str, Any]) -> tuple[Any, ...] | None:
    """What a prepared request is found by: None when its params are not plain values (or it opens a socket,
    whose handshake differs every time). Types are part of the key: ``True`` and ``1`` validate differently."""
    if mode == "socket":
        return None
    key: list[Any] = [version, name, mode]
    for param, value in params.items():
        kind = type(value)
        if kind not in _PREPARABLE:
            return None
        key += (param, kind, value)
    return tuple(key)


def invoke(c: Client, request: dict[str, Any]) -> Any:
    """Run ``{"op", "params", "as": data|stream|socket, "throw"}`` on the daemon; see the README."""
    return call(c, request).unwrap(bool(request.get("throw")))


def _mode(request: dict[str, Any]) -> str:
    mode = request.get("as", "data")
    if mode not in MODES:
        raise ValidationError(f"'as' must be one of {', '.join(MODES)}; got {mode!r}")
    return str(mode)


def _start(c: Client, req: Prepared, op: str | None, mode: str, tty: Callable[[], bool] | None) -> Pending:
    started = time.perf_counter()
    conn, answer = c.transport.send(req.head, req.body, req.method)
    return Pending(conn, lambda: _outcome(c, req, op, mode, tty, started, *answer()))


def _send(c: Client, req: Prepared, op: str | None, mode: str, tty: Callable[[], bool] | None) -> Outcome:
    started = time.perf_counter()
    return _outcome(c, req, op, mode, tty, started, *c.transport.request(req.head, req.body, req.method))


def _outcome(c: Client, req: Prepared, op: str | None, mode: str, tty: Callable[[], bool] | None, started: float,
             conn: Connection, status: int, headers: dict[str, str], body: Body) -> Outcome:
    """The Outcome of the answer to ``req``, its head read."""
    error: DockerError | None = None
    json_body: bytes | None = None
    data: Any
    if status >= 400:
        data = error_body(headers, body.read_all())
        error = docker_error(op, status, data)
    elif mode == "socket" and (status == 101 or not body.done):  # an old daemon may hijack with a 200
        data = socket_for(conn, op, tty, headers, req.websocket_key)
    elif mode == "stream":
        if not body.done:  # a done body's connection is back in the pool: leave it alone
            conn.no_timeouts()
        data = DockerStream(body, op, tty, status, headers)
    elif op in STDIO_OPS and tty is not None and not tty():  # demultiplexed as it is read
        data = demux_pieces(body.iter_chunks())
    else:
        data, json_body = decode_answer(op, headers, body.read_all(), tty)
        if op is None or op in PROGRESS_OPS:
            error = stream_errors(op, status, data)
    return Outcome(op, req.method, req.target, status, headers, time.perf_counter() - started, data, error,
                   c.endpoint.uri, json_body)


_fetch_clients: dict[str, Client] = {}
_fetch_lock = threading.Lock()


def _fetch_client(conn: Any) -> Client:
    if isinstance(conn, Client):
        return conn
    key = json.dumps(conn, sort_keys=True, default=str)
    with _fetch_lock:
        if key not in _fetch_clients:
            _fetch_clients[key] = Client(None, conn)
        return _fetch_clients[key]


def fetch_outcome(request: dict[str, Any]) -> Outcome:
    """A raw call to any endpoint, {"conn", "url", "path", "method", "query", "header", "body", "as"}: its
    Outcome. ``conn`` is a Client or a conn map (default: as the docker CLI would)."""
    url = request.get("url")
    if not isinstance(url, str) or not url:
        raise ValidationError("fetch needs a 'url' such as '/v1.41/containers/json'")
    mode = _mode(request)
    c = _fetch_client(request.get("conn"))
    req = raw_request(request.get("method") or "get", url, request.get("path"), request.get("query"),
                      request.get("header"), request.get("body"))
    template = url.split("?", 1)[0]
    req, upgrade, websocket_key = upgraded_request(req, None, mode)
    _reqlog.log(req.method, template, None)
    prepared = Prepared(req.method, template, req.target, req.head(c.endpoint.host_header, upgrade=upgrade),
                        req.body, websocket_key)
    return _send(c, prepared, None, mode, None)


def fetch(request: dict[str, Any]) -> Any:
    """A raw call to any endpoint: {"conn", "url", "path", "method", "query", "header", "body", "as", "throw"}."""
    return fetch_outcome(request).unwrap(bool(request.get("throw")))
