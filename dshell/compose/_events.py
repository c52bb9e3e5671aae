"""``compose events``: the project's container events as docker compose shows them, live: its JSON objects
(``time``, ``type``, ``service``, ``id``, ``action``, ``attributes`` without the compose labels) and its text
line (``2026-12-07 03:11:21.273972 container start ID (image=busybox, name=shop-web-1)``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

import dshell.client as docker

from . import _labels as L

PREFIX = "com.docker.compose."


def compose_event(event: dict[str, Any], services: Sequence[str] = ()) -> dict[str, Any] | None:
    """docker compose's object for an engine event, or None when it shows none (not a container's, a one-off's,
    or a service not asked for)."""
    if event.get("Type", "container") != "container":
        return None
    actor = event.get("Actor") or {}
    attrs = {str(k): str(v) for k, v in (actor.get("Attributes") or {}).items()}
    if attrs.get(L.ONEOFF) == "True":
        return None
    service = attrs.get(L.SERVICE, "")
    if services and service not in services:
        return None
    nanos = int(event.get("timeNano") or int(event.get("time") or 0) * 10**9)
    return {"time": _rfc3339(nanos), "type": "container", "service": service,
            "id": str(actor.get("ID") or event.get("id") or ""), "action": str(event.get("Action") or ""),
            "attributes": {k: v for k, v in attrs.items() if not k.startswith(PREFIX)}}


def _local(nanos: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(nanos // 10**9, dt.UTC).astimezone()


def _rfc3339(nanos: int) -> str:
    """Go's RFC3339Nano in local time (trailing zeros of the fraction left out, ``Z`` for UTC)."""
    when = _local(nanos)
    fraction = f"{nanos % 10**9:09d}".rstrip("0")
    offset = when.strftime("%z")
    zone = "Z" if offset in ("+0000", "") else f"{offset[:3]}:{offset[3:]}"
    return when.strftime("%Y-%m-%dT%H:%M:%S") + (f".{fraction}" if fraction else "") + zone


def event_line(event: dict[str, Any]) -> str:
    """docker compose's text line for its event object: local time to the microsecond, action, id, the
    attributes (sorted; docker compose prints them in Go's random map order)."""
    text = str(event["time"])
    stamp = text[:19]
    fraction = "".join(ch for ch in text[20:29] if ch.isdigit()) if text[19:20] == "." else ""
    attrs = ", ".join(f"{k}={v}" for k, v in sorted(event["attributes"].items()))
    return f"{stamp.replace('T', ' ')}.{fraction:0<6.6} container {event['action']} {event['id']} ({attrs})"


class Events:
    """The project's events from ``since`` (default: now) until ``until`` (default: never) on ``c``, which
    ``close()`` cancels: iterate for docker compose's event objects."""

    def __init__(self, c: docker.Client, project: str, services: Sequence[str] = (), since: str | None = None,
                 until: str | None = None) -> None:
        from ._errors import ComposeError

        self.client, self.services = c, list(services)
        params: dict[str, Any] = {"filters": {"label": [f"{L.PROJECT}={project}"], "type": ["container"]}}
        params.update({k: v for k, v in (("since", since), ("until", until)) if v})
        outcome = docker.call(c, {"op": "SystemEvents", "params": params, "as": "stream"})
        if outcome.error is not None or outcome.stream is None:
            raise ComposeError(f"SystemEvents: {outcome.error}")
        self._stream = outcome.stream

    def __iter__(self) -> Iterator[dict[str, Any]]:
        try:
            for event in self._stream.json():
                if isinstance(event, dict) and (shown := compose_event(event, self.services)) is not None:
                    yield shown
        except docker.DshellError:
            return  # cancelled (close), or the connection broke

    def close(self) -> None:
        """Stop following."""
        self.client.cancel()
