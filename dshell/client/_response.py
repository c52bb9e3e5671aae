"""A response → data; daemon errors → DockerError with the parsed body."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ._errors import DockerError
from ._streams import demux_text, json_values, stream_error

# Ops whose 200 body is a sequence of JSON objects (progress, events): always returned as a list.
JSON_LINES_OPS = frozenset({"ImageCreate", "ImagePush", "ImageBuild", "ImageLoad", "ImageImport", "SystemEvents",
                            "PluginPull", "PluginUpgrade"})
# Ops whose body is stdout/stderr: multiplexed frames unless the container or exec has a TTY.
STDIO_OPS = frozenset({"ContainerLogs", "ContainerAttach", "ExecStart", "ServiceLogs", "TaskLogs"})


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


def decode(op: str | None, headers: dict[str, str], raw: bytes, tty: Callable[[], bool] | None = None) -> Any:
    """The data of a successful response, by op and Content-Type."""
    if op in STDIO_OPS:
        if tty is not None and not tty():
            return demux_text(raw)
        return raw.decode("utf-8", "replace")
    if not raw:
        return None
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
    return DockerError(status, message, op, body)


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase.lower()
    except ValueError:
        return "error"


def check_stream_errors(op: str | None, status: int, data: Any) -> None:
    """Raise DockerError for an ``error`` object inside a 200 JSON stream."""
    for value in data if isinstance(data, list) else [data]:
        message = stream_error(value)
        if message is not None:
            raise DockerError(status, message, op, data)
