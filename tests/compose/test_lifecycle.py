"""dshell.compose on the engine: up is idempotent and recreates only what changed, a failing service stops up
with its reason and leaves what started, dry runs send no write, down goes in dependency order, logs merge,
ls/ps/tree/top/images/port/run/exec."""

from __future__ import annotations

import re
import secrets
import textwrap
import time
from pathlib import Path

import pytest

import dshell.compose as compose

from .conftest import leftovers

pytestmark = pytest.mark.engine

WRITES = {"NetworkCreate", "VolumeCreate", "ContainerCreate", "ContainerStart", "ContainerStop", "ContainerDelete",
          "NetworkConnect", "ImageCreate", "ImageBuild", "NetworkDelete", "VolumeDelete"}
PROJECT = """\
services:
  web:
    image: busybox:latest
    command: ["sh", "-c", "echo web says hi; echo web err >&2; exec sleep 3600"]
    environment: {LEVEL: "${LEVEL:-one}"}
    depends_on:
      db: {condition: service_healthy}
    ports: ["127.0.0.1::80"]
  db:
    image: busybox:latest
    command: ["sh", "-c", "echo db ready; exec sleep 3600"]
    healthcheck: {test: ["CMD", "true"], interval: 1s}
    volumes: [data:/data]
volumes:
  data: {}
"""


@pytest.fixture
def made(tmp_path, dclient, scrub):
    """``made(text, **env)``: a project of the compose file ``text`` in a fresh folder, named dsh-compose-…"""

    def make(text: str = PROJECT, **env: str) -> compose.Project:
        name = f"dsh-compose-{secrets.token_hex(4)}"
        scrub(name)
        (tmp_path / "compose.yaml").write_text(textwrap.dedent(text))
        return compose.project(dclient, name=name, workdir=str(tmp_path), env=env)

    return make


def ops(steps: compose.Steps) -> list[str]:
    return [s.request["op"] for s in steps.done if s.request and s.outcome is not None or
            (s.request and steps.dry_run and s.request["op"] in WRITES)]


def writes(steps: compose.Steps) -> list[str]:
    return [op for op in ops(steps) if op in WRITES]


def test_up_twice_changes_nothing_and_a_change_recreates_that_service(made, dclient, tmp_path):
    p = made()
    first = p.up()
    assert writes(first) == ["NetworkCreate", "VolumeCreate", "ContainerCreate", "ContainerStart",
                             "ContainerCreate", "ContainerStart"]
    assert "Container " + p.name + "-db-1  Healthy" in first.lines
    before = {r["Name"]: r["ID"] for r in p.ps()}
    again = p.up()
    assert writes(again) == []
    assert f"Container {p.name}-web-1  Running" in again.lines
    changed = compose.project(dclient, name=p.name, workdir=str(tmp_path), env={"LEVEL": "two"})
    third = changed.up()
    assert writes(third) == ["ContainerStop", "ContainerDelete", "ContainerCreate", "ContainerStart"]
    after = {r["Name"]: r["ID"] for r in p.ps()}
    assert after[f"{p.name}-db-1"] == before[f"{p.name}-db-1"]
    assert after[f"{p.name}-web-1"] != before[f"{p.name}-web-1"]
    changed.down(volumes=True, timeout=0)


def test_a_failing_dependency_stops_up_with_its_reason_and_leaves_what_started(made):
    p = made("""\
        services:
          sick:
            image: busybox:latest
            command: sleep 3600
            healthcheck: {test: ["CMD", "false"], interval: 1s, retries: 1}
          fine:
            image: busybox:latest
            command: sleep 3600
          web:
            image: busybox:latest
            command: sleep 3600
            depends_on:
              sick: {condition: service_healthy}
              fine: {condition: service_started}
        """)
    with pytest.raises(compose.ComposeError, match=rf"dependency failed to start: container {p.name}-sick-1 is "
                                                   "unhealthy"):
        p.up()
    states = {r["Service"]: r["State"] for r in p.ps(all=True)}
    assert states == {"sick": "running", "fine": "running"}  # web never made, the others left running
    p.down(timeout=0)


def test_a_job_that_fails_stops_up(made):
    p = made("""\
        services:
          migrate: {image: busybox:latest, command: ["sh", "-c", "exit 3"]}
          app:
            image: busybox:latest
            command: sleep 3600
            depends_on: {migrate: {condition: service_completed_successfully}}
        """)
    with pytest.raises(compose.ComposeError, match="service 'migrate' didn't complete successfully: exit 3"):
        p.up()
    p.down(timeout=0)


