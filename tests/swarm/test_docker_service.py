"""docker's ``service create`` and ``service update`` with the flags of a day's work, typed into dshell and into the
docker CLI on the manager of a real 3-node swarm (scripts/swarm): the service specs the two make are the same (the
names and published ports of the twins aside)."""

from __future__ import annotations

import json
import os
import re
import secrets
import shlex
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

import dshell.client as docker
from dshell.shell.commands.dispatch import execute
from dshell.shell.config import Config
from dshell.shell.session import Session

from .conftest import SWARM_DIR, Node

pytestmark = pytest.mark.engine
DOCKER_20 = "/usr/bin/docker"
RUN = secrets.token_hex(3)
CLI, MINE = f"dsh-svc-{RUN}-cli", f"dsh-svc-{RUN}-ds"
CREATE = ("--replicas 2 -p {p}80:80 -p published={p}90,target=90,protocol=udp --mount type=volume,source=v,"
          "target=/data,ro --network {net} --update-delay 10s --update-parallelism 2 --limit-cpu 0.5 "
          "--limit-memory 64m --reserve-memory 32m --reserve-cpu 0.25 --entrypoint 'sh -c' -e A=1 -e B=2 --label a=b "
          "--container-label c=d --constraint node.role==manager --restart-condition on-failure -w /tmp -u nobody "
          "--hostname h1 --stop-grace-period 3s busybox 'sleep 600'")
UPDATE = ("--image busybox:1.36 --env-add C=3 --env-rm A --label-add x=y --label-rm a --publish-add {p}70:70 "
          "--publish-rm 90/udp --replicas 3 --force --limit-cpu 1 --update-delay 5s --restart-condition any "
          "--mount-add type=tmpfs,target=/t --mount-rm /data --constraint-add node.labels.z==1 --container-label-rm c "
          "--entrypoint sh --args '-c true' -w /srv")


@pytest.fixture(scope="module")
def session(swarm: dict[str, str], swarm_nodes: list[Node]) -> Iterator[Session]:
    manager = swarm_nodes[0]
    made = docker.invoke(manager.client, {"op": "NetworkCreate", "params": {"networkConfig": {
        "Name": f"dsh-svc-{RUN}-net", "Driver": "overlay", "Attachable": True}}, "throw": True})
    s = Session(Config(endpoint=f"unix://{_socket(manager)}", pager="off"), results_file=None)
    s.start(background=False)
    try:
        yield s
    finally:
        s.close()
        for name in (CLI, MINE, f"{CLI}-g", f"{MINE}-g"):
            docker.call(manager.client, {"op": "ServiceDelete", "params": {"id": name}})
        docker.call(manager.client, {"op": "NetworkDelete", "params": {"id": made["Id"]}})


def _socket(node: Node) -> str:
    env = json.loads((SWARM_DIR / "env.json").read_text())
    return next(n["socket"] for n in env["nodes"] if n["name"] == node.name)


def spec(manager: Node, name: str) -> dict[str, Any]:
    found = docker.invoke(manager.client, {"op": "ServiceInspect", "params": {"id": name}, "throw": True})["Spec"]
    found["Name"] = "NAME"
    env = found["TaskTemplate"]["ContainerSpec"].get("Env")
    if env:  # the CLI's update adds variables in Go's random map order
        env.sort()
    for port in (found.get("EndpointSpec") or {}).get("Ports") or []:
        port["PublishedPort"] %= 100  # the twins publish 3080 and 3180
    return found


