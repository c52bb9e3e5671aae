"""Print replies: errors as one red line, bodies through rich, long ones streamed through a pager."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator

from dshell._checking import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import IO, Any

    from rich.console import Console, RenderableType

    from .reply import Reply

DEFAULT_PAGER = "less -F -R -X"  # quit when it fits, keep colours, leave the text on screen after quitting
PIPE_WIDTH = 10_000  # output into a pipe or a file is as wide as it is (rich's default would be 80)


def pager_command() -> list[str]:
    """``$DSHELL_PAGER``, else ``$PAGER``, else ``less -F -R -X``."""
    import shlex

    return shlex.split(os.environ.get("DSHELL_PAGER") or os.environ.get("PAGER") or DEFAULT_PAGER)


def pager_env() -> dict[str, str]:
    """The pager's environment: less in secure mode (no log files, no shell escapes, no editor), and the
    ``-F -R -X`` behaviour even for a ``$PAGER`` of plain ``less`` (``LESS`` not already set)."""
    return {**os.environ, "LESSSECURE": "1", "LESS": os.environ.get("LESS", "FRX")}


@contextlib.contextmanager
def sigint_caught() -> Iterator[threading.Event]:
    """While inside, Ctrl-C sets the event it gives instead of raising KeyboardInterrupt wherever the main thread
    happens to be (inside a finalizer, the interrupt would be ignored and the output go on); outside the main
    thread the event is never set."""
    pressed = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield pressed
        return
    import signal  # here: a start-up that waits on nothing does not import it

    previous = signal.signal(signal.SIGINT, lambda signum, frame: pressed.set())
    try:
        yield pressed
    finally:
        signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def sigint_ignored() -> Iterator[None]:
    """While inside, Ctrl-C is the pager's alone (less stops a long search or `G` with it and stays): dshell waits
    for the pager to quit, as git does."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    import signal

    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def flush_typeahead(fd: int) -> None:
    """Discard what was typed while a command ran, so no keystroke reaches the pager meant for the prompt."""
    import termios  # here: a reply that needs no pager loads no terminal or process module

    with contextlib.suppress(OSError, termios.error):
        if os.isatty(fd):
            termios.tcflush(fd, termios.TCIFLUSH)


class Printer:
    """Shows replies on a rich console; ``pager`` is auto (when taller than the screen), always or off."""

    def __init__(self, console: Console | None = None, pager: str = "auto", file: IO[str] | None = None) -> None:
        self._console = console
        self.pager = pager
        self._file = file  # where a console made on first use writes (stdout when None)

    @property
    def console(self) -> Console:
        """The rich console (made on first use: rich is imported only when something is printed); as wide as
        the output needs when it goes to a pipe or a file."""
        if self._console is None:
            from rich.console import Console

            console = Console(file=self._file)
            self._console = console if console.is_terminal else Console(file=self._file, width=PIPE_WIDTH,
                                                                        soft_wrap=True)
        return self._console

    def error(self, message: str) -> None:
        """One red line (a daemon's words in it with their control characters made visible)."""
        from rich.text import Text

        from dshell.explorer import visible

        self.console.print(Text(visible(message), style="bold red"), soft_wrap=True)

    def line(self, body: Any) -> None:
        """Print ``body`` now, never paged (a workflow's progress)."""
        self.console.print(body, soft_wrap=True)

    def note(self, text: str) -> None:
        """One dim line."""
        from rich.text import Text

        from dshell.explorer import visible

        self.console.print(Text(visible(text), style="dim"), soft_wrap=True)

    def show(self, reply: Reply) -> None:
        """The reply's error line, then its body with its note (dim: on the body's line when the body is text)."""
        if reply.error:
            self.error(reply.error)
        if reply.note and isinstance(reply.body, str):
            from rich.text import Text

            from dshell.explorer import visible

            self.body(Text(visible(reply.body)) + Text(f"  {visible(reply.note)}", style="dim"))
            return
        if reply.body is not None:
            self.body(reply.body)
        if reply.note:
            self.note(reply.note)

    def body(self, body: Any) -> None:
        """Print ``body`` (text or a rich renderable), paged when the setting says so. The rendering is
        streamed line by line: a huge result never sits in memory as a whole."""
        text = getattr(body, "plain_text", None)  # docker's own output (explorer.Printed) into a pipe or a file:
        if text is not None and self._console is None and not _is_terminal(sys.stdout):  # written as it is,
            sys.stdout.write(text() + "\n")  # without loading rich (dshell -c 'ps -a' stays quick)
            sys.stdout.flush()
            return
        from rich.text import Text

        from dshell.explorer import visible

        console = self.console
        renderable = Text(visible(body)) if isinstance(body, str) else body
        if not console.is_terminal:
            console.print(renderable)
            return
        lines = rendered_lines(console, renderable)
        if self.pager == "off":
            self._print(lines)
            return
        head: list[str] = []
        if self.pager == "auto":
            with sigint_caught() as pressed:
                for line in lines:
                    head.append(line)
                    if len(head) >= console.height - 1 or pressed.is_set():
                        break
                else:
                    console.file.write("".join(head))
                    console.file.flush()
                    return
            if pressed.is_set():
                self._print(iter(head), stopped=True)
                return
        self._page(head, lines)

    def _print(self, lines: Iterator[str], stopped: bool = False) -> None:
        """Write ``lines`` as they are made; Ctrl-C stops them at the next line, said in a dim line."""
        file = self.console.file
        with sigint_caught() as pressed:
            for line in lines:
                file.write(line)
                if pressed.is_set():
                    break
            file.flush()
        if stopped or pressed.is_set():
            self.note("(output stopped: Ctrl-C)")

    def _page(self, head: list[str], rest: Iterator[str]) -> None:
        import subprocess

        flush_typeahead(sys.stdin.fileno() if _has_fileno(sys.stdin) else -1)
        try:
            proc = subprocess.Popen(pager_command(), stdin=subprocess.PIPE, env=pager_env(), text=True)
        except OSError:
            _write_all(self.console.file, head, rest)
            return
        assert proc.stdin is not None
        with sigint_ignored():
            with contextlib.suppress(BrokenPipeError, OSError):  # the user quit before the end
                _write_all(proc.stdin, head, rest)
            with contextlib.suppress(BrokenPipeError, OSError):
                proc.stdin.close()
            proc.wait()


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _has_fileno(stream: Any) -> bool:
    try:
        stream.fileno()
    except (AttributeError, OSError, ValueError):
        return False
    return True


def _write_all(file: IO[str], head: list[str], rest: Iterator[str]) -> None:
    file.write("".join(head))
    for line in rest:
        file.write(line)
    file.flush()


def rendered_lines(console: Console, renderable: RenderableType) -> Iterator[str]:
    """``renderable`` as terminal lines (with colour codes, each ending in a newline), made one at a time."""
    from rich.segment import Segment

    color_system = console._color_system  # noqa: SLF001 - rich has no public name for the colour system in use
    for line in Segment.split_lines(console.render(renderable)):
        parts = [seg.style.render(seg.text, color_system=color_system) if seg.style else seg.text
                 for seg in line if not seg.control]
        yield "".join(parts) + "\n"
