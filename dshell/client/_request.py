"""An op and its params → a validated HTTP request (routing, encoding, nearest-name hints)."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator

from dshell._checking import TYPE_CHECKING
from dshell._frozen import Record

from ._context import is_local, local_bodies, path_chunks
from ._errors import ValidationError
from ._specs import Operation, Param, SpecIndex, load, version_key, versions

if TYPE_CHECKING:
    from typing import Any

USER_AGENT = "dshell/0.1"
_TOKEN = re.compile(r"[-!#$%&'*+.^_`|~0-9a-zA-Z]+")  # a header name
_TARGET = re.compile(r"[\x21-\x7e]+")  # a request target: visible ASCII
_AUTH_HEADERS = frozenset({"X-Registry-Auth", "X-Registry-Config"})
_TYPE_NAMES = {"boolean": "true/false", "integer": "an integer", "number": "a number", "string": "a string",
               "array": "a list", "object": "an object"}
_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~")


def quote(text: str, safe: str = "") -> str:
    """``text`` percent-encoded as ``urllib.parse.quote`` encodes it (UTF-8; RFC 3986's unreserved characters and
    ``safe`` kept as they are): that module's import, with ipaddress's, costs a one-shot call more than the call."""
    keep = _UNRESERVED.union(safe.encode())
    return "".join(chr(b) if b in keep else f"%{b:02X}" for b in text.encode())


class Request(Record):
    """A request ready for the wire."""

    method: str
    target: str
    headers: dict[str, str | tuple[str, ...]]  # a tuple: the header repeated, once per value
    body: bytes | Iterable[bytes] | None = None

    def header_lines(self) -> list[tuple[str, str]]:
        """(name, value) per header line, a repeated header once per value."""
        return [(name, v) for name, value in self.headers.items()
                for v in (value if isinstance(value, tuple) else (value,))]

    def head(self, host: str, upgrade: str | None = None) -> bytes:
        """The request line and headers as bytes; ``upgrade`` names the protocol asked for (tcp, h2c, websocket)."""
        lines = [f"{self.method} {self.target} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {USER_AGENT}\r\n"]
        lines.extend(f"{name}: {value}\r\n" for name, value in self.header_lines())
        body = self.body
        if body is None:
            if self.method in ("POST", "PUT"):
                lines.append("Content-Length: 0\r\n")
        elif isinstance(body, bytes | bytearray):
            lines.append(f"Content-Length: {len(body)}\r\n")
        else:
            lines.append("Transfer-Encoding: chunked\r\n")
        if upgrade:
            lines.append(f"Connection: Upgrade\r\nUpgrade: {upgrade}\r\n")
        lines.append("\r\n")
        sent = "".join((self.target, host, *(name + value for name, value in self.header_lines())))
        if "\r" in sent or "\n" in sent or "\x00" in sent:
            raise ValidationError(self._bad_head(host))  # header injection or request splitting: never sent
        try:
            return "".join(lines).encode("latin-1")
        except UnicodeEncodeError:
            raise ValidationError(self._bad_head(host)) from None

    def _bad_head(self, host: str) -> str:
        """What makes the head unsendable, in one line."""
        for name, value in [("the request target", self.target), ("Host", host), *self.header_lines()]:
            if any(c in name + value for c in "\r\n\x00"):
                return f"{name}: {_short(value)} holds a CR, LF or NUL (header injection): refused"
            try:
                value.encode("latin-1")
            except UnicodeEncodeError as exc:
                return (f"{name}: {_short(value)} holds {value[exc.start]!r}, which an HTTP head cannot carry "
                        "(Latin-1 only): percent-encode or base64 it")
        return "the request head cannot be sent"


def nearest(name: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """The candidates closest to ``name``, ignoring case (prefix matches first)."""
    import difflib  # here: only a name not found needs it

    by_lower = {c.lower(): c for c in candidates}
    low = name.lower()
    found = [c for k, c in by_lower.items() if low and k.startswith(low)]
    found += [by_lower[k] for k in difflib.get_close_matches(low, by_lower, n=n, cutoff=0.6)]
    return list(dict.fromkeys(found))[:n]


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """``": did you mean a, b?"`` or ``""`` when nothing is close."""
    near = nearest(name, candidates)
    return f": did you mean {', '.join(near)}?" if near else ""


def find_op(spec: SpecIndex, name: str, category: str | None = None) -> Operation:
    """The op called ``name`` (in ``category`` when given), or ValidationError naming the nearest ops."""
    op = spec.ops.get(name)
    if op is not None and (category is None or op.category == category):
        return op
    names = [o.name for o in spec.ops.values() if category is None or o.category == category]
    if op is not None:
        raise ValidationError(f"op {name!r} is in category {op.category!r}, not {category!r}")
    where = f" in category {category!r}" if category else f" in API {spec.version}"
    raise ValidationError(f"unknown op {name!r}{where}{did_you_mean(name, names)}")


def registry_auth(auth: dict[str, Any] | str | None = None, **fields: Any) -> str:
    """Encode registry credentials for ``X-Registry-Auth``: {username, password, serveraddress} or
    {identitytoken}; an already encoded string is returned as is."""
    if isinstance(auth, str):
        return auth
    import base64

    data = {**(auth or {}), **fields}
    return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode()


def _type_ok(param: Param, value: Any) -> bool:
    kind = param.type
    if is_local(value):  # a local path: the binary body, or ImageBuild's Dockerfile
        return kind == "string" and (param.location == "body" or param.name == "dockerfile")
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "array":
        return isinstance(value, list | tuple)
    if kind == "string":
        if param.location == "body":
            return isinstance(value, bytes | bytearray | str | Iterator) or hasattr(value, "read")
        if param.location == "header" and param.name in _AUTH_HEADERS:
            return isinstance(value, str | dict)
        return isinstance(value, str | int | float | dict | list) and not isinstance(value, bool)
    if kind == "object":
        return isinstance(value, (dict | list, bytes | bytearray)) or hasattr(value, "read")
    return True


def _describe(param: Param) -> str:
    if param.location == "body" and param.type == "string":
        return "bytes, a file-like object, an iterator of bytes or a local path (pathlib.Path; a folder goes as a tar)"
    if param.location == "header" and param.name in _AUTH_HEADERS:
        return "an encoded string or a {username, password, serveraddress} map"
    return _TYPE_NAMES.get(param.type or "", param.type or "a value")


def _newer_with(op: str, param: str, version: str) -> str | None:
    """The first API version after ``version`` whose ``op`` has ``param`` (None: no spec has it)."""
    after = version_key(version)
    for newer in versions():
        if version_key(newer) > after:
            ops = load(newer).ops
            if op in ops and param in ops[op].params:
                return newer
    return None


def validate(op: Operation, params: dict[str, Any], version: str | None = None) -> None:
    """Raise ValidationError when ``params`` do not fit ``op`` (of the spec ``version``: a param only a newer
    version has is named so)."""
    spec_params = op.params
    for name, value in params.items():
        param = spec_params.get(name)
        if param is None:
            newer = _newer_with(op.name, name, version) if version else None
            if newer:
                raise ValidationError(f"{op.name}: param {name!r} needs API {newer} or newer (this client speaks "
                                      f"{version})")
            hint = did_you_mean(name, spec_params) or (
                f" (params: {', '.join(spec_params)})" if spec_params else " (it takes no params)")
            raise ValidationError(f"{op.name}: unknown param {name!r}{hint}")
        if value is None:
            continue
        if not _type_ok(param, value):
            raise ValidationError(f"{op.name}: param {name!r} must be {_describe(param)}, "
                                  f"got {type(value).__name__} {_short(value)}")
        allowed = param.enum if param.enum is not None else (param.items or {}).get("enum")
        if allowed is not None:
            for item in value if param.type == "array" else (value,):
                if item not in allowed:
                    raise ValidationError(f"{op.name}: param {name!r} must be one of "
                                          f"{', '.join(map(str, allowed))}; got {item!r}")
    for name, param in spec_params.items():
        if param.required and params.get(name) is None:
            raise ValidationError(f"{op.name}: missing required param {name!r} ({_describe(param)})")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _query_value(value: Any, name: str = "query") -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, dict | list):
        _check_json(name, value)
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def _body_content_type(op: Operation) -> str:
    consumes = op.consumes
    if "application/x-tar" in consumes or op.name == "ImageBuild":
        return "application/x-tar"
    return next((c for c in consumes if c != "application/json"), "application/octet-stream")


def _file_chunks(fh: Any, size: int = 65536) -> Iterator[bytes]:
    while chunk := fh.read(size):
        yield chunk if isinstance(chunk, bytes) else chunk.encode()


def encode_body(op: Operation, value: Any) -> tuple[bytes | Iterable[bytes] | None, str | None]:
    """The body bytes (or chunks) and their content type."""
    if value is None:
        return None, None
    if isinstance(value, dict | list) and not (op.body_param and op.body_param.type == "string"):
        return json_bytes(f"{op.name}: {op.body_param.name if op.body_param else 'body'}", value), "application/json"
    ctype = _body_content_type(op)
    if isinstance(value, str):
        return value.encode(), ctype
    if isinstance(value, bytes | bytearray):
        return bytes(value), ctype
    if hasattr(value, "read"):
        return _file_chunks(value), ctype
    return value, ctype


def build(op: Operation, params: dict[str, Any], version: str, validated: bool = False) -> Request:
    """Route ``params`` to path, query, header and body and return the request."""
    if not validated:
        validate(op, params)
    params = local_bodies(op.name, params)
    path = op.path
    query: list[str] = []
    headers: dict[str, str | tuple[str, ...]] = {}
    body: Any = None
    spec_params = op.params
    for name, value in params.items():
        if value is None:
            continue
        where = spec_params[name].location
        if where == "query":
            key = quote(name, safe="")
            if isinstance(value, list | tuple) and (spec_params[name].type == "array"
                                                    or spec_params[name].collection_format == "multi"):
                query.extend(f"{key}={quote(_query_value(v, f'{op.name}: {name}'), safe='')}" for v in value)
            else:
                query.append(f"{key}={quote(_query_value(value, f'{op.name}: {name}'), safe='')}")
        elif where == "path":
            path = path.replace("{" + name + "}", quote(str(value), safe="/:@"))
        elif where == "header":
            if isinstance(value, list | tuple) and (spec_params[name].type == "array"
                                                    or spec_params[name].collection_format == "multi"):
                headers[name] = tuple(str(v) for v in value)
            else:
                headers[name] = registry_auth(value) if name in _AUTH_HEADERS else str(value)
        else:
            body = value
    target = f"/{version}{path}?{'&'.join(query)}" if query else f"/{version}{path}"
    data, ctype = encode_body(op, body)
    if ctype and not any(h.lower() == "content-type" for h in headers):
        headers["Content-Type"] = ctype
    return Request(op.method, target, headers, data)


def raw_request(method: str, url: str, path: dict[str, Any] | None, query: dict[str, Any] | None,
                header: dict[str, Any] | None, body: Any) -> Request:
    """A request for ``fetch``: no spec, the caller's URL with ``{name}`` placeholders filled."""
    for name, value in (path or {}).items():
        url = url.replace("{" + name + "}", quote(str(value), safe="/:@"))
    parts: list[str] = []
    for name, value in (query or {}).items():
        values = value if isinstance(value, list | tuple) else [value]
        parts.extend(f"{quote(name, safe='')}={quote(_query_value(v, f'fetch: {name}'), safe='')}" for v in values
                     if v is not None)
    if parts:
        url += ("&" if "?" in url else "?") + "&".join(parts)
    if not _TARGET.fullmatch(url):
        bad = next((c for c in url if not _TARGET.fullmatch(c)), "")
        what = {"": "nothing", " ": "a space", "\r": "a CR (request splitting)", "\n": "an LF (request splitting)"}.get(
            bad, repr(bad))
        raise ValidationError(f"fetch: the URL {_short(url)} holds {what}: a URL is visible ASCII only, "
                              "percent-encode the rest (a space is %20)")
    headers: dict[str, str | tuple[str, ...]] = {
        k: registry_auth(v) if k in _AUTH_HEADERS else str(v) for k, v in (header or {}).items()}
    bad_name = next((name for name in headers if not _TOKEN.fullmatch(name)), None)
    if bad_name is not None:
        raise ValidationError(f"fetch: header name {_short(bad_name)} is not a token (letters, digits, "
                              "!#$%&'*+-.^_`|~)")
    if isinstance(body, dict | list):
        data: Any = json_bytes("fetch: body", body)
        headers.setdefault("Content-Type", "application/json")
    elif isinstance(body, str):
        data = body.encode()
    elif hasattr(body, "read"):
        data = _file_chunks(body)
    elif is_local(body):
        data = path_chunks(body)
    elif body is None or isinstance(body, bytes | bytearray | Iterator):
        data = body
    else:
        raise ValidationError(f"fetch: the body must be a map, a list, text, bytes, a file, a local path or an "
                              f"iterator of bytes; got {type(body).__name__} {_short(body)}")
    if data is not None:
        headers.setdefault("Content-Type", "application/octet-stream")
    return Request(method.upper(), url if url.startswith("/") else "/" + url, headers, data)


