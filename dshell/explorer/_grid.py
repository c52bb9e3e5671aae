"""A borderless, `docker ps`-style table renderable, fast enough for thousands of rows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from ._visible import visible_line

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult
    from rich.segment import Segment

GAP = 3
"""Spaces between columns, as in docker's own tables."""
CELL_CHARS = 10_000
"""Characters of one cell shown; the rest is told as ``… N more characters`` (the result keeps them all)."""


@dataclass(frozen=True)
class GridColumn:
    """A column header; `shrink=False` keeps the column at full width when the table is too wide; `wrap`: free
    text, which wraps in a notebook (other cells stay on one line there)."""

    header: str
    shrink: bool = True
    justify: Literal["left", "right"] = "left"
    wrap: bool = False


class Grid:
    """Rows of plain strings under bold headers; when too wide, the widest columns shrink first and their
    cells wrap onto more lines (nothing is hidden behind '…').

    `header=False` leaves the header row out (the columns still have names, for notebooks' DataFrames);
    `footer` lines follow the rows; `gap` spaces separate the columns.

    In a notebook: a `<table>` of the cells (those of column `i` uncut, `wide[i]`, where docker cuts them), its
    row count and how many `more` rows there are, then the footer."""

    def __init__(
        self,
        columns: Sequence[GridColumn],
        rows: Sequence[Sequence[str]],
        more: int = 0,
        wide: dict[int, list[str]] | None = None,
        *,
        header: bool = True,
        footer: Sequence[str] = (),
        gap: int = GAP,
    ) -> None:
        self.columns = tuple(columns)
        self.rows = [[_shown(cell) for cell in row] for row in rows]
        self.more = more
        self.wide = {i: [_shown(cell) for cell in cells] for i, cells in (wide or {}).items()}
        self.header = header
        self.footer = [visible_line(line) for line in footer]
        self.gap = gap

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.segment import Segment
        from rich.style import Style

        if self.header or self.rows:
            yield from self._table(options.max_width)
        if self.more:
            yield Segment(f"… {self.more} more rows", Style(dim=True))
            yield Segment.line()
        for line in self.footer:
            yield Segment(line)
            yield Segment.line()

    def _table(self, max_width: int) -> RenderResult:
        from rich.cells import cell_len
        from rich.segment import Segment
        from rich.style import Style

        headers = [visible_line(column.header) if self.header else "" for column in self.columns]
        natural = [
            max([cell_len(headers[i]), *(cell_len(row[i]) for row in self.rows)]) for i in range(len(self.columns))
        ]
        minimum = [
            width if not column.shrink else min(width, max(cell_len(headers[i]), 4))
            for i, (width, column) in enumerate(zip(natural, self.columns, strict=True))
        ]
        widths = fit_widths(natural, minimum, max_width - self.gap * (len(self.columns) - 1))
        gap = Segment(" " * self.gap)
        last = len(self.columns) - 1
        if self.header:
            bold = Style(bold=True)
            for i, column in enumerate(self.columns):
                yield Segment(_cell(headers[i], widths[i], column.justify, i == last), bold)
                yield gap if i != last else Segment.line()
        for row in self.rows:
            if all(cell_len(cell) <= width for cell, width in zip(row, widths, strict=True)):
                yield from self._line(row, widths, gap)
                continue
            pieces = [wrap(cell, width) for cell, width in zip(row, widths, strict=True)]
            for n in range(max(map(len, pieces))):
                yield from self._line([piece[n] if n < len(piece) else "" for piece in pieces], widths, gap)

    def _line(self, cells: Sequence[str], widths: Sequence[int], gap: Segment) -> RenderResult:
        """One line of cells, ending at its last non-empty one (no trailing blanks)."""
        from rich.segment import Segment

        end = len(cells) - 1
        while end > 0 and not cells[end]:
            end -= 1
        for i in range(end + 1):
            yield Segment(_cell(cells[i], widths[i], self.columns[i].justify, i == end))
            yield gap if i != end else Segment.line()

    def __html__(self) -> str:
        from . import _html as H  # here: a terminal's tables load no HTML

        rows = self.rows
        if self.wide:
            rows = [[self.wide[i][n] if i in self.wide else cell for i, cell in enumerate(row)]
                    for n, row in enumerate(rows)]
        table = "" if not (self.header or rows) else H.table(
            [c.header for c in self.columns], [c.justify == "right" for c in self.columns], rows, len(rows),
            self.more, head=self.header, wraps=[c.wrap for c in self.columns])
        return table + "".join(f'<div style="{H.MONO}">{H.escape(line)}</div>' for line in self.footer)


