"""Engine speed: per-call cost and log throughput as ratios against a raw socket, measured in one run.

    python bench/bench_client.py            # against $DOCKER_HOST, else the throwaway engine (/tmp/dsh)

Targets (issues "The spec-driven engine", "Proof"): per call <= 1.2x a raw HTTP/1.1 keep-alive request;
demultiplexed logs >= 50% of raw socket throughput; warm import + categories() + ops() < 50 ms.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import socket
import statistics
import struct
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import dshell.client as docker  # noqa: E402

CALLS = 300


def docker_host() -> str:
    if os.environ.get("DOCKER_HOST", "").startswith("unix://"):
        return os.environ["DOCKER_HOST"]
    env = Path(os.environ.get("DSHELL_ENGINE_ENV", "/tmp/dsh/env.json"))
    return json.loads(env.read_text())["docker_host"]


class RawHTTP:
    """The baseline: a prebuilt HTTP/1.1 request on one keep-alive unix socket, reading Content-Length bytes."""

    def __init__(self, path: str) -> None:
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.connect(path)

    def get(self, target: str) -> bytes:
        self.sock.sendall(f"GET {target} HTTP/1.1\r\nHost: docker\r\n\r\n".encode())
        return self.get_answer()

    def get_answer(self) -> bytes:
        """The body of the answer to the request sent last."""
        data = b""
        while b"\r\n\r\n" not in data:
            data += self.sock.recv(262144)
        head, _, body = data.partition(b"\r\n\r\n")
        if b"chunked" in head.lower():  # read to the last chunk, undecoded
            while not body.endswith(b"0\r\n\r\n"):
                body += self.sock.recv(262144)
            return body
        length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
        while len(body) < length:
            body += self.sock.recv(262144)
        return body


def median_us(*fns: Callable[[], object], n: int = CALLS) -> list[float]:
    """Median microseconds per call of each function, calls interleaved so load drifts hit all alike."""
    for fn in fns:
        for _ in range(20):
            fn()
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(n):
        for fn, bucket in zip(fns, times, strict=True):
            t = time.perf_counter()
            fn()
            bucket.append(time.perf_counter() - t)
    return [statistics.median(bucket) * 1e6 for bucket in times]


def ensure_containers(c: docker.Client, count: int = 20) -> list[str]:
    made = []
    have = docker.invoke(c, {"op": "ContainerList", "params": {"all": True}})
    for i in range(max(0, count - len(have))):
        name = f"dsh-bench-{os.getpid()}-{i}"
        docker.invoke(c, {"op": "ContainerCreate", "throw": True,
                          "params": {"name": name, "body": {"Image": "busybox:latest", "Cmd": ["true"]}}})
        made.append(name)
    return made


def per_call(c: docker.Client, path: str) -> None:
    raw = RawHTTP(path)
    version = c.api_version
    rows = []
    for label, op, params, target in [
        ("ContainerList all=true", "ContainerList", {"all": True}, f"/{version}/containers/json?all=true"),
        ("SystemPing", "SystemPing", {}, f"/{version}/_ping"),
    ]:
        request = {"op": op, "params": params}
        base, ours = median_us(lambda t=target: raw.get(t), lambda r=request: docker.invoke(c, r))
        rows.append((label, base, ours))
        others = {}
        try:
            import docker as docker_py

            py = docker_py.DockerClient(base_url=f"unix://{path}", version=version.lstrip("v"))
            call = functools.partial(py.api.containers, all=True) if op == "ContainerList" else py.api.ping
            others["docker-py"] = median_us(call, n=100)[0]
        except ImportError:
            pass
        for name, value in others.items():
            print(f"  (reference) {label:24s} {name}: {value:8.0f} us  {value / base:5.2f}x raw")
    for label, base, ours in rows:
        print(f"{label:26s} raw {base:8.0f} us   dshell {ours:8.0f} us   ratio {ours / base:5.2f}x  (target <= 1.2x)")


@contextlib.contextmanager
def log_container(c: docker.Client, megabytes: int) -> Iterator[str]:
    """The name of an exited container that logged ``megabytes`` MB of 100-byte lines; removed after."""
    name = f"dsh-bench-logs-{os.getpid()}"
    script = f"yes {'x' * 99} | head -n {megabytes * 10000}"
    docker.invoke(c, {"op": "ContainerCreate", "throw": True,
                      "params": {"name": name, "body": {"Image": "busybox:latest", "Cmd": ["sh", "-c", script]}}})
    try:
        docker.invoke(c, {"op": "ContainerStart", "params": {"id": name}, "throw": True})
        docker.invoke(c, {"op": "ContainerWait", "params": {"id": name}, "throw": True})
        yield name
    finally:
        docker.invoke(c, {"op": "ContainerDelete", "params": {"id": name, "force": True}})


LOG_RUNS = 5
_FRAME_HEAD = struct.Struct(">BxxxL").unpack_from


def log_throughput(c: docker.Client, path: str, name: str, megabytes: int) -> None:
    """frames() against a raw socket reading the same logs: throughput and CPU, as ratios of runs side by side
    (min and median of LOG_RUNS). The floor is the cheapest pure-Python loop that decodes them: per read, each
    chunk's size line parsed, each frame's header read and its payload sliced, one join."""
    target = f"/{c.api_version}/containers/{name}/logs?stdout=true"

    def ask() -> socket.socket:
        sock = socket.socket(socket.AF_UNIX)
        sock.connect(path)
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n".encode())
        return sock

    def raw() -> int:
        total, buf = 0, bytearray(262144)
        with ask() as sock:
            while n := sock.recv_into(buf):
                total += n
        return total

    def floor() -> int:
        total, buf = 0, bytearray()
        with ask() as sock:
            while b"\r\n\r\n" not in buf:
                buf += sock.recv(65536)
            del buf[:buf.index(b"\r\n\r\n") + 4]
            while piece := sock.recv(65536):
                buf += piece
                pos, parts, end = 0, [], len(buf)
                while (line := buf.find(b"\r\n", pos)) >= 0:
                    size = int(buf[pos:line], 16)
                    stop = line + 2 + size
                    if not size or stop + 2 > end:
                        break
                    _FRAME_HEAD(buf, line + 2)
                    parts.append(buf[line + 10:stop])
                    pos = stop + 2
                total += len(b"".join(parts))
                del buf[:pos]
        return total

    def ours() -> int:
        total = 0
        with docker.invoke(c, {"op": "ContainerLogs", "as": "stream",
                               "params": {"id": name, "stdout": True}}) as stream:
            for _, payload in stream.frames():
                total += len(payload)
        return total

    speed: dict[str, list[float]] = {"ours": [], "floor": []}
    cpu: dict[str, list[float]] = {"ours": [], "floor": []}
    for _ in range(LOG_RUNS):
        runs = {}
        for label, fn in (("raw", raw), ("ours", ours), ("floor", floor)):
            t, c0 = time.perf_counter(), time.process_time()
            fn()
            runs[label] = (time.perf_counter() - t, time.process_time() - c0)
        for label in speed:
            speed[label].append(runs["raw"][0] / runs[label][0])
            cpu[label].append(runs[label][1] / runs["raw"][1])

    def spread(values: list[float]) -> str:
        return f"min {min(values):.2f}x median {statistics.median(values):.2f}x"

    print(f"ContainerLogs {megabytes} MB, {LOG_RUNS} runs of raw socket, frames() and the floor side by side:")
    print(f"  frames() throughput {spread(speed['ours'])} raw (goal >= 0.95x)   CPU {spread(cpu['ours'])} raw "
          "(goal <= 1.3x, issue 25)")
    print(f"  floor    throughput {spread(speed['floor'])} raw                 CPU {spread(cpu['floor'])} raw "
          "(the cheapest pure-Python decoding)")


# Runs one command, its output into a pipe that is read and dropped; prints wall seconds and the child's peak RSS
MEASURE = """
import resource, subprocess, sys, time
started = time.perf_counter()
with subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE) as child:
    while child.stdout.read(1 << 20):
        pass
    err = child.stderr.read()
