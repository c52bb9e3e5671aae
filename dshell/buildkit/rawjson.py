"""``--progress rawjson`` as ``docker buildx build`` prints it: one JSON document per SolveStatus.

buildx's rawjson display (BuildKit's ``progressui``) is Go's ``json.Encoder`` over ``client.SolveStatus``
(``client/graph.go``), which ``client.NewSolveStatus`` fills from the control API's StatusResponse: the same
protobuf the daemon sends base64 in a build's ``moby.buildkit.trace`` messages. ``solve_status(raw)`` decodes that
protobuf into the document Go would marshal (its JSON names and field order, ``omitempty`` as Go applies it,
times in RFC 3339 with nanoseconds, ``[]byte`` as base64, maps with sorted keys, a warning's ``sourceInfo`` and
``range`` as ``solver/pb`` declares them); ``dumps`` writes it as Go's encoder does (``<``, ``>``, ``&``, U+2028/9
escaped, each byte of invalid UTF-8 a ``\\ufffd``); ``document(message)`` gives the line for one message of a
build's stream (None for any other message).
"""

from __future__ import annotations

import base64
import datetime
import json
import re
from typing import Any

from ._proto import ProtoError, fields, signed

TRACE_ID = "moby.buildkit.trace"

# A message: its fields in Go's declaration order: (JSON name, protobuf number, kind, mode). A kind is a scalar
# ("string", "bytes", "bool", "int" for int64, "int32", "uint" for uint64, "time" for a Timestamp) or a message
# named here. Mode "" is ``omitempty`` (an unset or empty value is left out; a message or time once present is
# not), "keep" is always written (its zero value when unset: 0, "", the epoch, null for bytes), "list" a
# repeated field (left out when empty), "map" a map<string, kind> (sorted keys).
Schema = tuple[tuple[str, int, str, str], ...]
SCHEMAS: dict[str, Schema] = {
    "SolveStatus": (("vertexes", 1, "Vertex", "list"), ("statuses", 2, "VertexStatus", "list"),
                    ("logs", 3, "VertexLog", "list"), ("warnings", 4, "VertexWarning", "list")),
    "Vertex": (("digest", 1, "string", ""), ("inputs", 2, "string", "list"), ("name", 3, "string", ""),
               ("started", 5, "time", ""), ("completed", 6, "time", ""), ("cached", 4, "bool", ""),
               ("error", 7, "string", ""), ("progressGroup", 8, "ProgressGroup", "")),
    "VertexStatus": (("id", 1, "string", "keep"), ("vertex", 2, "string", ""), ("name", 3, "string", ""),
                     ("total", 5, "int", ""), ("current", 4, "int", "keep"), ("timestamp", 6, "time", "keep"),
                     ("started", 7, "time", ""), ("completed", 8, "time", "")),
    "VertexLog": (("vertex", 1, "string", ""), ("stream", 3, "int", ""), ("data", 4, "bytes", "keep"),
                  ("timestamp", 2, "time", "keep")),
    "VertexWarning": (("vertex", 1, "string", ""), ("level", 2, "int", ""), ("short", 3, "bytes", ""),
                      ("detail", 4, "bytes", "list"), ("url", 5, "string", ""), ("sourceInfo", 6, "SourceInfo", ""),
                      ("range", 7, "Range", "list")),
    "ProgressGroup": (("id", 1, "string", ""), ("name", 2, "string", ""), ("weak", 3, "bool", "")),
    "SourceInfo": (("filename", 1, "string", ""), ("data", 2, "bytes", ""), ("definition", 3, "Definition", ""),
                   ("language", 4, "string", "")),
    "Definition": (("def", 1, "bytes", "list"), ("metadata", 2, "OpMetadata", "map"), ("Source", 3, "Source", "")),
    "OpMetadata": (("ignore_cache", 1, "bool", ""), ("description", 2, "string", "map"),
                   ("export_cache", 4, "ExportCache", ""), ("caps", 5, "bool", "map"),
                   ("progress_group", 6, "ProgressGroup", ""), ("linux_resources", 7, "LinuxResources", "")),
    "ExportCache": (("Value", 1, "bool", ""),),
    "LinuxResources": (("memory", 1, "int", ""), ("memorySwap", 2, "int", ""), ("cpuShares", 3, "uint", ""),
                       ("cpuPeriod", 4, "uint", ""), ("cpuQuota", 5, "int", ""), ("cpusetCpus", 6, "string", ""),
                       ("cpusetMems", 7, "string", "")),
    "Source": (("locations", 1, "Locations", "map"), ("infos", 2, "SourceInfo", "list")),
    "Locations": (("locations", 1, "Location", "list"),),
    "Location": (("sourceIndex", 1, "int32", ""), ("ranges", 2, "Range", "list")),
    "Range": (("start", 1, "Position", ""), ("end", 2, "Position", "")),
    "Position": (("line", 1, "int32", ""), ("character", 2, "int32", "")),
}
EPOCH = "1970-01-01T00:00:00Z"  # Go's time of an unset Timestamp (AsTime of nil)
_ZERO: dict[str, Any] = {"string": "", "bytes": None, "bool": False, "int": 0, "int32": 0, "uint": 0, "time": EPOCH}


