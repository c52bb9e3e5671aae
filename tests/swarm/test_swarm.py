"""Docker Swarm over real nodes: one dockerd per network namespace (scripts/swarm), every op done by dshell."""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterator

import pytest

import dshell.client as docker

from .conftest import Node, call, ready_nodes, wait_for

pytestmark = pytest.mark.engine


@pytest.fixture
def service(swarm_nodes: list[Node]) -> Iterator[list[str]]:
    """Names of services to remove at the end: append to it."""
    made: list[str] = []
    yield made
    for name in made:
        docker.invoke(swarm_nodes[0].client, {"op": "ServiceDelete", "params": {"id": name}})


def _service_name(made: list[str]) -> str:
    made.append(f"dsh-test-{secrets.token_hex(4)}")
    return made[-1]


def running_per_node(manager: Node, service: str) -> Counter[str]:
    """Node ID -> count of the service's running tasks."""
    tasks = call(manager, "TaskList", filters={"service": [service], "desired-state": ["running"]})
    return Counter(t["NodeID"] for t in tasks if t["Status"]["State"] == "running")


def test_init_join_and_every_node_listed(swarm: dict[str, str], swarm_nodes: list[Node]) -> None:
    assert sorted(swarm) == [n.name for n in swarm_nodes]  # distinct hostnames, one per namespace
    listed = call(swarm_nodes[0], "NodeList")
    assert {n["ID"] for n in listed} == set(swarm.values())
    roles = {n["Description"]["Hostname"]: n["Spec"]["Role"] for n in listed}
    assert roles == {"dshsw-n1": "manager", "dshsw-n2": "worker", "dshsw-n3": "worker"}
    for node in swarm_nodes:
        info = call(node, "SystemInfo")["Swarm"]
        assert (info["LocalNodeState"], info["NodeID"], info["NodeAddr"]) == ("active", swarm[node.name], node.addr)


def test_service_spreads_drain_moves_tasks(swarm: dict[str, str], swarm_nodes: list[Node], service) -> None:
    manager, n3 = swarm_nodes[0], swarm_nodes[2]
    name = _service_name(service)
    call(manager, "ServiceCreate", body={
        "Name": name, "Mode": {"Replicated": {"Replicas": 6}},
        "TaskTemplate": {"ContainerSpec": {"Image": "busybox:latest", "Command": ["sleep", "600"]}}})
    spread = wait_for("6 running tasks", lambda: (c := running_per_node(manager, name)) and sum(c.values()) == 6 and c)
    assert sorted(spread) == sorted(swarm.values())  # every node runs some
    for node in swarm_nodes:  # TaskList per node, and each node's own socket shows its containers
        on_node = call(manager, "TaskList", filters={"service": [name], "node": [swarm[node.name]],
                                                     "desired-state": ["running"]})
        assert len(on_node) == spread[swarm[node.name]] == 2
        containers = call(node, "ContainerList", filters={"label": [f"com.docker.swarm.service.name={name}"]})
        assert {c["Labels"]["com.docker.swarm.task.id"] for c in containers} == {t["ID"] for t in on_node}
        assert all(c["Labels"]["com.docker.swarm.node.id"] == swarm[node.name] for c in containers)

    spec = call(manager, "NodeInspect", id=swarm[n3.name])
    call(manager, "NodeUpdate", id=swarm[n3.name], version=spec["Version"]["Index"],
         body={**spec["Spec"], "Availability": "drain"})
    try:
        moved = wait_for("the tasks to leave the drained node", lambda: (
            (c := running_per_node(manager, name)) and sum(c.values()) == 6 and swarm[n3.name] not in c and c))
        assert sorted(moved.values()) == [3, 3]
        wait_for("no service container on the drained node", lambda: not call(
            n3, "ContainerList", filters={"label": [f"com.docker.swarm.service.name={name}"]}))
    finally:
        spec = call(manager, "NodeInspect", id=swarm[n3.name])
        call(manager, "NodeUpdate", id=swarm[n3.name], version=spec["Version"]["Index"],
             body={**spec["Spec"], "Availability": "active"})


def test_service_logs_across_nodes(swarm: dict[str, str], swarm_nodes: list[Node], service) -> None:
    manager = swarm_nodes[0]
    name = _service_name(service)
    call(manager, "ServiceCreate", body={
        "Name": name, "Mode": {"Global": {}},
        "TaskTemplate": {"RestartPolicy": {"Condition": "none"}, "ContainerSpec": {
            "Image": "busybox:latest", "Hostname": "{{.Node.Hostname}}",
            "Command": ["sh", "-c", "echo hello from $(hostname)"]}}})
    wait_for("a finished task per node", lambda: len([
        t for t in call(manager, "TaskList", filters={"service": [name]})
        if t["Status"]["State"] == "complete"]) == len(swarm_nodes))
    logs = wait_for("a log line from every node", lambda: (
        text := docker.invoke(manager.client, {"op": "ServiceLogs", "throw": True,
                                               "params": {"id": name, "stdout": True}}))
        and len(text.splitlines()) == len(swarm_nodes) and text)
    assert sorted(logs.splitlines()) == [f"hello from {n.name}" for n in swarm_nodes]


def test_node_delete_of_a_node_that_left(swarm: dict[str, str], swarm_nodes: list[Node]) -> None:
    manager, n3 = swarm_nodes[0], swarm_nodes[2]
    call(n3, "SwarmLeave")
    gone = swarm[n3.name]
    wait_for("the manager to see the node down", lambda: call(manager, "NodeInspect", id=gone)["Status"]["State"]
             == "down")
    call(manager, "NodeDelete", id=gone)
    assert gone not in {n["ID"] for n in call(manager, "NodeList")}
    error = docker.invoke(manager.client, {"op": "NodeInspect", "params": {"id": gone}})
    assert "not found" in error["message"]
    token = call(manager, "SwarmInspect")["JoinTokens"]["Worker"]  # back to three for whatever runs next
    call(n3, "SwarmJoin", body={"ListenAddr": f"{n3.addr}:2377", "AdvertiseAddr": n3.addr,
                                "RemoteAddrs": [f"{manager.addr}:2377"], "JoinToken": token})
    swarm.update(wait_for("the node back", lambda: ready_nodes(manager, len(swarm_nodes))))
