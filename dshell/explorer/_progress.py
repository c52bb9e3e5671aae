"""A pull's, push's or load's progress events as the docker CLI prints them when its output is no terminal
(jsonmessage.Display): ``ID: Status`` per event, byte counts left out, a ``stream`` as it is; a pull ends with the
reference it pulled, as ``docker pull`` does."""

from __future__ import annotations

from typing import Any


def _counted(event: dict[str, Any]) -> bool:
    detail = event.get("progressDetail")
    return isinstance(detail, dict) and ((detail.get("current") or 0) > 0 or (detail.get("total") or 0) > 0)


def event_line(event: Any) -> str | None:
    """One event's line, or None for one docker leaves out (a byte count) or that is no event."""
    if not isinstance(event, dict) or "error" in event or "errorDetail" in event or _counted(event):
        return None
    if event.get("stream"):
        return str(event["stream"]).rstrip("\n")
    ident = f"{event['id']}: " if event.get("id") else ""
    status = str(event.get("status") or "")
    if event.get("progress") and not event.get("progressDetail"):
        status = f"{status} {event['progress']}"
    return f"{ident}{status}" if ident or status else None


def full_reference(reference: str) -> str:
    """``busybox`` → ``docker.io/library/busybox:latest``, as docker pull names what it pulled."""
    name, at, digest = reference.partition("@")
    first, slash, _ = name.partition("/")
    if not slash or ("." not in first and ":" not in first and first != "localhost"):
        name = f"docker.io/{name if slash else 'library/' + name}"
    if not at and ":" not in name.rsplit("/", 1)[-1]:
        name += ":latest"
    return f"{name}{at}{digest}"


def progress_lines(events: Any, quiet: bool = False, reference: str | None = None) -> list[str]:
    """The lines docker prints for ``events`` (``quiet``: only a pull's reference)."""
    rows = events if isinstance(events, list) else []
    lines = [] if quiet else [line for line in map(event_line, rows) if line is not None]
    failed = any(isinstance(e, dict) and ("error" in e or "errorDetail" in e) for e in rows)
    if reference and not failed and any(isinstance(e, dict) and str(e.get("status", "")).startswith("Status:")
                                        for e in rows):
        lines.append(full_reference(reference))
    return lines
