"""Fan-out speed: ContainerList over 3 endpoints at once (docker.fanout) against the slowest of them alone, and
against the three called one after the other, measured in one run (calls interleaved).

    python bench/bench_fanout.py      # the three namespaced nodes of scripts/swarm (started if needed)

Twice: on the nodes' own sockets (all on this machine: the daemons' CPU is the cost, so on a busy machine with
fewer cores than endpoints no client can overlap much), and through a relay process per node that delays each
answer by LINK_MS (an endpoint across a network, where a call mostly waits: what fan-out is for).

Target (issue "Many hosts"): the fan-out's wall time <= 1.3x the slowest single endpoint alone.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_client import RawHTTP, median_us  # noqa: E402

import dshell.client as docker  # noqa: E402

REQUEST = {"op": "ContainerList", "params": {"all": True}}
LINK_MS = 5.0


def relay(listen: str, target: str, delay: float) -> None:
    """A unix socket relaying to ``target``, each chunk from the daemon passed on ``delay`` seconds after it came, as
    a link with that latency does: chunks in flight overlap, the delay is not paid once per chunk (run in a
    process of its own: ``bench_fanout.py --relay LISTEN TARGET SECONDS``)."""

    async def pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, wait: float) -> None:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def deliver() -> None:
            while (item := await queue.get())[1]:
                due, data = item
                if (left := due - loop.time()) > 0:
                    await asyncio.sleep(left)
                writer.write(data)
                await writer.drain()
            writer.close()

        sender = asyncio.create_task(deliver())
        while data := await reader.read(65536):
            queue.put_nowait((loop.time() + wait, data))
        queue.put_nowait((loop.time() + wait, b""))
        await sender

    async def serve(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        up_r, up_w = await asyncio.open_unix_connection(target)
        await asyncio.gather(pump(client_r, up_w, 0.0), pump(up_r, client_w, delay), return_exceptions=True)

    async def main() -> None:
        server = await asyncio.start_unix_server(serve, listen)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def relayed(uris: dict[str, str], folder: str) -> tuple[dict[str, str], list[subprocess.Popen[bytes]]]:
    """A delaying relay process per endpoint; their URIs and the processes."""
    out, procs = {}, []
    for name, uri in uris.items():
        path = os.path.join(folder, f"{name}.sock")
        procs.append(subprocess.Popen([sys.executable, __file__, "--relay", path, uri.removeprefix("unix://"),
                                       str(LINK_MS / 1000)]))
        out[name] = f"unix://{path}"
    deadline = time.monotonic() + 10
    while not all(os.path.exists(u.removeprefix("unix://")) for u in out.values()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return out, procs


def swarm_uris() -> dict[str, str]:
    """The nodes' own sockets, from ``scripts/swarm up`` (idempotent, ~4 s the first time)."""
    folder = Path(os.environ.get("DSHELL_SWARM_DIR", "/tmp/dshw"))
    subprocess.run([str(ROOT / "scripts" / "swarm"), "up", "3"], check=True, stdin=subprocess.DEVNULL,
                   capture_output=True)
    nodes = json.loads((folder / "env.json").read_text())["nodes"]
    return {node["name"]: node["uri"] for node in nodes}


def measure(title: str, uris: dict[str, str]) -> None:
    """The singles, the fan-out and the serial calls on ``uris``, interleaved; printed with their ratios."""
    clients = {name: docker.client(conn={"uri": uri}) for name, uri in uris.items()}
    try:
        singles = [lambda c=c: docker.call(c, REQUEST) for c in clients.values()]

        def fan() -> None:
            docker.fanout(clients, REQUEST)

        def serial() -> None:
            for c in clients.values():
                docker.call(c, REQUEST)

        raws = [RawHTTP(uri.removeprefix("unix://")) for uri in uris.values()]
        target = f"/{next(iter(clients.values())).api_version}/containers/json?all=true"

        def raw_at_once() -> None:  # the floor: every request on its way, then each answer read, no parsing
            for raw in raws:
                raw.sock.sendall(f"GET {target} HTTP/1.1\r\nHost: docker\r\n\r\n".encode())
            for raw in raws:
                raw.get_answer()

        *alone, fanned, one_by_one, floor = median_us(*singles, fan, serial, raw_at_once, n=100)
        print(title)
        for name, us in zip(clients, alone, strict=True):
            print(f"  ContainerList all=true on {name:10s} alone        {us:8.0f} us")
        slowest = max(alone)
        print(f"  fan-out over {len(clients)} endpoints (docker.fanout)      {fanned:8.0f} us   "
              f"ratio {fanned / slowest:5.2f}x the slowest alone  (target <= 1.3x)")
        print(f"  the same {len(clients)} one after the other           {one_by_one:8.0f} us   "
              f"ratio {one_by_one / slowest:5.2f}x")
        print(f"  raw bytes, all sent then read (no client)   {floor:8.0f} us   "
              f"ratio {floor / slowest:5.2f}x: what the daemons allow here")
    finally:
        for c in clients.values():
            c.close()


def main() -> None:
    uris = swarm_uris()
    clients = {name: docker.client(conn={"uri": uri}) for name, uri in uris.items()}
    made = []
    for name, c in clients.items():  # some rows on each node, more on some (the slowest one sets the bar)
        for i in range(5 * (1 + len(made) // 5)):
            cname = f"dsh-bench-fanout-{os.getpid()}-{i}"
            docker.invoke(c, {"op": "ContainerCreate", "params": {"name": cname, "body": {
                "Image": "busybox", "Cmd": ["true"], "Labels": {"node": name}}}, "throw": True})
            made.append((c, cname))
    try:
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        measure("the nodes' own sockets (this machine)", uris)
        with tempfile.TemporaryDirectory(prefix="dsh-bench-fanout-") as folder:
            links, procs = relayed(uris, folder)
            try:
                measure(f"through a relay adding {LINK_MS:g} ms per answer (an endpoint across a network)", links)
            finally:
                for proc in procs:
                    proc.terminate()
                    proc.wait()
    finally:
        for c, cname in made:
            docker.invoke(c, {"op": "ContainerDelete", "params": {"id": cname, "force": True}})
        for c in clients.values():
            c.close()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--relay"]:
        relay(sys.argv[2], sys.argv[3], float(sys.argv[4]))
    else:
        main()
