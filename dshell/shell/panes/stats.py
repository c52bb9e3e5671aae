"""``ContainerStats`` samples as the rows of ``docker stats``, with sparklines of CPU % and memory."""

from __future__ import annotations

from typing import Any

from dshell.explorer import binary_size, decimal_size, sparkline, stats_summary

from .jsonlines import error_line
from .model import LIMIT, Line, Samples

SPARK = 12  # samples a pane's sparkline shows
COLUMNS = ("CONTAINER ID", "NAME", "CPU %", "", "MEM USAGE / LIMIT", "", "MEM %", "NET I/O", "BLOCK I/O", "PIDS")
WIDTHS = (14, 20, 9, SPARK + 2, 22, SPARK + 2, 9, 20, 20, 0)


def _row(cells: tuple[str, ...]) -> str:
    return "".join(cell.ljust(width) for cell, width in zip(cells, WIDTHS, strict=True)).rstrip()


def stats_row(s: dict[str, Any], cpu: str = "", mem: str = "") -> str:
    """A summary as a ``docker stats`` row, with the ``cpu`` and ``mem`` sparklines beside their figures."""
    return _row((s["id"][:12], s["name"], f"{s['cpu_percent']:.2f}%", cpu,
                 f"{binary_size(s['mem_usage'])} / {binary_size(s['mem_limit'])}", mem, f"{s['mem_percent']:.2f}%",
                 f"{decimal_size(s['net_rx'])} / {decimal_size(s['net_tx'])}",
                 f"{decimal_size(s['block_read'])} / {decimal_size(s['block_write'])}", str(s["pids"])))


class StatsLines:
    """Samples → the header and a row per container, updated in place; each row's data is the container's
    samples so far (what "keep" stores), its sparklines the last ``SPARK`` of them, scaled per column (the
    largest CPU % and memory any container shows)."""

    def __init__(self) -> None:
        self.samples: dict[str, Samples] = {}

    def __call__(self, value: Any) -> list[Line]:
        error = error_line(value)
        if error is not None or not isinstance(value, dict):
            return [error or Line(str(value))]
        s = stats_summary(value)
        held = self.samples.setdefault(s["id"], Samples())
        held.append(s)
        del held[:-LIMIT]
        cpu_top = max(x["cpu_percent"] for rows in self.samples.values() for x in rows[-SPARK:])
        mem_top = max(x["mem_usage"] for rows in self.samples.values() for x in rows[-SPARK:])
        cpu = sparkline([x["cpu_percent"] for x in held], SPARK, cpu_top)
        mem = sparkline([x["mem_usage"] for x in held], SPARK, mem_top)
        return [Line(_row(COLUMNS), "class:pane.header", Samples(), key="header"),
                Line(stats_row(s, cpu, mem), data=held, key=s["id"])]
