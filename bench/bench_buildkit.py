"""BuildKit builds with dshell's session against ``docker buildx build --load`` on the same engine, in one run.

    python bench/bench_buildkit.py [--files 300] [--mb 500] [--rounds 3]

Targets (issue 20): a first build and a fully cached rebuild of a 300-file context at most 1.2x buildx's wall
time; a 500 MB context sent with resident memory flat (growth < 50 MB) and at least 80 % of buildx's throughput.
A first build gets a folder of fresh content each round (so the daemon has none of it); the cached rebuild
builds the same folder again. The big context is used by a ``RUN --mount=type=bind`` (it is sent, but no layer
copies it). dshell's builds run in a fresh process each, whose resident memory is sampled while it builds; the
best of the rounds counts (the CPUs are shared). buildx comes from ``scripts/newest-debs`` as a CLI plugin.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SMALL = "FROM busybox:latest\nCOPY . /ctx\n"
BIG = "FROM busybox:latest\nRUN --mount=type=bind,target=/ctx du -sm /ctx\n"
CHILD = r"""
import json, os, resource, sys, threading, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import dshell.client as docker
from dshell.buildkit import build
def rss():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
c = docker.client(conn={"uri": sys.argv[2]})
docker.invoke(c, {"op": "SystemPing"})
import h2.connection  # loaded before the baseline: what is measured is the build's growth
base, peak, done = rss(), [0.0], [False]
def sample():
    while not done[0]:
        peak[0] = max(peak[0], rss()); time.sleep(0.05)
threading.Thread(target=sample, daemon=True).start()
started = time.perf_counter()
result = build(c, Path(sys.argv[3]), {"t": sys.argv[4]}).result()
elapsed = time.perf_counter() - started
done[0] = True
print(json.dumps({"elapsed": elapsed, "growth": max(peak[0], rss()) - base, "error": result.get("error")}))
"""


def engine() -> dict[str, str]:
    return json.loads(Path(os.environ.get("DSHELL_ENGINE_ENV", "/tmp/dsh/env.json")).read_text())  # type: ignore[no-any-return]


def fill_small(folder: Path, files: int, tag: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "Dockerfile").write_text(SMALL)
    for i in range(files):
        sub = folder / f"d{i % 10}"
        sub.mkdir(exist_ok=True)
        (sub / f"f{i}.txt").write_text(f"{tag} {i}\n" + "x" * 1000)
    return folder


def fill_big(folder: Path, mb: int) -> Path:
    folder.mkdir(parents=True)
    (folder / "Dockerfile").write_text(BIG)
    chunk = os.urandom(1 << 20)
    for i in range(max(1, mb // 50)):
        with open(folder / f"blob{i}", "wb") as fh:
            for j in range(50):
                fh.write(chunk[j:] + chunk[:j])
    return folder


def ours(host: str, folder: Path, tag: str) -> dict[str, float]:
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), host, str(folder), tag], capture_output=True,
                         text=True, check=True, timeout=900)
    data = json.loads(out.stdout.strip().splitlines()[-1])
    data["process"] = time.perf_counter() - started  # with Python's start and dshell's import
    if data["error"]:
        raise SystemExit(f"dshell's build failed: {data['error']}")
    return data  # type: ignore[no-any-return]


def theirs(host: str, config: Path, folder: Path, tag: str) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKER_")}
    env["DOCKER_CONFIG"] = str(config)
    started = time.perf_counter()
    subprocess.run(["docker", "-H", host, "buildx", "build", "--load", "-q", "-t", tag, str(folder)], env=env,
                   check=True, capture_output=True, timeout=900)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--mb", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    host = engine()["docker_host"]
    work = Path(tempfile.mkdtemp(prefix="dsh-bench-buildkit-", dir="/dev/shm" if shutil.disk_usage("/dev/shm").free
                                 > 3 * args.mb << 20 else None))
    config = work / "docker-config"
    config.mkdir()
    subprocess.run([str(ROOT / "scripts" / "newest-debs"), "plugins", str(config)], check=True, capture_output=True)
    tags = [f"dsh-bench-buildkit-{who}" for who in ("ours", "theirs")]
    try:
        first: dict[str, list[float]] = {"ours": [], "process": [], "theirs": []}
        again: dict[str, list[float]] = {"ours": [], "process": [], "theirs": []}
        for r in range(args.rounds):
            a = fill_small(work / f"a{r}", args.files, f"ours{r}{time.time()}")
            b = fill_small(work / f"b{r}", args.files, f"theirs{r}{time.time()}")
            for runs, folder in ((first, a), (again, a)):
                mine = ours(host, folder, tags[0])
                runs["ours"].append(mine["elapsed"])
                runs["process"].append(mine["process"])
            first["theirs"].append(theirs(host, config, b, tags[1]))
            again["theirs"].append(theirs(host, config, b, tags[1]))
        for name, runs in (("first build", first), ("cached rebuild", again)):
            o, p, t = min(runs["ours"]), min(runs["process"]), min(runs["theirs"])
            print(f"{name} of {args.files} files: dshell {o:.2f}s (its process {p:.2f}s)  buildx {t:.2f}s  "
                  f"ratio {o / t:.2f}x, process {p / t:.2f}x (target <= 1.2x)")
        if args.mb:
            big_a, big_b = fill_big(work / "bigA", args.mb), fill_big(work / "bigB", args.mb)
            mine = ours(host, big_a, tags[0])
            t = theirs(host, config, big_b, tags[1])
            print(f"{args.mb} MB context: dshell {mine['elapsed']:.2f}s  buildx {t:.2f}s  throughput "
                  f"{t / mine['elapsed'] * 100:.0f}% of buildx's (target >= 80%); dshell's memory growth "
                  f"{mine['growth']:.1f} MB (target < 50 MB)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
        subprocess.run(["docker", "-H", host, "rmi", "-f", *tags], capture_output=True, check=False)


if __name__ == "__main__":
    main()