class _OutOfRange(ValueError):
    """A time Go's MarshalJSON refuses (a year outside 0-9999): the document is not written, as buildx's
    encoder writes nothing for it."""


def _time(raw: int | bytes) -> str:
    """A google.protobuf.Timestamp as Go's time.Time marshals it (RFC 3339, nanoseconds without trailing zeros,
    UTC as Z)."""
    seconds = nanos = 0
    for number, value in fields(_bytes(raw)):
        if number == 1 and isinstance(value, int):
            seconds = signed(value)
        elif number == 2 and isinstance(value, int):
            nanos = signed(value) & 0xFFFFFFFF
            nanos -= (nanos >> 31) << 32  # an int32
    seconds, nanos = seconds + nanos // 1_000_000_000, nanos % 1_000_000_000
    try:
        moment = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=seconds)
    except OverflowError:
        raise _OutOfRange(f"time {seconds}s is outside what Go marshals") from None
    fraction = f".{nanos:09d}".rstrip("0") if nanos else ""
    return f"{moment.year:04d}-{moment:%m-%dT%H:%M:%S}{fraction}Z"


def _bytes(value: int | bytes) -> bytes:
    if not isinstance(value, bytes):
        raise ProtoError("a varint where a length-delimited field belongs")
    return value


def _int(value: int | bytes) -> int:
    if not isinstance(value, int):
        raise ProtoError("a length-delimited field where a varint belongs")
    return value


def _value(raw: int | bytes, kind: str) -> Any:
    """One field's value as Go marshals it."""
    if kind == "string":
        return _bytes(raw).decode("utf-8", "surrogateescape")  # an undecodable byte: \ufffd when written
    if kind == "bytes":
        return base64.b64encode(_bytes(raw)).decode()
    if kind == "time":
        return _time(raw)
    if kind in SCHEMAS:
        return decode(_bytes(raw), kind)
    number = _int(raw)
    if kind == "bool":
        return bool(number)
    if kind == "int32":
        number &= 0xFFFFFFFF
        return number - ((number >> 31) << 32)
    return number if kind == "uint" else signed(number)


def _entry(raw: int | bytes, kind: str) -> tuple[str, Any]:
    """A map entry (key 1, value 2); a message value that is missing is Go's nil (null)."""
    key, value = "", None if kind in SCHEMAS else _ZERO[kind]
    for number, item in fields(_bytes(raw)):
        if number == 1:
            key = _value(item, "string")
        elif number == 2:
            value = _value(item, kind)
    return key, value


def _empty(value: Any, kind: str) -> bool:
    """Whether Go's omitempty leaves the value out (a message or a time, once present, is a non-nil pointer)."""
    return kind not in SCHEMAS and kind != "time" and value in ("", 0, False, [], {})


def decode(raw: bytes, message: str = "SolveStatus") -> dict[str, Any]:
    """The protobuf ``message`` (default the StatusResponse) as the object Go's client type marshals to;
    ProtoError when the bytes are not such a message."""
    schema = SCHEMAS[message]
    by_number = {entry[1]: entry for entry in schema}
    got: dict[int, Any] = {}
    for number, raw_value in fields(raw):
        entry = by_number.get(number)
        if entry is None:
            continue  # a field this schema does not know: Go's type has no place for it either
        _, _, kind, mode = entry
        if mode == "map":
            key, value = _entry(raw_value, kind)
            got.setdefault(number, {})[key] = value
        elif mode == "list":
            got.setdefault(number, []).append(_value(raw_value, kind))
        else:
            got[number] = _value(raw_value, kind)
    out: dict[str, Any] = {}
    for name, number, kind, mode in schema:
        if number in got:
            value = got[number]
            if mode == "map":
                value = dict(sorted(value.items()))
            if mode == "keep" or not _empty(value, kind if mode not in ("list", "map") else ""):
                out[name] = value
        elif mode == "keep":
            out[name] = _ZERO[kind]
    return out


def solve_status(raw: bytes) -> dict[str, Any]:
    """A StatusResponse's bytes as buildx's ``client.SolveStatus`` document."""
    return decode(raw)


_GO_ESCAPES = re.compile("[<>&\u2028\u2029\udc80-\udcff]")
_ESCAPED = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def dumps(doc: Any) -> str:
    """``doc`` as Go's json.Encoder writes it (without its newline): compact, non-ASCII as is, HTML characters
    and line separators escaped, a byte of invalid UTF-8 (held as a surrogate escape) as ``\\ufffd``."""
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    return _GO_ESCAPES.sub(lambda found: _ESCAPED.get(found.group(), "\\ufffd"), text)


def document(message: Any) -> str | None:
    """The rawjson line for one JSON message of a BuildKit build's stream: a ``moby.buildkit.trace`` as its
    SolveStatus document; None for any other message and for a trace that does not decode (its ``error`` event
    says so) or holds a time Go would refuse to marshal."""
    if not isinstance(message, dict) or message.get("id") != TRACE_ID or not isinstance(message.get("aux"), str):
        return None
    try:
        return dumps(solve_status(base64.b64decode(message["aux"], validate=True)))
    except (ValueError, ProtoError):  # _OutOfRange and binascii.Error are ValueErrors
        return None
