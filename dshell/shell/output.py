"""Print replies: errors as one red line, bodies through rich, long ones through a pager."""

from __future__ import annotations

import os
import shlex
import subprocess
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from .session import Reply

DEFAULT_PAGER = "less -R"


class Printer:
    """Shows replies on a rich console; ``pager`` is auto (when taller than the screen), always or off."""

    def __init__(self, console: Console | None = None, pager: str = "auto") -> None:
        self._console = console
        self.pager = pager

    @property
    def console(self) -> Console:
        """The rich console (made on first use: rich is imported only when something is printed)."""
        if self._console is None:
            from rich.console import Console

            self._console = Console()
        return self._console

    def error(self, message: str) -> None:
        """One red line."""
        from rich.text import Text

        self.console.print(Text(message, style="bold red"), soft_wrap=True)

    def line(self, body: Any) -> None:
        """Print ``body`` now, never paged (a workflow's progress)."""
        self.console.print(body, soft_wrap=True)

    def show(self, reply: Reply) -> None:
        """The reply's error line, then its body."""
        if reply.error:
            self.error(reply.error)
        if reply.body is not None:
            self.body(reply.body)

    def body(self, body: Any) -> None:
        """Print ``body`` (text or a rich renderable), paged when the setting says so."""
        from rich.text import Text

        console = self.console
        renderable = Text(body) if isinstance(body, str) else body
        if self.pager == "off" or not console.is_terminal:
            console.print(renderable)
            return
        with console.capture() as captured:
            console.print(renderable)
        text = captured.get()
        if self.pager == "auto" and text.count("\n") < console.height - 1:
            console.file.write(text)
            console.file.flush()
        else:
            self._page(text)

    def _page(self, text: str) -> None:
        command = shlex.split(os.environ.get("PAGER") or DEFAULT_PAGER)
        try:
            subprocess.run(command, input=text, text=True, check=False)
        except OSError:
            self.console.file.write(text)