def test_dry_run_sends_no_write(made, dclient):
    p = made()
    planned = p.up(dry_run=True)
    assert writes(planned) == ["NetworkCreate", "VolumeCreate", "ContainerCreate", "ContainerStart",
                               "ContainerCreate", "ContainerStart"]
    create = next(s.request for s in planned.done if s.request.get("op") == "ContainerCreate")
    assert create["params"]["name"] == f"{p.name}-db-1"
    assert leftovers(dclient, p.name) == {"containers": [], "networks": [], "volumes": []}
    p.up()
    assert writes(p.down(volumes=True, dry_run=True))[:2] == ["ContainerStop", "ContainerStop"]
    assert len(leftovers(dclient, p.name)["containers"]) == 2
    p.down(volumes=True, timeout=0)


def test_down_stops_dependents_first_then_networks_then_volumes(made, dclient):
    p = made()
    p.up()
    down = p.down(volumes=True, timeout=0)
    assert down.lines == [f"Container {p.name}-web-1  Stopped", f"Container {p.name}-db-1  Stopped",
                          f"Container {p.name}-web-1  Removed", f"Container {p.name}-db-1  Removed",
                          f"Network {p.name}_default  Removed", f"Volume {p.name}_data  Removed"]
    assert leftovers(dclient, p.name) == {"containers": [], "networks": [], "volumes": []}


def test_lifecycle_by_labels_alone(made, dclient):
    p = made()
    p.up()
    bare = compose.project(dclient, name=p.name, workdir="/")  # no file: the labels say it all
    assert bare.model is None
    assert [s.line for s in bare.stop(timeout=0).done] == [f"Container {p.name}-web-1  Stopped",
                                                           f"Container {p.name}-db-1  Stopped"]
    assert [r["State"] for r in bare.ps(all=True)] == ["exited", "exited"]
    assert bare.start().lines == [f"Container {p.name}-db-1  Started", f"Container {p.name}-web-1  Started"]
    assert bare.pause(["web"]).lines == [f"Container {p.name}-web-1  Paused"]
    assert bare.unpause().lines == [f"Container {p.name}-web-1  Unpaused"]
    assert bare.kill(["db"]).lines == [f"Container {p.name}-db-1  Killed"]
    assert bare.rm().lines[0].startswith("Going to leave running")
    assert [r["Service"] for r in bare.ps(all=True)] == ["web"]
    with pytest.raises(compose.ComposeError, match="up needs the project's compose file"):
        bare.up()
    bare.down(volumes=True, timeout=0)
    assert leftovers(dclient, p.name) == {"containers": [], "networks": [], "volumes": []}


def test_views(made, dclient):
    p = made()
    p.up()
    listed = {r["Name"]: r for r in compose.ls(dclient)}
    assert listed[p.name]["Status"] == "running(2)"
    assert listed[p.name]["ConfigFiles"] == p.model.files[0]
    rows = p.ps()
    assert [r["Service"] for r in rows] == ["db", "web"] and rows[0]["Health"] == "healthy"
    host_port = rows[1]["Publishers"][0]["PublishedPort"]
    assert p.port("web", 80) == f"127.0.0.1:{host_port}"
    tree = p.tree()[p.name]
    assert tree["services"]["web"]["depends_on"] == ["db"]
    assert tree["services"]["web"]["containers"][f"{p.name}-web-1"]["Ports"] == [f"127.0.0.1:{host_port}->80/tcp"]
    assert tree["networks"] == [f"{p.name}_default"] and tree["volumes"] == [f"{p.name}_data"]
    assert {r["SERVICE"] for r in p.top()} == {"db", "web"}
    assert {(r["Container"], r["Repository"], r["Tag"]) for r in p.images()} == {
        (f"{p.name}-db-1", "busybox", "latest"), (f"{p.name}-web-1", "busybox", "latest")}
    assert any(e.get("Action") == "start" for e in p.events(since="0"))
    p.down(volumes=True, timeout=0)


def test_logs_merge_with_docker_compose_prefixes_and_colours(made):
    p = made()
    p.up()
    for _ in range(50):  # web writes its lines once started: wait for them
        logs = p.logs()
        lines = sorted(logs, key=lambda line: (line.name, line.text))
        if len(lines) == 3:
            break
        time.sleep(0.1)
    assert [(line.name, line.text, line.stderr) for line in lines] == [
        ("db-1", "db ready", False), ("web-1", "web err", True), ("web-1", "web says hi", False)]
    assert logs.width == 5
    db, web = lines[0], lines[1]
    assert db.format(logs.width, ansi=False) == "db-1   | db ready"
    assert db.format(logs.width) == "\x1b[36mdb-1   | \x1b[0mdb ready"  # cyan, then yellow: compose's rainbow
    assert web.color == "33"
    followed = p.logs(["web"], follow=True, tail="1")
    first = next(iter(followed))
    assert first.name == "web-1"
    followed.close()
    assert re.match(r"web err|web says hi", first.text)
    p.down(volumes=True, timeout=0)


