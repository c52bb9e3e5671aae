"""``watch [SECONDS] Op ...``: an op run again every SECONDS in a pane, the lines that changed since the last
run highlighted (like watch -d)."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable
from typing import Any

import dshell.client as docker

from ..parse import COMMANDS
from .model import Line, StreamPane
from .reader import Feed
from .sources import Bind, Source

DEFAULT_INTERVAL = 2.0
WIDTH = 160  # columns the result is rendered at


def watch_source(args: list[str], bind: Bind) -> tuple[float, Source]:
    """``[SECONDS] Op name=value ...`` → the interval and the op call; ValueError (one line) when wrong."""
    interval, words = DEFAULT_INTERVAL, list(args)
    if words and words[0][:1].isdigit():
        try:
            interval = float(words.pop(0))
        except ValueError:
            raise ValueError(f"watch: the interval is seconds, got {args[0]!r}: {COMMANDS['watch'].usage}") from None
        if not 0.1 <= interval <= 86400:
            raise ValueError(f"watch: the interval must be 0.1 to 86400 seconds, got {args[0]}")
    if not words:
        raise ValueError(f"usage: {COMMANDS['watch'].usage}")
    op, params = bind(words)
    return interval, Source(f"watch {interval:g}s {' '.join(words)}", op, params)


def text_lines(data: Any, op: str) -> list[str]:
    """``data`` as the shell would show it, in plain lines."""
    from rich.console import Console

    from dshell.explorer import render

    out = io.StringIO()
    Console(file=out, width=WIDTH, color_system=None, soft_wrap=False).print(render(data, op))
    return out.getvalue().rstrip("\n").splitlines()


def marked(old: list[str] | None, new: list[str], header: str) -> list[Line]:
    """Pane lines for a run: a header, then ``new``'s lines in place of the last run's, those that differ from
    the line at the same place highlighted; lines the last run had beyond ``new``'s end are blanked."""
    lines = [Line(header, "class:pane.header", key="watch:header")]
    for i, text in enumerate(new):
        changed = old is not None and (i >= len(old) or old[i] != text)
        lines.append(Line(text, "class:pane.changed" if changed else "", key=f"watch:{i}"))
    lines += [Line("", key=f"watch:{i}") for i in range(len(new), len(old or ()))]
    return lines


class Watch(Feed):
    """Runs ``source``'s op every ``interval`` seconds on its own client until closed; a failed run is shown
    in the pane and the next run still comes."""

    def __init__(self, c: docker.Client, source: Source, pane: StreamPane, notify: Callable[[], None],
                 interval: float) -> None:
        super().__init__(c, source, pane, notify)
        self.interval = interval
        self._wake = threading.Event()
        pane.top = 0  # the top of the result in view, as watch(1) shows it

    def _run(self) -> None:
        previous: list[str] | None = None
        runs = 0
        self.pane.status = "watching"
        try:
            while not self.closed:
                runs += 1
                outcome = docker.call(self.client, {"op": self.source.op, "params": self.source.params})
                self.status = outcome.status
                stamp = time.strftime("%H:%M:%S")
                if outcome.error is not None:
                    header = f"run {runs} at {stamp}: {outcome.status} {outcome.error.message}"
                    self.pane.add([Line(header, "class:pane.bad", key="watch:header")])
                else:
                    lines = text_lines(outcome.data, self.source.op)
                    changed = sum(1 for line in marked(previous, lines, "") if line.style == "class:pane.changed")
                    self.pane.add(marked(previous, lines, f"run {runs} at {stamp} · every {self.interval:g}s · "
                                                          f"{changed} line{'s' * (changed != 1)} changed"))
                    previous = lines
                self.notify()
                self._wake.wait(self.interval)
        except (docker.DshellError, OSError, ValueError) as exc:
            self._end(f"error: {exc}", "class:pane.bad")
        finally:
            self.client.close()

    def close(self) -> None:
        """Stop watching: the wait ends at once, a call in flight is cancelled."""
        super().close()
        self._wake.set()
