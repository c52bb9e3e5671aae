"""docker's swarm commands through dshell on a single-node swarm of the engine (the module holds
``$STATE/swarm.lock`` as tests/ops/test_swarm.py does): services created, listed, scaled and updated (the spec
read, changed and sent back with its version), a node updated, secrets from a file; compared with the CLI where
the output does not depend on timing."""

from __future__ import annotations

import fcntl
import shlex
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

import dshell.client as docker
from dshell.shell.commands.dispatch import execute
from dshell.shell.config import Config
from dshell.shell.session import Session

pytestmark = [pytest.mark.engine, pytest.mark.swarm]
RUN = uuid.uuid4().hex[:6]
S = f"dsh-dcli-svc-{RUN}"


def cli(line: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["/usr/bin/docker", *shlex.split(line)], capture_output=True, text=True, timeout=120,
                          check=False)


@pytest.fixture(scope="module")
def swarm(engine) -> Iterator[Session]:
    import os

    os.environ["DOCKER_HOST"] = engine["docker_host"]
    c = docker.client(conn={"uri": engine["docker_host"]})
    state = lambda: docker.invoke(c, {"op": "SystemInfo"})["Swarm"]["LocalNodeState"]  # noqa: E731
    with open(Path(engine["state_dir"]) / "swarm.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if state() != "inactive":
            docker.invoke(c, {"op": "SwarmLeave", "params": {"force": True}})
        session = Session(Config(endpoint=engine["docker_host"], pager="off"), results_file=None)
        session.start(background=False)
        try:
            init = execute(session, "swarm init --advertise-addr 127.0.0.1 --listen-addr 127.0.0.1:2377")
            assert init.error is None, init.error
            yield session
        finally:
            execute(session, f"service rm {S}")
            execute(session, "swarm leave -f")
            session.close()
            if state() != "inactive":
                docker.invoke(c, {"op": "SwarmLeave", "params": {"force": True}})
            left = docker.invoke(c, {"op": "ContainerList", "params": {"all": True, "filters": {"name": [S]}}})
            for task in left:  # a task's container outlives the swarm it ran in
                docker.invoke(c, {"op": "ContainerDelete", "params": {"id": task["Id"], "force": True}})
            c.close()


def text(reply) -> str:
    plain = getattr(reply.body, "plain_text", None)
    return plain() if callable(plain) else ""


def wait_for(probe, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while not (found := probe()):
        assert time.monotonic() < deadline
        time.sleep(0.3)
    return found


def test_services_are_created_listed_scaled_updated_and_removed(swarm, tmp_path):
    created = execute(swarm, f"service create --name {S} --replicas 1 -l dsh-dcli={RUN} busybox sleep 600")
    assert created.error is None and len(text(created)) == 25  # the service id, as docker prints it
    for line in (f"service ls -q --filter name={S}",
                 f"service ls --filter label=dsh-dcli={RUN} --format '{{{{.Name}}}} {{{{.Mode}}}} {{{{.Image}}}}'",
                 f"service inspect -f '{{{{.Spec.Name}}}} {{{{.Spec.Mode.Replicated.Replicas}}}}' {S}"):
        assert text(execute(swarm, line)).splitlines() == cli(line).stdout.splitlines(), line
    scaled = execute(swarm, f"service scale {S}=2")
    assert (text(scaled), scaled.error) == (f"{S} scaled to 2", None)
    updated = execute(swarm, f"service update --replicas 3 --env-add A=1 --label-add x=y --force -d {S}")
    assert (text(updated), updated.error) == (S, None)
    spec = docker.invoke(swarm.require_client(), {"op": "ServiceInspect", "params": {"id": S}})["Spec"]
    assert spec["Mode"]["Replicated"]["Replicas"] == 3 and spec["TaskTemplate"]["ContainerSpec"]["Env"] == ["A=1"]
    assert spec["Labels"] == {"dsh-dcli": RUN, "x": "y"} and spec["TaskTemplate"]["ForceUpdate"] == 1
    again = execute(swarm, f"service update --env-rm A --label-rm x -d {S}")
    spec = docker.invoke(swarm.require_client(), {"op": "ServiceInspect", "params": {"id": S}})["Spec"]
    assert again.error is None and not spec["TaskTemplate"]["ContainerSpec"].get("Env") and "x" not in spec["Labels"]
    missing = execute(swarm, f"service scale nosuch-{RUN}=2 {S}=1")
    assert text(missing) == f"{S} scaled to 1" and missing.error == f"Error: No such service: nosuch-{RUN}"
    assert "invalid scale specifier" in execute(swarm, f"service scale {S}").error
    assert (text(execute(swarm, f"service rm {S}")), execute(swarm, f"service rm {S}").error) == (
        S, f"Error: No such service: {S}")


def test_a_node_is_updated_and_a_secret_made_from_a_file(swarm, tmp_path):
    me = docker.invoke(swarm.require_client(), {"op": "SystemInfo"})["Swarm"]["NodeID"]
    updated = execute(swarm, f"node update --label-add dsh-dcli={RUN} --availability active {me}")
    assert (text(updated), updated.error) == (me, None)
    line = "node inspect -f '{{index .Spec.Labels \"dsh-dcli\"}} {{.Spec.Availability}}' self"
    assert text(execute(swarm, line)) == cli(line).stdout.strip() == f"{RUN} active"
    execute(swarm, f"node update --label-rm dsh-dcli {me}")
    secret = tmp_path / "s.txt"
    secret.write_text("top secret\n")
    made = execute(swarm, f"secret create dsh-dcli-sec-{RUN} {secret}")
    try:
        assert made.error is None and len(text(made)) == 25
        listed = f"secret ls --filter name=dsh-dcli-sec-{RUN} --format '{{{{.Name}}}}'"
        assert text(execute(swarm, listed)) == cli(listed).stdout.strip() == f"dsh-dcli-sec-{RUN}"
    finally:
        assert text(execute(swarm, f"secret rm dsh-dcli-sec-{RUN}")) == f"dsh-dcli-sec-{RUN}"
