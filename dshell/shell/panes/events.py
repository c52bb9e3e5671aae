"""``SystemEvents`` values as one line each, like ``docker events``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .model import Line

_STYLES = {"die": "class:pane.bad", "kill": "class:pane.bad", "oom": "class:pane.bad", "destroy": "class:pane.bad",
           "delete": "class:pane.bad", "stop": "class:pane.warn", "start": "class:pane.good",
           "create": "class:pane.good"}


def event_time(event: dict[str, Any]) -> str:
    """The event's time like docker prints it: local time with nanoseconds."""
    nanos = int(event.get("timeNano") or int(event.get("time") or 0) * 1_000_000_000)
    stamp = datetime.fromtimestamp(nanos // 1_000_000_000).astimezone().isoformat()
    return f"{stamp[:19]}.{nanos % 1_000_000_000:09d}{stamp[19:]}"


def event_text(event: dict[str, Any]) -> str:
    """``TIME TYPE ACTION ID (k=v, ...)``."""
    actor = event.get("Actor") or {}
    attrs = actor.get("Attributes") or {}
    extra = f" ({', '.join(f'{k}={v}' for k, v in sorted(attrs.items()))})" if attrs else ""
    return (f"{event_time(event)} {event.get('Type') or 'container'} {event.get('Action') or event.get('status')} "
            f"{actor.get('ID') or event.get('id') or ''}{extra}")


def event_lines(event: Any) -> list[Line]:
    """The line for one decoded event, coloured by what happened."""
    if not isinstance(event, dict):
        return [Line(str(event), data=event)]
    action = str(event.get("Action") or event.get("status") or "").split(":")[0]
    return [Line(event_text(event), _STYLES.get(action, ""), event)]
