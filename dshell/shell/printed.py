"""``tail``/``logs``/``events``/``stats`` outside the prompt (``dshell -c``): each line printed as it arrives, as
``docker logs -f`` and ``docker events`` do, a container's stderr on stderr, until the stream ends or Ctrl-C stops
it; ``logs @a,b web`` prints every host's lines, each tagged ``[host]``. What arrived is kept as a result. At the
prompt, an op typed that streams (``ContainerLogs web follow=true``) is printed the same way, its lines said
through the session (``Said``).

The stream is read and formatted by the panes' code (``panes``: Source, Feed, StreamPane), free of prompt_toolkit;
only the showing is this module's.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Protocol

from dshell.explorer import STDERR_MARK

from .panes.model import Line, StreamPane

if TYPE_CHECKING:
    from .commands.streams import Stream
    from .panes.reader import Feed
    from .reply import Reply
    from .session import Session

POLL = 0.2  # seconds between looks for Ctrl-C while the feeds stream


class Sink(Protocol):
    """Where a printed pane writes: a text stream (``sys.stdout``) or ``Said``."""

    def write(self, text: str, /) -> Any: ...

    def flush(self) -> None: ...


class Said:
    """A sink whose lines are said through the session (at the prompt, above it), in ``style``, each after
    ``mark`` (stderr's ``[stderr] ``, as a pane shows it)."""

    def __init__(self, session: Session, style: str = "", mark: str = "") -> None:
        self.session, self.style, self.mark = session, style, mark

    def write(self, text: str) -> int:
        """Say each line of ``text``."""
        from rich.text import Text

        for line in text.rstrip("\n").split("\n"):  # a compose stream's colours are docker compose's escapes
            shown = Text.from_ansi(self.mark + line) if "\x1b" in line else Text(self.mark + line)
            if self.style:
                shown.stylize(self.style)
            self.session.say(shown)
        return len(text)

    def flush(self) -> None:
        """Nothing waits: each line was said."""


class PrintedPane(StreamPane):
    """A pane that also prints each line as it is added: a container's stderr, or a note (a host's end or error), on
    ``err``, the rest on ``out``; a line updated in place (a stats row, a pull's layer) again only when its text
    changed."""

    def __init__(self, title: str, out: Sink, err: Sink) -> None:
        super().__init__(title)
        self.out, self.err = out, err
        self.lines = 0  # lines of the stream printed (not notes)
        self._printed: dict[str, str] = {}  # a keyed line's text as last printed
        self._print_lock = threading.Lock()  # the feeds of several hosts add lines at once

    def add(self, lines: list[Line]) -> None:
        """Print ``lines`` (a run of lines for one stream in one write: work per read, not per line), then hold
        them as a pane does."""
        with self._print_lock:
            run: list[str] = []
            target = self.out
            for line in lines:
                if line.key is not None:
                    if self._printed.get(line.key) == line.text:
                        continue
                    self._printed[line.key] = line.text
                self.lines += line.style != "class:pane.header"
                to = self.err if "stderr" in line.style else self.out
                if to is not target and run:
                    self._print(target, "\n".join(run))
                    run = []
                target = to
                # on stderr it needs no mark (after a host's tag, if any)
                run.append(line.text.replace(STDERR_MARK, "", 1) if to is self.err else line.text)
            if run:
                self._print(target, "\n".join(run))
        super().add(lines)

    def add_note(self, line: Line) -> None:
        """Print a line about the stream (a host's end or error) on ``err``, then hold it."""
        with self._print_lock:
            self._print(self.err, line.text)
        super().add([line])

    @staticmethod
    def _print(stream: Sink, text: str) -> None:
        stream.write(f"{text}\n")
        stream.flush()

    def finish(self, status: str, style: str = "class:pane.end") -> None:
        """The stream is over: its status, held but not printed (the command's reply says how it ended)."""
        self.status, self.ended = status, True
        StreamPane.add(self, [Line(f"-- {status} --", style)])


def stream(session: Session, out: Sink, err: Sink, cmd: Stream) -> Reply:
    """Print what ``cmd`` streams until it ends or Ctrl-C; the lines are kept as the next result."""
    from .panes.hosts import merged, merged_targets, targets
    from .panes.reader import Feed, follow, keep
    from .panes.sources import binder, source
    from .reply import Reply
    from .worker import run_here

    if cmd.split:
        return Reply(error=f"--split opens a pane per host, at the prompt; here every host's lines are printed, "
                           f"each tagged [host]: {cmd.verb} @{','.join(cmd.hosts)} ...")
    pane = PrintedPane(" ".join([cmd.verb, *cmd.typed]), out, err)
    feed: Feed
    if cmd.source is not None:  # a compose project's stream
        feed = cmd.source.feed(session.require_client().copy(), pane, _nothing)
    elif cmd.hosts:
        feed = merged(session, cmd, _nothing, pane)[1]
    elif targets(cmd):  # logs -f a b: each line after its container's name
        feed = merged_targets(session, cmd, _nothing, pane)[1]
    else:
        feed = Feed(session.require_client().copy(), source(cmd, binder(session)), pane, _nothing)
    how = follow(feed, run_here, every=POLL)
    result = keep(session, feed, _error(pane))
    if not cmd.hosts and result.failed:
        code = f" {result.status}" if result.status else ""
        return Reply(error=f"[{result.n}]{code} {result.error}", result=result)
    summary = f"[{result.n}] {cmd.verb}: {how}; {pane.lines} line{'' if pane.lines == 1 else 's'} kept as _{result.n}"
    if failed := feed.errors():
        return Reply(error=f"{summary}; {len(failed)} of the hosts could not stream", result=result)
    err.write(f"{summary}\n")  # stdout holds the stream's lines alone, for a pipe
    return Reply(result=result)


def _nothing() -> None:
    """A printed pane needs no redraw."""


def _error(pane: PrintedPane) -> str | None:
    """The error a single stream ended with (its status), else None."""
    return pane.status[len("error: "):] if pane.status.startswith("error: ") else None
