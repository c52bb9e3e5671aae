"""docker's own commands in dshell, measured against their baselines in one run:

- ``dshell -c 'ps -a'`` with N containers (default 100) against ``python3 -c 'import dshell.client'`` plus one
  ContainerList (target: at most 1.5x);
- ``rm -f`` of 50 containers (one op per target, run concurrently) against 50 sequential ContainerDelete calls
  (target: at most 0.5x);
- ``pull`` of an image of one 8 MB layer from the engine's registry (made and pushed here), docker's progress
  printed as it comes (into /dev/null), against ImageCreate read as data (target: at most 1.05x).

    python bench/bench_docker.py [N]

Creates created (never started) busybox containers named dsh-bench-dcli-* on $DOCKER_HOST and removes them.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import dshell.client as docker  # noqa: E402
from dshell.shell.commands.dispatch import execute  # noqa: E402

PREFIX = "dsh-bench-dcli-"
LABEL = "dsh-bench-dcli=1"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def create(c: docker.Client, names: list[str]) -> None:
    for name in names:
        docker.invoke(c, {"op": "ContainerCreate", "throw": True, "params": {
            "name": name, "body": {"Image": "busybox", "Cmd": ["true"], "Labels": {"dsh-bench-dcli": "1"}}}})


def wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=ENV, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    c = docker.client("containers")
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "dshell")], check=True)
    names = [f"{PREFIX}{i}" for i in range(count)]
    create(c, names)
    try:
        baseline = [sys.executable, "-c", "import dshell.client as d; "
                    "d.invoke(d.client('containers'), {'op': 'ContainerList', 'params': {'all': True}})"]
        mine = [sys.executable, "-m", "dshell", "-c", "ps -a"]
        base, ps = [], []
        for _ in range(5):  # interleaved, so both see the same machine
            base.append(wall(baseline))
            ps.append(wall(mine))
        b, p = statistics.median(base), statistics.median(ps)
        print(f"ps -a ({count} containers): dshell -c {p * 1000:.0f} ms, import + ContainerList {b * 1000:.0f} ms: "
              f"{p / b:.2f}x (target <= 1.5x)")
    finally:
        docker.invoke(c, {"op": "ContainerPrune", "params": {"filters": {"label": [LABEL]}}})
    doomed = names[:50]
    create(c, doomed)
    start = time.perf_counter()
    for name in doomed:
        docker.invoke(c, {"op": "ContainerDelete", "throw": True, "params": {"id": name, "force": True}})
    sequential = time.perf_counter() - start
    create(c, doomed)
    from dshell.shell.config import Config
    from dshell.shell.session import Session

    session = Session(Config(), results_file=None)
    session.start(background=False)
    try:
        start = time.perf_counter()
        reply = execute(session, "rm -f " + " ".join(doomed))
        concurrent = time.perf_counter() - start
    finally:
        session.close()
        docker.invoke(c, {"op": "ContainerPrune", "params": {"filters": {"label": [LABEL]}}})
    assert reply.error is None, reply.error
    print(f"rm -f of 50: {concurrent * 1000:.0f} ms, 50 sequential ContainerDelete {sequential * 1000:.0f} ms: "
          f"{concurrent / sequential:.2f}x (target <= 0.5x)")


def _pull_image(env: dict[str, str], c: docker.Client) -> tuple[str, str]:
    """An image of one 8 MB layer of random bytes in the engine's registry (imported and pushed here), so that a
    pull really downloads and extracts a layer, with a few hundred progress events."""
    import io
    import tarfile

    repo, tag = f"{env['registry']}/dshell/dsh-bench-pull", "1"
    data = os.urandom(8_000_000)
    tar = io.BytesIO()
    with tarfile.open(fileobj=tar, mode="w") as archive:
        info = tarfile.TarInfo("blob")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    docker.invoke(c, {"op": "ImageCreate", "throw": True,
                      "params": {"fromSrc": "-", "repo": repo, "tag": tag, "inputImage": tar.getvalue()}})
    docker.invoke(c, {"op": "ImagePush", "throw": True, "params": {"name": repo, "tag": tag}})
    return repo, tag


def bench_pull() -> None:
    import contextlib
    import json

    env = json.loads(Path(os.environ.get("DSHELL_ENGINE_ENV", "/tmp/dsh/env.json")).read_text())
    os.environ["DOCKER_CONFIG"] = env["docker_config"]
    c = docker.client("images")
    repo, tag = _pull_image(env, c)
    image = f"{repo}:{tag}"
    from dshell.shell.config import Config
    from dshell.shell.docker.progress import progress
    from dshell.shell.session import Session

    session = Session(Config(), results_file=None)
    session.start(background=False)
    base: list[float] = []
    mine: list[float] = []
    try:
        pulls = [(base, lambda: docker.invoke(c, {"op": "ImageCreate", "throw": True,
                                                   "params": {"fromImage": repo, "tag": tag}})),
                 (mine, lambda: progress(session, "ImageCreate", {"fromImage": repo, "tag": tag}))]
        for round_ in range(10):  # interleaved, each first in half of the rounds
            for acc, pull in pulls if round_ % 2 else pulls[::-1]:
                docker.invoke(c, {"op": "ImageDelete", "params": {"name": image}})
                with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
                    start = time.perf_counter()
                    pull()
                    acc.append(time.perf_counter() - start)
    finally:
        session.close()
        docker.invoke(c, {"op": "ImageDelete", "params": {"name": image}})
    b, m = statistics.median(base), statistics.median(mine)
    print(f"pull of an 8 MB layer with progress: {m * 1000:.0f} ms, ImageCreate as data {b * 1000:.0f} ms: "
          f"{m / b:.2f}x (target <= 1.05x)")


if __name__ == "__main__":
    main()
    bench_pull()
