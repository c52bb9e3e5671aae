"""``watch [SECONDS] [@a,b] Op ...``: an op run again every SECONDS in a pane, the lines that changed since the
last run highlighted (like watch -d); over several endpoints, one table with HOST first and a line per failed
host."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

import dshell.client as docker
from dshell._frozen import Record

from ..fanout import host_rows
from ..reply import one_line
from .model import Line, StreamPane
from .reader import Feed
from .sources import Source

WIDTH = 160  # columns the result is rendered at


def text_lines(data: Any, op: str) -> list[str]:
    """``data`` as the shell would show it, in plain lines."""
    from rich.console import Console

    from dshell.explorer import render

    out = io.StringIO()
    Console(file=out, width=WIDTH, color_system=None, soft_wrap=False).print(render(data, op))
    return out.getvalue().rstrip("\n").splitlines()


class Shown(Record):
    """A line of a run: which it is (a table row's identity, else its place), what it says (a row's cells, else
    its text), and its text. Runs compare lines by identity and content: a row whose cells stay the same is
    unchanged even when its text moves because another row's wider cell re-aligned the columns."""

    ident: Hashable
    content: Hashable
    text: str


def plain(lines: list[str]) -> list[Shown]:
    """Text lines, compared by place."""
    return [Shown(i, text, text) for i, text in enumerate(lines)]


def shown_lines(data: Any, op: str) -> list[Shown]:
    """``data`` as the shell would show it: a table as its header and a line per row (cells cut to fit, never
    wrapped), each row known by its first cells that tell the rows apart; anything else as text lines."""
    from rich.cells import cell_len

    from dshell.explorer._grid import column_widths, one_line
    from dshell.explorer._reshape import table_of

    table = table_of(data, op)
    if table is None or not table.rows:
        return plain(text_lines(data, op))
    columns = table.columns
    cells = [tuple(c.cell(row).replace("\n", "⏎") for c in columns) for row in table.rows]
    natural = [max([cell_len(c.header), *(cell_len(row[i]) for row in cells)]) for i, c in enumerate(columns)]
    widths = column_widths(columns, natural, WIDTH)
    headers = tuple(c.header for c in columns)
    known = next((k for k in range(1, len(columns) + 1) if len({row[:k] for row in cells}) == len(cells)), None)
    return [Shown("header", headers, one_line(headers, widths, columns))] + [
        Shown(("row", row[:known] if known else i), row, one_line(row, widths, columns)) for i, row in enumerate(cells)]


def marked(old: list[Shown] | None, new: list[Shown], header: str) -> list[Line]:
    """Pane lines for a run: a header, then ``new``'s lines in place of the last run's, those whose content
    differs from the last run's line of the same identity highlighted; lines the last run had beyond ``new``'s
    end are blanked."""
    before = None if old is None else {line.ident: line.content for line in old}
    lines = [Line(header, "class:pane.header", key="watch:header")]
    for i, line in enumerate(new):
        changed = before is not None and before.get(line.ident, _NONE) != line.content
        lines.append(Line(line.text, "class:pane.changed" if changed else "", key=f"watch:{i}"))
    lines += [Line("", key=f"watch:{i}") for i in range(len(new), len(old or ()))]
    return lines


_NONE = object()


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
        pane.pinned_at_top = True  # ... which is where it lives, not a pause

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
        previous: list[Shown] | None = None
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
                    lines = shown_lines(data, self.source.op) + [Shown(("failed", line), line, line)
                                                                 for line in failed]
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
