"""The navigator and the prompt's reshaping on 5,000 containers, as ratios against baselines measured in this run:

- opening the result in the navigator and moving a page (the model and the lines drawn) against the pager's first
  screen of the same result (`_N`, its first 200 rows, and `_N --full`, all of them): target <= 1.5x;
- `--filter` against the JMESPath filter of the same meaning over the same rows: target <= 2x;
- a keystroke in the running navigator (a real prompt_toolkit Application, keys through a pipe, a terminal
  into memory), its p99 on 5,000 rows against 50 rows: target <= 1.5x.

Run from the repository root: python -m bench.bench_navigator  (prints times and ratios; no assertions)
"""

from __future__ import annotations

import asyncio
import io
import random
import statistics
import time
from collections.abc import Callable
from itertools import islice
from typing import Any

ROWS = 5_000
REPEAT = 5
KEYS = 300
RUNS = 3


def _containers(count: int) -> list[dict[str, Any]]:
    from bench.bench_render import container

    now, rng = time.time(), random.Random(42)
    return [container(i, now, rng) for i in range(count)]


def _best(fn: Callable[[], object], repeat: int = REPEAT) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def opening(data: list[dict[str, Any]]) -> None:
    from rich.console import Console

    from dshell.explorer import Browser, History, render
    from dshell.shell.navigator.view import LevelControl
    from dshell.shell.output import rendered_lines

    result = History(None).add("ContainerList", {"all": True}, 200, 0.01, data)
    console = Console(file=io.StringIO(), width=160, height=50, force_terminal=True, color_system="truecolor")

    def first_screen(limit: int | None) -> Callable[[], object]:
        return lambda: list(islice(rendered_lines(console, render(result, limit=limit)), 49))

    def navigator() -> None:
        browser = Browser(result.n, result.data, result.op)
        control = LevelControl(browser)
        control.create_content(160, 48)
        browser.level.move(browser.level.page)
        control.create_content(160, 48)

    shown, full, opened = _best(first_screen(200)), _best(first_screen(None)), _best(navigator)
    print(f"pager's first screen of _N (200 rows shown): {shown * 1000:7.1f} ms")
    print(f"pager's first screen of _N --full:            {full * 1000:7.1f} ms")
    print(f"navigator open + a page:                      {opened * 1000:7.1f} ms")
    print(f"  open/pager _N: {opened / shown:.2f}x   open/pager _N --full: {opened / full:.2f}x   (target <= 1.5x)")


def filtering(data: list[dict[str, Any]]) -> None:
    import jmespath

    from dshell.explorer import filtered

    pairs = (("State=running", "[?State=='running']"), ("STATUS=Up", "[?contains(Status, 'Up')]"),
             ("IMAGE=nginx", "[?contains(Image, 'nginx')]"), ("nginx", "[?contains(to_string(@), 'nginx')]"))
    for ours, theirs in pairs:
        compiled = jmespath.compile(theirs)
        mine = _best(lambda ours=ours: filtered(data, "ContainerList", ours))
        base = _best(lambda compiled=compiled: compiled.search(data))
        print(f"--filter {ours!r:18} {mine * 1000:7.1f} ms   JMESPath {theirs!r:40} {base * 1000:7.1f} ms   "
              f"{mine / base:.2f}x (target <= 2x)")


async def _keystrokes(data: list[dict[str, Any]], key: str, home_every: int, height: int) -> list[float]:
    from prompt_toolkit.data_structures import Size
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output.vt100 import Vt100_Output

    from dshell.explorer import Browser
    from dshell.shell.navigator.app import NavigatorApp

    class Sink(io.StringIO):
        def isatty(self) -> bool:
            return True

    output = Vt100_Output(Sink(), lambda: Size(rows=height, columns=160), term="xterm")
    rendered = asyncio.Event()
    times: list[float] = []
    with create_pipe_input() as pipe:
        nav = NavigatorApp(Browser(1, data, "ContainerList"), "_1 ContainerList", input=pipe, output=output)
        nav.app.after_render += lambda app: rendered.set()
        running = asyncio.ensure_future(nav.run_async())
        await rendered.wait()
        for n in range(KEYS):
            rendered.clear()
            start = time.perf_counter()
            pipe.send_text(key if n % home_every != home_every - 1 else "g")  # to the top before the end: every
            # key changes the screen as much on 50 rows as on 5,000
            await rendered.wait()
            times.append(time.perf_counter() - start)
        pipe.send_text("q")
        await running
    return times


def keystrokes() -> None:
    """Each size run RUNS times, interleaved, the lowest p99 kept: a machine shared with others spikes at random."""
    small_rows, big_rows = _containers(50), _containers(ROWS)
    for key, what, home_every, height in (("j", "down", 40, 50), ("\x1b[6~", "page down", 4, 14)):
        runs: dict[int, list[list[float]]] = {50: [], ROWS: []}
        for _ in range(RUNS):
            runs[50].append(asyncio.run(_keystrokes(small_rows, key, home_every, height)))
            runs[ROWS].append(asyncio.run(_keystrokes(big_rows, key, home_every, height)))
        p99 = [min(statistics.quantiles(times, n=100)[98] for times in runs[size]) for size in (50, ROWS)]
        median = [min(statistics.median(times) for times in runs[size]) for size in (50, ROWS)]
        print(f"keystroke {what:9}  p99 on 50 rows {p99[0] * 1000:6.2f} ms, on {ROWS:,} rows {p99[1] * 1000:6.2f} ms"
              f"   {p99[1] / p99[0]:.2f}x (target <= 1.5x; medians {median[1] / median[0]:.2f}x)")


def main() -> None:
    data = _containers(ROWS)
    opening(data)
    filtering(data)
    keystrokes()


if __name__ == "__main__":
    main()
