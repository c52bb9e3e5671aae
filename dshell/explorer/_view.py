"""`View`: wraps any rich renderable so it also displays in notebooks (text/plain and text/html)."""

from __future__ import annotations

import io
from collections.abc import Collection
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import ConsoleRenderable, RenderableType

EXPORT_WIDTH = 120
"""Console width used when exporting to text/plain and text/html."""
_HTML = (
    '<pre style="white-space:pre;overflow-x:auto;line-height:1.25;'
    "font-family:Menlo,'DejaVu Sans Mono',Consolas,'Courier New',monospace\">{code}</pre>"
)


class View:
    """A renderable for terminals (via `__rich__`) and notebooks (via `_repr_mimebundle_`)."""

    def __init__(self, renderable: ConsoleRenderable) -> None:
        self.renderable = renderable

    def __rich__(self) -> RenderableType:
        return self.renderable

    def _repr_mimebundle_(
        self, include: Collection[str] | None = None, exclude: Collection[str] | None = None
    ) -> dict[str, str]:
        """text/plain and text/html renderings, filtered by IPython's include/exclude."""
        from rich.console import Console

        wanted = [
            mime
            for mime in ("text/plain", "text/html")
            if (include is None or mime in include) and (exclude is None or mime not in exclude)
        ]
        console = Console(record=True, file=io.StringIO(), width=EXPORT_WIDTH, color_system="truecolor",
                          force_jupyter=False)  # in a kernel rich would display what it prints, twice
        console.print(self.renderable)
        exports = {
            "text/plain": lambda: console.export_text(clear=False),
            "text/html": lambda: console.export_html(inline_styles=True, code_format=_HTML, clear=False),
        }
        return {mime: exports[mime]() for mime in wanted}

    def _repr_html_(self) -> str:
        return self._repr_mimebundle_(include=["text/html"])["text/html"]

    def __str__(self) -> str:
        return self._repr_mimebundle_(include=["text/plain"])["text/plain"]
