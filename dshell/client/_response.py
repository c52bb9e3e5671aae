"""A response → its Outcome: data (decoded by op and Content-Type), stream or socket; a daemon error as a
DockerError with the parsed body."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping

from dshell._checking import TYPE_CHECKING

from .._fastjson import loads as fast_loads
from ._errors import DockerError
from ._hijack import HijackedSocket
from ._streams import DockerStream, demux_text, json_values, stream_error

if TYPE_CHECKING:
    from typing import Any

# Ops whose 200 body is a sequence of JSON objects (progress, events): always returned as a list.
JSON_LINES_OPS = frozenset({"ImageCreate", "ImagePush", "ImageBuild", "ImageLoad", "ImageImport", "SystemEvents",
                            "PluginPull", "PluginUpgrade"})
# Ops whose 200 body may hold an ``error`` object (a failure midway through the progress it streams); a raw
# ``fetch`` (no op) is searched too.
PROGRESS_OPS = JSON_LINES_OPS | {"PluginPush"}
# Ops whose body is stdout/stderr: multiplexed frames unless the container or exec has a TTY.
STDIO_OPS = frozenset({"ContainerLogs", "ContainerAttach", "ExecStart", "ServiceLogs", "TaskLogs"})


class Outcome:
    """One call's outcome, like httpx's Response: what was asked, what the daemon answered, how long it took.

    ``data`` is what ``invoke`` returns: the decoded data, a DockerStream (``as: stream``), a HijackedSocket
    (``as: socket``), or, when the daemon answered with an error, its parsed body, with ``error`` set.
    ``json_body`` is the body as the daemon sent it when ``data`` is its one JSON document (a history stores
    these bytes rather than encoding the data again), else None.
    Immutable (``replace`` gives a changed copy); a plain class, as a dataclass would cost start-up its import.
    """

    __slots__ = ("_values",)  # one tuple, set once: an Outcome is made on every call's path
    _values: tuple[str | None, str, str, int, Mapping[str, str], float, Any, DockerError | None, str, bytes | None]
    FIELDS = ("op", "method", "url", "status", "headers", "elapsed", "data", "error", "endpoint", "json_body")

    def __init__(self, op: str | None, method: str, url: str, status: int, headers: Mapping[str, str],
                 elapsed: float, data: Any = None, error: DockerError | None = None, endpoint: str = "",
                 json_body: bytes | None = None) -> None:
        object.__setattr__(self, "_values", (op, method, url, status, headers, elapsed, data, error, endpoint,
                                             json_body))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"an Outcome is immutable: cannot set {name!r} (use replace)")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"an Outcome is immutable: cannot delete {name!r}")

    def __reduce__(self) -> tuple[type[Outcome], tuple[Any, ...]]:
        """Made again from its fields: copy, deepcopy and pickle work (not with a hijacked socket in ``data``)."""
        return Outcome, self._values

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Outcome) and self._values == other._values

    __hash__ = None  # type: ignore[assignment]  # headers and data are mutable

    def __repr__(self) -> str:
        return (f"Outcome(op={self.op!r}, {self.request_line!r}, status={self.status}, "
                f"elapsed={self.elapsed:.3f}, error={self.error!r})")

    def replace(self, **changes: Any) -> Outcome:
        """A copy with ``changes`` (field=value) applied; new ``data`` drops ``json_body`` (not its body)."""
        unknown = set(changes) - set(self.FIELDS)
        if unknown:
            raise TypeError(f"Outcome has no field {sorted(unknown)[0]!r}")
        if "data" in changes:
            changes.setdefault("json_body", None)
        now = zip(self.FIELDS, self._values, strict=True)
        return Outcome(**{name: changes.get(name, value) for name, value in now})

    @property
    def op(self) -> str | None:
        """The op's name; None for a raw fetch."""
        return self._values[0]

    @property
    def method(self) -> str:
        """The request's method."""
        return self._values[1]

    @property
    def url(self) -> str:
        """The request target: path and query."""
        return self._values[2]

    @property
    def status(self) -> int:
        """The answer's status."""
        return self._values[3]

    @property
    def headers(self) -> Mapping[str, str]:
        """The answer's headers, lower-cased names."""
        return self._values[4]

    @property
    def elapsed(self) -> float:
        """Seconds until the answer (for a stream or socket: until its head)."""
        return self._values[5]

    @property
    def data(self) -> Any:
        """What ``invoke`` returns."""
        return self._values[6]

    @property
    def error(self) -> DockerError | None:
        """A status >= 400, or an error inside a 200 progress stream."""
        return self._values[7]

    @property
    def endpoint(self) -> str:
        """The client's URI."""
        return self._values[8]

    @property
    def json_body(self) -> bytes | None:
        """The body ``data`` was decoded from as one JSON document, else None."""
        return self._values[9]

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
        values = self._values  # not the properties: this is on every invoke's path
        if throw and values[7] is not None:
            raise values[7]
        return values[6]


