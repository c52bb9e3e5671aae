"""A 200,000-container ContainerList served by a replaying daemon: `dshell -c "ContainerList all=true"` against
`docker ps -a` on the same answer, wall time and peak resident memory, one run each.

    python bench/bench_bigps.py [--containers 200000]

Goal (issue 24): at most 2x the docker CLI's time and memory. Output goes to a pipe read into nowhere (docker
prints its plain table there, dshell its table without colours); a fresh results folder for dshell. Prints the
measurements and ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_client import measure  # noqa: E402
from bench.bench_render import container  # noqa: E402
from tests.replaydaemon import ReplayDaemon  # noqa: E402

# dshell with msgspec left out: answers decoded by the json module alone
STDLIB = """
import json, sys
import dshell._fastjson as fast
fast._decode = json.loads
from dshell.__main__ import main
sys.exit(main(sys.argv[1:]))
"""


def body(count: int) -> bytes:
    """A ContainerList answer of ``count`` realistic containers, encoded compactly as Go does."""
    now, rng = time.time(), random.Random(42)
    return json.dumps([container(i, now, rng) for i in range(count)], separators=(",", ":")).encode() + b"\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--containers", type=int, default=200_000)
    args = parser.parse_args()
    docker = shutil.which("docker")
    if docker is None:
        sys.exit("the docker CLI is needed as the baseline")
    answer = body(args.containers)
    print(f"answer: {args.containers} containers, {len(answer) / 1e6:.0f} MB")
    with tempfile.TemporaryDirectory(prefix="dshell-bench-") as tmp, \
            ReplayDaemon(Path(tmp) / "d.sock", {"/containers/json": (200, answer)}) as daemon:
        env = {**os.environ, "HOME": tmp, "XDG_DATA_HOME": f"{tmp}/data", "XDG_CONFIG_HOME": f"{tmp}/config",
               "DOCKER_CONFIG": f"{tmp}/docker", "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
        env.pop("DOCKER_HOST", None)
        base = measure([docker, "-H", daemon.uri, "ps", "-a"], env)
        args = ["-H", daemon.uri, "-c", "ContainerList all=true"]
        mine = measure([sys.executable, "-m", "dshell", *args], env)
        stdlib = measure([sys.executable, "-c", STDLIB, *args], env)
    print(f"docker ps -a                      {base[0]:7.2f} s  peak {base[1]:7.0f} MB")
    print(f"dshell -c 'ContainerList all=true' {mine[0]:7.2f} s  peak {mine[1]:7.0f} MB")
    print(f"  the same decoded by json alone   {stdlib[0]:7.2f} s  peak {stdlib[1]:7.0f} MB  (msgspec saves "
          f"{stdlib[0] - mine[0]:.2f} s)")
    print(f"ratio  time {mine[0] / base[0]:.2f}x  memory {mine[1] / base[1]:.2f}x  (goal <= 2x each, issue 24)")


if __name__ == "__main__":
    main()