# ---------------------------------------------------------------------- the shape of what the caller gave
_TIMEOUT_KINDS = ("connect", "read", "write", "call")
_JSON_DEPTH = 200


def check_params(op: str, params: Any) -> dict[str, Any]:
    """``params`` when it is a map of param names; ValidationError saying what was given otherwise."""
    if params is None:
        return {}
    if not isinstance(params, dict):
        raise ValidationError(f"{op}: params must be a map of param name to value, like {{'all': True}}; got "
                              f"{type(params).__name__} {_short(params)}")
    for name in params:
        if not isinstance(name, str):
            raise ValidationError(f"{op}: param names are text; got {type(name).__name__} {_short(name)}")
    return params


def check_timeouts(conn: dict[str, Any]) -> None:
    """ValidationError for a ``conn["timeouts"]`` that is not {connect, read, write, call: seconds > 0 or None}."""
    timeouts = conn.get("timeouts")
    if timeouts is None:
        return
    if not isinstance(timeouts, dict):
        raise ValidationError(f"timeouts must be a map like {{'connect': 10, 'read': 30}}; got "
                              f"{type(timeouts).__name__} {_short(timeouts)}")
    for kind, value in timeouts.items():
        if kind not in _TIMEOUT_KINDS:
            raise ValidationError(f"unknown timeout {kind!r}{did_you_mean(str(kind), _TIMEOUT_KINDS)} "
                                  f"(have {', '.join(_TIMEOUT_KINDS)})")
        ok = value is None or (isinstance(value, int | float) and not isinstance(value, bool)
                               and math.isfinite(value) and value > 0)
        if not ok:
            raise ValidationError(f"timeout {kind!r} must be a number of seconds above 0 (or None for no "
                                  f"limit); got {_short(value)}")


