"""A background thread per pane: open the stream, format what arrives, say how it ended."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import dshell.client as docker

from ..reply import one_line
from .model import Line, StreamPane
from .sources import Formatter, Produced, Source, formatter

if TYPE_CHECKING:
    from dshell.explorer import Result

    from ..session import Session
    from ..worker import Runner


class Feed:
    """Streams ``source`` into ``pane`` in a daemon thread on the client ``c``, which it owns (a
    ``Client.copy()``): ``close`` cancels it, which ends the stream at once, even while a read waits for data.
    ``notify`` is called after each batch of lines."""

    def __init__(self, c: docker.Client, source: Source, pane: StreamPane, notify: Callable[[], None]) -> None:
        self.client = c
        self.source, self.pane, self.notify = source, pane, notify
        self.status: int | None = None  # the HTTP status the stream answered with
        self.closed = False
        self.error: str | None = None  # the error the stream ended with
        self.api_version: str | None = None  # the one its call was bound in (its client's), once known
        self.started = time.time()
        self._lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, name=f"dshell-pane {source.title}", daemon=True)

    @property
    def endpoint(self) -> str:
        """Where the stream comes from, for what "keep" stores: the URI (``@a,b`` for several hosts)."""
        return self.client.uri

    def start(self) -> Feed:
        """Start streaming in the background; returns the feed."""
        self.thread.start()
        return self

    def running(self) -> bool:
        """Whether it still streams."""
        return self.thread.is_alive()

    def wait(self, seconds: float) -> None:
        """Wait until it ends, at most ``seconds``."""
        self.thread.join(seconds)

    def _batches(self) -> Iterator[list[Line]]:
        """The pane lines of the op call's stream as its chunks come (a Produced source's, as it yields them)."""
        if isinstance(self.source, Produced) and self.source.lines is not None:
            self.status = 200
            self.pane.status = "streaming"
            yield from self.source.lines()
            return
        self.source = self.source.on(self.client)
        self.api_version = self.client.api_version  # known by now, or asked here, in the feed's thread
        opened = self.source.open(self.client)
        self.status = opened.status
        stream = opened.stream
        if stream is None:
            message = opened.error.message if opened.error else f"{opened.op} gave no stream"
            self._end(f"error: {message}", "class:pane.bad")
            return
        with self._lock:
            if self.closed:
                stream.close()
                return
        with stream:  # closed however it ends (a build's stream then ends its session too)
            fmt = self.formatter(stream)
            self.pane.status = "streaming"
            self.notify()
            for chunk in stream.chunks():
                yield fmt.feed(chunk)
        yield fmt.close()

    def _run(self) -> None:
        try:
            for batch in self._batches():
                self.pane.add(batch)
                self.notify()
            if not self.pane.ended:
                self._end("stream ended", "class:pane.end")
        except docker.DockerError as exc:  # inside the stream
            self._end(f"error: {exc.message}", "class:pane.bad")
        except (docker.DshellError, OSError, ValueError) as exc:
            self._end(f"error: {exc}", "class:pane.bad")
        except Exception as exc:  # noqa: BLE001 - a bug ends this pane, not with a traceback over the prompt
            self._end(f"internal error: {type(exc).__name__}: {one_line(exc)}", "class:pane.bad")
        finally:
            self.client.close()

    def formatter(self, stream: docker.DockerStream) -> Formatter:
        """What turns the stream's chunks into lines: the op's formatter (``sources.formatter``)."""
        return formatter(self.source.op, stream)

    def _end(self, status: str, style: str) -> None:
        """Say how the stream ended (unless it was closed: then the end is the cancel's)."""
        if not self.closed:  # closed: the error is the cancel's
            if style == "class:pane.bad":
                self.error = status
            self.pane.finish(status, style)
            self.notify()

    def errors(self) -> list[str]:
        """What the stream ended with, when it was an error ("error: ...")."""
        return [] if self.error is None else [self.error]

    def close(self) -> None:
        """Stop streaming and close the connection."""
        with self._lock:
            self.closed = True
        if isinstance(self.source, Produced) and self.source.close is not None:
            self.source.close()
        self.client.cancel()  # wakes a blocked read (closing the stream alone does not)

    def stop(self, why: str) -> bool:
        """End the stream as the user asks (Ctrl-C, ^W s): a Produced source with a ``stop`` (an attached up)
        is told, and goes on until it is done (True: its lines still come); any other is closed, its pane
        saying ``why``."""
        if isinstance(self.source, Produced) and self.source.stop is not None:
            self.source.stop()
            return True
        self.close()
        if not self.pane.ended:
            self.pane.finish(why)
        return False


STOPPED = "stopped by Ctrl-C"
ENDED = "the stream ended"


def follow(feed: Feed, run: Runner, tick: Callable[[], None] | None = None, every: float = 0.2) -> str:
    """Start ``feed`` and wait until its stream ends or the user stops it (Ctrl-C: the feed is closed), calling
    ``tick`` every ``every`` seconds meanwhile (a live display's update); how it ended (``ENDED``, ``STOPPED``).
    The one way a stream is run to its end: printed (``dshell -c``), inline at the prompt, in IPython."""
    from ..worker import Cancelled

    def wait() -> None:
        while feed.running():
            feed.wait(every)
            if tick is not None:
                tick()

    feed.start()
    try:
        run(wait)
    except (Cancelled, KeyboardInterrupt):
        if feed.stop(STOPPED):  # stopping takes a while (an attached up stops its project): another one forces
            try:
                run(wait)
            except (Cancelled, KeyboardInterrupt):
                feed.close()
        return STOPPED
    return ENDED


def keep(session: Session, feed: Feed, error: str | None = None) -> Result:
    """Store what ``feed``'s pane holds as the next numbered result (its call, status, time, endpoint and API
    version): the one step from a stream to a result, for panes (^W k) and every front end's streams."""
    return session.keep(feed.source.op, feed.source.params, feed.pane.kept(), status=feed.status,
                        elapsed=time.time() - feed.started, error=error, endpoint=feed.endpoint,
                        api_version=feed.api_version)
