"""Autolock: a manager whose dockerd restarts comes back locked, and SwarmUnlock with the key opens it."""

from __future__ import annotations

import pytest

import dshell.client as docker

from .conftest import Node, call, swarm_script, wait_for

pytestmark = pytest.mark.engine


def _autolock(manager: Node, on: bool) -> None:
    current = call(manager, "SwarmInspect")
    spec = {**current["Spec"], "EncryptionConfig": {"AutoLockManagers": on}}
    call(manager, "SwarmUpdate", version=current["Version"]["Index"], body=spec)


def test_swarm_unlock_after_a_restart(swarm: dict[str, str], swarm_nodes: list[Node]) -> None:
    manager = swarm_nodes[0]
    _autolock(manager, True)
    key = call(manager, "SwarmUnlockkey")["UnlockKey"]
    assert key.startswith("SWMKEY-")
    manager.client.close()
    swarm_script("restart", manager.name)
    try:
        wait_for("the restarted manager to say it is locked",
                 lambda: call(manager, "SystemInfo")["Swarm"]["LocalNodeState"] == "locked")
        locked = docker.invoke(manager.client, {"op": "NodeList"})
        assert "locked" in locked["message"]
        wrong = docker.invoke(manager.client, {"op": "SwarmUnlock", "params": {"body": {"UnlockKey": "SWMKEY-1-x"}}})
        assert "invalid key" in wrong["message"], wrong
        call(manager, "SwarmUnlock", body={"UnlockKey": key})
        assert call(manager, "SystemInfo")["Swarm"]["LocalNodeState"] == "active"
        wait_for("the nodes listed again", lambda: len(call(manager, "NodeList")) == len(swarm_nodes))
    finally:
        if call(manager, "SystemInfo")["Swarm"]["LocalNodeState"] == "active":
            _autolock(manager, False)
