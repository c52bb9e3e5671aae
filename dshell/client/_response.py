"""A response → its Outcome: data (decoded by op and Content-Type), stream or socket; a daemon error as a
DockerError with the parsed body."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping
from typing import Any

from ._errors import DockerError
from ._hijack import HijackedSocket
from ._streams import DockerStream, demux_text, json_values, stream_error

# Ops whose 200 body is a sequence of JSON objects (progress, events): always returned as a list.
JSON_LINES_OPS = frozenset({"ImageCreate", "ImagePush", "ImageBuild", "ImageLoad", "ImageImport", "SystemEvents",
                            "PluginPull", "PluginUpgrade"})
# Ops whose body is stdout/stderr: multiplexed frames unless the container or exec has a TTY.
STDIO_OPS = frozenset({"ContainerLogs", "ContainerAttach", "ExecStart", "ServiceLogs", "TaskLogs"})


class Outcome:
    """One call's outcome, like httpx's Response: what was asked, what the daemon answered, how long it took.

    ``data`` is what ``invoke`` returns: the decoded data, a DockerStream (``as: stream``), a HijackedSocket
    (``as: socket``), or, when the daemon answered with an error, its parsed body, with ``error`` set.
    Immutable (``replace`` gives a changed copy); a plain class, as a dataclass would cost start-up its import.
    """

    __slots__ = ("op", "method", "url", "status", "headers", "elapsed", "data", "error", "endpoint")
    op: str | None  # None for a raw fetch
    method: str
    url: str  # the request target: path and query
    status: int
    headers: Mapping[str, str]  # lower-cased names
    elapsed: float  # seconds until the answer (for a stream or socket: until its head)
    data: Any
    error: DockerError | None  # a status >= 400, or an error inside a 200 progress stream
    endpoint: str  # the client's URI

    def __init__(self, op: str | None, method: str, url: str, status: int, headers: Mapping[str, str],
                 elapsed: float, data: Any = None, error: DockerError | None = None, endpoint: str = "") -> None:
        put = object.__setattr__  # one call a field, as a frozen dataclass does: this is on every call's path
        put(self, "op", op)
        put(self, "method", method)
        put(self, "url", url)
        put(self, "status", status)
        put(self, "headers", headers)
        put(self, "elapsed", elapsed)
        put(self, "data", data)
        put(self, "error", error)
        put(self, "endpoint", endpoint)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"an Outcome is immutable: cannot set {name!r} (use replace)")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"an Outcome is immutable: cannot delete {name!r}")

    def _fields(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Outcome) and self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]  # headers and data are mutable

    def __repr__(self) -> str:
        return (f"Outcome(op={self.op!r}, {self.request_line!r}, status={self.status}, "
                f"elapsed={self.elapsed:.3f}, error={self.error!r})")

    def replace(self, **changes: Any) -> Outcome:
        """A copy with ``changes`` (field=value) applied."""
        unknown = set(changes) - set(self.__slots__)
        if unknown:
            raise TypeError(f"Outcome has no field {sorted(unknown)[0]!r}")
        return Outcome(**{name: changes.get(name, getattr(self, name)) for name in self.__slots__})

    @property
    def request_line(self) -> str:
        """``GET /v1.41/containers/json``."""
        return f"{self.method} {self.url}"

    @property
    def ok(self) -> bool:
        """True when the daemon reported no error."""
        return self.error is None

    @property
    def stream(self) -> DockerStream | None:
        """The body as a stream (``as: stream`` and no error), else None."""
        return self.data if isinstance(self.data, DockerStream) else None

    @property
    def socket(self) -> HijackedSocket | None:
        """The hijacked connection (``as: socket`` and no error), else None."""
        return self.data if isinstance(self.data, HijackedSocket) else None

    def unwrap(self, throw: bool = True) -> Any:
        """``data``; with ``throw``, the DockerError instead when there is one (what ``invoke`` does)."""
        if throw and self.error is not None:
            raise self.error
        return self.data


def parse_json(raw: bytes, many: bool = False) -> Any:
    """One JSON document, or a list when the body holds several (JSON lines) or ``many`` is set."""
    try:
        value = json.loads(raw)
    except ValueError:
        try:
            return json_values(raw)
        except ValueError:  # declared JSON, but not: the text as it came
            return raw.decode("utf-8", "replace")
    return [value] if many else value


def _path_stat(headers: dict[str, str]) -> Any:
    """The decoded ``X-Docker-Container-Path-Stat`` (base64 JSON: name, size, mode, mtime, linkTarget)."""
    value = headers.get("x-docker-container-path-stat")
    if value is None:
        return None
    try:
        return json.loads(base64.b64decode(value))
    except (binascii.Error, ValueError):
        return value


# The ping headers (spec names), as SystemPingHead's data; Docker-Experimental is a boolean.
_PING_HEADERS = ("Api-Version", "Builder-Version", "Docker-Experimental", "OSType", "Swarm",
                 "Cache-Control", "Pragma")


def _ping_headers(headers: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in _PING_HEADERS:
        value = headers.get(name.lower())
        if value is not None:
            out[name] = value == "true" if name == "Docker-Experimental" else value
    return out


# Ops whose answer is in headers (HEAD requests): the data is decoded from them.
HEADER_OPS: dict[str, Callable[[dict[str, str]], Any]] = {
    "ContainerArchiveInfo": _path_stat, "SystemPingHead": _ping_headers}


def header_data(op: str | None, headers: dict[str, str]) -> Any:
    """The data an op's response carries in its headers (None for ops whose answer is the body)."""
    decoder = HEADER_OPS.get(op or "")
    return decoder(headers) if decoder else None


