"""`_N --full` of a 5,000-container ContainerList into the pager: the streamed rendering against the rendering
captured whole first (what the shell did before), and against json.dumps as a baseline; time and memory.

Run from the repository root: python -m bench.bench_full  (each way runs in a fresh process; the pager is
`cat` into /dev/null; prints seconds, peak resident memory growth and the ratios; no assertions)
"""

from __future__ import annotations

import io
import json
import os
import random
import resource
import subprocess
import sys
import time

ROWS = 5_000
WAYS = ("json", "captured", "streamed")


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _one(way: str) -> None:
    """Run one way in this process and print `seconds peak-growth-MB` on stderr."""
    from rich.console import Console

    from bench.bench_render import container
    from dshell.explorer import History, render
    from dshell.shell.output import Printer

    now, rng = time.time(), random.Random(42)
    result = History(None).add("ContainerList", {"all": True}, 200, 0.01,
                               [container(i, now, rng) for i in range(ROWS)])
    console = Console(file=io.StringIO(), width=160, height=50, force_terminal=True, color_system="truecolor")
    os.environ["DSHELL_PAGER"] = "cat"
    before, start = _rss_mb(), time.perf_counter()
    if way == "json":
        with subprocess.Popen(["cat"], stdin=subprocess.PIPE, text=True) as pager:
            assert pager.stdin is not None
            pager.stdin.write(json.dumps(result.data, indent=2))
    elif way == "captured":
        with console.capture() as captured:
            console.print(render(result, full=True, limit=None))
        with subprocess.Popen(["cat"], stdin=subprocess.PIPE, text=True) as pager:
            assert pager.stdin is not None
            pager.stdin.write(captured.get())
    else:
        Printer(console, pager="always").body(render(result, full=True, limit=None))
    print(f"{time.perf_counter() - start:.3f} {_rss_mb() - before:.1f}", file=sys.stderr)


def main() -> None:
    found = {}
    for way in WAYS:
        out = subprocess.run([sys.executable, "-m", "bench.bench_full", way], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True, check=True,
                             env={**os.environ, "PYTHONPATH": os.getcwd()}).stderr  # the pager's output: nowhere
        seconds, grown = map(float, out.strip().splitlines()[-1].split())
        found[way] = (seconds, grown)
        print(f"{way:>9}: {seconds:7.2f} s  +{grown:7.1f} MB resident")
    (js, jm), (cs, cm), (ss, sm) = found["json"], found["captured"], found["streamed"]
    print(f"streamed/captured: time {ss / cs:.2f}, memory {sm / max(cm, 1):.2f}")
    print(f"streamed/json baseline: time {ss / js:.2f}, memory {sm / max(jm, 1):.2f}")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        _one(sys.argv[1])
    else:
        main()
