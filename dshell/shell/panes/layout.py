"""The pane area above the prompt: panes stacked or side by side, one selected, a search field."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from prompt_toolkit.application.current import get_app
from prompt_toolkit.buffer import Buffer
from prompt_toolkit.filters import Condition, is_done
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.layout import ConditionalContainer, DynamicContainer, HSplit, VSplit, Window
from prompt_toolkit.layout.containers import Container
from prompt_toolkit.layout.controls import BufferControl, FormattedTextControl
from prompt_toolkit.layout.dimension import Dimension
from prompt_toolkit.layout.processors import BeforeInput
from prompt_toolkit.styles import Style

from dshell.explorer import visible_line

from .model import StreamPane
from .view import Notice, PaneControl, title_fragments

if TYPE_CHECKING:
    from .reader import Feed

AREA_SHARE = 0.5  # of the terminal's rows, shared by the panes when they open
MIN_HEIGHT = 2
PROMPT_ROWS = 10  # rows left to the prompt (8 kept for the completion menu), its toolbar and one more
MIN_COLUMN = 12  # columns a pane needs side by side
STYLE = Style.from_dict({
    "pane.title": "bg:#3a3a3a #d0d0d0",
    "pane.title.selected": "bg:#005f87 #ffffff bold",
    "pane.title.state": "italic",
    "pane.title.bad": "bg:#870000 #ffffff",
    "pane.title.paused": "bg:#af8700 #000000",
    "pane.title.notice": "bg:#00875f #ffffff",
    "pane.stderr": "#ff8787",
    "pane.bad": "#ff5f5f",
    "pane.warn": "#ffaf00",
    "pane.good": "#87d787",
    "pane.header": "bold",
    "pane.changed": "bg:#5f5f00 #ffffff",
    "pane.end": "italic #808080",
    "pane.match": "reverse",
    "pane.current": "bg:#303030",
    "pane.search": "bg:#303030",
    "pane.separator": "#5f5f5f",
})


class Refresher:
    """Redraws at most every ``interval`` seconds however fast panes receive lines (one daemon thread),
    so that a flood of output never starves the keys."""

    def __init__(self, redraw: Callable[[], None], interval: float = 0.05) -> None:
        self._redraw, self.interval = redraw, interval
        self._dirty = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def __call__(self) -> None:
        """Ask for a redraw (from any thread)."""
        self._dirty.set()
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._loop, name="dshell-panes-refresh", daemon=True)
                    self._thread.start()

    def _loop(self) -> None:
        while True:
            self._dirty.wait()
            self._dirty.clear()
            self._redraw()
            time.sleep(self.interval)


@dataclass(eq=False)
class PaneView:
    """A pane on screen: its model, its feed, its size, its windows (made by the area)."""

    pane: StreamPane
    feed: Feed
    title: Window
    body: Window
    height: int = 8  # body rows when stacked
    weight: int = 10  # share of the width when side by side
    notice: Notice = field(default_factory=Notice)


def _weight(view: PaneView) -> Callable[[], Dimension]:
    """The width of ``view``'s column, by its weight (read at each render)."""
    return lambda: Dimension(weight=view.weight)