took = time.perf_counter() - started
if child.returncode:
    sys.exit(f"{sys.argv[1:]} failed: {err.decode(errors='replace')[-500:]}")
print(took, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def measure(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak resident MB of ``argv``, its output read from a pipe."""
    out = subprocess.run([sys.executable, "-c", MEASURE, *argv], env=env, capture_output=True, text=True,
                         check=False)
    if out.returncode:
        sys.exit(out.stderr.strip())
    seconds, kb = out.stdout.split()
    return float(seconds), int(kb) / 1024


def logs_against_docker(host: str, name: str, megabytes: int) -> None:
    """`dshell -c "logs NAME -n all"` against `docker logs NAME`; the peak memory of the logs as data
    (`ContainerLogs` stored as one result) over that of `dshell -c SystemPing`, against the text's size."""
    import shutil
    import tempfile

    cli = shutil.which("docker")
    if cli is None:
        print("logs: no docker CLI for the baseline")
        return
    compiled()  # else modules changed since their .pyc are compiled on every run (PYTHONDONTWRITEBYTECODE)
    with tempfile.TemporaryDirectory(prefix="dshell-bench-") as home:
        env = {**os.environ, "HOME": home, "XDG_DATA_HOME": f"{home}/data", "PYTHONPATH": str(ROOT),
               "DOCKER_HOST": host, "DOCKER_CONFIG": f"{home}/docker"}
        dshell = [sys.executable, "-m", "dshell", "-c"]
        measure([*dshell, "SystemPing"], env)
        runs = [(measure([cli, "logs", name], env), measure([*dshell, f"logs {name} -n all"], env))
                for _ in range(3)]
        base = min(run[0][0] for run in runs)
        ours = min(run[1][0] for run in runs)
        ping = measure([*dshell, "SystemPing"], env)[1]
        data = measure([*dshell, f"ContainerLogs {name} stdout=true"], env)[1]
    print(f"logs -n all {megabytes} MB   docker logs {base:6.2f} s   dshell {ours:6.2f} s   {ours / base:.2f}x  "
          "(goal <= 1.1x, issue 25)")
    print(f"logs as data {megabytes} MB  peak {data:6.0f} MB, {data - ping:6.0f} MB over SystemPing's: "
          f"{(data - ping) / megabytes:.2f}x the text  (goal <= 3x, issue 25)")


def compiled() -> None:
    """Byte-compile dshell: the import is measured warm, and with PYTHONDONTWRITEBYTECODE set (as on some machines)
    a module changed since its .pyc was written would be compiled from source on every run."""
    import compileall

    compileall.compile_dir(ROOT / "dshell", quiet=1)


def warm_start() -> None:
    code = ("import time; t=time.perf_counter(); import dshell.client as d; d.categories(); "
            "d.ops(d.client('images', conn={'uri': 'unix:///nonexistent'})); print((time.perf_counter()-t)*1000)")
    base_code = "import time; t=time.perf_counter(); import json, socket; print((time.perf_counter()-t)*1000)"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    compiled()

    def run(src: str) -> float:
        return float(subprocess.run([sys.executable, "-c", src], env=env, capture_output=True, text=True,
                                    check=True).stdout)

    run(code)
    ours = statistics.median(run(code) for _ in range(5))
    base = statistics.median(run(base_code) for _ in range(5))
    print(f"warm import+categories+ops  {ours:6.1f} ms (target < 50 ms; baseline import json,socket {base:.1f} ms)")


def main() -> None:
    host = docker_host()
    path = host[len("unix://"):]
    c = docker.client(conn={"uri": host})
    made = ensure_containers(c)
    try:
        per_call(c, path)
    finally:
        for name in made:
            docker.invoke(c, {"op": "ContainerDelete", "params": {"id": name, "force": True}})
    megabytes = int(os.environ.get("BENCH_LOG_MB", "100"))
    with log_container(c, megabytes) as name:
        log_throughput(c, path, name, megabytes)
        logs_against_docker(host, name, megabytes)
    warm_start()


if __name__ == "__main__":
    main()
