"""Pane speed: the prompt's keystroke latency while a pane follows a container printing ~10,000 lines/s,
how far the pane lags behind the container, and dshell's memory meanwhile.

    python bench/bench_panes.py [--seconds S] [--rate LINES_PER_S]

Needs the test engine (scripts/engine up). Prints the measurements and ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import subprocess
import threading
import time
import uuid
from pathlib import Path

from bench_attach import PtyTerminal, engine, percentile, report, shell_env, start_dshell

KEYS = b"QZYVW"  # letters that neither the pane (digits) nor its title show
BATCH = 1000  # lines per burst; bursts every 100 ms
_lines = [0]  # lines typed so far: a cell never gets the letter it showed the line before (no redraw then)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def prompt_latencies(term: PtyTerminal, until: float | None = None, count: int = 100) -> list[float]:
    """Type at the prompt, one key at a time (clearing the line every 20), for ``count`` keys or until then."""
    times: list[float] = []
    while (until is None and len(times) < count) or (until is not None and time.monotonic() < until):
        times.append(term.latency(bytes([KEYS[(len(times) % 20 + _lines[0]) % len(KEYS)]])))
        if len(times) % 20 == 0:
            term.send(b"\x15")
            _lines[0] += 1
        time.sleep(0.02)
    term.send(b"\x15")
    _lines[0] += 1
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=int, default=10_000, help="lines per second to aim at")
    args = parser.parse_args()
    env = engine()
    docker = ["docker", "-H", env["docker_host"]]
    name = f"dshell-bench-{uuid.uuid4().hex[:8]}"
    bursts = int(args.seconds * args.rate / BATCH)
    pause_us = max(0, int(1_000_000 * BATCH / args.rate) - 2_000)  # seq itself takes about 2 ms
    script = f"sleep 1; i=0; while [ $i -lt {bursts} ]; do seq 1 {BATCH}; usleep {pause_us}; i=$((i+1)); done"
    term = start_dshell(shell_env(env["docker_host"]))
    try:
        prompt_latencies(term, count=40)  # warm up: completion loads on the first keys
        idle_times = prompt_latencies(term, count=200)
        idle = report("prompt, no pane: key to echo", idle_times)
        subprocess.run([*docker, "run", "-d", "--network", "none", "--name", name, env.get("image", "busybox:latest"),
                        "sh", "-c", script], check=True, capture_output=True)
        exited = threading.Event()
        threading.Thread(target=lambda: (subprocess.run([*docker, "wait", name], capture_output=True),
                                         exited.set()), daemon=True).start()
        term.send(f"logs {name} tail=all\r".encode())
        term.wait(rb"streaming")
        memory: list[float] = []
        sampler = threading.Thread(target=lambda: [memory.append(rss_mib(term.child.pid)) or time.sleep(0.25)
                                                   for _ in iter(exited.is_set, True)], daemon=True)
        sampler.start()
        end_mark = len(term.output)
        busy = prompt_latencies(term, until=time.monotonic() + args.seconds * 0.8)
        exited.wait(args.seconds * 3)
        died = time.monotonic()
        term.wait(rb"stream ended", end_mark, timeout=60)
        lag = time.monotonic() - died
        inspect = subprocess.run([*docker, "inspect", "-f", "{{.State.StartedAt}} {{.State.FinishedAt}}", name],
                                 capture_output=True, text=True).stdout.split()
        started, finished = (time.mktime(time.strptime(t[:19], "%Y-%m-%dT%H:%M:%S")) + float("0." + t[20:29])
                             for t in inspect)
        produced = bursts * BATCH / (finished - started - 1)
        streaming = report("prompt, pane streaming: key to echo", busy)
        print(f"container printed                  {produced:,.0f} lines/s ({bursts * BATCH:,} lines)")
        print(f"pane behind the container at exit  {lag * 1000:.0f} ms")
        print(f"dshell RSS while streaming         start {memory[0]:.1f} MiB, max {max(memory):.1f} MiB, "
              f"end {memory[-1]:.1f} MiB")
        print(f"ratio streaming / idle             median {streaming / idle:.2f}x, "
              f"p99 {percentile(busy, 0.99) / percentile(idle_times, 0.99):.2f}x")
        print(f"goal: p99 < 50 ms while streaming -> {'met' if percentile(busy, 0.99) < 0.050 else 'NOT met'}")
    finally:
        term.close()
        subprocess.run([*docker, "rm", "-f", name], capture_output=True)


if __name__ == "__main__":
    main()