class PaneArea:
    """The panes, which one is selected, how they are arranged; ``container`` goes above the prompt."""

    def __init__(self, rows: Callable[[], int] | None = None, columns: Callable[[], int] | None = None,
                 below: Callable[[], int] | None = None) -> None:
        self.views: list[PaneView] = []
        self.selected = 0
        self.side_by_side = False
        self.searching = False
        self._rows = rows or (lambda: get_app().output.get_size().rows)
        self._columns = columns or (lambda: get_app().output.get_size().columns)
        self.below = below or (lambda: PROMPT_ROWS)  # rows the prompt under the panes needs (install sets it)
        self.folded_window = Window(FormattedTextControl(self._folded_fragments), height=1, wrap_lines=False)
        self.search_buffer = Buffer(multiline=False, accept_handler=self._search_done)
        self.search_window = Window(BufferControl(self.search_buffer, input_processors=[BeforeInput("search: ")]),
                                    height=1, style="class:pane.search")
        self._on_search_end: Callable[[], None] = lambda: None
        self._arranged: tuple[tuple[int, ...], int, bool, bool] | None = None
        self._built: Container = HSplit([])
        shown = Condition(lambda: bool(self.views)) & ~is_done
        self.container: Container = ConditionalContainer(DynamicContainer(self._build), filter=shown)

    # ------------------------------------------------------------------ arrangement
    def _view(self, pane: StreamPane, feed: Feed) -> PaneView:
        def title() -> StyleAndTextTuples:
            return title_fragments(self.views.index(view) + 1 if view in self.views else 0, pane,
                                   self.current is view, view.notice.get())

        def height() -> Dimension:
            rows = max((v.height for v in self.views), default=view.height) if self.side_by_side else view.height
            return Dimension(min=1, preferred=rows, max=rows)

        view = PaneView(pane, feed, Window(FormattedTextControl(title), height=1),
                        Window(PaneControl(pane), height=height, wrap_lines=False))
        return view

    def shown(self) -> list[PaneView]:
        """The panes that fit on the screen with the prompt below them (each needs a title row and a row of
        its own when stacked, MIN_COLUMN columns side by side), the selected one always among them; the others
        are folded into one list line. On a screen too small for any, none: the prompt is never lost."""
        count = len(self.views)
        room = self._rows() - self.below() - (1 if self.searching else 0)
        if self.side_by_side:
            fit = max(1, (self._columns() + 1) // (MIN_COLUMN + 1)) if room >= 2 else 0
        else:
            fit = count if 2 * count <= room else max(0, (room - 1) // 2)
        if fit >= count:
            return list(self.views)
        start = min(max(0, self.selected - fit // 2), count - fit)
        return self.views[start:start + fit]

    def _folded_fragments(self) -> StyleAndTextTuples:
        """``+3 more panes: [4] logs a  [5] logs b ...  ^W ↑↓ shows them``: the panes that do not fit."""
        shown = {id(v) for v in self.shown()}
        folded = [f"[{n}] {visible_line(v.pane.title)}" for n, v in enumerate(self.views, 1) if id(v) not in shown]
        return [("class:pane.title", f" +{len(folded)} more panes: {'  '.join(folded)}  (^W ↑↓ brings one up) ")]

    def _build(self) -> Container:
        """The arrangement, made again only when it changes (this runs at every redraw)."""
        shown = self.shown()
        key = (tuple(id(v) for v in shown), len(self.views), self.side_by_side, self.searching)
        if key == self._arranged:
            return self._built
        folded = [self.folded_window] if len(shown) < len(self.views) and self._rows() > self.below() else []
        search = [self.search_window] if self.searching else []
        if self.side_by_side and shown:
            columns: list[Container] = []
            for view in shown:
                if columns:
                    columns.append(Window(width=1, char="│", style="class:pane.separator"))
                columns.append(HSplit([view.title, view.body], width=_weight(view)))
            self._built = HSplit([VSplit(columns), *folded, *search])
        else:
            self._built = HSplit([part for view in shown for part in (view.title, view.body)] + folded + search)
        self._arranged = key
        return self._built

    def _rebalance(self) -> None:
        count = max(1, len(self.shown()))
        rows = max(count * (MIN_HEIGHT + 1), int(self._rows() * AREA_SHARE))
        for view in self.views:
            view.height = max(MIN_HEIGHT, rows // count - 1)

    # ------------------------------------------------------------------ commands
    @property
    def current(self) -> PaneView | None:
        """The selected pane, or None when none is open."""
        return self.views[self.selected] if self.views else None

    def open(self, pane: StreamPane, feed: Feed) -> PaneView:
        """Show a new pane (selected) and start its feed."""
        view = self._view(pane, feed)
        self.views.append(view)
        self.selected = len(self.views) - 1
        self._rebalance()
        feed.start()
        return view

    def close(self, view: PaneView | None = None) -> None:
        """Close a pane (default: the selected one) and its stream."""
        view = view or self.current
        if view is None:
            return
        view.feed.close()
        self.views.remove(view)
        self.selected = min(self.selected, max(0, len(self.views) - 1))
        if self.views:
            self._rebalance()

    def close_all(self) -> None:
        """Close every pane and stream."""
        while self.views:
            self.close(self.views[-1])

    def select(self, step: int) -> None:
        """Select the next (``step`` 1) or previous (-1) pane."""
        if self.views:
            self.selected = (self.selected + step) % len(self.views)

    def resize(self, step: int) -> None:
        """Grow (or shrink) the selected pane: rows when stacked, width when side by side."""
        view = self.current
        if view is None:
            return
        if self.side_by_side:
            view.weight = max(1, view.weight + step)
            return
        others = sum(v.height + 1 for v in self.shown() if v is not view)
        view.height = max(MIN_HEIGHT, min(view.height + 2 * step, self._rows() - others - 4))

    def toggle_arrangement(self) -> None:
        """Stacked ↔ side by side."""
        self.side_by_side = not self.side_by_side

    # ------------------------------------------------------------------ search
    def start_search(self, on_end: Callable[[], None]) -> None:
        """Show the search field (the caller focuses ``search_window``); ``on_end`` gives focus back."""
        if self.current is not None:
            self.searching, self._on_search_end = True, on_end
            self.search_buffer.text = self.current.pane.pattern or ""

    def end_search(self) -> None:
        """Hide the search field."""
        self.searching = False
        self._on_search_end()

    def _search_done(self, buffer: Buffer) -> bool:
        view = self.current
        if view is not None and not view.pane.search(buffer.text):
            view.notice.set("no match")
        self.end_search()
        return False
