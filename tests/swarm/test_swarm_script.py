"""scripts/swarm keeps to what it made: the machine's own addresses and routes stay as they were, and a failed
``up`` leaves nothing behind."""

from __future__ import annotations

import os
import subprocess

import pytest

from .conftest import REPO, SWARM_DIR, swarm_script

pytestmark = pytest.mark.engine


def _ip(*args: str) -> list[str]:
    return subprocess.run(["ip", *args], capture_output=True, text=True, check=True).stdout.splitlines()


def machine_network() -> list[str]:
    """The machine's links, addresses and routes (names and addresses, not their up/down state, which other
    people's containers flip), less the swarm's own and containers' veths."""
    links = [line.split(": ")[1].split("@")[0] for line in _ip("-o", "link", "show")]
    addrs = [" ".join(line.split()[1:4]) for line in _ip("-o", "addr", "show")]
    routes = [line.replace(" linkdown", "") for line in _ip("route", "show", "table", "all")]
    return sorted(line for line in links + addrs + routes if "dshsw" not in line and "veth" not in line)


def ours() -> list[str]:
    """The namespaces and links the swarm made."""
    return sorted([n for n in _ip("netns", "list") if n.startswith("dshsw")]
                  + [line.split(": ")[1] for line in _ip("-o", "link", "show") if "dshsw" in line])


def test_down_and_up_touch_only_their_own(swarm_nodes) -> None:
    before = machine_network()
    try:
        swarm_script("down")
        assert ours() == [] and not SWARM_DIR.exists()
        assert machine_network() == before
        swarm_script("down")  # idempotent
        failed = subprocess.run([str(REPO / "scripts" / "swarm"), "up"], capture_output=True, text=True,
                                timeout=300, stdin=subprocess.DEVNULL, check=False,
                                env={**os.environ, "DSHELL_SWARM_TIMEOUT": "0"})
        assert failed.returncode != 0 and "up failed: cleaning up" in failed.stderr
        assert ours() == [] and not SWARM_DIR.exists()  # a failed run cleans up after itself
    finally:
        swarm_script("up", str(len(swarm_nodes)))
    assert len([n for n in ours() if n.startswith("dshsw-n")]) == len(swarm_nodes)
    assert machine_network() == before


def test_every_node_and_the_engine_have_their_own_daemon_id(swarm_nodes, engine) -> None:
    """Each dockerd reads a trust key of its own (not /etc/docker/key.json): SystemInfo.ID tells them apart."""
    import dshell.client as docker

    ids = [docker.invoke(node.client, {"op": "SystemInfo", "throw": True})["ID"] for node in swarm_nodes]
    main = docker.client(conn={"uri": engine["docker_host"]})
    try:
        main_id = docker.invoke(main, {"op": "SystemInfo", "throw": True})["ID"]
    finally:
        main.close()
    assert all(ids) and len(set(ids)) == len(ids), ids
    assert main_id not in ids
    for i, node in enumerate(swarm_nodes, 1):  # 20.10 reads a trust key; Docker 25 (API 1.44) keeps an engine-id
        kept = "key.json" if docker.version_key(node.client.api_version) < (1, 44) else "data/engine-id"
        assert (SWARM_DIR / f"n{i}" / kept).is_file()
