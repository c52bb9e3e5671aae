"""Streams in IPython: ``tail``/``logs``/``events``/``stats`` update one display as lines arrive.

The stream is read, formatted and buffered by the shell's pane code (``shell.panes``: Source, Feed, StreamPane);
only the showing is IPython's: a display updated at most every ``INTERVAL`` seconds in a notebook, a rich Live
area in a terminal. An interrupt closes the stream and the kernel goes on; what the stream showed is stored as
a numbered result and returned, like an op's.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

import dshell.client as docker
from dshell.explorer import LOG_OPS, LogText, Note, Stack, StatsChart, View, stats_samples
from dshell.shell.commands.ops import shown
from dshell.shell.panes.model import StreamPane
from dshell.shell.panes.reader import STOPPED, Feed, keep
from dshell.shell.panes.reader import follow as run_feed
from dshell.shell.panes.sources import Source, binder, source
from dshell.shell.worker import run_here

from .display import in_terminal

if TYPE_CHECKING:
    from IPython.core.interactiveshell import InteractiveShell
    from rich.console import RenderableType

    from dshell.shell.commands.streams import Stream
    from dshell.shell.reply import Reply
    from dshell.shell.session import Session

INTERVAL = 0.2  # seconds between display updates
SHOWN = 30  # lines on show while streaming
STYLES = {"class:pane.stderr": "red", "class:pane.bad": "bold red", "class:pane.warn": "yellow",
          "class:pane.good": "green", "class:pane.end": "italic dim"}


@dataclass(frozen=True, slots=True)
class Opened(Source):
    """A Source whose stream is already open (so that a daemon error is a failed result, as for an op)."""

    opened: docker.Outcome | None = None

    def open(self, c: docker.Client) -> docker.Outcome:
        """The outcome of the call made already (on ``c``)."""
        assert self.opened is not None
        return self.opened


def view(pane: StreamPane, op: str, note: str, lines: int = SHOWN) -> RenderableType:
    """A chart of the samples so far for stats, else the pane's last ``lines`` lines (logs as logs, others in
    their colours); then ``note`` dimmed."""
    from rich.text import Text

    if op == "ContainerStats" and (rows := stats_samples(pane.kept())):
        return StatsChart(rows, pane.title, note)
    visible = pane.visible(lines)[1]
    if op in LOG_OPS:
        return Stack(LogText("".join(f"{line.text}\n" for line in visible)), Note(note))
    return Stack(*(Text.from_ansi(line.text, style=STYLES.get(line.style, "")) for line in visible), Note(note))


class NotebookArea:
    """One display, updated in place (Jupyter, or any front end with display ids)."""

    def __init__(self, first: RenderableType) -> None:
        from IPython.display import display

        self.handle = display(View(first), display_id=True)

    def update(self, renderable: RenderableType) -> None:
        """Show ``renderable`` in place of what the display showed."""
        self.handle.update(View(renderable))

    def close(self) -> None:
        """Leave the display as last updated."""


class TerminalArea:
    """A rich Live area in a terminal IPython, gone once the stream is over (the result is shown instead)."""

    def __init__(self, first: RenderableType) -> None:
        from rich.live import Live

        self.live = Live(first, auto_refresh=False, transient=True)
        self.live.start()

    def update(self, renderable: RenderableType) -> None:
        """Show ``renderable`` in place of what the area showed."""
        self.live.update(renderable, refresh=True)

    def close(self) -> None:
        """Take the area off the screen."""
        self.live.stop()


def run_stream(session: Session, ip: InteractiveShell, cmd: Stream) -> Reply:
    """Stream what ``cmd`` names into a live display until it ends or is interrupted; keep it as a result.
    ``@NAME`` first (``%docker logs @b web``): from the endpoint NAME."""
    if cmd.source is not None:  # a compose project's stream
        feed = cmd.source.feed(session.require_client().copy(), StreamPane(cmd.source.title), lambda: None)
        follow(feed, (TerminalArea if in_terminal(ip) else NotebookArea)(view(feed.pane, "", cmd.source.title)))
        return shown(keep(session, feed))
    if cmd.hosts:
        return _on_one(session, ip, cmd)
    from dshell.shell.panes.hosts import merged_targets, targets

    if targets(cmd):  # logs -f a b: one display, each line after its container's name
        pane, merged = merged_targets(session, cmd, lambda: None)
        follow(merged, (TerminalArea if in_terminal(ip) else NotebookArea)(view(pane, merged.source.op,
                                                                                  f"{pane.title}: starting")))
        return shown(keep(session, merged))
    src = source(cmd, binder(session))
    own = session.require_client().copy()  # the stream's own: the feed cancels it on an interrupt
    try:
        opened = src.open(own)
        if opened.error is not None:
            return shown(session.store(src.op, src.params, opened))
        pane = StreamPane(src.title)
        feed = Feed(own, Opened(src.title, src.op, src.params, opened), pane, lambda: None)
        area = (TerminalArea if in_terminal(ip) else NotebookArea)(view(pane, src.op, f"{src.title}: starting"))
        follow(feed, area)
    finally:
        own.close()  # the feed closes it when done too; this is for a stream that never got one
    return shown(keep(session, feed))


def _on_one(session: Session, ip: InteractiveShell, cmd: Stream) -> Reply:
    """``cmd`` on the one endpoint its ``@NAME`` names; one line for several."""
    if len(cmd.hosts) != 1 or cmd.hosts == ("all",) or cmd.split:
        from dshell.shell.reply import Reply

        return Reply(error=f"%docker {cmd.verb} streams from one endpoint: %docker @NAME {cmd.verb} ... (one pane "
                           "over several endpoints is the shell's: dshell)")
    with session.on_host(cmd.hosts[0], run_here):
        return run_stream(session, ip, cmd._replace(hosts=()))


def follow(feed: Feed, area: NotebookArea | TerminalArea) -> None:
    """Run ``feed``, updating ``area`` as lines arrive; an interrupt closes the feed (and so its stream)."""
    pane, shown_changes = feed.pane, [-1]

    def tick() -> None:
        if pane.changes != shown_changes[0]:
            shown_changes[0] = pane.changes
            area.update(view(pane, feed.source.op, f"{caption(feed, pane.status)} (interrupt to stop)"))

    how = ""
    try:
        how = "stopped by interrupt" if run_feed(feed, run_here, tick, INTERVAL) == STOPPED else ""
    finally:
        area.update(view(pane, feed.source.op, caption(feed, how or pane.status), 0))
        area.close()


def caption(feed: Feed, how: str) -> str:
    """``logs web: streaming, 12 lines`` (``stats web: streaming, 8 samples``)."""
    pane = feed.pane
    if feed.source.op == "ContainerStats" and (rows := stats_samples(pane.kept())):
        return f"{feed.source.title}: {how}, {len(rows)} sample{'' if len(rows) == 1 else 's'}"
    return f"{feed.source.title}: {how}, {pane.total - pane.ended} lines"


def terminal_only(cmd: Stream) -> Reply:
    """``attach``/``exec`` in a notebook: say what to use instead of a terminal."""
    from dshell.shell.reply import Reply

    return Reply(error=f"{cmd.verb} needs a terminal (dshell, or a terminal IPython); in a notebook, run "
                       "ContainerExec, ExecStart and ExecInspect, or follow output with `logs NAME`")


def register_streams(session: Session, ip: InteractiveShell) -> None:
    """Show the pane commands of ``session`` as live displays in ``ip``; outside a terminal, attach and exec
    say what to do instead."""
    terminal = in_terminal(ip)
    session.plug("ipython" if terminal else "notebook", pane=partial(run_stream, session, ip))
    if terminal:
        from dshell.shell import stdio

        stdio.register(session)
    else:
        session.plug("notebook", terminal=terminal_only)
