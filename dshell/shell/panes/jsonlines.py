"""JSON-lines streams: decode values as chunks arrive and turn each into lines."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import dshell.client as docker
from dshell.client import stream_error
from dshell.explorer import visible_line

from .model import Line

ERROR_STYLE = "class:pane.bad"


def error_line(value: Any) -> Line | None:
    """A red line for an in-stream ``error``/``errorDetail`` object, else None."""
    message = stream_error(value)
    return None if message is None else Line(f"error: {message}", ERROR_STYLE, value)


def compact_lines(value: Any) -> list[Line]:
    """Any JSON value as one compact line."""
    error = error_line(value)
    return [error or Line(json.dumps(value, separators=(", ", ": "), ensure_ascii=False), data=value)]


def _shown(line: Line) -> Line:
    text = visible_line(line.text)
    return line if text == line.text else replace(line, text=text, data=line.text if line.data is None else line.data)


class JSONFormatter:
    """Chunks of concatenated JSON values → ``lines(value)`` for each value."""

    def __init__(self, lines: Callable[[Any], list[Line]] = compact_lines) -> None:
        self._decoder = docker.JSONDecoder()
        self._lines = lines

    def feed(self, chunk: bytes) -> list[Line]:
        """The lines of the values completed by ``chunk``, the daemon's control characters made visible (an
        event's labels, a pull's status: unlike a container's logs, none of it is the container's output)."""
        return [_shown(line) for value in self._decoder.feed(chunk) for line in self._lines(value)]

    def close(self) -> list[Line]:
        """A line saying what could not be decoded at the end, if anything."""
        try:
            self._decoder.close()
        except ValueError as exc:
            return [Line(str(exc), ERROR_STYLE)]
        return []
