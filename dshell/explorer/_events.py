"""``SystemEvents`` values as ``docker events`` prints them: ``TIME TYPE ACTION ID (k=v, ...)``, local time with
nanoseconds. The pane's lines and a kept result's view are both this text."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def event_time(event: dict[str, Any]) -> str:
    """The event's time like docker prints it: local time with nanoseconds, a zero offset as ``Z`` (Go's RFC 3339)."""
    nanos = int(event.get("timeNano") or int(event.get("time") or 0) * 1_000_000_000)
    stamp = datetime.fromtimestamp(nanos // 1_000_000_000).astimezone().isoformat()
    zone = stamp[19:]
    return f"{stamp[:19]}.{nanos % 1_000_000_000:09d}{'Z' if zone == '+00:00' else zone}"


def event_text(event: dict[str, Any]) -> str:
    """``TIME TYPE ACTION ID (k=v, ...)``."""
    actor = event.get("Actor") or {}
    attrs = actor.get("Attributes") or {}
    extra = f" ({', '.join(f'{k}={v}' for k, v in sorted(attrs.items()))})" if attrs else ""
    return (f"{event_time(event)} {event.get('Type') or 'container'} {event.get('Action') or event.get('status')} "
            f"{actor.get('ID') or event.get('id') or ''}{extra}")
