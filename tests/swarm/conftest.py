"""Fixtures for a real multi-node swarm: the namespaced dockerds of ``scripts/swarm``, joined by dshell."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest

import dshell.client as docker

REPO = Path(__file__).resolve().parents[2]
SWARM_DIR = Path(os.environ.get("DSHELL_SWARM_DIR", "/tmp/dshw"))
NODES = 3


class Node(NamedTuple):
    """One namespaced dockerd: its name (= hostname), address on the swarm's bridge and a client on its socket."""

    name: str
    addr: str
    client: docker.Client


def swarm_script(*args: str) -> None:
    """Run scripts/swarm; its stderr is the failure message."""
    proc = subprocess.run([str(REPO / "scripts" / "swarm"), *args], stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=600, check=False,
                          env={**os.environ, "DSHELL_SWARM_DIR": str(SWARM_DIR)})
    if proc.returncode != 0:
        raise RuntimeError(f"scripts/swarm {' '.join(args)} failed (exit {proc.returncode}): {proc.stderr[-3000:]}")


def wait_for(what: str, check: Callable[[], Any], seconds: float = 60.0) -> Any:
    """Poll ``check`` until it returns something true; its value. Fails naming ``what`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds:g}s waiting for {what} (last: {value!r})")
        time.sleep(0.25)


def call(node: Node, op: str, **params: Any) -> Any:
    """One op on ``node``, raising DockerError on an error answer."""
    return docker.invoke(node.client, {"op": op, "params": params, "throw": True})


@pytest.fixture(scope="session")
def swarm_nodes(engine: dict[str, Any]) -> Iterator[list[Node]]:
    """``scripts/swarm up 3`` (idempotent); a client per node on its own unix socket."""
    swarm_script("up", str(NODES))
    env = json.loads((SWARM_DIR / "env.json").read_text())
    nodes = [Node(n["name"], n["addr"], docker.client(conn={"uri": n["uri"]})) for n in env["nodes"]]
    yield nodes
    for node in nodes:
        node.client.close()


def form_swarm(nodes: list[Node]) -> dict[str, str]:
    """Every node leaves what swarm it was in; node 1 inits one (SwarmInit), the others join it as workers
    (SwarmJoin); all done by dshell. Node name -> node ID, once every node is ready."""
    for node in nodes:
        if docker.invoke(node.client, {"op": "SystemInfo"})["Swarm"]["LocalNodeState"] != "inactive":
            call(node, "SwarmLeave", force=True)
    manager, workers = nodes[0], nodes[1:]
    call(manager, "SwarmInit", body={"ListenAddr": f"{manager.addr}:2377", "AdvertiseAddr": manager.addr})
    token = call(manager, "SwarmInspect")["JoinTokens"]["Worker"]
    for node in workers:
        call(node, "SwarmJoin", body={"ListenAddr": f"{node.addr}:2377", "AdvertiseAddr": node.addr,
                                      "RemoteAddrs": [f"{manager.addr}:2377"], "JoinToken": token})
    return wait_for("every node ready", lambda: ready_nodes(manager, len(nodes)))


def ready_nodes(manager: Node, count: int) -> dict[str, str] | None:
    """Hostname -> node ID when ``count`` nodes are ready, else None."""
    listed = call(manager, "NodeList")
    ready = {n["Description"]["Hostname"]: n["ID"] for n in listed if n["Status"]["State"] == "ready"}
    return ready if len(ready) == count else None


@pytest.fixture(scope="module")
def swarm(swarm_nodes: list[Node]) -> dict[str, str]:
    """A fresh swarm over the nodes for the module: hostname -> node ID."""
    return form_swarm(swarm_nodes)
