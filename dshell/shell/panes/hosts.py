"""Pane commands on several endpoints: ``logs @all web`` merges every host's stream into one pane, each line
tagged with its host (a host's end or error is one tagged line, the pane ends when every host's did);
``logs @all web --split`` opens one pane per host; ``watch [SECONDS] @a,b Op ...`` reruns a fan-out in one pane
with the HOST column. The words are bound by the default endpoint's spec when the pane opens (bad input is one
line, no pane), and again by each host's own in its feed's thread when that host speaks another version."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from .model import Line, StreamPane
from .reader import Feed
from .sources import Source, source
from .watch import Watch, watch_source

if TYPE_CHECKING:
    import dshell.client as docker
    from dshell.client import SpecIndex

    from ..parse import Stream
    from ..session import Session

SPLIT = "--split"


@dataclass(frozen=True, slots=True)
class OnHosts:
    """A pane command's words read for several endpoints: the hosts, the words without ``@...`` and
    ``--split``, and whether a pane per host was asked for."""

    hosts: list[str]
    words: list[str]
    split: bool


def on_hosts(session: Session, cmd: Stream) -> OnHosts | None:
    """``cmd``'s hosts when a word ``@a,b``/``@all`` comes first (after watch's SECONDS), else None (one
    endpoint: ``--split`` is then a mistake, said in one line)."""
    words = [w for w in cmd.args if w != SPLIT]
    split = len(words) < len(cmd.args)
    at = 1 if cmd.name == "watch" and words[:1] and words[0][:1].isdigit() else 0
    if len(words) <= at or not words[at].startswith("@"):
        if split:
            raise ValueError(f"{SPLIT} opens a pane per endpoint: name them, e.g. {cmd.name} @all ...")
        return None
    if split and cmd.name == "watch":
        raise ValueError("watch @a,b shows every host in one table: leave out --split")
    names = [n for n in words[at][1:].split(",") if n]
    if not names:
        raise ValueError(f"'@' needs endpoint names, e.g. {cmd.name} @a,b ... or {cmd.name} @all ...")
    return OnHosts(session.hosts.select(names), words[:at] + words[at + 1:], split)


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
        self._pane.add_note(Line(f"{self._tag}{status}", style))
        self._ended(status)


class MergedFeed(Feed):
    """The feeds of several hosts into one pane: started and closed together."""

    def __init__(self, feeds: list[Feed], source: Source, pane: StreamPane, notify: Callable[[], None],
                 hosts: list[str]) -> None:
        super().__init__(feeds[0].client, source, pane, notify)
        self.feeds, self.hosts = feeds, hosts
        self.status = 200

    @property
    def endpoint(self) -> str:
        return "@" + ",".join(self.hosts)

    def start(self) -> Feed:
        for feed in self.feeds:
            feed.start()
        return self

    def running(self) -> bool:
        return any(feed.running() for feed in self.feeds)

    def errors(self) -> list[str]:
        return [error for feed in self.feeds for error in feed.errors()]

    def wait(self, seconds: float) -> None:
        for feed in self.feeds:
            if feed.running():
                feed.wait(seconds)
                return

    def close(self) -> None:
        with self._lock:
            self.closed = True
        for feed in self.feeds:
            feed.close()


@dataclass(frozen=True, slots=True)
class HostSource(Source):
    """A pane command's call for a host of several: bound by the default endpoint's spec (``version``), and by
    ``again`` with the host's spec when the host speaks another version."""

    version: str = ""
    again: Callable[[SpecIndex], Source] | None = None

    def on(self, c: docker.Client) -> Source:
        """The call bound by what ``c`` speaks: asked of its daemon here, in the feed's thread, when not known
        yet (a keystroke never waits on it)."""
        spec = c.spec
        plain = Source(self.title, self.op, self.params)
        if self.again is None or spec.version == self.version:
            return plain
        return replace(plain, params=self.again(spec).params)


def _source(session: Session, cmd: Stream, words: list[str]) -> HostSource:
    """The op call of ``cmd`` with ``words`` (no hosts), bound by the default endpoint's spec; each host's feed
    binds it by its own (``HostSource.on``)."""
    first = source(cmd.name, words, session.bind_words)
    spec = session.require_client().spec  # known: bind_words asked it

    def again(own: SpecIndex) -> Source:
        return source(cmd.name, words, lambda op_words: session.bind_words(op_words, own))

    return HostSource(" ".join([cmd.name, *cmd.args]), first.op, first.params, spec.version, again)


def merged(session: Session, cmd: Stream, notify: Callable[[], None], found: OnHosts | None = None,
           pane: StreamPane | None = None) -> tuple[StreamPane, MergedFeed]:
    """The pane (``pane``, else a new one) and feed of ``cmd`` whose first word is ``@a,b`` or ``@all``: the
    words after it bound once."""
    found = found or on_hosts(session, cmd)
    assert found is not None
    src = _source(session, cmd, found.words)
    pane = pane or StreamPane(src.title)
    left = [len(found.hosts)]
    lock = threading.Lock()

    def ended(status: str) -> None:
        with lock:
            left[0] -= 1
            if left[0] == 0:
                pane.finish("every host's stream ended")

    feeds: list[Feed] = []
    for host in found.hosts:
        face: Any = HostLines(pane, host, ended)
        feeds.append(Feed(session.hosts.client(host).copy(), src, face, notify))
    return pane, MergedFeed(feeds, src, pane, notify, found.hosts)


def split(session: Session, cmd: Stream, notify: Callable[[], None],
          found: OnHosts) -> list[tuple[StreamPane, Feed]]:
    """A pane and feed per host of ``cmd`` (``logs @a,b web --split``), each titled ``logs @a web``."""
    src = _source(session, cmd, found.words)
    out: list[tuple[StreamPane, Feed]] = []
    for host in found.hosts:
        own = replace(src, title=" ".join([cmd.name, f"@{host}", *found.words]))
        pane = StreamPane(own.title)
        out.append((pane, Feed(session.hosts.client(host).copy(), own, pane, notify)))
    return out


def watch(session: Session, cmd: Stream, notify: Callable[[], None], found: OnHosts) -> tuple[StreamPane, Watch]:
    """The pane and feed of ``watch [SECONDS] @a,b Op ...``: a fan-out rerun, each host on a client of its own."""
    from .. import parse as P
    from ..fanout import per_host

    where = "@" + ",".join(found.hosts)
    interval, src = watch_source(found.words, session.bind_words, where)
    op_words = found.words[1:] if found.words[0][:1].isdigit() else found.words
    request, _ = per_host(session, P.op_call(op_words), session.require_client().spec, src.params)
    pane = StreamPane(src.title)
    clients = {host: session.hosts.client(host).copy() for host in found.hosts}
    return pane, Watch(next(iter(clients.values())), src, pane, notify, interval, clients, request)