def _docker_cli(manager: Node, line: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DOCKER_HOST": f"unix://{_socket(manager)}"}
    return subprocess.run([DOCKER_20, *shlex.split(line)], capture_output=True, text=True, timeout=60, check=False,
                          env=env)


def test_create_then_update_make_the_spec_the_docker_cli_makes(session: Session, swarm_nodes: list[Node]) -> None:
    manager = swarm_nodes[0]
    net = f"dsh-svc-{RUN}-net"
    made = _docker_cli(manager, f"service create -d --no-resolve-image --name {CLI} {CREATE.format(p=30, net=net)}")
    assert made.returncode == 0, made.stderr
    mine = execute(session, f"service create -d --name {MINE} {CREATE.format(p=31, net=net)}")
    assert mine.error is None and len(mine.body.plain_text()) == 25  # the id, as docker prints it
    assert spec(manager, MINE) == spec(manager, CLI)
    updated = _docker_cli(manager, f"service update -d --no-resolve-image {UPDATE.format(p=30)} {CLI}")
    assert updated.returncode == 0, updated.stderr
    mine = execute(session, f"service update -d {UPDATE.format(p=31)} {MINE}")
    assert (mine.error, mine.body.plain_text()) == (None, MINE)
    assert spec(manager, MINE) == spec(manager, CLI)


def test_a_global_service_and_what_docker_refuses(session: Session, swarm_nodes: list[Node]) -> None:
    manager = swarm_nodes[0]
    line = "service create -d --mode global --publish published={p}85,target=85,mode=host busybox sleep 600"
    assert _docker_cli(manager, line.replace("-d", f"-d --no-resolve-image --name {CLI}-g").format(p=30)
                       ).returncode == 0
    assert execute(session, line.replace("-d", f"-d --name {MINE}-g").format(p=31)).error is None
    assert spec(manager, f"{MINE}-g") == spec(manager, f"{CLI}-g")
    for line, said in ((f"service update --replicas 2 {MINE}-g", "replicas can only be used with replicated mode"),
                       ("service create --mode global --replicas 2 busybox",
                        "replicas can only be used with replicated or replicated-job mode"),
                       ("service create --mode job busybox", "Unknown mode: job, only replicated and global"),
                       ("service create -p 1.2.3.4:80:80 busybox", "hostip is not supported"),
                       ("service create --update-delay 10 busybox", "invalid duration '10'"),
                       ("service create --mount source=v busybox", "target is required")):
        assert said in (execute(session, line).error or ""), line


def test_info_on_a_manager_prints_docker_swarm_lines(session: Session, swarm_nodes: list[Node]) -> None:
    def server(text: str) -> list[str]:  # Go prints the runtimes in its random map order; tasks come and go
        lines = text[text.index("Server:"):].splitlines()
        lines = [re.sub(r"^( +(?:Containers|Running|Paused|Stopped|Images): )\d+$", r"\1N", line) for line in lines]
        lines = [line for n, line in enumerate(lines) if not line.startswith(" Registry: ")  # the 20.10 CLI's
                 and not (line == " Labels:" and not lines[n + 1].startswith("  "))]
        return [" ".join(sorted(line.split())) if line.startswith(" Runtimes:") else line for line in lines]

    cli, mine = _docker_cli(swarm_nodes[0], "info"), execute(session, "info")
    assert mine.error is None and " Is Manager: true" in mine.body.plain_text()
    assert server(mine.body.plain_text() + "\n") == server(cli.stdout)  # dshell -c ends the text with a newline


def test_node_inspect_pretty_prints_docker_report(session: Session, swarm_nodes: list[Node]) -> None:
    label = f"dsh-svc-{RUN}"
    assert execute(session, f"node update --label-add {label}=x --label-add {label}-empty dshsw-n2").error is None
    try:
        line = "node inspect --pretty self dshsw-n2 dshsw-n3"
        cli, mine = _docker_cli(swarm_nodes[0], line), execute(session, line)
        assert mine.error is None and f" - {label}=x" in mine.body.plain_text()
        assert mine.body.plain_text() + "\n" == cli.stdout
    finally:
        execute(session, f"node update --label-rm {label} --label-rm {label}-empty dshsw-n2")
    pretty = execute(session, "node inspect --pretty -f '{{.ID}}' self")  # docker's node inspect: --pretty wins
    assert pretty.body.plain_text() + "\n" == _docker_cli(swarm_nodes[0], "node inspect --pretty -f x self").stdout
