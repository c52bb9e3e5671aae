"""What a pane streams: ``tail Op ...`` and the shorthands ``logs``/``events``/``stats`` as op calls, and
the formatter that suits the op."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import dshell.client as docker
from dshell.explorer import LOG_OPS

from .events import event_lines
from .jsonlines import JSONFormatter
from .logs import LogFormatter
from .model import Line
from .progress import BuildLines, progress_lines
from .stats import StatsLines

if TYPE_CHECKING:
    from dshell.client import SpecIndex

    from ..commands.streams import Stream
    from ..grammar import OpCall
    from ..session import Session
    from .model import StreamPane
    from .reader import Feed

Bind = Callable[["OpCall"], dict[str, Any]]  # an op call → its params, typed by a spec
Lines = Callable[[Any], list[Line]]  # a JSON value → its pane lines


def _plain(lines: Lines) -> Callable[[], Lines]:
    return lambda: lines


JSON_OPS: dict[str, Callable[[], Lines]] = {  # op → a maker of its lines function (one per stream)
    "SystemEvents": _plain(event_lines), "ContainerStats": StatsLines, "ImageCreate": _plain(progress_lines),
    "ImagePush": _plain(progress_lines), "ImageBuild": BuildLines, "ImageLoad": _plain(progress_lines),
    "PluginPull": _plain(progress_lines), "PluginUpgrade": _plain(progress_lines),
}


class Formatter(Protocol):
    """Turns a stream's chunks into pane lines."""

    def feed(self, chunk: bytes) -> list[Line]: ...

    def close(self) -> list[Line]: ...


@dataclass(frozen=True, slots=True)
class Source:
    """An op call to stream into a pane, and the pane's title."""

    title: str
    op: str
    params: dict[str, Any]

    def open(self, c: docker.Client) -> docker.Outcome:
        """Start the call: its outcome, the body as a stream (or the daemon's error)."""
        return docker.call(c, {"op": self.op, "params": self.params, "as": "stream"})

    def feed(self, c: docker.Client, pane: StreamPane, notify: Callable[[], None]) -> Feed:
        """What streams the call into ``pane`` on ``c`` (which it owns): a plain Feed; a workflow's source gives
        a feed that also concludes the workflow when the stream ends."""
        from .reader import Feed

        return Feed(c, self, pane, notify)

    def on(self, c: docker.Client) -> Source:
        """The call as ``c``'s daemon is sent it (in the feed's thread, before ``open``): as it is here; a
        host's of several endpoints binds its words again by that host's version (``panes.hosts``)."""
        return self


@dataclass(frozen=True, slots=True)
class Produced(Source):
    """A stream that is no single op call (a compose project's merged logs or events, an attached ``up``): the
    batches of pane lines ``lines()`` yields, kept as the result ``op`` with ``params``; ``stop`` ends it as
    the user asks (Ctrl-C, ^W s: an attached up then stops its project, its lines still coming), ``close``
    at once (None: the feed's client cancelled is enough)."""

    lines: Callable[[], Iterable[list[Line]]] | None = None
    stop: Callable[[], None] | None = None
    close: Callable[[], None] | None = None


def formatter(op: str, stream: docker.DockerStream) -> Formatter:
    """The formatter for ``op``'s stream (may look up whether a container has a TTY)."""
    if op in LOG_OPS:
        return LogFormatter(stream.tty)
    if op in JSON_OPS:
        return JSONFormatter(JSON_OPS[op]())
    if "json" in stream.headers.get("content-type", ""):
        return JSONFormatter()
    return LogFormatter(tty=True)


def binder(session: Session, spec: SpecIndex | None = None) -> Bind:
    """Binds an op call by ``spec`` (else that of the version the session's client speaks), refs resolved."""
    from ..bind import bind
    from ..grammar import ParseError

    def bound(call: OpCall) -> dict[str, Any]:
        own = spec or session.require_client().spec
        if call.op not in own.ops:
            raise ParseError(f"{call.op!r} is not an op: see `ops`")
        return bind(call, own, session.resolve)
    return bound


FOLLOWED = ("-f", "--follow", "follow=true")


def source(cmd: Stream, bind: Bind, where: str = "") -> Source:
    """The Source of a pane command read (its op call bound by ``bind``), titled as typed (``where`` it runs,
    e.g. ``@a,b``, for watch)."""
    assert cmd.call is not None
    params = bind(cmd.call)
    if cmd.verb == "watch":
        title = " ".join(["watch", f"{cmd.interval:g}s", *([where] if where else []), *cmd.rest])
    else:  # a pane follows: its title needs no -f
        title = " ".join(cmd.typed if cmd.verb == "tail" else [cmd.verb, *(w for w in cmd.typed if w not in FOLLOWED)])
    return Source(title, cmd.call.op, params)
