"""``compose logs``: the logs of a project's containers as one stream, each line prefixed ``SERVICE-N  | ``
and coloured per container as docker compose colours them."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import dshell.client as docker

from . import _state

WAKE = 0.25
"""Seconds the merged stream waits for a line before it looks up (for an interrupt) and waits again."""
RAINBOW = ("36", "33", "32", "35", "34", "36;1", "33;1", "32;1", "35;1", "34;1")
"""docker compose's colours, given to containers in turn (cyan, yellow, green, magenta, blue, then intense)."""


@dataclass(frozen=True)
class LogLine:
    """One line of one container: its ``SERVICE-N`` name, the text (no newline), whether stderr, its colour."""

    name: str
    text: str
    stderr: bool
    color: str

    def format(self, width: int, ansi: bool = True) -> str:
        """The line as docker compose prints it: the name padded to ``width`` + 1, `` | ``, the text."""
        prefix = f"{self.name:<{width + 1}} | "
        return f"\x1b[{self.color}m{prefix}\x1b[0m{self.text}" if ansi else f"{prefix}{self.text}"


class Logs:
    """The merged logs of ``rows`` (ContainerList rows): iterate for LogLines as they come; ``width`` is the
    longest name; ``close()`` ends a followed stream."""

    def __init__(self, c: docker.Client, rows: Sequence[dict[str, Any]], follow: bool = False,
                 tail: str | None = None, timestamps: bool = False) -> None:
        self.names = [_state.short_name(r) for r in rows]
        self.width = max((len(n) for n in self.names), default=0)
        self.client = c.copy()
        self._lines: queue.Queue[LogLine | None] = queue.Queue(maxsize=10000)
        params: dict[str, Any] = {"stdout": True, "stderr": True, "follow": follow, "timestamps": timestamps}
        if tail is not None:
            params["tail"] = tail
        self._threads = [threading.Thread(target=self._read, args=(row["Id"], name, RAINBOW[n % len(RAINBOW)],
                                                                   params), daemon=True)
                         for n, (row, name) in enumerate(zip(rows, self.names, strict=True))]
        for thread in self._threads:
            thread.start()

    def _read(self, cid: str, name: str, color: str, params: dict[str, Any]) -> None:
        try:
            outcome = docker.call(self.client, {"op": "ContainerLogs", "params": {"id": cid, **params},
                                                "as": "stream"})
            if outcome.error is not None or outcome.stream is None:
                self._lines.put(LogLine(name, f"(logs: {outcome.error})", True, color))
                return
            partial = {1: "", 2: ""}
            for stream, chunk in outcome.stream.frames():
                text = partial.get(stream, "") + chunk.decode("utf-8", "replace")
                *whole, partial[stream] = text.split("\n")
                for line in whole:
                    self._lines.put(LogLine(name, line, stream == 2, color))
            for stream, rest in partial.items():
                if rest:
                    self._lines.put(LogLine(name, rest, stream == 2, color))
        except docker.DshellError:
            pass  # the stream was cancelled (close) or the connection broke: this container's lines end here
        finally:
            self._lines.put(None)

    def __iter__(self) -> Iterator[LogLine]:
        left = len(self._threads)
        while left:
            try:
                item = self._lines.get(timeout=WAKE)
            except queue.Empty:  # wake now and then: an interrupt (Ctrl-C in the shell's worker) gets through
                continue
            if item is None:
                left -= 1
                continue
            yield item

    def close(self) -> None:
        """Stop following: cancel every container's stream."""
        self.client.cancel()
