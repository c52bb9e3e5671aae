"""Charts of stats samples: unicode sparklines for terminals, an inline SVG chart (no library) for notebooks."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from . import _html as H
from ._format import to_epoch
from ._grid import Grid, GridColumn
from ._stats import binary_size, samples
from ._view import View

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

    from ._results import Result

BLOCKS = "▁▂▃▄▅▆▇█"
SPARK = 20
"""Samples a sparkline shows (the last ones)."""
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf")
WIDTH, PANEL, LEFT, RIGHT, TOP, BOTTOM = 640, 150, 64, 12, 20, 22


def sparkline(values: Sequence[float], width: int = SPARK, top: float | None = None) -> str:
    """The last `width` values as blocks from 0 (▁) to `top` (█; their largest when None)."""
    shown = list(values)[-width:]
    scale = max(shown, default=0.0) if top is None else top
    if scale <= 0:
        return BLOCKS[0] * len(shown)
    last = len(BLOCKS) - 1
    return "".join(BLOCKS[max(0, min(last, round(v / scale * last)))] for v in shown)


def nice(value: float) -> float:
    """The smallest 1, 2 or 5 × 10^k not below `value` (an axis' top)."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value * (1 - 1e-9))


Series = dict[str, list[dict[str, Any]]]


def by_container(rows: list[dict[str, Any]]) -> Series:
    """Samples grouped by container name (or id), in arrival order."""
    series: Series = {}
    for row in rows:
        series.setdefault(str(row.get("name") or row.get("id", ""))[:40], []).append(row)
    return series


class StatsChart:
    """CPU % and memory over time, a line per container: an SVG chart in notebooks; in terminals a table
    of the latest figures with sparklines. `note` is a line under it (a live stream's state)."""

    def __init__(self, rows: list[dict[str, Any]], title: str = "stats", note: str = "") -> None:
        self.series = by_container(rows)
        self.title, self.note = title, note
        self.count = len(rows)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.text import Text

        columns = (GridColumn("NAME"), GridColumn("CPU %", justify="right"), GridColumn(f"CPU (last {SPARK})"),
                   GridColumn("MEM USAGE", justify="right"), GridColumn(f"MEM (last {SPARK})"),
                   GridColumn("SAMPLES", justify="right"))
        cpu_top = max((s["cpu_percent"] for rows in self.series.values() for s in rows[-SPARK:]), default=0.0)
        mem_top = max((s["mem_usage"] for rows in self.series.values() for s in rows[-SPARK:]), default=0.0)
        yield Grid(columns, [
            [name, f"{rows[-1]['cpu_percent']:.2f}%", sparkline([s["cpu_percent"] for s in rows], top=cpu_top),
             binary_size(rows[-1]["mem_usage"]), sparkline([s["mem_usage"] for s in rows], top=mem_top),
             str(len(rows))]
            for name, rows in self.series.items()
        ])
        if self.note:
            yield Text(self.note, style="dim")

    def __html__(self) -> str:
        times = [_seconds(s, i) for rows in self.series.values() for i, s in enumerate(rows)]
        start, span = min(times, default=0.0), max(max(times, default=0.0) - min(times, default=0.0), 1e-9)
        panels = [self._panel(0, "CPU %", "cpu_percent", lambda v: f"{v:g}%", start, span),
                  self._panel(1, "memory", "mem_usage", binary_size, start, span)]
        legend = "".join(
            f'<span style="margin-right:1.2em"><span style="color:{PALETTE[i % len(PALETTE)]}">■</span> '
            f"{H.escape(name)}</span>" for i, name in enumerate(self.series)
        )
        note = self.note or f"{self.count} sample{'' if self.count == 1 else 's'} over {span:.0f} s"
        height = 2 * PANEL
        return (f'<div style="{H.MONO}"><div><b>{H.escape(self.title)}</b></div>'
                f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
                f'viewBox="0 0 {WIDTH} {height}" style="max-width:100%;height:auto" role="img" '
                f'font-family="sans-serif" font-size="11">{"".join(panels)}</svg>'
                f'<div>{legend}</div><div style="{H.DIM}">{H.escape(note)}</div></div>')

    def _panel(self, index: int, label: str, key: str, fmt: Any, start: float, span: float) -> str:
        """One panel (`label` over time) of the SVG: frame, axis labels and a polyline per container."""
        top = nice(max((float(s[key]) for rows in self.series.values() for s in rows), default=0.0))
        y0, inner_w, inner_h = index * PANEL + TOP, WIDTH - LEFT - RIGHT, PANEL - TOP - BOTTOM
        parts = [
            f'<rect x="{LEFT}" y="{y0}" width="{inner_w}" height="{inner_h}" fill="none" '
            'stroke="currentColor" stroke-opacity=".3"/>',
            f'<text x="{LEFT}" y="{y0 - 6}" fill="currentColor">{H.escape(label)}</text>',
            f'<text x="{LEFT - 4}" y="{y0 + 9}" text-anchor="end" fill="currentColor">{H.escape(fmt(top))}</text>',
            f'<text x="{LEFT - 4}" y="{y0 + inner_h}" text-anchor="end" fill="currentColor">{H.escape(fmt(0))}</text>',
            f'<text x="{LEFT}" y="{y0 + inner_h + 14}" fill="currentColor" fill-opacity=".7">0 s</text>',
            f'<text x="{LEFT + inner_w}" y="{y0 + inner_h + 14}" text-anchor="end" fill="currentColor" '
            f'fill-opacity=".7">{span:.0f} s</text>',
        ]
        for i, rows in enumerate(self.series.values()):
            colour = PALETTE[i % len(PALETTE)]
            points = [(LEFT + (_seconds(s, n) - start) / span * inner_w, y0 + (1 - float(s[key]) / top) * inner_h)
                      for n, s in enumerate(rows)]
            xy = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(f'<polyline points="{xy}" fill="none" stroke="{colour}" stroke-width="1.5"/>')
            x, y = points[-1]
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}"/>')
        return "".join(parts)


def _seconds(sample: dict[str, Any], index: int) -> float:
    """When a sample was read (epoch seconds); its position when it says not."""
    return to_epoch(sample.get("read")) or float(index)


def plot(result: Result) -> View:
    """The chart of a stats result (a kept `stats NAME`, or ContainerStats data), for terminals and notebooks."""
    rows = samples(result.data)
    if rows is None or result.failed:
        raise ValueError(f"plot: _{result.n} ({result.op}) holds no stats samples; "
                         "keep a `stats NAME` stream (or run ContainerStats) and plot that")
    return View(StatsChart(rows, f"_{result.n} {result.op}"), rows, "ContainerStats")
