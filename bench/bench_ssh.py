"""ssh:// speed: a call over a pooled ssh connection (after the first) against the same call over the engine's
own unix socket, and against the docker CLI over ssh (a new ssh process per command), measured in one run.

    python bench/bench_ssh.py     # the throwaway engine (/tmp/dsh) behind scripts/sshd (started if needed)

Target (issue "Many hosts"): pooled ssh call <= 1.5x the unix socket call.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_client import RawHTTP, docker_host, median_us  # noqa: E402

import dshell.client as docker  # noqa: E402


def sshd_env() -> dict[str, str]:
    subprocess.run([str(ROOT / "scripts" / "sshd"), "up"], check=True, stdin=subprocess.DEVNULL,
                   capture_output=True)
    env: dict[str, str] = json.loads(Path(os.environ.get("DSHELL_SSHD_DIR", "/tmp/dshs"), "env.json").read_text())
    os.environ["PATH"] = f"{env['bin']}{os.pathsep}{os.environ['PATH']}"  # the ssh that knows the test server
    return env


def raw_over_ssh(ssh: dict[str, str]) -> tuple[RawHTTP, subprocess.Popen[bytes]]:
    """The baseline's raw requests through the same ssh and ``docker system dial-stdio`` (one process pair)."""
    ours, theirs = socket.socketpair()
    target = urlsplit(ssh["uri"])
    argv = ["ssh", "-T", "-p", str(target.port or 22), "-l", target.username or "root", target.hostname or "",
            "--", "docker", "system", "dial-stdio"]
    tunnel = subprocess.Popen(argv, stdin=theirs, stdout=theirs)
    theirs.close()
    raw = RawHTTP.__new__(RawHTTP)
    raw.sock = ours
    raw.get("/_ping")  # logged in, dial-stdio running
    return raw, tunnel


def main() -> None:
    ssh = sshd_env()
    local = docker.client(conn={"uri": docker_host()})
    remote = docker.client(conn={"uri": ssh["uri"]})
    t = time.perf_counter()
    docker.invoke(remote, {"op": "SystemPing"})
    first = (time.perf_counter() - t) * 1e3
    print(f"first call over ssh (starts ssh, logs in, dial-stdio)  {first:7.1f} ms")
    raw_ssh, tunnel = raw_over_ssh(ssh)
    raw_unix = RawHTTP(docker_host().removeprefix("unix://"))
    version = local.api_version
    for label, request, target in [
            ("ContainerList all=true", {"op": "ContainerList", "params": {"all": True}},
             f"/{version}/containers/json?all=true"),
            ("SystemPing", {"op": "SystemPing"}, f"/{version}/_ping")]:
        base, ours, floor_unix, floor_ssh = median_us(
            lambda r=request: docker.invoke(local, r), lambda r=request: docker.invoke(remote, r),
            lambda t=target: raw_unix.get(t), lambda t=target: raw_ssh.get(t))
        print(f"{label:24s} unix {base:7.0f} us   pooled ssh {ours:7.0f} us   ratio {ours / base:5.2f}x"
              "  (target <= 1.5x)")
        print(f"{'':24s} the same bytes sent raw: unix {floor_unix:7.0f} us, through ssh + dial-stdio "
              f"{floor_ssh:7.0f} us ({floor_ssh / floor_unix:4.2f}x: the hops' own cost); dshell over ssh "
              f"{ours / floor_ssh:4.2f}x raw over ssh")
    tunnel.terminate()
    tunnel.wait()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKER_")}
    cli = ["docker", "-H", ssh["uri"], "ps", "-aq"]

    def docker_cli() -> None:
        subprocess.run(cli, env=env, check=True, capture_output=True, stdin=subprocess.DEVNULL)

    runs = []
    for _ in range(10):
        t = time.perf_counter()
        docker_cli()
        runs.append(time.perf_counter() - t)
    cli_us = statistics.median(runs) * 1e6
    ours = median_us(lambda: docker.invoke(remote, {"op": "ContainerList", "params": {"all": True}}), n=100)[0]
    print(f"docker -H ssh:// ps -aq  {cli_us / 1e3:7.1f} ms per command (new ssh process each); "
          f"dshell pooled ssh ContainerList {ours / 1e3:6.2f} ms: the CLI is {cli_us / ours:5.0f}x slower")
    remote.close()
    local.close()


if __name__ == "__main__":
    main()
