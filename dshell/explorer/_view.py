"""`View`: wraps any rich renderable so it also displays in notebooks (text/plain and text/html)."""

from __future__ import annotations

import io
from collections.abc import Callable, Collection

from dshell._checking import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

    from rich.console import Console, ConsoleOptions, RenderableType, RenderResult

EXPORT_WIDTH = 120
"""Console width used when exporting to text/plain and text/html."""
_HTML = (
    '<pre style="white-space:pre;overflow-x:auto;line-height:1.25;'
    "font-family:Menlo,'DejaVu Sans Mono',Consolas,'Courier New',monospace\">{code}</pre>"
)


def _recorded(renderable: RenderableType) -> Console:
    from rich.console import Console

    console = Console(record=True, file=io.StringIO(), width=EXPORT_WIDTH, color_system="truecolor",
                      force_jupyter=False)  # in a kernel rich would display what it prints, twice
    console.print(renderable)
    return console


def html_of(renderable: RenderableType) -> str:
    """Notebook HTML for `renderable`: its own `__html__`, else rich's coloured text in a `<pre>`."""
    own = getattr(renderable, "__html__", None)
    if callable(own):
        return str(own())
    return _recorded(renderable).export_html(inline_styles=True, code_format=_HTML, clear=False)


class View:
    """A renderable for terminals (via `__rich__`) and notebooks (via `_repr_mimebundle_`), with the `data`
    (and `op`) it shows, if any, for `to_pandas`."""

    def __init__(self, renderable: RenderableType, data: Any = None, op: str | None = None) -> None:
        self.renderable = renderable
        self.data = data
        self.op = op
        self.plain_text: Callable[[], str] | None = getattr(renderable, "plain_text", None)
        """What a pipe or a file gets, made without rich, when the renderable can say (else None)."""

    def __rich__(self) -> RenderableType:
        return self.renderable

    def _repr_mimebundle_(
        self, include: Collection[str] | None = None, exclude: Collection[str] | None = None
    ) -> dict[str, str]:
        """text/plain (what the terminal shows) and text/html, filtered by IPython's include/exclude."""
        exports: dict[str, Callable[[], str]] = {
            "text/plain": lambda: _recorded(self.renderable).export_text(clear=False),
            "text/html": lambda: html_of(self.renderable),
        }
        return {
            mime: export()
            for mime, export in exports.items()
            if (include is None or mime in include) and (exclude is None or mime not in exclude)
        }

    def _repr_html_(self) -> str:
        return html_of(self.renderable)

    def __str__(self) -> str:
        return _recorded(self.renderable).export_text(clear=False)

    def to_pandas(self, view: bool = False) -> Any:
        """The shown data as a pandas DataFrame of its fields, or (`view`) of the table's columns (needs pandas)."""
        from ._frame import frame

        return frame(self.data, self.op, view=view)


class Note:
    """A dimmed line (a stream's state, a count)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __rich__(self) -> RenderableType:
        from rich.text import Text

        from ._visible import visible

        return Text(visible(self.text), style="dim")

    def __html__(self) -> str:
        from ._html import DIM, MONO, escape

        return f'<div style="{DIM};{MONO}">{escape(self.text)}</div>'


class Stack:
    """Renderables one under the other, in terminals and notebooks."""

    def __init__(self, *parts: RenderableType) -> None:
        self.parts = parts

    def __rich__(self) -> RenderableType:
        from rich.console import Group

        return Group(*self.parts)

    def __html__(self) -> str:
        return "".join(html_of(part) for part in self.parts)


class Printed:
    """Text printed as the docker CLI prints it: tabs kept, lines never cut or wrapped by the console; what a
    daemon sent is shown, never obeyed (control characters made visible)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.segment import Segment

        from ._visible import visible

        for line in visible(self.text).split("\n"):
            yield Segment(line)
            yield Segment.line()

    def __html__(self) -> str:
        from ._html import MONO, escape

        return f'<pre style="{MONO}">{escape(self.text)}</pre>'

    def __str__(self) -> str:
        return self.text

    def plain_text(self) -> str:
        """The text as a pipe or a file gets it (control characters made visible, tabs kept)."""
        from ._visible import visible

        return visible(self.text)
