"""ssh:// endpoints against a real OpenSSH server whose remote side runs the docker CLI's dial-stdio."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

import dshell.client as docker
from dshell.shell.commands.dispatch import execute

pytestmark = pytest.mark.engine


def test_ops_over_ssh(ssh_client, unique_name, cleanup_containers, engine, engine_facts) -> None:
    c = ssh_client()
    assert docker.invoke(c, {"op": "SystemPing"}) == "OK"
    assert c.api_version == engine_facts.api_prefixed
    name = unique_name()
    docker.invoke(c, {"op": "ContainerCreate", "throw": True,
                      "params": {"name": name, "body": {"Image": "busybox", "Cmd": ["sleep", "30"]}}})
    docker.invoke(c, {"op": "ContainerStart", "params": {"id": name}, "throw": True})
    listed = docker.invoke(c, {"op": "ContainerList", "params": {"filters": {"name": [name]}}})
    assert [n["Names"] for n in listed] == [[f"/{name}"]]
    # the same daemon as the unix socket sees
    local = docker.client(conn={"uri": engine["docker_host"]})
    assert docker.invoke(local, {"op": "ContainerInspect", "params": {"id": name}})["State"]["Running"]
    local.close()
    error = docker.invoke(c, {"op": "ContainerInspect", "params": {"id": name + "-nope"}})
    assert "No such container" in error["message"]
    docker.invoke(c, {"op": "ContainerDelete", "params": {"id": name, "force": True}, "throw": True})


def test_followed_log_stream(ssh_client, unique_name, cleanup_containers) -> None:
    c = ssh_client()
    name = unique_name()
    docker.invoke(c, {"op": "ContainerCreate", "throw": True, "params": {"name": name, "body": {
        "Image": "busybox", "Cmd": ["sh", "-c", "for i in 1 2 3; do echo line $i; sleep 0.3; done; echo err >&2"]}}})
    docker.invoke(c, {"op": "ContainerStart", "params": {"id": name}, "throw": True})
    logs = docker.invoke(c, {"op": "ContainerLogs", "as": "stream",
                             "params": {"id": name, "follow": True, "stdout": True, "stderr": True}})
    frames = [(stream, payload) for stream, payload in logs.frames()]  # ends when the container does
    logs.close()
    out = b"".join(p for s, p in frames if s == 1).decode()
    assert out.splitlines() == ["line 1", "line 2", "line 3"]
    assert b"".join(p for s, p in frames if s == 2) == b"err\n"


def test_interactive_exec_with_half_close(ssh_client, unique_name, cleanup_containers) -> None:
    c = ssh_client()
    name = unique_name()
    docker.invoke(c, {"op": "ContainerCreate", "throw": True,
                      "params": {"name": name, "body": {"Image": "busybox", "Cmd": ["sleep", "60"]}}})
    docker.invoke(c, {"op": "ContainerStart", "params": {"id": name}, "throw": True})
    ex = docker.invoke(c, {"op": "ContainerExec", "throw": True, "params": {"id": name, "execConfig": {
        "Cmd": ["sh", "-c", "tr a-z A-Z; echo stdin ended"], "AttachStdin": True, "AttachStdout": True,
        "AttachStderr": True}}})
    sock = docker.invoke(c, {"op": "ExecStart", "as": "socket",
                             "params": {"id": ex["Id"], "execStartConfig": {"Detach": False, "Tty": False}}})
    with sock:
        sock.sendall(b"hello over ssh\n")
        first = sock.recv(4096)  # the answer comes while stdin is still open
        sock.shutdown(socket.SHUT_WR)  # stdin EOF reaches tr through ssh and dial-stdio
        rest = b"".join(sock.chunks())
    out = b"".join(payload for _, payload in _frames(first + rest))
    assert out == b"HELLO OVER SSH\nstdin ended\n"
    assert docker.invoke(c, {"op": "ExecInspect", "params": {"id": ex["Id"]}})["ExitCode"] == 0


def _frames(data: bytes) -> list[tuple[int, bytes]]:
    frames = []
    while data:
        size = int.from_bytes(data[4:8], "big")
        frames.append((data[0], data[8:8 + size]))
        data = data[8 + size:]
    return frames


def test_docker_host_and_context(ssh_env, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", ssh_env["alias_uri"])
    c = docker.client()
    assert c.uri == "ssh://dshell-sshd"
    assert docker.invoke(c, {"op": "SystemPing"}) == "OK"
    c.close()
    monkeypatch.delenv("DOCKER_HOST")
    meta = tmp_path / "contexts" / "meta" / hashlib.sha256(b"remote").hexdigest()
    meta.mkdir(parents=True)
    (meta / "meta.json").write_text(json.dumps(
        {"Name": "remote", "Endpoints": {"docker": {"Host": ssh_env["uri"], "SkipTLSVerify": False}}}))
    (tmp_path / "config.json").write_text(json.dumps({"currentContext": "remote"}))
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    c = docker.client()
    assert c.uri == ssh_env["uri"]
    assert docker.invoke(c, {"op": "SystemInfo"})["ID"]
    c.close()


def test_shell_over_ssh(ssh_env, engine_facts) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "dshell", *args], env=env, capture_output=True, text=True,
                              timeout=60, stdin=subprocess.DEVNULL, check=False)

    ok = run("-H", ssh_env["alias_uri"], "-c", "SystemVersion | ApiVersion")
    assert ok.returncode == 0, ok.stderr
    assert engine_facts.api_version in ok.stdout
    done = run("-c", f"connect {ssh_env['alias_uri']}")
    assert f"connected to ssh://dshell-sshd (API {engine_facts.api_prefixed})" in done.stdout + done.stderr
    bad = run("-H", "ssh://dshell-nodaemon", "-c", "SystemPing")
    said = (bad.stdout + bad.stderr).strip()
    assert bad.returncode != 0
    assert "Traceback" not in said and len(said.splitlines()) == 1, said
    assert "the Docker daemon on dshell-nodaemon does not answer" in said




def test_disconnect_ends_an_ssh_endpoints_processes_and_panes(ssh_env, engine, engine_facts, tmp_path, docker_cli,
                                                               unique_name, cleanup_containers) -> None:
    import time

    from dshell.shell.config import Config
    from dshell.shell.panes.commands import Panes
    from dshell.shell.session import Session

    from .conftest import running, ssh_children

    name = unique_name()
    docker_cli("run", "-d", "--network", "none", "--name", name, "busybox", "sh", "-c",
               "while true; do echo tick; sleep 0.2; done")
    before = ssh_children()
    session = Session(Config(endpoint=engine["docker_host"]), results_file=tmp_path / "r.jsonl")
    session.start(background=False)
    panes = Panes(session, lambda: None)  # the shell's panes, without a terminal
    session.plug("prompt", pane=panes.open)
    session.on_disconnect.append(panes.host_gone)

    def wait(what: str, check, seconds: float = 20) -> None:
        deadline = time.monotonic() + seconds
        while not check():
            assert time.monotonic() < deadline, what
            time.sleep(0.05)

    try:
        added = execute(session, f"connect s {ssh_env['alias_uri']}")
        assert added.error is None
        assert added.body.startswith(f"added s (ssh://dshell-sshd, API {engine_facts.api_prefixed})")
        merged = execute(session, "@all SystemPing").result
        assert merged is not None and [r["HOST"] for r in merged.data] == [session.hosts.default, "s"]
        live = session.live_on("s")  # what completion asks: the names on s, over a connection of their own
        opened = execute(session, f"logs @all {name} --split")
        assert opened.error is None and opened.body.startswith(f"panes 1-2: logs {name} on ")
        local, remote = (view.pane for view in panes.area.views)
        assert remote.title == f"logs @s {name}"
        wait("ticks in both panes", lambda: all("tick" in [line.text for line in p.visible(50)[1]]
                                                for p in (local, remote)))
        wait("ssh processes of the session's client, the live names' and the pane's",
             lambda: bool(live.get("images")) and len(ssh_children() - before) >= 3)
        mine = ssh_children() - before
        reply = execute(session, "disconnect s")
        assert reply.error is None and reply.body.startswith("disconnected s (ssh://dshell-sshd)")
        wait("every ssh process of s ended", lambda: not any(running(p) for p in mine), 5)
        assert ssh_children() - before == set()  # ended and reaped
        assert remote.ended and remote.status == "s disconnected"
        assert not local.ended and local.status == "streaming"  # the default's pane goes on
        assert session.hosts.names() == [session.hosts.default]
    finally:
        panes.close_all()
        session.close()
