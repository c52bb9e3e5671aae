"""Time rendering a 1,000-row ContainerList with dshell's renderer against a json.dumps baseline, and its
notebook HTML against its terminal text (goal: at most 1.5x).

Run from the repository root: python -m bench.bench_render  (prints milliseconds and the ratios; no assertions)
"""

from __future__ import annotations

import io
import json
import random
import time
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.text import Text

from dshell.explorer import render

ROWS = 1_000
IMAGES = ["nginx:1.27", "postgres:16", "redis:7-alpine", "ghcr.io/acme/api:2.3.1", "busybox", "python:3.11"]
COMMANDS = [
    "/docker-entrypoint.sh nginx -g 'daemon off;'",
    "docker-entrypoint.sh postgres",
    "redis-server",
    "gunicorn app:app --bind 0.0.0.0:8000",
    "sh",
    "python -m http.server",
]


def container(i: int, now: float, rng: random.Random) -> dict[str, Any]:
    """One realistic ContainerList entry."""
    image = rng.choice(IMAGES)
    running = rng.random() < 0.8
    published = rng.random() < 0.5
    ports = (
        [{"IP": ip, "PrivatePort": 80, "PublicPort": 8000 + i % 50000, "Type": "tcp"} for ip in ("0.0.0.0", "::")]
        if published
        else [{"PrivatePort": 5432, "Type": "tcp"}]
    )
    return {
        "Id": f"{rng.getrandbits(256):064x}",
        "Names": [f"/app_{image.split(':')[0].rsplit('/', 1)[-1]}_{i}"],
        "Image": image,
        "ImageID": f"sha256:{rng.getrandbits(256):064x}",
        "Command": rng.choice(COMMANDS),
        "Created": int(now - rng.uniform(60, 90 * 86400)),
        "Ports": ports,
        "Labels": {"com.docker.compose.project": "app", "com.docker.compose.service": f"svc{i % 7}"},
        "State": "running" if running else "exited",
        "Status": f"Up {rng.randint(2, 59)} minutes" if running else "Exited (137) 2 hours ago",
        "HostConfig": {"NetworkMode": "bridge"},
        "NetworkSettings": {"Networks": {"bridge": {"IPAddress": f"172.17.{i // 250}.{i % 250 + 2}"}}},
        "Mounts": [],
    }


def timed(print_it: Callable[[Console], None], repeat: int = 5) -> tuple[float, int]:
    """Best wall time in ms over `repeat` runs, and the characters printed."""
    best, size = float("inf"), 0
    for _ in range(repeat):
        console = Console(file=io.StringIO(), width=200, color_system="truecolor", force_terminal=True)
        start = time.perf_counter()
        print_it(console)
        best = min(best, (time.perf_counter() - start) * 1000)
        size = len(console.file.getvalue())
    return best, size


def main() -> None:
    now = time.time()
    rng = random.Random(42)
    rows = [container(i, now, rng) for i in range(ROWS)]
    ours, ours_size = timed(lambda console: console.print(render(rows, "ContainerList", limit=None)))
    base, base_size = timed(lambda console: console.print(Text(json.dumps(rows, indent=2))))
    print(f"render ContainerList table, {ROWS} rows: {ours:8.1f} ms  ({ours_size:,} chars)")
    print(f"baseline json.dumps + Text:          {base:8.1f} ms  ({base_size:,} chars)")
    print(f"ratio render/baseline: {ours / base:.2f}")
    html, html_size = best(lambda: render(rows, "ContainerList", limit=None)._repr_html_())
    print(f"the same, as notebook HTML:          {html:8.1f} ms  ({html_size:,} chars)")
    print(f"ratio html/terminal text: {html / ours:.2f}  (goal: <= 1.5)")


def best(make: Callable[[], str], repeat: int = 5) -> tuple[float, int]:
    """Best wall time in ms over `repeat` runs of `make`, and the length of what it made."""
    times, size = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        size = len(make())
        times.append((time.perf_counter() - start) * 1000)
    return min(times), size


if __name__ == "__main__":
    main()
