"""``build`` at the prompt: the build streamed into a pane beside it by the panes' own Feed (the progress as
``tail ImageBuild ... version=2`` shows it: a line per step with its state and time, the running step's log lines
under it), the prompt free meanwhile; when the stream ends the feed concludes the build (its results kept as
the printed build keeps them) and the pane's last line says the outcome."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..panes.jsonlines import JSONFormatter
from ..panes.model import StreamPane
from ..panes.progress import BuildLines
from ..panes.reader import Feed
from ..panes.sources import Source

BAD = "class:pane.bad"


@dataclass(frozen=True)
class BuildSource(Source):
    """An ImageBuild ``version=2`` call for a pane, and what concludes the build once its stream ended: given the
    progress decoded and the error the stream ended with (None: it ended), the pane's last words and style."""

    conclude: Callable[[Feed, BuildLines, str | None], tuple[str, str]]

    def feed(self, c: Any, pane: StreamPane, notify: Callable[[], None]) -> Feed:
        return BuildFeed(c, self, pane, notify)


class BuildFeed(Feed):
    """A Feed whose lines are a build's steps and whose end is the build's outcome."""

    def __init__(self, c: Any, source: BuildSource, pane: StreamPane, notify: Callable[[], None]) -> None:
        super().__init__(c, source, pane, notify)
        self.lines = BuildLines()
        self.conclude = source.conclude

    def formatter(self, stream: Any) -> JSONFormatter:
        return JSONFormatter(self.lines)

    def _end(self, status: str, style: str) -> None:
        if not self.closed:  # closed (^W x): the build was cancelled, nothing to conclude
            status, style = self.conclude(self, self.lines, status if style == BAD else None)
        super()._end(status, style)
