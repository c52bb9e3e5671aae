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
        nav, history = self.session.navigator, self.session.history
        if nav is None or history is None:
            return ()
        if nav.ref is None:
            return [f"_{result.n}" for result in history]
        from dshell.explorer import PathError
        from dshell.explorer._paths import select, walk

        try:
            result = select(nav.ref, history)
            if not result.data_loaded:  # a keystroke never reads a side file (cd has read it, normally)
                return ()
            value = walk(result.data, nav.ref)
        except PathError:
            return ()
        if isinstance(value, dict):
            return [str(key) for key in value]
        return [f"[{i}]" for i in range(len(value))] if isinstance(value, list) else ()
