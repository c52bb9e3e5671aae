"""Swarm on the shared engine, in one module: init, inspect, update, unlock key and the unlock path, join's
error path, leave; nodes, services with logs, tasks with logs, secrets and configs.

The module-scoped ``swarm`` fixture inits a single-node swarm (``--advertise-addr 127.0.0.1``) and always
leaves it at teardown. The shared engine can hold one swarm: every module that uses swarm on it takes the
file lock ``$STATE/swarm.lock`` (other test processes on the same engine wait), and is marked ``swarm``.

Covered elsewhere: a multi-node SwarmJoin and NodeDelete of a worker run on helper engines in a namespaced
swarm (tests/ssh); here SwarmJoin and NodeDelete are checked on their error paths (already in a swarm; the
only node cannot delete itself).
"""

from __future__ import annotations

import base64
import fcntl
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import dshell.client as docker

from .conftest import call

pytestmark = [pytest.mark.engine, pytest.mark.swarm]


def _state(c: docker.Client) -> str:
    return call(c, "SystemInfo")["Swarm"]["LocalNodeState"]


@pytest.fixture(scope="module")
def swarm(engine) -> Iterator[docker.Client]:
    """A client on the engine while it is the manager of a fresh single-node swarm."""
    c = docker.client(conn={"uri": engine["docker_host"]})
    with open(Path(engine["state_dir"]) / "swarm.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another test process's swarm module finishes first
        if _state(c) != "inactive":  # a crashed run of this module: the lock says nobody else is in it
            call(c, "SwarmLeave", force=True)
        call(c, "SwarmInit", body={"ListenAddr": "127.0.0.1:2377", "AdvertiseAddr": "127.0.0.1"})
        try:
            yield c
        finally:
            if _state(c) != "inactive":
                call(c, "SwarmLeave", force=True)
            c.close()


def wait_for(what: str, probe, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while not (found := probe()):
        assert time.monotonic() < deadline, f"{what}: not within {timeout:g}s"
        time.sleep(0.3)
    return found


def with_fresh_version(inspect, update, tries: int = 10):
    """``update(found)`` on a fresh ``inspect()``, again while the object's version moved in between (a new
    node's status bumps it for a while after init)."""
    for _ in range(tries - 1):
        try:
            return update(inspect())
        except docker.DockerError as err:
            if "update out of sequence" not in err.message:
                raise
            time.sleep(0.3)
    return update(inspect())


def test_inspect_and_update_rotating_a_token(swarm):
    before = call(swarm, "SwarmInspect")
    assert before["ID"] and before["JoinTokens"]["Worker"].startswith("SWMTKN-1-")
    spec = {**before["Spec"], "Labels": {"dsh.test": "swarm"}}
    call(swarm, "SwarmUpdate", version=before["Version"]["Index"], rotateWorkerToken=True, body=spec)
    after = call(swarm, "SwarmInspect")
    assert after["Spec"]["Labels"] == {"dsh.test": "swarm"}
    assert after["JoinTokens"]["Worker"] != before["JoinTokens"]["Worker"]
    assert after["JoinTokens"]["Manager"] == before["JoinTokens"]["Manager"]
    with pytest.raises(docker.DockerError) as stale:
        call(swarm, "SwarmUpdate", version=before["Version"]["Index"], body=spec)
    assert "update out of sequence" in stale.value.message


def test_autolock_unlock_key_and_the_unlock_path(swarm):
    current = call(swarm, "SwarmInspect")
    locked = {**current["Spec"], "EncryptionConfig": {"AutoLockManagers": True}}
    call(swarm, "SwarmUpdate", version=current["Version"]["Index"], body=locked)
    key = call(swarm, "SwarmUnlockkey")["UnlockKey"]
    assert key.startswith("SWMKEY-1-")
    # Unlocking needs a locked manager, i.e. a daemon restart: not on the shared engine. The path is taken
    # with the real key and the daemon says why it has nothing to unlock.
    with pytest.raises(docker.DockerError) as unlocked:
        call(swarm, "SwarmUnlock", body={"UnlockKey": key})
    assert unlocked.value.status == 409 and "swarm is not locked" in unlocked.value.message
    current = call(swarm, "SwarmInspect")
    call(swarm, "SwarmUpdate", version=current["Version"]["Index"],
         body={**current["Spec"], "EncryptionConfig": {"AutoLockManagers": False}})
    assert call(swarm, "SwarmUnlockkey")["UnlockKey"] in ("", None)


def test_join_while_in_a_swarm_is_refused(swarm):
    token = call(swarm, "SwarmInspect")["JoinTokens"]["Worker"]
    with pytest.raises(docker.DockerError) as err:
        call(swarm, "SwarmJoin", body={"ListenAddr": "127.0.0.1:2378", "RemoteAddrs": ["127.0.0.1:2377"],
                                       "JoinToken": token})
    assert err.value.status == 503 and "already part of a swarm" in err.value.message


def test_nodes_list_inspect_update_and_delete_refused(swarm):
    nodes = call(swarm, "NodeList")
    assert len(nodes) == 1 and nodes[0]["ManagerStatus"]["Leader"] is True
    node = call(swarm, "NodeInspect", id=nodes[0]["ID"])
    assert node["Status"]["State"] == "ready" and node["Spec"]["Role"] == "manager"
    with_fresh_version(lambda: call(swarm, "NodeInspect", id=node["ID"]), lambda found: call(
        swarm, "NodeUpdate", id=found["ID"], version=found["Version"]["Index"],
        body={**found["Spec"], "Labels": {"dsh.test": "node"}}))
    assert call(swarm, "NodeInspect", id=node["ID"])["Spec"]["Labels"] == {"dsh.test": "node"}
    with pytest.raises(docker.DockerError) as err:
        call(swarm, "NodeDelete", id=node["ID"])
    assert err.value.status in (400, 412, 500) and "manager" in err.value.message.lower()


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def test_secrets_and_configs(swarm, unique_name):
    for kind, key in (("Secret", "ID"), ("Config", "ID")):
        name = unique_name(f"dsh-test-{kind.lower()}")
        made = call(swarm, f"{kind}Create", body={"Name": name, "Data": b64(f"{kind} data"), "Labels": {"a": "1"}})
        try:
            found = call(swarm, f"{kind}Inspect", id=made[key])
            assert found["Spec"]["Name"] == name and found["Spec"]["Labels"] == {"a": "1"}
            if kind == "Secret":
                assert "Data" not in found["Spec"]  # a secret's data never comes back
            else:
                assert base64.b64decode(found["Spec"]["Data"]) == b"Config data"
            assert [s["ID"] for s in call(swarm, f"{kind}List", filters={"name": [name]})] == [made[key]]
            spec = {**found["Spec"], "Labels": {"a": "2"}}
            if kind == "Secret":
                spec["Data"] = b64("Secret data")
            call(swarm, f"{kind}Update", id=made[key], version=found["Version"]["Index"], body=spec)
            assert call(swarm, f"{kind}Inspect", id=made[key])["Spec"]["Labels"] == {"a": "2"}
        finally:
            call(swarm, f"{kind}Delete", id=made[key])
        assert call(swarm, f"{kind}List", filters={"name": [name]}) == []


def test_a_service_with_a_secret_and_a_config_its_tasks_and_logs(swarm, unique_name):
    name = unique_name("dsh-test-svc")
    secret = call(swarm, "SecretCreate", body={"Name": f"{name}-s", "Data": b64("the secret")})["ID"]
    config = call(swarm, "ConfigCreate", body={"Name": f"{name}-c", "Data": b64("the config")})["ID"]
    target = {"UID": "0", "GID": "0", "Mode": 0o444}
    spec = {"Name": name, "Labels": {"dsh.test": name}, "TaskTemplate": {"ContainerSpec": {
        "Image": "busybox:latest",
        "Command": ["sh", "-c", "echo svc-$(cat /run/secrets/s)-$(cat /c); sleep 300"],
        "Secrets": [{"SecretID": secret, "SecretName": f"{name}-s", "File": {"Name": "s", **target}}],
        "Configs": [{"ConfigID": config, "ConfigName": f"{name}-c", "File": {"Name": "/c", **target}}]}}}
    made = call(swarm, "ServiceCreate", body=spec)
    try:
        assert call(swarm, "ServiceInspect", id=name)["ID"] == made["ID"]
        assert [s["ID"] for s in call(swarm, "ServiceList", filters={"name": [name]})] == [made["ID"]]
        running = wait_for("a running task", lambda: [t for t in call(
            swarm, "TaskList", filters={"service": [name], "desired-state": ["running"]})
            if t["Status"]["State"] == "running"])
        task = call(swarm, "TaskInspect", id=running[0]["ID"])
        assert task["ServiceID"] == made["ID"] and task["Spec"]["ContainerSpec"]["Image"].startswith("busybox")
        line = "svc-the secret-the config\n"
        assert wait_for("service logs", lambda: call(swarm, "ServiceLogs", id=name, stdout=True)) == line
        assert call(swarm, "TaskLogs", id=task["ID"], stdout=True) == line
        current = call(swarm, "ServiceInspect", id=name)
        call(swarm, "ServiceUpdate", id=name, version=current["Version"]["Index"],
             body={**current["Spec"], "Labels": {"dsh.test": "updated"}})
        assert call(swarm, "ServiceInspect", id=name)["Spec"]["Labels"] == {"dsh.test": "updated"}
    finally:
        call(swarm, "ServiceDelete", id=name)
    assert call(swarm, "ServiceList", filters={"name": [name]}) == []
    wait_for("the service's containers gone", lambda: not call(
        swarm, "ContainerList", all=True, filters={"label": [f"com.docker.swarm.service.id={made['ID']}"]}))
    call(swarm, "SecretDelete", id=secret)
    call(swarm, "ConfigDelete", id=config)


def test_leave_ends_the_swarm(swarm):
    call(swarm, "SwarmLeave", force=True)
    assert _state(swarm) == "inactive"
    with pytest.raises(docker.DockerError, match="not a swarm manager|This node is not"):
        call(swarm, "ServiceList")
