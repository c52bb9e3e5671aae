"""Log output (raw TTY bytes or stdout/stderr frames) as pane lines; stderr lines stand out: red, and marked
(``[stderr] ``, also in what "keep" stores)."""

from __future__ import annotations

import dshell.client as docker
from dshell.explorer import STDERR_MARK

from .model import Line

MAX_LINE = 16384  # a line longer than this is cut into pieces (so a newline-free stream stays bounded)
STDERR_STYLE = "class:pane.stderr"


def clean(text: str) -> str:
    """A line as a terminal would leave it: what follows the last carriage return, tabs expanded."""
    if "\r" in text:
        text = text.rstrip("\r").rsplit("\r", 1)[-1]
    return text.expandtabs() if "\t" in text else text


class LogFormatter:
    """Chunks of a logs/attach stream → complete lines (a partial line waits for its end)."""

    def __init__(self, tty: bool) -> None:
        self._frames = None if tty else docker.FrameDecoder()
        self._partial: dict[int, bytes] = {}

    def feed(self, chunk: bytes) -> list[Line]:
        """The lines completed by ``chunk``."""
        pieces = [(1, chunk)] if self._frames is None else self._frames.feed(chunk)
        out: list[Line] = []
        for stream, payload in pieces:
            data = self._partial.pop(stream, b"") + payload
            cut = data.rfind(b"\n") + 1
            if not cut and len(data) > MAX_LINE:
                cut = len(data)
            if len(data) > cut:
                self._partial[stream] = data[cut:]
            if cut:
                out += self._lines(stream, data[:cut])
        return out

    def close(self) -> list[Line]:
        """The last, unfinished lines."""
        out = [line for stream, data in sorted(self._partial.items()) for line in self._lines(stream, data)]
        self._partial.clear()
        return out

    @staticmethod
    def _lines(stream: int, data: bytes) -> list[Line]:
        texts = data.decode("utf-8", "replace").split("\n")
        if texts[-1] == "":
            texts.pop()
        if stream == 2:
            return [Line(STDERR_MARK + clean(t[:MAX_LINE]), STDERR_STYLE) for t in texts]
        return [Line(clean(t[:MAX_LINE])) for t in texts]