def json_bytes(where: str, value: Any) -> bytes:
    """``value`` as JSON for the wire, or ValidationError naming the place (``body.Labels.x``) of the first
    thing JSON cannot hold: bytes, a date, a set, NaN or infinity, a cycle, another object, deep nesting."""
    _check_json(where, value)
    return json.dumps(value, allow_nan=False).encode()


def _check_json(where: str, value: Any) -> None:
    stack: list[tuple[str, Any, int]] = [(where, value, 0)]
    open_: set[int] = set()  # the containers on the path being checked (a cycle comes back to one)
    while stack:
        place, item, depth = stack.pop()
        if isinstance(item, str | bool | int) or item is None:
            continue
        if isinstance(item, float):
            if not math.isfinite(item):
                raise ValidationError(f"{place}: {item} cannot be sent as JSON; give a finite number or null")
            continue
        if depth < 0:  # the marker left to close a container
            open_.discard(id(item))
            continue
        if not isinstance(item, dict | list | tuple):
            raise ValidationError(f"{place}: {_not_json(item)}")
        if id(item) in open_:
            raise ValidationError(f"{place}: the value contains itself (a cycle); JSON cannot hold it")
        if depth >= _JSON_DEPTH:
            raise ValidationError(f"{place}: nested deeper than {_JSON_DEPTH} levels")
        open_.add(id(item))
        stack.append((place, item, -1))
        if isinstance(item, dict):
            for key, child in item.items():
                if not isinstance(key, str | int | float | bool) and key is not None:
                    raise ValidationError(f"{place}: key {_short(key)} is a {type(key).__name__}; JSON keys "
                                          "are text")
                stack.append((f"{place}.{key}", child, depth + 1))
        else:
            stack.extend((f"{place}[{i}]", child, depth + 1) for i, child in enumerate(item))


def _not_json(value: Any) -> str:
    kind = type(value).__name__
    if isinstance(value, bytes | bytearray | memoryview):
        return f"{kind} cannot be sent as JSON; give text (base64 for binary data)"
    if isinstance(value, set | frozenset):
        return f"a {kind} cannot be sent as JSON; give a list"
    if hasattr(value, "isoformat"):
        return f"a {kind} cannot be sent as JSON; give text ({value.isoformat()}) or a number of seconds"
    return f"a value of type {kind} ({_short(value)}) cannot be sent as JSON"
