"""Results history costs: opening a 300 MB history against an empty one (time and memory); resident memory
after 1,000 stored 500-row results against after 10; storing a result against decoding it.

    python bench/bench_history.py [--mb 300] [--runs 5] [--results 1000]

Each start is a fresh process that opens the history, asks its length and reads the newest result (what
the shell does before the first prompt). The memory run is a fresh process storing ContainerList answers
as the shell does (decoded from the daemon's bytes, stored with them), then reading a few old ones back.
Prints the measurements and the ratios of one run; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

OPEN = """
import resource, sys, time
started = time.perf_counter()
from dshell.explorer import History
h = History(sys.argv[1])
last = h.last
print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, len(h))
"""


def make_history(path: Path, megabytes: int) -> int:
    """A results file of about ``megabytes`` MB of container-list-like records, written as dshell writes."""
    from dshell.explorer._store import seal

    row = {"Id": "0" * 64, "Names": ["/web"], "Image": "busybox", "State": "running",
           "Labels": {f"label.{i}": "value" * 4 for i in range(20)}}
    data = json.dumps([row] * 8)
    n, size = 0, 0
    with path.open("wb") as out:
        while size < megabytes << 20:
            n += 1
            line = b"".join(seal([json.dumps({
                "n": n, "op": "ContainerList", "params": {"all": True}, "status": 200, "duration": 0.01, "time": 0.0,
                "error": None, "endpoint": "unix:///x", "api_version": "v1.41"})[:-1].encode(),
                b', "data": ' + data.encode()]))
            out.write(line)
            size += len(line)
    return n


GROW = """
import json, random, sys, time
sys.path.insert(0, sys.argv[3])
from bench.bench_render import container
from dshell.explorer import History

def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20

rng = random.Random(1)
raw = json.dumps([container(i, time.time(), rng) for i in range(500)], separators=(",", ":")).encode()
hist = History(sys.argv[1])
total = int(sys.argv[2])
for i in range(1, total + 1):
    hist.add("ContainerList", {"all": True}, 200, 0.01, json.loads(raw), raw=raw, api_version="v1.41")
    if i == 10:
        early = rss_mb()
for n in (1, 5, total // 2):
    assert len(hist[n].data) == 500
from dshell._fastjson import loads as fast_loads
decode = store = fast = float("inf")
for _ in range(20):
    started = time.perf_counter()
    data = json.loads(raw)
    decode = min(decode, time.perf_counter() - started)
    started = time.perf_counter()
    fast_loads(raw)
    fast = min(fast, time.perf_counter() - started)
    started = time.perf_counter()
    hist.add("ContainerList", {"all": True}, 200, 0.01, data, raw=raw, api_version="v1.41")
    store = min(store, time.perf_counter() - started)
print(early, rss_mb(), decode, store, fast)
"""


SESSION = """
import json, random, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[3])
import dshell.client as docker
from bench.bench_render import container
from dshell.shell.commands.dispatch import execute
from dshell.shell.config import Config
from dshell.shell.session import Session
from tests.mockdaemon import Daemon

def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20

rng = random.Random(1)
raw = json.dumps([container(i, time.time(), rng) for i in range(500)], separators=(",", ":")).encode()
daemon = Daemon({"/containers/json": docker.MockResponse(200, raw, {"Content-Type": "application/json"})})
session = Session(Config(endpoint="unix:///mock.sock", api_version="v1.41"), results_file=Path(sys.argv[1]),
                  clients=daemon.clients)
session.start(background=False)
for i in range(1, int(sys.argv[2]) + 1):
    assert execute(session, "ContainerList all=true").error is None
    if i == 10:
        early = rss_mb()
print(early, rss_mb())
"""


def grow(folder: Path, results: int) -> None:
    """Resident memory after 10 and after ``results`` stored 500-row results; a store against a decode."""
    out = subprocess.run([sys.executable, "-c", GROW, str(folder / "results.jsonl"), str(results), str(REPO)],
                         capture_output=True, text=True, check=True, cwd=REPO).stdout.split()
    early, late, decode, store, fast = map(float, out)
    print(f"resident after 10 results  {early:7.1f} MB   after {results}: {late:7.1f} MB   ratio "
          f"{late / early:.2f}x   (goal <= 1.2x, issue 25)")
    out = subprocess.run([sys.executable, "-c", SESSION, str(folder / "session.jsonl"), str(results), str(REPO)],
                         capture_output=True, text=True, check=True, cwd=REPO).stdout.split()
    early, late = map(float, out)
    print(f"the same through the shell's session (calls to a mock daemon): {early:7.1f} MB, then {late:7.1f} MB   "
          f"ratio {late / early:.2f}x")
    print(f"500-row ContainerList: decode {decode * 1000:6.2f} ms   store {store * 1000:6.2f} ms   ratio "
          f"{store / decode:.2f}x   (goal <= 1.5x, issue 25)")
    print(f"500-row ContainerList: decoded as the client does (msgspec when installed) {fast * 1000:6.2f} ms   "
          f"{fast / decode:.2f}x json.loads")


def start(path: Path) -> tuple[float, int, int]:
    out = subprocess.run([sys.executable, "-c", OPEN, str(path)], capture_output=True, text=True, check=True,
                         cwd=REPO).stdout.split()
    return float(out[0]), int(out[1]), int(out[2])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--results", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dshell-bench-") as tmp:
        empty, full = Path(tmp) / "empty" / "results.jsonl", Path(tmp) / "full" / "results.jsonl"
        empty.parent.mkdir()
        full.parent.mkdir()
        records = make_history(full, args.mb)
        started = time.perf_counter()
        first = start(full)  # the first open indexes the file (once: a file from an older dshell)
        print(f"history: {full.stat().st_size / 1e6:.0f} MB, {records} results; first open (builds the index) "
              f"{time.perf_counter() - started:.2f} s")
        assert first[2] == records
        start(empty)
        runs = [(start(empty), start(full)) for _ in range(args.runs)]
    e_time = statistics.median(r[0][0] for r in runs)
    f_time = statistics.median(r[1][0] for r in runs)
    e_mem = statistics.median(r[0][1] for r in runs)
    f_mem = statistics.median(r[1][1] for r in runs)
    print(f"open, empty history      median {e_time * 1000:7.1f} ms   max RSS {e_mem / 1024:6.1f} MB")
    print(f"open, {args.mb} MB history   median {f_time * 1000:7.1f} ms   max RSS {f_mem / 1024:6.1f} MB")
    print(f"ratio                    time {f_time / e_time:.2f}x   memory {f_mem / e_mem:.2f}x   (goal ~1x)")
    with tempfile.TemporaryDirectory(prefix="dshell-bench-") as tmp:
        grow(Path(tmp), args.results)


if __name__ == "__main__":
    main()
