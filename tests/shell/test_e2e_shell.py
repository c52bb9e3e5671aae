"""dshell in a real terminal (tmux) against the real engine: what a person sees when typing."""

from __future__ import annotations

import time
import uuid

import pytest

import dshell.client as docker

from ..relay import SocketRelay
from .tmux import Terminal

pytestmark = pytest.mark.engine


@pytest.fixture
def container(engine):
    """A running busybox container with a unique name; removed afterwards."""
    c = docker.client(conn={"uri": engine["docker_host"]})
    name = f"dsh-e2e-{uuid.uuid4().hex[:8]}"
    body = {"Image": engine.get("image", "busybox:latest"), "Cmd": ["sleep", "300"]}
    created = docker.invoke(c, {"op": "ContainerCreate", "params": {"name": name, "body": body}, "throw": True})
    docker.invoke(c, {"op": "ContainerStart", "params": {"id": created["Id"]}, "throw": True})
    yield name
    docker.invoke(c, {"op": "ContainerDelete", "params": {"id": name, "force": True}})


def test_run_ops_and_drill_into_a_result(term, container):
    term.run(f"ContainerList all=true filters={{name: [{container}]}}")  # only ours: others come and go
    term.wait(r"\[1\] ContainerList\s+200")
    term.wait(container)
    term.run(f"ContainerInspect id={container}")
    term.wait(r"\[2\] ContainerInspect\s+200")
    term.run("_2.State.Status")
    term.wait(r"^running\s*$")
    term.run("cd _2.Config")
    term.wait(r"^dshell _2\.Config>")
    term.run("ls")
    term.wait(r"^Cmd\s+list\[2\]\s+\[sleep, 300\]")
    term.run("cd ..")
    term.run(f"_1 | [?Names[0]=='/{container}'].State")
    term.wait(r'"running"')
    term.run("ContainerInspect _1[0].Id")
    term.wait(r"\[3\] ContainerInspect\s+200")


def test_complete_an_op_and_a_live_container_name(container, term):
    term.type("ContainerInsp")
    term.keys("Tab")
    term.wait(r"^dshell> ContainerInspect\s*$")
    term.type(" " + container[:9])
    term.wait(container)  # the menu offers it, from the background cache
    term.keys("Tab")
    term.wait(rf"^dshell> ContainerInspect {container}\s*$")
    term.keys("Enter", "Enter")  # the first closes the completion menu
    term.wait(r"\[1\] ContainerInspect\s+200")


def test_daemon_and_validation_errors_are_one_line(term):
    term.run("ContainerInspect no-such-container-dshell")
    term.wait(r"^\[1\] ContainerInspect 404 No such container: no-such-container-dshell\s*$")
    term.run("ContainerLis")
    term.wait(r"^unknown op 'ContainerLis'.*did you mean ContainerList")
    term.run("ContainerList al=true")
    term.wait(r"^ContainerList: unknown param 'al': did you mean all\?")
    assert "Traceback" not in term.screen()
    term.run("ImageList")
    term.wait(r"\[2\] ImageList\s+200")


def test_ctrl_c_cancels_a_running_call_and_keeps_the_shell(term, container):
    term.run(f"ContainerWait {container}")
    time.sleep(1.0)
    term.keys("C-c")
    term.wait(r"^\^?C?cancelled\s*$")
    term.run("SystemPing")
    term.wait(r"\[1\] SystemPing\s+200")


def test_results_survive_a_restart(env, container):
    first = Terminal(env)
    first.start()
    try:
        first.run(f"ContainerInspect {container}")
        first.wait(r"\[1\] ContainerInspect\s+200")
        first.keys("C-d")
    finally:
        first.close()
    second = Terminal(env)
    second.start()
    try:
        second.run("history")
        second.wait(rf"^_1\s+ContainerInspect\s+id=\"{container}\"")
        second.run("_1.Name")
        second.wait(rf"^/{container}\s*$")
        second.run("SystemPing")
        second.wait(r"\[2\] SystemPing\s+200")
    finally:
        second.close()


def test_a_daemon_that_goes_away_is_an_error_line_and_the_shell_works_when_it_is_back(env, engine, tmp_path):
    relay = SocketRelay(str(tmp_path / "relay.sock"), engine["socket"])
    relay.start()
    term = Terminal({**env, "DOCKER_HOST": f"unix://{relay.path}"})
    try:
        term.start()
        term.run("SystemPing")
        term.wait(r"\[1\] SystemPing\s+200")
        relay.stop()
        term.run("ContainerList")
        term.wait(r"^cannot connect to unix://\S+relay\.sock: no such socket; is the Docker daemon running\?")
        relay.start()
        term.run("ContainerList all=true")
        term.wait(r"\[\d\] ContainerList\s+200")
        assert "Traceback" not in term.screen()
    finally:
        term.close()
        if relay.listener is not None:
            relay.stop()
