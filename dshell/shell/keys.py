"""Key bindings: Enter runs the input only when its brackets and quotes are closed."""

from __future__ import annotations

from prompt_toolkit.filters import emacs_insert_mode, vi_insert_mode
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent

from .words import is_complete


def key_bindings() -> KeyBindings:
    """Enter: close an open completion menu, continue an unfinished input on a new line, else run it.
    Escape-Enter (Alt-Enter) always inserts a newline."""
    kb = KeyBindings()
    insert = emacs_insert_mode | vi_insert_mode

    @kb.add("enter", filter=insert)
    def _enter(event: KeyPressEvent) -> None:
        buffer = event.current_buffer
        state = buffer.complete_state
        if state is not None and state.current_completion is not None:
            buffer.complete_state = None  # the chosen completion is already in the text
            return
        if is_complete(buffer.text):
            buffer.validate_and_handle()
        else:
            buffer.insert_text("\n")

    @kb.add("escape", "enter", filter=insert)
    def _newline(event: KeyPressEvent) -> None:
        event.current_buffer.insert_text("\n")

    return kb
