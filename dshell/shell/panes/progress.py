"""Progress streams (image pull/push/import/build): one line per layer, updated in place."""

from __future__ import annotations

from typing import Any

from .jsonlines import error_line
from .logs import clean
from .model import Line

DONE = ("Pull complete", "Already exists", "Download complete", "Pushed", "Layer already exists", "Mounted from")


def progress_lines(value: Any) -> list[Line]:
    """``id: status progress`` keyed by the layer id; build output as text lines; errors in red."""
    error = error_line(value)
    if error is not None or not isinstance(value, dict):
        return [error or Line(str(value), data=value)]
    if "stream" in value:
        text = str(value["stream"]).rstrip("\n")
        return [Line(clean(t), data=value) for t in text.split("\n")] if text else []
    status = str(value.get("status") or "")
    if not status:
        return []  # aux records (digests, build ids) say nothing to read
    ident = value.get("id")
    if not ident:
        return [Line(status, data=value)]
    style = "class:pane.good" if status.startswith(DONE) else ""
    text = f"{ident}: {status} {value.get('progress') or ''}".rstrip()
    return [Line(text, style, value, key=f"layer:{ident}")]
