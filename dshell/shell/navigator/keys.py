"""The navigator's keys: moving, drilling, filtering, sorting, columns, the path and the clipboard; the input line."""

from __future__ import annotations

from collections.abc import Callable

from prompt_toolkit.filters import Condition, Filter
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent

from dshell.explorer._browse import Level, TableLevel, TextLevel

from .app import NavigatorApp


def bindings(nav: NavigatorApp) -> KeyBindings:
    """The keys of `nav`: those of the level while no input line is open, the input line's while one is."""
    kb = KeyBindings()
    browsing = Condition(lambda: nav.input_mode is None)
    typing = Condition(lambda: nav.input_mode is not None)
    in_table = browsing & Condition(lambda: isinstance(nav.browser.level, TableLevel))
    in_text = browsing & Condition(lambda: isinstance(nav.browser.level, TextLevel))

    def on(*keys: str, action: Callable[[], object], when: Filter = browsing) -> None:
        def handler(event: KeyPressEvent) -> None:
            nav.browser.level.note = ""  # what the last gesture said goes with the next key
            action()

        for key in keys:
            kb.add(key, filter=when)(handler)

    def level() -> Level:
        return nav.browser.level

    on("up", "k", action=lambda: level().move(-1))
    on("down", "j", action=lambda: level().move(1))
    on("pageup", action=lambda: level().move(-level().page))
    on("pagedown", " ", action=lambda: level().move(level().page))
    on("home", "g", action=lambda: level().home())
    on("end", "G", action=lambda: level().end())
    on("enter", action=nav.browser.enter)
    on("backspace", "c-h", action=nav.browser.back)
    on("/", action=lambda: nav.open_input("filter"))
    on("left", "h", action=lambda: nav.table().move_column(-1), when=in_table)
    on("right", "l", action=lambda: nav.table().move_column(1), when=in_table)
    on("s", action=lambda: nav.table().sort_here(), when=in_table)
    on("c", action=lambda: nav.open_input("columns"), when=in_table)
    on("n", action=lambda: nav.text().next_match(), when=in_text)
    on("N", action=lambda: nav.text().next_match(backwards=True), when=in_text)
    on("y", action=nav.yank_path)
    on("Y", action=nav.copy_value)
    on("q", "c-c", action=nav.quit)
    on("enter", action=nav.accept_input, when=typing)
    on("c-c", "c-g", action=nav.cancel_input, when=typing)
    @kb.add("escape", filter=typing, eager=True)
    def _cancel(event: KeyPressEvent) -> None:
        nav.cancel_input()

    return kb
