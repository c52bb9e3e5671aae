"""``logs @all web`` (and ``@a,b`` for every pane command but watch): one merged pane, a feed per host, each
line tagged with its host; a host's end or error is one tagged line, and the pane ends when every host's did."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .model import Line, StreamPane
from .reader import Feed
from .sources import Source, source

if TYPE_CHECKING:
    from ..parse import Stream
    from ..session import Session


class HostLines:
    """What one host's feed sees of the merged pane: its lines tagged ``[host] ``, its end one line."""

    def __init__(self, pane: StreamPane, host: str, ended: Callable[[str], None]) -> None:
        self._pane, self._tag, self._ended = pane, f"[{host}] ", ended

    @property
    def status(self) -> str:
        return self._pane.status

    @status.setter
    def status(self, value: str) -> None:
        self._pane.status = value

    def add(self, lines: list[Line]) -> None:
        self._pane.add([Line(self._tag + line.text, line.style, line.data,
                             None if line.key is None else self._tag + line.key) for line in lines])

    def finish(self, status: str, style: str = "class:pane.end") -> None:
        self._pane.add([Line(f"{self._tag}{status}", style)])
        self._ended(status)


class MergedFeed(Feed):
    """The feeds of several hosts into one pane: started and closed together."""

    def __init__(self, feeds: list[Feed], source: Source, pane: StreamPane, notify: Callable[[], None]) -> None:
        super().__init__(feeds[0].client, source, pane, notify)
        self.feeds = feeds
        self.status = 200

    def start(self) -> Feed:
        for feed in self.feeds:
            feed.start()
        return self

    def close(self) -> None:
        with self._lock:
            self.closed = True
        for feed in self.feeds:
            feed.close()


def merged(session: Session, cmd: Stream, notify: Callable[[], None]) -> tuple[StreamPane, MergedFeed]:
    """The pane and feed of ``cmd`` whose first word is ``@a,b`` or ``@all``: the words after it bound once."""
    hosts = session.hosts.select(n for n in cmd.args[0][1:].split(",") if n)
    src = source(cmd.name, list(cmd.args[1:]), session.bind_words)
    src = replace(src, title=" ".join([cmd.name, *cmd.args]))
    pane = StreamPane(src.title)
    left = [len(hosts)]
    lock = threading.Lock()

    def ended(status: str) -> None:
        with lock:
            left[0] -= 1
            if left[0] == 0:
                pane.finish("every host's stream ended")

    feeds: list[Feed] = []
    for host in hosts:
        face: Any = HostLines(pane, host, ended)
        feeds.append(Feed(session.hosts.client(host).copy(), src, face, notify))
    return pane, MergedFeed(feeds, src, pane, notify)
