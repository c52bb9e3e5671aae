"""Local folders as bodies: uploading a 1 GB folder (PutContainerArchive, ImageBuild's context) against writing
the same tar bytes to the raw socket, and cp out of a container, measured in one run.

    python bench/bench_files.py [--mb 1024]     # against $DOCKER_HOST (unix), else the throwaway engine

Targets (issue 9): resident memory grows by under 50 MB; upload throughput >= 80 % of the raw socket's.
Each measurement runs in a fresh process whose resident memory is sampled while it uploads (the growth is the
peak over the level before the call, the client already loaded); uploads alternate with their baseline and
the best of three counts (the CPUs are shared with the daemon). The data lives in a tmpfs folder
(/dev/shm when there is room) and is removed at the end, as are the containers and the image.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import dshell.client as docker  # noqa: E402

DOCKERFILE = b"FROM busybox:latest\nLABEL bench=files\n"
FILE_MB = 16
ROUNDS = 3


def docker_host() -> str:
    if os.environ.get("DOCKER_HOST", "").startswith("unix://"):
        return os.environ["DOCKER_HOST"]
    env = Path(os.environ.get("DSHELL_ENGINE_ENV", "/tmp/dsh/env.json"))
    return str(json.loads(env.read_text())["docker_host"])


def rss_mb() -> float:
    """The process's resident memory now, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Peak:
    """The highest resident memory seen while it runs (sampled every 20 ms in a thread)."""

    def __init__(self) -> None:
        self.mb = rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.mb = max(self.mb, rss_mb())

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return max(self.mb, rss_mb())


# ------------------------------------------------------------------ children (one measurement each)
def raw_upload(host: str, target: str, tar: Path) -> None:
    """The baseline: the tar file's bytes written to the daemon's socket (1 MB reads, sendall) as one request."""
    size = tar.stat().st_size
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(host[len("unix://"):])
    head = (f"{target} HTTP/1.1\r\nHost: docker\r\nContent-Type: application/x-tar\r\n"
            f"Content-Length: {size}\r\n\r\n").encode()
    sock.sendall(head)
    with tar.open("rb") as fh:
        while data := fh.read(1 << 20):
            sock.sendall(data)
    answer = b""
    while b"\r\n\r\n" not in answer:
        answer += sock.recv(65536)
    status = int(answer.split(b" ", 2)[1])
    if status >= 300:
        raise SystemExit(f"raw upload answered {status}: {answer[:200]!r}")
    if target.startswith("POST"):  # a build streams its output until it is done
        sock.settimeout(600)
        while b"Successfully built" not in answer and (piece := sock.recv(65536)):
            answer += piece
    sock.close()


def child(mode: str, host: str, args: list[str]) -> dict[str, Any]:
    c = docker.client(conn={"uri": host, "timeouts": {"read": 600, "write": 600}})
    c.api_version  # noqa: B018 - negotiated before the clock starts
    base = rss_mb()
    peak = Peak()
    started = time.perf_counter()
    if mode == "raw-put":
        raw_upload(host, f"PUT /{c.api_version}/containers/{args[0]}/archive?path=/tmp", Path(args[1]))
    elif mode == "raw-build":
        raw_upload(host, f"POST /{c.api_version}/build?t={args[0]}&rm=true", Path(args[1]))
    elif mode == "put":
        docker.invoke(c, {"op": "PutContainerArchive", "throw": True,
                          "params": {"id": args[0], "path": "/tmp", "inputStream": Path(args[1])}})
    elif mode == "build":
        docker.invoke(c, {"op": "ImageBuild", "throw": True,
                          "params": {"inputStream": Path(args[1]), "t": args[0], "rm": True}})
    elif mode == "cp-out":
        from dshell.client._tarstream import unpack

        stream = docker.invoke(c, {"op": "ContainerArchive", "as": "stream", "throw": True,
                                   "params": {"id": args[0], "path": "/tmp/data"}})
        with stream:
            unpack(stream, args[1])
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rss_growth_mb": peak.stop() - base}


def measure(mode: str, host: str, *args: str) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--child", mode, host, *args], capture_output=True, text=True,
                         check=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


