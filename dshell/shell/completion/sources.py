"""The completion sources of a running Session: its spec, live names, results and cd location."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dshell.client import SpecIndex

    from ..session import Session


class SessionSources:
    """Answers the completion engine from what ``session`` holds in memory; never waits on its loading."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def spec(self) -> SpecIndex | None:
        return self.session.spec_index

    def versions(self) -> Sequence[str]:
        client = sys.modules.get("dshell.client")  # loaded by the session in the background
        return client.versions() if client is not None else ()

    def live(self, kind: str) -> Sequence[tuple[str, str]]:
        return self.session.live.get(kind)

    def refs(self, word: str) -> Sequence[str]:
        history = self.session.history
        if history is None:
            return ()
        from dshell.explorer import path_completions

        return path_completions(word, history)

    def here(self) -> Sequence[str]:
        nav = self.session.navigator
        return nav.names_here() if nav is not None else ()

    def hosts(self) -> Sequence[str]:
        return self.session.hosts.names()

    def contexts(self) -> Sequence[str]:
        return self.session.hosts.contexts() if "dshell.client" in sys.modules else ()

    def on_hosts(self, hosts: Sequence[str]) -> HostSources:
        return HostSources(self.session, hosts)


class HostSources(SessionSources):
    """The sources of ``@a,b Op ...``: live names of those endpoints (``all``: every one), each one's meta
    saying where it is."""

    def __init__(self, session: Session, hosts: Sequence[str]) -> None:
        super().__init__(session)
        known = session.hosts.names()
        self.on = known if "all" in hosts else [h for h in hosts if h in known]

    def live(self, kind: str) -> Sequence[tuple[str, str]]:
        where: dict[str, tuple[list[str], str]] = {}
        for host in self.on:
            for name, meta in self.session.live_on(host).get(kind):
                where.setdefault(name, ([], meta))[0].append(host)
        return [(name, f"{','.join(hosts)}: {meta}") for name, (hosts, meta) in where.items()]