def test_run_and_exec(made, dclient):
    p = made()
    steps, code, output = p.run("db", ["sh", "-c", "echo one-off; exit 4"])
    assert (code, output.strip()) == (4, "one-off")
    created = next(s.request for s in steps.done if s.request.get("op") == "ContainerCreate")
    labels = created["params"]["body"]["Labels"]
    assert labels["com.docker.compose.oneoff"] == "True" and "com.docker.compose.container-number" not in labels
    assert re.fullmatch(rf"{p.name}-db-run-[0-9a-f]{{12}}", created["params"]["name"])
    assert [r["Name"] for r in p.ps(all=True)] == []  # removed (--rm); the dependency-free service never started
    p.up()
    _, code, output = p.exec("web", ["sh", "-c", "echo $LEVEL"])
    assert (code, output.strip()) == (0, "one")
    p.down(volumes=True, timeout=0)


def test_unknown_service_is_one_line(made):
    p = made()
    with pytest.raises(compose.ComposeError, match=r"no such service: nope \(the project has db, web\)"):
        p.up(["nope"])
    assert Path(p.model.files[0]).name == "compose.yaml"


def test_tables_print_as_docker_compose_prints_them(made, compose_cli, tmp_path):
    import io

    from rich.console import Console

    from dshell.explorer._tables import op_table

    p = made()
    p.up()

    def shown(data, op):
        console = Console(width=250, file=io.StringIO(), color_system=None)
        console.print(op_table(data, op, None))
        return [line.split() for line in console.file.getvalue().splitlines()]

    theirs = [line.split() for line in compose_cli(["-p", p.name, "ps"], tmp_path).splitlines()]
    ours = shown(p.ps(), "compose ps")
    assert ours[0] == theirs[0] == ["NAME", "IMAGE", "COMMAND", "SERVICE", "CREATED", "STATUS", "PORTS"]
    # name, image, command, service, then the ports (CREATED and STATUS say times, which move on)
    assert [(r[:5], r[-1]) for r in ours[1:]] == [(r[:5], r[-1]) for r in theirs[1:]]
    theirs = [line.split() for line in compose_cli(["-p", p.name, "images"], tmp_path).splitlines()]
    ours = shown(p.images(), "compose images")
    assert ours[0] == theirs[0] and [r[:6] for r in ours[1:]] == [r[:6] for r in theirs[1:]]
    theirs = [line.split() for line in compose_cli(["-p", p.name, "top"], tmp_path).splitlines()]
    ours = shown(p.top(), "compose top")
    assert ours[0] == theirs[0] and [r[:4] for r in ours[1:]] == [r[:4] for r in theirs[1:]]
    theirs = [line.split() for line in compose_cli(["ls", "--filter", f"name={p.name}"], tmp_path).splitlines()]
    ours = shown([r for r in compose.ls(p.client) if r["Name"] == p.name], "compose ls")
    assert ours == theirs
    p.down(volumes=True, timeout=0)


def test_ls_on_several_engines_names_each_host(made, dclient):
    import dshell.client as docker

    p = made()
    p.up()
    twin = dclient.copy()
    broken = docker.client(conn={"uri": "unix:///nonexistent/d.sock"})
    rows, errors = compose.ls_on({"a": dclient, "b": twin, "gone": broken})
    mine = [r for r in rows if r["Name"] == p.name]
    assert [r["HOST"] for r in mine] == ["a", "b"] and mine[0]["Status"] == "running(2)"
    assert list(errors) == ["gone"] and "\n" not in errors["gone"]
    p.down(volumes=True, timeout=0)


def test_a_service_that_cannot_start_stops_up_with_the_daemons_reason(made):
    p = made("""\
        services:
          db: {image: busybox:latest, command: sleep 3600}
          web: {image: busybox:latest, entrypoint: ["/no/such/binary"], depends_on: [db]}
        """)
    with pytest.raises(compose.ComposeError) as info:
        p.up()
    assert str(info.value).startswith("ContainerStart: ") and "/no/such/binary" in str(info.value)
    assert "\n" not in str(info.value)
    assert {r["Service"]: r["State"] for r in p.ps(all=True)} == {"db": "running", "web": "created"}
    p.down(timeout=0)
