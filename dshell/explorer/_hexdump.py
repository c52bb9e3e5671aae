"""A hexdump preview of bytes: offset, sixteen hex bytes, printable ASCII."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

WIDTH = 16
_PRINTABLE = bytes(range(0x20, 0x7F))
_ASCII = bytes(b if b in _PRINTABLE else ord(".") for b in range(256))


def hexdump_lines(data: bytes) -> Iterator[tuple[str, str, str]]:
    """(offset, hex, ascii) per 16 bytes: `00000010`, `68 65 6c 6c 6f 20 77 6f  72 6c …`, `|hello worl|`."""
    half = WIDTH // 2
    for offset in range(0, len(data), WIDTH):
        chunk = data[offset : offset + WIDTH]
        hex_text = f"{chunk[:half].hex(' '):<{3 * half - 1}}  {chunk[half:].hex(' '):<{3 * half - 1}}"
        yield f"{offset:08x}", hex_text, f"|{chunk.translate(_ASCII).decode('ascii')}|"


class Hexdump:
    """The first `limit` bytes of `data` as a hexdump, then how many bytes were left out."""

    def __init__(self, data: bytes, limit: int | None = None) -> None:
        self.data = data
        self.limit = limit

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.text import Text

        shown = self.data if self.limit is None else self.data[: self.limit]
        if not shown:
            yield Text("(0 bytes)", style="dim")
        for offset, hex_text, ascii_text in hexdump_lines(shown):
            yield Text.assemble((offset, "dim"), "  ", hex_text, "  ", (ascii_text, "cyan"))
        if len(self.data) > len(shown):
            yield Text(f"… {len(self.data) - len(shown)} more bytes", style="dim")
