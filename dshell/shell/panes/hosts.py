"""Pane commands on several endpoints: ``logs @all web`` merges every host's stream into one pane, each line
tagged with its host (a host's end or error is one tagged line, the pane ends when every host's did);
``logs @all web --split`` opens one pane per host; ``watch [SECONDS] @a,b Op ...`` reruns a fan-out in one pane
with the HOST column. The call is bound by the default endpoint's spec when the pane opens (bad input is one
line, no pane), and again by each host's own in its feed's thread when that host speaks another version."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from .model import Line, StreamPane
from .reader import Feed
from .sources import Source, binder, source
from .watch import Watch

if TYPE_CHECKING:
    import dshell.client as docker
    from dshell.client import SpecIndex

    from ..commands.streams import Stream
    from ..session import Session

class HostLines:
    """What one host's feed sees of the merged pane: its lines tagged ``[host] ``, its end one line."""

    def __init__(self, pane: StreamPane, host: str, ended: Callable[[str], None], tag: str | None = None) -> None:
        self._pane, self._tag, self._ended = pane, f"[{host}] " if tag is None else tag, ended
        self.ended = False  # this host's end was said (the merged pane ends when every host's has)

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
        self.ended = True
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


def _source(session: Session, cmd: Stream) -> HostSource:
    """The op call of ``cmd``, bound by the default endpoint's spec; each host's feed binds it by its own
    (``HostSource.on``)."""
    first = source(cmd, binder(session))
    spec = session.require_client().spec  # known: binding asked it

    def again(own: SpecIndex) -> Source:
        return source(cmd, binder(session, own))

    return HostSource(" ".join([cmd.verb, *cmd.typed]), first.op, first.params, spec.version, again)


def _countdown(pane: StreamPane, feeds: int, said: str) -> Callable[[str], None]:
    """What each of ``feeds`` feeds calls when its stream ends: the last one ends ``pane``, saying ``said``."""
    left = [feeds]
    lock = threading.Lock()

    def ended(status: str) -> None:
        with lock:
            left[0] -= 1
            if left[0] == 0:
                pane.finish(said)

    return ended


def merged(session: Session, cmd: Stream, notify: Callable[[], None],
           pane: StreamPane | None = None) -> tuple[StreamPane, MergedFeed]:
    """The pane (``pane``, else a new one) and feed of ``cmd`` on its hosts (``@a,b``/``@all``): its call
    bound once, every host's lines into one pane."""
    hosts = session.hosts.select(cmd.hosts)
    src = _source(session, cmd)
    pane = pane or StreamPane(src.title)
    ended = _countdown(pane, len(hosts), "every host's stream ended")
    feeds: list[Feed] = []
    for host in hosts:
        face: Any = HostLines(pane, host, ended)
        feeds.append(Feed(session.hosts.client(host).copy(), src, face, notify))
    return pane, MergedFeed(feeds, src, pane, notify, hosts)


def targets(cmd: Stream) -> tuple[str, ...]:
    """The containers of ``logs -f a b`` / ``stats a b`` when there are several (else ())."""
    args = cmd.call.args if cmd.call is not None and cmd.verb in ("logs", "stats") else ()
    return tuple(str(arg) for arg in args) if len(args) > 1 else ()


def merged_targets(session: Session, cmd: Stream, notify: Callable[[], None],
                   pane: StreamPane | None = None) -> tuple[StreamPane, MergedFeed]:
    """The pane (``pane``, else a new one) and feed of ``cmd`` on several containers of the default endpoint
    (``logs -f a b``): a call per container, each line after its name (``a  | ...``) as compose prints a
    project's logs; it ends when every container's stream did."""
    names = targets(cmd)
    assert cmd.call is not None
    sources = [source(cmd._replace(call=cmd.call._replace(args=(name,))), binder(session)) for name in names]
    title = " ".join([cmd.verb, *(w for w in cmd.typed if w not in ("-f", "--follow", "follow=true"))])
    pane = pane or StreamPane(title)
    ended = _countdown(pane, len(names), "every container's stream ended")
    width = max(len(name) for name in names)
    client = session.require_client()
    feeds = [Feed(client.copy(), src, HostLines(pane, name, ended, f"{name.ljust(width)}  | "), notify)  # type: ignore[arg-type]
             for name, src in zip(names, sources, strict=True)]
    merged_src = replace(sources[0], title=title)
    return pane, MergedFeed(feeds, merged_src, pane, notify, list(names))


def split(session: Session, cmd: Stream, notify: Callable[[], None]) -> list[tuple[str, StreamPane, Feed]]:
    """A host, pane and feed per host of ``cmd`` (``logs @a,b web --split``), each titled ``logs @a web``."""
    src = _source(session, cmd)
    out: list[tuple[str, StreamPane, Feed]] = []
    for host in session.hosts.select(cmd.hosts):
        own = replace(src, title=" ".join([cmd.verb, f"@{host}", *cmd.rest]))
        pane = StreamPane(own.title)
        out.append((host, pane, Feed(session.hosts.client(host).copy(), own, pane, notify)))
    return out


def watch(session: Session, cmd: Stream, notify: Callable[[], None]) -> tuple[StreamPane, Watch, list[str]]:
    """The pane and feed of ``watch [SECONDS] @a,b Op ...``: a fan-out rerun, each host on a client of its own;
    and the hosts."""
    from ..fanout import per_host

    assert cmd.call is not None and cmd.interval is not None
    hosts = session.hosts.select(cmd.hosts)
    src = source(cmd, binder(session), "@" + ",".join(hosts))
    request, _ = per_host(session, cmd.call, session.require_client().spec, src.params)
    pane = StreamPane(src.title)
    clients = {host: session.hosts.client(host).copy() for host in hosts}
    return pane, Watch(next(iter(clients.values())), src, pane, notify, cmd.interval, clients, request), hosts
