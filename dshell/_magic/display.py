"""Colours in a terminal IPython: results and views print through rich instead of their plain text."""

from __future__ import annotations

import io
import shutil
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from IPython.core.interactiveshell import InteractiveShell


def ansi_bundle(obj: Any) -> dict[str, str]:
    """``obj`` (a rich renderable) as text/plain with the terminal's colours and width."""
    from rich.console import Console

    out = io.StringIO()
    console = Console(file=out, force_terminal=True, force_jupyter=False, width=shutil.get_terminal_size().columns)
    console.print(obj)
    return {"text/plain": out.getvalue().rstrip("\n")}


def in_terminal(ip: InteractiveShell) -> bool:
    """True for a terminal IPython (not a kernel, not a plain InteractiveShell)."""
    terminal = sys.modules.get("IPython.terminal.interactiveshell")
    return terminal is not None and isinstance(ip, terminal.TerminalInteractiveShell)


def register_terminal_display(ip: InteractiveShell) -> None:
    """In a terminal IPython, show dshell results and views in colour (notebooks keep their HTML)."""
    if not in_terminal(ip):
        return
    from dshell.explorer import Result, View

    formatter = ip.display_formatter
    assert formatter is not None  # a terminal IPython has its formatters
    for kind in (Result, View):
        formatter.mimebundle_formatter.for_type(kind, ansi_bundle)
