"""The navigator as a full-screen prompt_toolkit application over a `Browser`: the alternate screen, so that
leaving it (q) gives back the terminal as it was."""

from __future__ import annotations

import base64
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from prompt_toolkit.application import Application
from prompt_toolkit.buffer import Buffer
from prompt_toolkit.filters import Condition
from prompt_toolkit.layout import ConditionalContainer, HSplit, Layout, Window
from prompt_toolkit.layout.controls import BufferControl, FormattedTextControl
from prompt_toolkit.layout.processors import BeforeInput

from dshell.explorer._browse import Browser, TableLevel, TextLevel

from .view import STYLE, LevelControl, hint_fragments, title_fragments

if TYPE_CHECKING:
    from prompt_toolkit.input import Input
    from prompt_toolkit.output import Output

CLIPBOARD_LIMIT = 100_000
"""The most bytes `Y` sends to the terminal's clipboard (OSC 52); terminals refuse far less, some ~75 KB."""
PROMPTS = {"filter": "/", "columns": "columns: "}


class NavigatorApp:
    """`browser` full-screen, titled `label` (`_7 ContainerList`); `run` returns the path `y` chose, or None."""

    def __init__(self, browser: Browser, label: str, *, input: Input | None = None,
                 output: Output | None = None) -> None:
        from .keys import bindings

        self.browser, self.label = browser, label
        self.input_mode: str | None = None
        self._before, self._origin = "", 0  # the query and the cursor when the input line opened
        self.chosen: str | None = None
        self.input = Buffer(multiline=False, on_text_changed=self._typed)
        self.body = Window(LevelControl(browser), wrap_lines=False)
        typing = Condition(lambda: self.input_mode is not None)
        prompt = BeforeInput(lambda: PROMPTS.get(self.input_mode or "", ""), style="class:nav.input")
        self.app: Application[str | None] = Application(
            layout=Layout(HSplit([
                Window(FormattedTextControl(lambda: title_fragments(self.browser, self.label)), height=1,
                       style="class:nav.title"),
                self.body,
                ConditionalContainer(Window(BufferControl(self.input, input_processors=[prompt]), height=1,
                                            style="class:nav.input"), typing),
                ConditionalContainer(Window(FormattedTextControl(lambda: hint_fragments(self.browser.level.kind)),
                                            height=1, style="class:nav.hints"), ~typing),
            ]), focused_element=self.body),
            key_bindings=bindings(self), style=STYLE, full_screen=True, mouse_support=False,
            input=input, output=output, include_default_pygments_style=False,
        )

    def run(self) -> str | None:
        """Show the navigator until q (None) or y (the path under the cursor)."""
        with _frozen():
            return self.app.run(handle_sigint=False)

    async def run_async(self) -> str | None:
        """`run` in the running event loop."""
        with _frozen():
            return await self.app.run_async(handle_sigint=False)

    def table(self) -> TableLevel:
        level = self.browser.level
        assert isinstance(level, TableLevel)
        return level

    def text(self) -> TextLevel:
        level = self.browser.level
        assert isinstance(level, TextLevel)
        return level

    def open_input(self, mode: str) -> None:
        """Open the input line: `filter` (incremental: each key filters) or `columns` (applied on Enter)."""
        level = self.browser.level
        self._before, self._origin = level.query, level.cursor
        text = level.query if mode == "filter" else ",".join(c.header for c in self.table().columns)
        self.input_mode = mode
        self.input.set_document(self.input.document.__class__(text, len(text)), bypass_readonly=True)
        self.app.layout.focus(self.input)

    def _typed(self, buffer: Buffer) -> None:
        if self.input_mode == "filter":
            level = self.browser.level
            if isinstance(level, TextLevel):  # each key searches from where the search began, as vim's incsearch
                level.cursor = self._origin
            level.set_query(buffer.text)

    def accept_input(self) -> None:
        if self.input_mode == "columns":
            self.table().set_columns(self.input.text)
        self._close_input()

    def cancel_input(self) -> None:
        if self.input_mode == "filter":
            level = self.browser.level
            level.set_query(self._before)
            if isinstance(level, TextLevel):
                level.cursor = self._origin
                level.move(0)
        self._close_input()

    def _close_input(self) -> None:
        self.input_mode = None
        self.app.layout.focus(self.body)

    def yank_path(self) -> None:
        """Leave with the path under the cursor, for the prompt line."""
        self.app.exit(result=self.browser.path())

    def copy_value(self) -> None:
        """The value under the cursor into the terminal's clipboard (OSC 52), at the user's own key press."""
        data = self.browser.copied().encode()
        if len(data) > CLIPBOARD_LIMIT:
            self.browser.level.note = f"not copied: {len(data):,} bytes (the clipboard takes {CLIPBOARD_LIMIT:,})"
            return
        output = self.app.output
        output.write_raw(f"\x1b]52;c;{base64.b64encode(data).decode()}\x07")
        output.flush()
        self.browser.level.note = f"copied {len(data):,} bytes"

    def quit(self) -> None:
        self.app.exit(result=None)


@contextmanager
def _frozen() -> Iterator[None]:
    """The objects alive now (the result, however big) left out of garbage collection while the navigator runs:
    a collection then costs what the screen allocates, not what the result holds, at any keystroke."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def navigate(browser: Browser, label: str, *, input: Input | None = None, output: Output | None = None) -> str | None:
    """Run the navigator over `browser`; the path `y` chose for the prompt line, or None."""
    return NavigatorApp(browser, label, input=input, output=output).run()
