"""A stream pane's state: a bounded buffer of styled lines, the view (following or pinned), search, keep.

Free of prompt_toolkit. A reader thread ``add``s lines while the UI thread reads ``visible`` lines; a lock
guards the buffer.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from itertools import islice
from typing import Any

LIMIT = 5000  # lines kept per pane


@dataclass(slots=True)
class Line:
    """One line of a pane: its ``text``, a ``style`` (prompt_toolkit class names), the ``data`` it came
    from (what "keep" stores; the text when None), and a ``key``: a later line with the same key replaces
    it in place (a layer's pull progress, a container's stats row)."""

    text: str
    style: str = ""
    data: Any = None
    key: str | None = None


class Samples(list[Any]):
    """A line's data standing for several values (a container's stats samples): "keep" stores each of them."""


class StreamPane:
    """The lines a stream produced (the last ``limit``), what part of them shows, and the stream's status."""

    def __init__(self, title: str, limit: int = LIMIT) -> None:
        self.title = title
        self.status = "starting"
        self.ended = False
        self.total = 0  # lines ever added; the buffer holds the last ``limit`` of them
        self.changes = 0  # lines ever added or updated in place
        self.top: int | None = None  # index of the first line shown when pinned; None follows the end
        self.pinned_at_top = False  # a watch: the view lives at the top (updated in place), pinned is not paused
        self.page = 10  # lines on screen, set by the view
        self.pattern: str | None = None
        self.match: int | None = None  # index of the current search match
        self._lines: deque[Line] = deque(maxlen=limit)
        self._keyed: dict[str, tuple[int, Line]] = {}
        self._lock = threading.Lock()

    @property
    def first(self) -> int:
        """Index of the oldest line still held."""
        return self.total - len(self._lines)

    @property
    def following(self) -> bool:
        """True while the view follows the newest lines (not pinned)."""
        return self.top is None

    @property
    def paused(self) -> bool:
        """True while the view holds still as new lines come (pinned, unless the pane lives at its top)."""
        return self.top is not None and not (self.pinned_at_top and self.top == 0)

    # ------------------------------------------------------------------ the reader's side
    def add(self, lines: list[Line]) -> None:
        """Append ``lines``; a keyed line still held is updated in place instead."""
        with self._lock:
            first = self.first
            self.changes += len(lines)
            for line in lines:
                if line.key is not None:
                    held = self._keyed.get(line.key)
                    if held is not None and held[0] >= first:
                        old = held[1]
                        old.text, old.style, old.data = line.text, line.style, line.data
                        continue
                    self._keyed[line.key] = (self.total, line)
                self._lines.append(line)
                self.total += 1
                if len(self._lines) == self._lines.maxlen:
                    first = self.total - len(self._lines)

    def add_note(self, line: Line) -> None:
        """Append a line about the stream rather than from it (a host's end, in a pane of several)."""
        self.add([line])

    def finish(self, status: str, style: str = "class:pane.end") -> None:
        """The stream is over: say why, in the status and as a last line."""
        self.status, self.ended = status, True
        self.add([Line(f"── {status} ──", style)])

    # ------------------------------------------------------------------ the view
    def visible(self, height: int) -> tuple[int, list[Line]]:
        """(index of the first line shown, the lines shown) for a view of ``height`` lines."""
        with self._lock:
            held, first = len(self._lines), self.first
            if self.top is None:
                count = min(height, held)
                return self.total - count, list(islice(reversed(self._lines), count))[::-1]
            start = min(max(self.top, first), max(first, self.total - height))
            return start, list(islice(self._lines, start - first, start - first + height))

    def below(self) -> int:
        """Lines after those shown (new lines while pinned)."""
        return 0 if self.top is None else max(0, self.total - max(self.top, self.first) - self.page)

    def scroll(self, lines: int) -> None:
        """Move the view by ``lines`` (negative: back); reaching the end follows again."""
        start = self.total - self.page if self.top is None else max(self.top, self.first)
        start = max(self.first, start + lines)
        self.top = None if start + self.page >= self.total else start

    def toggle_pause(self) -> None:
        """Pin the view where it is (new lines keep coming into the buffer), or follow the end again."""
        self.top = max(self.first, self.total - self.page) if self.top is None else None

    # ------------------------------------------------------------------ search and keep
    def search(self, pattern: str | None) -> bool:
        """Highlight ``pattern`` (case-insensitive unless it has capitals) and go to its last match."""
        self.pattern, self.match = (pattern or None), None
        return self.pattern is None or self.next_match(backwards=True, start=self.total)

    def matches(self, text: str) -> bool:
        """Whether ``text`` holds the search pattern."""
        if not self.pattern:
            return False
        if self.pattern.islower():
            return self.pattern in text.lower()
        return self.pattern in text

    def next_match(self, backwards: bool = False, start: int | None = None) -> bool:
        """Pin the view on the next (or previous) line holding the pattern; False when there is none."""
        if not self.pattern:
            return False
        with self._lock:
            lines, first = list(self._lines), self.first
        origin = start if start is not None else (self.match if self.match is not None else self.total)
        order = range(min(origin, self.total) - 1, first - 1, -1) if backwards else range(origin + 1, self.total)
        for index in order:
            if index >= first and self.matches(lines[index - first].text):
                self.match = index
                self.top = max(first, index - self.page // 2)
                return True
        return False

    def kept(self) -> Any:
        """What the pane holds, as a result's data: text lines as one text, else a list of each line's
        ``data`` (its text when it has none, each sample of ``Samples``); the end-of-stream marker is left out."""
        with self._lock:
            lines = list(self._lines)[:-1] if self.ended else list(self._lines)
            values: list[Any] = []
            for line in lines:
                if isinstance(line.data, Samples):
                    values += line.data
                else:
                    values.append(line.text if line.data is None else line.data)
        if all(isinstance(value, str) for value in values):
            return "".join(f"{value}\n" for value in values)
        return values
