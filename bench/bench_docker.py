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

import json
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
        wall(mine)  # the warm-up: the spec and the command table cached
        for _ in range(7):  # interleaved, so both see the same machine
            base.append(wall(baseline))
            ps.append(wall(mine))
        b, p = statistics.median(base), statistics.median(ps)
        print(f"ps -a ({count} containers): dshell -c {p * 1000:.0f} ms, import + ContainerList {b * 1000:.0f} ms "
              f"(medians of 7): {p / b:.2f}x median, {min(ps) / min(base):.2f}x min (target <= 1.5x)")
    finally:
        docker.invoke(c, {"op": "ContainerPrune", "params": {"filters": {"label": [LABEL]}}})
    bench_rm(c)


def _machine_seconds() -> float | None:
    """Seconds of CPU every process on this machine has used so far (Linux's /proc/stat), else None."""
    try:
        ticks = [int(t) for t in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # all but idle and iowait


def _daemon_seconds() -> float | None:
    """Seconds of CPU the engine's dockerd has used so far (user and system), when it runs on this machine under the
    test engine's state folder (its pid file), else None."""
    try:
        env = json.loads(Path(os.environ.get("DSHELL_ENGINE_ENV", "/tmp/dsh/env.json")).read_text())
        pid = int(Path(env["state_dir"], "dockerd.pid").read_text())
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, KeyError, ValueError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bench_rm(c: docker.Client, rounds: int = 5) -> None:
    """``rm -f`` of 50 created containers (one op per target, run concurrently) against 50 sequential
    ContainerDelete calls: ``rounds`` rounds, each timing both on fresh containers (the order alternating, after a
    pause that lets the daemon finish the creations), with the shell's code loaded and its connections open
    beforehand (a warm-up ``rm -f``), as the client's are.

    Also prints, per round, the cores dockerd kept busy during the sequential deletes and the cores every other
    process did (where the daemon runs here): the daemon's work per delete does not shrink when the deletes overlap,
    so with all C cores its own the concurrent deletes take at least (its cores / C) of the sequential time; what
    the other processes take meanwhile, from either timing, moves the ratio both ways."""
    from dshell.shell.config import Config
    from dshell.shell.docker.runner import CONCURRENCY
    from dshell.shell.session import Session

    doomed = [f"{PREFIX}rm-{i}" for i in range(50)]
    session = Session(Config(), results_file=None)
    session.live.stop()  # as under dshell -c: no names refreshed in the background, between or inside the timings
    session.start(background=False)

    def sequential(names: list[str]) -> None:
        for name in names:
            docker.invoke(c, {"op": "ContainerDelete", "throw": True, "params": {"id": name, "force": True}})

    def concurrent(names: list[str]) -> None:
        reply = execute(session, "rm -f " + " ".join(names))
        assert reply.error is None, reply.error

    times: dict[str, list[float]] = {"sequential": [], "concurrent": []}
    used: list[tuple[float, float]] = []  # per round, the cores the daemon and the other processes kept busy
    try:
        create(c, doomed[:CONCURRENCY])
        concurrent(doomed[:CONCURRENCY])  # the warm-up: the same command on a few
        for round_ in range(rounds):
            for name, run in [("sequential", sequential), ("concurrent", concurrent)][::1 if round_ % 2 else -1]:
                create(c, doomed)
                time.sleep(1)
                cpu, machine = _daemon_seconds(), _machine_seconds()
                start = time.perf_counter()
                run(doomed)
                took = time.perf_counter() - start
                times[name].append(took)
                cpu2, machine2 = _daemon_seconds(), _machine_seconds()
                if name == "sequential" and cpu is not None and cpu2 is not None and machine and machine2:
                    mine = (cpu2 - cpu) / took
                    used.append((mine, (machine2 - machine) / took - mine))
    finally:
        session.close()
        docker.invoke(c, {"op": "ContainerPrune", "params": {"filters": {"label": [LABEL]}}})
    ratios = [m / b for m, b in zip(times["concurrent"], times["sequential"], strict=True)]
    seq, con = statistics.median(times["sequential"]), statistics.median(times["concurrent"])
    print(f"rm -f of 50 ({CONCURRENCY} at once): median {con * 1000:.0f} ms, 50 sequential ContainerDelete median "
          f"{seq * 1000:.0f} ms: {statistics.median(ratios):.2f}x median, {min(ratios):.2f}x min of {rounds} rounds "
          f"(each {', '.join(f'{r:.2f}' for r in ratios)}; target <= 0.5x)")
    cores = os.cpu_count() or 1
    for round_, (ratio, (daemon, others)) in enumerate(zip(ratios, used, strict=False)):
        print(f"  round {round_ + 1}: {ratio:.2f}x; during the sequential deletes dockerd kept {daemon:.2f} of {cores} "
              f"cores busy (floor {daemon / cores:.2f}x), every other process {max(others, 0):.2f}")


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
