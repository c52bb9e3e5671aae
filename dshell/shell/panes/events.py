"""``SystemEvents`` values as one pane line each, like ``docker events`` (the text is the explorer's)."""

from __future__ import annotations

from typing import Any

from dshell.explorer import event_text

from .model import Line

_STYLES = {"die": "class:pane.bad", "kill": "class:pane.bad", "oom": "class:pane.bad", "destroy": "class:pane.bad",
           "delete": "class:pane.bad", "stop": "class:pane.warn", "start": "class:pane.good",
           "create": "class:pane.good"}


def event_lines(event: Any) -> list[Line]:
    """The line for one decoded event, coloured by what happened."""
    if not isinstance(event, dict):
        return [Line(str(event), data=event)]
    action = str(event.get("Action") or event.get("status") or "").split(":")[0]
    return [Line(event_text(event), _STYLES.get(action, ""), event)]
