"""Compose speed, ratios against a baseline measured in the same run (calls interleaved).

    python bench/bench_compose.py     # on the shared engine of scripts/engine ($DSHELL_ENGINE_ENV)

1. ``compose ps -a`` of one project, with 10 projects x 5 services on the engine, against one ContainerList with
   the same label filter (the one request ps makes: the ratio is ps's own work on top) and, for scale, one of
   every container on the engine: target <= 1.2x.
2. ``compose up -d`` of a 5-service project (images present, nothing there yet) with dshell against
   ``docker compose up -d`` (v2, scripts/newest-debs): wall time each, the project taken down between rounds
   (untimed): target <= 1.2x.
"""

from __future__ import annotations

import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import dshell.client as docker  # noqa: E402
import dshell.compose as compose  # noqa: E402

SERVICES = "services:\n" + "".join(f"  s{n}:\n    image: busybox:latest\n    command: sleep 3600\n"
                                   f"    init: true\n" for n in range(5))


def engine() -> dict[str, str]:
    path = os.environ.get("DSHELL_ENGINE_ENV", "/tmp/dsh/env.json")
    env: dict[str, str] = json.loads(Path(path).read_text())
    return env


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def bench_ps(c: docker.Client, folder: Path) -> float:
    (folder / "compose.yaml").write_text(SERVICES)
    projects = [compose.project(c, name=f"dsh-compose-bench-{secrets.token_hex(3)}", workdir=str(folder))
                for _ in range(10)]
    try:
        for p in projects:
            p.up()
        everything = {"op": "ContainerList", "params": {"all": True}}
        base, ps, whole = [], [], []
        for _ in range(5):  # warm
            docker.call(c, everything)
            projects[0].ps(all=True)
        for n in range(60):
            p = projects[n % 10]
            same = {"op": "ContainerList", "params": {"all": True, "filters": {"label": [
                f"com.docker.compose.project={p.name}", "com.docker.compose.oneoff=False"]}}}
            base.append(timed(lambda same=same: docker.call(c, same)))
            ps.append(timed(lambda p=p: p.ps(all=True)))
            whole.append(timed(lambda: docker.call(c, everything)))
        b, r, w = statistics.median(base), statistics.median(ps), statistics.median(whole)
        print(f"compose ps -a (1 of 10 projects x 5)   {r * 1e3:7.2f} ms   its ContainerList {b * 1e3:7.2f} ms   "
              f"ratio {r / b:.2f}  (target <= 1.2); all containers listed {w * 1e3:7.2f} ms")
        return r / b
    finally:
        for p in projects:
            p.down(timeout=0)


def bench_up(c: docker.Client, folder: Path, env: dict[str, str]) -> float:
    (folder / "compose.yaml").write_text(SERVICES)
    subprocess.run([str(ROOT / "scripts" / "newest-debs"), "up"], check=True, capture_output=True)
    cli_env = {**{k: v for k, v in os.environ.items() if not k.startswith(("DOCKER_", "COMPOSE_"))},
               "DOCKER_CONFIG": "/tmp/dshn/docker-config", "DOCKER_HOST": env["docker_host"]}
    name = f"dsh-compose-benchup-{secrets.token_hex(3)}"
    p = compose.project(c, name=name, workdir=str(folder))

    def theirs() -> None:
        subprocess.run(["docker", "compose", "-p", name, "up", "-d"], cwd=folder, env=cli_env, check=True,
                       capture_output=True)

    ours_t, theirs_t = [], []
    try:
        for _ in range(5):
            ours_t.append(timed(p.up))
            p.down(timeout=0)
            theirs_t.append(timed(theirs))
            p.down(timeout=0)
    finally:
        p.down(timeout=0)
    o, t = statistics.median(ours_t), statistics.median(theirs_t)
    print(f"compose up -d (5 services)             {o * 1e3:7.0f} ms   docker compose up -d {t * 1e3:7.0f} ms   "
          f"ratio {o / t:.2f}  (target <= 1.2)")
    return o / t


def main() -> None:
    env = engine()
    c = docker.client(conn={"uri": env["docker_host"]})
    with tempfile.TemporaryDirectory(prefix="dsh-compose-bench") as tmp:
        bench_ps(c, Path(tmp))
        bench_up(c, Path(tmp), env)


if __name__ == "__main__":
    main()
