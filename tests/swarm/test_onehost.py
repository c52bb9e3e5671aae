"""``@NAME CMD ...`` on real daemons that are really different: the default endpoint is swarm node 1, ``@b`` is
node 2 (its own socket), ``@eng`` the engine over ssh:// (scripts/sshd). What ran is looked for on the host it was
sent to, and shown absent from the default."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import dshell.client as docker
from dshell.shell.commands.dispatch import execute
from dshell.shell.config import Config
from dshell.shell.session import Session

from ..shell.tmux import REPO, Terminal
from ..ssh.conftest import sshd  # noqa: F401 - the fixture, for the ssh:// endpoint
from .conftest import Node, call, wait_for

pytestmark = pytest.mark.engine


def absent(node: Node, name: str) -> bool:
    """Whether ``node`` has no container ``name``."""
    try:
        call(node, "ContainerInspect", id=name)
    except docker.DockerError as exc:
        return exc.status == 404
    return False


def remove(c: docker.Client, name: str) -> None:
    docker.invoke(c, {"op": "ContainerDelete", "params": {"id": name, "force": True}})


@pytest.fixture
def name(swarm_nodes: list[Node]) -> Iterator[str]:
    made = f"dsh-test-onehost-{secrets.token_hex(3)}"
    yield made
    for node in swarm_nodes:
        remove(node.client, made)


@pytest.fixture
def session(swarm_nodes: list[Node], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Session]:
    monkeypatch.setenv("HOME", str(tmp_path))
    a, b = swarm_nodes[0], swarm_nodes[1]
    s = Session(Config(endpoint=a.client.uri, hosts=(f"a={a.client.uri}", f"b={b.client.uri}")),
                results_file=tmp_path / "r.jsonl")
    s.say = lambda body: None
    s.start(background=False)
    yield s
    s.close()


def test_run_cp_and_fetch_on_b_happen_on_node_2_only(session: Session, swarm_nodes: list[Node], name: str,
                                                     tmp_path: Path) -> None:
    n1, n2 = swarm_nodes[0], swarm_nodes[1]
    reply = execute(session, f"@b run -d --name {name} --network none busybox sleep 300")
    assert reply.error is None, reply.error
    assert call(n2, "ContainerInspect", id=name)["State"]["Running"] is True
    assert absent(n1, name)

    sent = tmp_path / "note.txt"
    sent.write_text("to node 2\n")
    assert execute(session, f"@b cp {sent} {name}:/tmp/").error is None
    assert call(n2, "ContainerArchiveInfo", id=name, path="/tmp/note.txt")["size"] == len("to node 2\n")
    back = tmp_path / "back"
    back.mkdir()
    assert execute(session, f"@b cp {name}:/tmp/note.txt {back}").error is None
    assert (back / "note.txt").read_text() == "to node 2\n"
    assert execute(session, f"cp {sent} {name}:/tmp/").error is not None  # the default (node 1) has no such one

    info = execute(session, "@b fetch /info")
    assert info.result is not None and info.result.data["Name"] == n2.name
    assert info.result.endpoint == n2.client.uri
    default = execute(session, "fetch /info")
    assert default.result is not None and default.result.data["Name"] == n1.name
    assert session.status().endpoint == "a"


def test_an_attached_run_on_b_and_its_exit_code(session: Session, swarm_nodes: list[Node], name: str) -> None:
    reply = execute(session, f"@b run --name {name} --network none busybox sh -c 'exit 5'")
    assert reply.error is None and reply.status == 5, (reply.error, reply.body)
    assert reply.result is not None and reply.result.endpoint == swarm_nodes[1].client.uri
    assert call(swarm_nodes[1], "ContainerInspect", id=name)["State"]["ExitCode"] == 5
    assert absent(swarm_nodes[0], name)


def test_build_on_b_makes_the_image_on_node_2(session: Session, swarm_nodes: list[Node], tmp_path: Path) -> None:
    tag = f"dsh-test-onehost-{secrets.token_hex(3)}:1"
    (tmp_path / "ctx").mkdir()
    (tmp_path / "ctx" / "Dockerfile").write_text("FROM busybox\nLABEL built.on=b\n")
    try:
        reply = execute(session, f"@b build -t {tag} {tmp_path / 'ctx'}")
        assert reply.error is None, reply.error
        assert call(swarm_nodes[1], "ImageInspect", name=tag)["Config"]["Labels"] == {"built.on": "b"}
        with pytest.raises(docker.DockerError) as info:
            call(swarm_nodes[0], "ImageInspect", name=tag)
        assert info.value.status == 404
    finally:
        docker.invoke(swarm_nodes[1].client, {"op": "ImageDelete", "params": {"name": tag, "force": True}})


@pytest.fixture
def on_engine(engine: dict[str, Any], docker_cli: Any, name: str) -> Iterator[str]:
    docker_cli("run", "-d", "--network", "none", "--name", name, "busybox", "sleep", "300")
    yield name
    docker_cli("rm", "-f", name, check=False)


def terminal(default: Node, tmp_path: Path, ssh_bin: str | None = None) -> Terminal:
    """dshell in tmux on ``default`` (pager off, a HOME of its own; ``ssh_bin`` first on PATH), started."""
    home = tmp_path / "home"
    (home / ".config" / "dshell").mkdir(parents=True)
    (home / ".config" / "dshell" / "config.yaml").write_text("pager: off\n")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("DOCKER_", "XDG_"))},
           "HOME": str(home), "DOCKER_HOST": default.client.uri, "TERM": "xterm-256color", "PYTHONPATH": str(REPO)}
    if ssh_bin is not None:
        env["PATH"] = f"{ssh_bin}{os.pathsep}{env['PATH']}"
    term = Terminal(env)
    term.start()
    return term


def test_interactive_exec_on_b_and_over_ssh_in_a_real_terminal(swarm_nodes: list[Node], name: str, on_engine: str,
                                                               sshd: dict[str, Any],  # noqa: F811
                                                               docker_cli: Any, tmp_path: Path) -> None:
    """In tmux: the default is node 1; ``@b exec`` opens a shell on node 2, ``@eng exec`` one on the engine
    reached over ssh; what each shell wrote is found on its host, and node 1 has no such container."""
    n1, n2 = swarm_nodes[0], swarm_nodes[1]
    call(n2, "ContainerCreate", name=name, body={"Image": "busybox", "Cmd": ["sleep", "300"],
                                                 "HostConfig": {"NetworkMode": "none"}})
    call(n2, "ContainerStart", id=name)
    term = terminal(n1, tmp_path, sshd["bin"])
    try:
        term.run(f"connect b {n2.client.uri}")
        term.wait(r"added b \(")
        term.run(f"connect eng {sshd['alias_uri']}")
        term.wait(r"added eng \(ssh://dshell-sshd, API v1\.\d+\)")
        term.run(f"@b exec {name} sh")
        term.wait(r"^\[exec .*detaches\]")
        term.wait(r"^/ #\s*$")
        term.run("echo on-b > /tmp/onehost; exit 3")
        term.wait(rf"{name}: sh exited with code 3")
        term.run(f"@eng exec {name} sh")
        wait_for("the second exec's shell", lambda: (screen := term.screen()).count("[exec ") == 2
                 and screen.rstrip().endswith("/ #"), 20)
        term.run("echo on-eng > /tmp/onehost; exit 4")
        term.wait(rf"{name}: sh exited with code 4")
        term.run("SystemInfo | Name")
        term.wait(rf"^\W*{n1.name}\W*$")  # the default is still node 1
    finally:
        term.close()
    assert docker.invoke(n2.client, {"op": "ContainerArchiveInfo", "params": {"id": name, "path": "/tmp/onehost"},
                                     "throw": True})["size"] == len("on-b\n")
    assert docker_cli("exec", name, "cat", "/tmp/onehost") == "on-eng\n"
    assert absent(n1, name)


def test_run_it_and_attach_on_b_in_a_real_terminal(swarm_nodes: list[Node], name: str, tmp_path: Path) -> None:
    """``@b run -it`` gives a terminal in a new container on node 2; ``@b attach`` one on node 2's running
    container (its hostname is its ID there); neither container is on node 1."""
    n1, n2 = swarm_nodes[0], swarm_nodes[1]
    tty = f"{name}-tty"
    call(n2, "ContainerCreate", name=tty, body={"Image": "busybox", "Cmd": ["sh"], "Tty": True, "OpenStdin": True,
                                                "HostConfig": {"NetworkMode": "none"}})
    call(n2, "ContainerStart", id=tty)
    term = terminal(n1, tmp_path)
    try:
        term.run(f"connect b {n2.client.uri}")
        term.wait(r"added b \(")
        term.run(f"@b run -it --name {name} --network none busybox sh")
        term.wait(r"^/ #\s*$")
        term.run("echo $((6 * 7)); exit 6")
        term.wait(r"^42\s*$")
        term.wait(r"exited with code 6")
        term.run(f"@b attach {tty}")
        term.wait(r"^\[attach .*tty\): ctrl-p ctrl-q detaches\]")
        own = call(n2, "ContainerInspect", id=tty)["Id"][:12]
        wait_for("the attached shell to answer", lambda: term.run("hostname") or re.search(
            rf"^{own}\s*$", term.screen(), re.M), 20)  # keys typed before the attach is wired are not read
        term.keys("C-p", "C-q")
        term.wait(rf"detached from container {tty}")
    finally:
        term.close()
        remove(n2.client, tty)
    assert call(n2, "ContainerInspect", id=name)["State"]["ExitCode"] == 6
    assert absent(n1, name) and absent(n1, tty)


@pytest.fixture
def eng_session(swarm_nodes: list[Node], sshd: dict[str, Any],  # noqa: F811
                tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Session]:
    """A session whose default is node 1 and whose ``eng`` is the engine over ssh://."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("DOCKER_CONFIG", raising=False)
    monkeypatch.setenv("PATH", f"{sshd['bin']}{os.pathsep}{os.environ['PATH']}")
    a = swarm_nodes[0].client.uri
    s = Session(Config(endpoint=a, hosts=(f"a={a}", f"eng={sshd['alias_uri']}")), results_file=tmp_path / "r.jsonl")
    s.say = lambda body: None
    s.start(background=False)
    yield s
    s.close()


def test_cp_fetch_and_login_over_ssh_happen_on_the_engine(eng_session: Session, swarm_nodes: list[Node],
                                                          on_engine: str, engine: dict[str, Any],
                                                          docker_cli: Any, tmp_path: Path) -> None:
    sent = tmp_path / "over-ssh.txt"
    sent.write_text("by ssh\n")
    reply = execute(eng_session, f"@eng cp {sent} {on_engine}:/tmp/")
    assert reply.error is None, reply.error
    assert docker_cli("exec", on_engine, "cat", "/tmp/over-ssh.txt") == "by ssh\n"
    assert absent(swarm_nodes[0], on_engine)
    info = execute(eng_session, "@eng fetch /info")
    assert info.result is not None and info.result.endpoint == "ssh://dshell-sshd"
    assert info.result.data["Name"] != swarm_nodes[0].name
    login = f"login -u {engine['registry_user']} -p {engine['registry_password']} {engine['registry']}"
    reply = execute(eng_session, f"@eng {login}")  # the engine reaches the registry on its loopback
    assert reply.error is None and "Login Succeeded" in str(reply.body), reply.error
    assert execute(eng_session, login).error is not None  # node 1, in its own namespace, does not