def parse_json(raw: bytes, many: bool = False) -> Any:
    """One JSON document, or a list when the body holds several (JSON lines) or ``many`` is set."""
    try:
        value = fast_loads(raw)
    except RecursionError:  # nested deeper than json recurses (Go's decoder, the daemon's, allows 10,000)
        from ._deepjson import loads as deep_loads

        try:
            value = deep_loads(raw)
        except ValueError:  # not JSON, or deeper than that: the text as it came
            return raw.decode("utf-8", "replace")
    except ValueError:
        try:
            return json_values(raw)
        except ValueError:  # declared JSON, but not (or nested too deeply): the text as it came
            return raw.decode("utf-8", "replace")
    return [value] if many else value


def _path_stat(headers: dict[str, str]) -> Any:
    """The decoded ``X-Docker-Container-Path-Stat`` (base64 JSON: name, size, mode, mtime, linkTarget)."""
    value = headers.get("x-docker-container-path-stat")
    if value is None:
        return None
    import base64

    try:
        return json.loads(base64.b64decode(value))
    except (ValueError, RecursionError):  # binascii.Error is a ValueError
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
    header = headers.get("content-type", "")
    kind = _BODY_KINDS.get(header) or _body_kind(header)
    if kind == "json" or (kind == "none" and raw[:1] in (b"{", b"[")):
        return parse_json(raw, many=op in JSON_LINES_OPS)
    if kind == "text":
        return raw.decode("utf-8", "replace")
    return raw


def decode_answer(op: str | None, headers: dict[str, str], raw: bytes,
                  tty: Callable[[], bool] | None = None) -> tuple[Any, bytes | None]:
    """`decode`'s data, and ``raw`` when that data is its one JSON document (else None)."""
    if raw[:1] in (b"{", b"[") and op not in JSON_LINES_OPS and op not in STDIO_OPS and op not in HEADER_OPS:
        header = headers.get("content-type", "")
        if (_BODY_KINDS.get(header) or _body_kind(header)) in ("json", "none"):
            try:
                return fast_loads(raw), raw
            except (ValueError, RecursionError):
                pass
    return decode(op, headers, raw, tty), None


_BODY_KINDS: dict[str, str] = {}  # Content-Type headers seen -> json, text, bytes or none (no type: sniffed)


def _body_kind(header: str) -> str:
    """How a body of this Content-Type is decoded, remembered for the next answer."""
    ctype = header.split(";", 1)[0].strip().lower()
    kind = ("json" if ctype == "application/json" or ctype.endswith("+json") else "text" if ctype.startswith("text/")
            else "bytes" if ctype else "none")
    if len(_BODY_KINDS) < 64:
        _BODY_KINDS[header] = kind
    return kind


def error_body(headers: dict[str, str], raw: bytes) -> Any:
    """The parsed body of an error response."""
    try:
        return json.loads(raw) if raw else None
    except (ValueError, RecursionError):
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
