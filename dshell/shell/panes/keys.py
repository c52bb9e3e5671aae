"""Pane keys (only while panes are open): ctrl-w then a key acts on the selected pane; PgUp/PgDn scroll it."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from prompt_toolkit.filters import Condition, has_focus
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent

from .layout import PaneArea

HINTS = (("^W ↑↓", "pane"), ("+/-", "size"), ("o", "split"), ("p", "pause"), ("/ n N", "search"),
         ("k", "keep"), ("s", "stop"), ("x", "close"), ("PgUp/PgDn", "scroll"))


def pane_bindings(area: PaneArea, keep: Callable[[], None]) -> KeyBindings:
    """The pane keys; ``keep`` stores the selected pane's lines as a result."""
    kb = KeyBindings()
    searching = has_focus(area.search_window)
    active = Condition(lambda: bool(area.views)) & ~searching

    def on(*keys: str, action: Callable[[], object]) -> None:
        def handler(event: KeyPressEvent) -> None:
            action()

        kb.add(*keys, filter=active)(handler)

    def scroll(direction: int) -> Callable[[], None]:
        def act() -> None:
            if area.current is not None:
                area.current.pane.scroll(direction * area.current.pane.page)
        return act

    def stop() -> None:
        if area.current is not None:
            area.current.feed.stop("stopped by ^W s")

    def pane_do(method: str, *args: object) -> Callable[[], None]:
        def act() -> None:
            if area.current is not None:
                getattr(area.current.pane, method)(*args)
        return act

    for key, step in (("up", -1), ("left", -1), ("down", 1), ("right", 1), ("tab", 1)):
        on("c-w", key, action=partial(area.select, step))
    on("c-w", "+", action=lambda: area.resize(1))
    on("c-w", "=", action=lambda: area.resize(1))
    on("c-w", "-", action=lambda: area.resize(-1))
    on("c-w", "o", action=area.toggle_arrangement)
    on("c-w", "x", action=area.close)
    on("c-w", "p", action=pane_do("toggle_pause"))
    on("c-w", "n", action=pane_do("next_match", True))
    on("c-w", "N", action=pane_do("next_match", False))
    on("c-w", "k", action=keep)
    on("c-w", "s", action=stop)
    on("pageup", action=scroll(-1))
    on("pagedown", action=scroll(1))

    @kb.add("c-w", "/", filter=active)
    def _search(event: KeyPressEvent) -> None:
        previous = event.app.layout.current_window
        area.start_search(lambda: event.app.layout.focus(previous))
        event.app.layout.focus(area.search_window)

    @kb.add("escape", filter=searching, eager=True)
    @kb.add("c-c", filter=searching)
    @kb.add("c-g", filter=searching)
    def _cancel(event: KeyPressEvent) -> None:
        area.end_search()

    return kb
