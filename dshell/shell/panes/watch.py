"""``watch [SECONDS] [@a,b] Op ...``: an op run again every SECONDS in a pane, the lines that changed since the
last run highlighted (like watch -d); over several endpoints, one table with HOST first and a line per failed
host."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable
from typing import Any

import dshell.client as docker

from ..fanout import host_rows
from ..parse import COMMANDS
from ..reply import one_line
from .model import Line, StreamPane
from .reader import Feed
from .sources import Bind, Source

DEFAULT_INTERVAL = 2.0
WIDTH = 160  # columns the result is rendered at


def watch_source(args: list[str], bind: Bind, where: str = "") -> tuple[float, Source]:
    """``[SECONDS] Op name=value ...`` → the interval and the op call (its title naming ``where`` it runs, e.g.
    ``@a,b``); ValueError (one line) when wrong."""
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
    return interval, Source(" ".join(["watch", f"{interval:g}s", *([where] if where else []), *words]), op, params)


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
    in the pane and the next run still comes. With ``hosts`` (each host's own client, ``c`` one of them) each
    run is a fan-out: the rows of every host that answered, HOST first, then a line per host that failed."""

    def __init__(self, c: docker.Client, source: Source, pane: StreamPane, notify: Callable[[], None],
                 interval: float, hosts: dict[str, docker.Client] | None = None,
                 request: docker.FanoutRequest | None = None) -> None:
        super().__init__(c, source, pane, notify)
        self.interval = interval
        self.hosts = hosts
        self.request = request  # the fan-out's (each host's params by its own spec); None: source's call
        self._wake = threading.Event()
        pane.top = 0  # the top of the result in view, as watch(1) shows it

    @property
    def endpoint(self) -> str:
        return self.client.uri if self.hosts is None else "@" + ",".join(self.hosts)

    def _ask(self) -> tuple[int | None, Any, list[str]]:
        """One run: the status, the data to show (None: nothing answered) and a line per failure."""
        request = {"op": self.source.op, "params": self.source.params}
        if self.hosts is None:
            outcome = docker.call(self.client, request)
            if outcome.error is not None:
                return outcome.status, None, [f"{outcome.status} {outcome.error.message}"]
            return outcome.status, outcome.data, []
        rows: list[dict[str, Any]] = []
        failed: list[str] = []
        for name, answer in docker.fanout(self.hosts, self.request or request).items():
            if isinstance(answer, docker.DshellError):
                failed.append(f"{name}: {one_line(answer)}")
            elif answer.error is not None:
                failed.append(f"{name}: {answer.status} {answer.error.message}")
            else:
                rows += host_rows(name, answer.data)
        answered = len(failed) < len(self.hosts)
        return (200 if answered else None), (rows if answered else None), failed

    def _run(self) -> None:
        previous: list[str] | None = None
        runs = 0
        self.pane.status = "watching"
        try:
            while not self.closed:
                runs += 1
                self.status, data, failed = self._ask()
                stamp = time.strftime("%H:%M:%S")
                if data is None:
                    header = f"run {runs} at {stamp}: {'; '.join(failed)}"
                    self.pane.add([Line(header, "class:pane.bad", key="watch:header")])
                else:
                    lines = text_lines(data, self.source.op) + failed
                    changed = sum(1 for line in marked(previous, lines, "") if line.style == "class:pane.changed")
                    shown = marked(previous, lines, f"run {runs} at {stamp} · every {self.interval:g}s · "
                                                    f"{changed} line{'s' * (changed != 1)} changed")
                    for line in shown[len(lines) - len(failed) + 1:len(lines) + 1]:
                        line.style = line.style or "class:pane.bad"  # a failed host's line
                    self.pane.add(shown)
                    previous = lines
                self.notify()
                self._wake.wait(self.interval)
        except (docker.DshellError, OSError, ValueError) as exc:
            self._end(f"error: {exc}", "class:pane.bad")
        finally:
            for c in (self.hosts or {"": self.client}).values():
                c.close()

    def close(self) -> None:
        """Stop watching: the wait ends at once, a call in flight is cancelled."""
        super().close()
        for c in (self.hosts or {}).values():
            c.cancel()
        self._wake.set()