def decode(op: str | None, headers: dict[str, str], raw: bytes, tty: Callable[[], bool] | None = None) -> Any:
    """The data of a successful response, by op and Content-Type."""
    if op in STDIO_OPS:
        if tty is not None and not tty():
            return demux_text(raw)
        return raw.decode("utf-8", "replace")
    if op in HEADER_OPS:
        return header_data(op, headers)
    if not raw or (raw[:1].isspace() and not raw.strip()):  # Podman answers some 201/200s with a bare "\n"
        return [] if op in JSON_LINES_OPS else None
    ctype = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if ctype == "application/json" or ctype.endswith("+json") or (not ctype and raw[:1] in (b"{", b"[")):
        return parse_json(raw, many=op in JSON_LINES_OPS)
    if ctype.startswith("text/"):
        return raw.decode("utf-8", "replace")
    return raw


def error_body(headers: dict[str, str], raw: bytes) -> Any:
    """The parsed body of an error response."""
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return raw.decode("utf-8", "replace")


def docker_error(op: str | None, status: int, body: Any) -> DockerError:
    """A DockerError carrying the daemon's message."""
    if isinstance(body, dict):
        message = str(body.get("message") or body.get("error") or body)
    else:
        message = str(body or "").strip() or _reason(status)
    if status == 404 and op and body and message.lower() in _NO_ROUTE:  # a HEAD's 404 has no body to say so
        message = f"the daemon does not serve {op}: it answered {message!r} for the route itself"
    return DockerError(status, message, op, body)


# What a daemon answers for a path it has no route for (Docker: JSON, Podman: Go's plain text), as opposed
# to a 404 about a missing object ("No such container: x").
_NO_ROUTE = frozenset({"page not found", "not found", "404 page not found"})


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase.lower()
    except ValueError:
        return "error"


def stream_errors(op: str | None, status: int, data: Any) -> DockerError | None:
    """The DockerError for an ``error`` object inside a 200 JSON stream, else None."""
    for value in data if isinstance(data, list) else (data,):
        message = stream_error(value)
        if message is not None:
            return DockerError(status, message, op, data)
    return None
