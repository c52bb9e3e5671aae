"""Key bindings: Enter runs the input only when its brackets and quotes are closed; Enter in a history search
runs the line found; Tab inserts a unique completion and closes the menu; ``:`` after a completed key is not
doubled."""

from __future__ import annotations

from prompt_toolkit.application.current import get_app
from prompt_toolkit.buffer import Buffer
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.completion.base import get_common_complete_suffix
from prompt_toolkit.filters import Condition, emacs_insert_mode, is_searching, vi_insert_mode
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.search import accept_search

from .words import is_complete, scan


def _run_or_continue(buffer: Buffer) -> None:
    if is_complete(buffer.text):
        buffer.validate_and_handle()
    else:
        buffer.insert_text("\n")


def _tab(buffer: Buffer) -> None:
    """A unique completion is inserted and the menu closes (as readline and IPython do); else the menu
    opens, or moves to the next candidate once one is chosen."""
    state = buffer.complete_state
    if state is not None and state.current_completion is not None:
        buffer.complete_next()
        return
    if buffer.completer is None:
        return
    found = list(buffer.completer.get_completions(buffer.document, CompleteEvent(completion_requested=True)))
    common = get_common_complete_suffix(buffer.document, found) if len(found) > 1 else ""
    if len(found) == 1:
        only = found[0]
        buffer.complete_state = None
        buffer.delete_before_cursor(-only.start_position)
        buffer.insert_text(only.text, fire_event=False)  # no new menu for the same word
    elif common:
        buffer.insert_text(common)  # what all the candidates share, then the menu of the rest
    elif state is not None:
        buffer.complete_next()
    else:
        buffer.start_completion(insert_common_part=True)


def key_bindings() -> KeyBindings:
    """Enter: close an open completion menu, continue an unfinished input on a new line, else run it.
    Escape-Enter (Alt-Enter) always inserts a newline."""
    kb = KeyBindings()
    insert = (emacs_insert_mode | vi_insert_mode) & ~is_searching

    @kb.add("enter", filter=insert)
    def _enter(event: KeyPressEvent) -> None:
        buffer = event.current_buffer
        state = buffer.complete_state
        if state is not None and state.current_completion is not None:
            buffer.complete_state = None  # the chosen completion is already in the text
            return
        _run_or_continue(buffer)

    @kb.add("enter", filter=is_searching)
    def _run_found(event: KeyPressEvent) -> None:
        accept_search()  # back in the prompt with the line found (Ctrl-R), which then runs, as in bash
        _run_or_continue(event.app.current_buffer)

    @kb.add("tab", filter=insert)
    def _complete(event: KeyPressEvent) -> None:
        _tab(event.current_buffer)

    @kb.add(":", filter=insert)
    def _colon(event: KeyPressEvent) -> None:
        buffer = event.current_buffer
        before = buffer.document.text_before_cursor
        if before.endswith(": ") and scan(before).pending.endswith("{"):
            return  # `Key: ` came from completion: the colon is already there
        buffer.insert_text(":")

    @kb.add("c-o", filter=insert & Condition(lambda: not get_app().current_buffer.text))
    def _open_last(event: KeyPressEvent) -> None:
        """On an empty line: the last result, full-screen (``open _``)."""
        event.current_buffer.text = "open _"
        event.current_buffer.validate_and_handle()

    @kb.add("escape", "enter", filter=insert)
    def _newline(event: KeyPressEvent) -> None:
        event.current_buffer.insert_text("\n")

    return kb