# ------------------------------------------------------------------ the run
def make_data(folder: Path, mb: int) -> None:
    block = os.urandom(1 << 20)
    (folder / "data").mkdir(parents=True)
    for i in range(mb // FILE_MB):
        with (folder / "data" / f"part-{i:03d}.bin").open("wb") as fh:
            for j in range(FILE_MB):
                fh.write(i.to_bytes(4, "big") + j.to_bytes(4, "big") + block[8:])
    (folder / "Dockerfile").write_bytes(DOCKERFILE)


def write_tar(chunks: Any, path: Path) -> None:
    with path.open("wb") as fh:
        for piece in chunks:
            fh.write(piece)


def scratch_dir(mb: int) -> Path:
    shm = Path("/dev/shm")
    need = 3 * mb * (1 << 20) * 1.1
    if shm.is_dir() and shutil.disk_usage(shm).free > need:
        return Path(tempfile.mkdtemp(prefix="dsh-bench-files-", dir=shm))
    if shutil.disk_usage(tempfile.gettempdir()).free <= need:
        raise SystemExit(f"not enough room for {3 * mb} MB of scratch data in /dev/shm or {tempfile.gettempdir()}")
    return Path(tempfile.mkdtemp(prefix="dsh-bench-files-"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=1024, help="size of the folder (MB)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.child:
        print(json.dumps(child(opts.child[0], opts.child[1], opts.child[2:])))
        return
    from dshell.client._context import build_context
    from dshell.client._tarstream import pack

    host = docker_host()
    c = docker.client(conn={"uri": host})
    scratch = scratch_dir(opts.mb)
    tag = f"dsh-test-bench-files:{os.getpid()}"
    made: list[str] = []
    try:
        folder = scratch / "folder"
        make_data(folder, opts.mb)
        archive, context = scratch / "archive.tar", scratch / "context.tar"
        write_tar(pack(folder, ""), archive)  # the very bytes dshell sends, made beforehand for the baseline
        write_tar(build_context(folder)[0], context)
        print(f"{opts.mb} MB folder in {scratch} ({shutil.disk_usage(scratch).free >> 30} GB free there)")

        def container() -> str:
            name = f"dsh-test-bench-files-{os.getpid()}-{len(made)}"
            docker.invoke(c, {"op": "ContainerCreate", "throw": True,
                              "params": {"name": name, "body": {"Image": "busybox:latest", "Cmd": ["true"]}}})
            made.append(name)
            return name

        def drop(name: str) -> None:
            docker.invoke(c, {"op": "ContainerDelete", "params": {"id": name, "force": True}})

        def once(mode: str, body: Path) -> dict[str, Any]:
            """One upload into a fresh container (removed after, but the last) or as a fresh build."""
            target = container() if mode.endswith("put") else tag
            took = measure(mode, host, target, str(body))
            if mode.endswith("put"):
                drop(target)
            else:
                docker.invoke(c, {"op": "ImageDelete", "params": {"name": tag, "force": True}})
            return took

        def best(runs: list[dict[str, Any]]) -> dict[str, Any]:
            return {"seconds": min(r["seconds"] for r in runs), "rss_growth_mb": max(r["rss_growth_mb"] for r in runs)}

        rows = []
        for label, raw_mode, mode, raw_file in (("archive", "raw-put", "put", archive),
                                                ("build context", "raw-build", "build", context)):
            raws, ours = [], []
            for _ in range(ROUNDS):  # alternating, the best of each: the CPUs are shared with the daemon
                raws.append(once(raw_mode, raw_file))
                ours.append(once(mode, folder))
            rows.append((label, best(raws), best(ours)))
        kept = container()
        docker.invoke(c, {"op": "PutContainerArchive", "throw": True,
                          "params": {"id": kept, "path": "/tmp", "inputStream": folder}})
        out_dir = scratch / "out"
        out_dir.mkdir()
        copied = measure("cp-out", host, kept, str(out_dir))
        print(f"df after the copy out: {shutil.disk_usage(scratch).free >> 30} GB free in {scratch}")
        for label, raw, ours in rows:
            print(f"upload {label:14s} raw socket {opts.mb / raw['seconds']:7.1f} MB/s   dshell "
                  f"{opts.mb / ours['seconds']:7.1f} MB/s   ratio {raw['seconds'] / ours['seconds']:.2f} "
                  f"(target >= 0.80)   RSS +{ours['rss_growth_mb']:.1f} MB (target < 50)")
        print(f"cp out          dshell {opts.mb / copied['seconds']:7.1f} MB/s   RSS +{copied['rss_growth_mb']:.1f} MB "
              f"(target < 50)")
    finally:
        for name in made:
            docker.invoke(c, {"op": "ContainerDelete", "params": {"id": name, "force": True}})
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