def _shown(cell: str) -> str:
    """A cell as shown: its first CELL_CHARS characters, on one line, control characters made visible."""
    if len(cell) > CELL_CHARS:
        cell = f"{cell[:CELL_CHARS]}… {len(cell) - CELL_CHARS} more characters"
    return visible_line(cell)


def _cell(text: str, width: int, justify: str, last: bool) -> str:
    from rich.cells import cell_len

    if last and justify == "left" and cell_len(text) <= width:
        return text
    return fit_cell(text, width, justify)


def fit_cell(text: str, width: int, justify: str = "left") -> str:
    """`text` padded to `width` cells (on the left when right-justified), or cut there with '…'."""
    from rich.cells import cell_len, set_cell_size

    length = cell_len(text)
    if length > width:
        return set_cell_size(text, max(0, width - 1)) + "…"
    pad = " " * (width - length)
    return pad + text if justify == "right" else text + pad


def column_widths(columns: Sequence[GridColumn], natural: Sequence[int], width: int, gap: int = GAP) -> list[int]:
    """Widths for columns of `natural` widths in `width` cells: the widest shrink first (not below their header
    or 4 cells; `shrink=False` ones not at all)."""
    minimum = [min(n, max(len(c.header), 4)) if c.shrink else n for n, c in zip(natural, columns, strict=True)]
    return fit_widths(natural, minimum, width - gap * (len(columns) - 1))


def one_line(cells: Sequence[str], widths: Sequence[int], columns: Sequence[GridColumn], gap: int = GAP) -> str:
    """A row on one line: each cell fitted to its width (cut with '…', never wrapped), no trailing blanks."""
    return (" " * gap).join(fit_cell(cell, w, c.justify)
                            for cell, w, c in zip(cells, widths, columns, strict=True)).rstrip()


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` cells, broken after a space where one is near; in one pass over
    the text (each line measured once: an 8 MiB cell took minutes when the rest was measured per line)."""
    if width <= 0:
        return [text]
    lines: list[str] = []
    ends = _cell_ends(text, width) if not text.isascii() else None
    start, size = 0, len(text)
    while start < size:
        end = min(start + width, size) if ends is None else ends(start)
        if end >= size:
            break
        space = text.rfind(" ", start, end)
        if text[end] != " " and space - start >= width // 2:
            end = space + 1
        lines.append(text[start:end].rstrip())
        start = end
        while start < size and text[start] == " ":
            start += 1
    tail = text[start:]
    return [*lines, tail] if tail or not lines else lines


def _cell_ends(text: str, width: int) -> Callable[[int], int]:
    """For text with wide or zero-width characters: the index where a line starting at ``start`` ends (its
    characters fill at most ``width`` cells, at least one character)."""
    from rich.cells import get_character_cell_size

    def end(start: int) -> int:
        used, i = 0, start
        while i < len(text):
            used += get_character_cell_size(text[i])
            if used > width and i > start:
                break
            i += 1
        return i
    return end


def fit_widths(natural: Sequence[int], minimum: Sequence[int], budget: int) -> list[int]:
    """Column widths summing to at most `budget` (if the minimums allow), cutting the widest columns first."""
    widths = list(natural)
    while (excess := sum(widths) - budget) > 0:
        shrinkable = [i for i, width in enumerate(widths) if width > minimum[i]]
        if not shrinkable:
            break
        top = max(widths[i] for i in shrinkable)
        widest = [i for i in shrinkable if widths[i] == top]
        floor = max([widths[i] for i in shrinkable if widths[i] < top] + [minimum[i] for i in widest])
        cut = min(top - floor, -(-excess // len(widest)))
        for i in widest:
            widths[i] = max(top - cut, minimum[i])
    return widths
