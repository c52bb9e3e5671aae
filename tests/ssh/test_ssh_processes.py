"""One pooled connection is one ssh process; closing, cancelling, a timeout or a killed Python leave none."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import dshell.client as docker

from .conftest import running, ssh_children

pytestmark = pytest.mark.engine


@pytest.fixture
def sleeper(ssh_client, unique_name, cleanup_containers) -> str:
    c = ssh_client()
    name = unique_name()
    docker.invoke(c, {"op": "ContainerCreate", "throw": True,
                      "params": {"name": name, "body": {"Image": "busybox", "Cmd": ["sleep", "300"]}}})
    docker.invoke(c, {"op": "ContainerStart", "params": {"id": name}, "throw": True})
    c.close()
    return name


def _gone(pids: set[int], seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while any(running(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not any(running(p) for p in pids)


def test_pool_reuses_one_process_and_close_ends_it(ssh_client) -> None:
    before = ssh_children()
    c = ssh_client()
    for _ in range(5):
        assert docker.invoke(c, {"op": "ContainerList", "params": {"all": True}, "throw": True}) is not None
    mine = ssh_children() - before
    assert len(mine) == 1  # five calls (and the version ping), one kept-alive connection, one ssh
    streams = [docker.invoke(c, {"op": "SystemEvents", "as": "stream", "params": {"since": "0", "until": "1"}})
               for _ in range(2)]
    assert len(ssh_children() - before) == 2  # the second stream needed a connection of its own
    for s in streams:
        s.read()
        s.close()
    c.close()
    assert ssh_children() - before == set()  # ended and reaped: not even a zombie left


def test_cancel_mid_stream_ends_its_process(ssh_client, sleeper) -> None:
    before = ssh_children()
    c = ssh_client()
    logs = docker.invoke(c, {"op": "ContainerLogs", "as": "stream",
                             "params": {"id": sleeper, "follow": True, "stdout": True}})
    mine = ssh_children() - before
    assert len(mine) == 1
    outcome: list[object] = []
    reader = threading.Thread(target=lambda: outcome.append(_read_all(logs)))
    reader.start()
    time.sleep(0.3)
    assert reader.is_alive()  # following a container that says nothing
    assert c.cancel() == 1
    assert not any(running(p) for p in mine)  # ended and reaped by cancel itself, not later by EOF
    reader.join(10)
    assert not reader.is_alive() and outcome
    c.close()
    assert ssh_children() - before == set()


def _read_all(stream: docker.DockerStream) -> object:
    try:
        return stream.read()
    except docker.ConnectionError as exc:
        return exc


def test_call_timeout_ends_the_process(ssh_client, sleeper) -> None:
    before = ssh_children()
    c = ssh_client(timeouts={"call": 1})
    docker.invoke(c, {"op": "SystemPing"})
    with pytest.raises(docker.ConnectionError, match="timed out"):
        docker.invoke(c, {"op": "ContainerWait", "params": {"id": sleeper}})
    assert ssh_children() - before == set()  # the broken connection took its ssh with it
    assert docker.invoke(c, {"op": "SystemPing"}) == "OK"  # and the next call gets a fresh one


# an exec that ignores its stdin: its socket's EOF does not end the ssh process, only the kernel does
HOLDER = """
import sys, dshell.client as docker
c = docker.client(conn={"uri": sys.argv[1]})
ex = docker.invoke(c, {"op": "ContainerExec", "throw": True, "params": {"id": sys.argv[2], "execConfig": {
    "Cmd": ["sleep", "300"], "AttachStdin": True, "AttachStdout": True}}})
sock = docker.invoke(c, {"op": "ExecStart", "as": "socket", "params": {"id": ex["Id"], "execStartConfig": {}}})
print("attached", flush=True)
sock.recv(1)
"""


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_killed_python_leaves_no_ssh(ssh_env, sleeper, sig) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, ssh_env["uri"], sleeper], env=env,
                              stdout=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "attached\n"
        pids = ssh_children(holder.pid)
        assert len(pids) == 1 and all(running(p) for p in pids)
        holder.send_signal(sig)
        holder.wait(10)
        assert _gone(pids), f"ssh {pids} outlived the Python that started it ({sig.name})"
    finally:
        holder.kill()
        holder.wait()


def test_closing_the_client_ends_the_process_of_a_stream_still_being_read(ssh_client, sleeper) -> None:
    before = ssh_children()
    c = ssh_client()
    logs = docker.invoke(c, {"op": "ContainerLogs", "as": "stream",
                             "params": {"id": sleeper, "stdout": True, "stderr": True}})
    c.close()  # the stream goes on: closing the client does not cut a read in progress
    logs.read()
    logs.close()  # read to its end: its connection would go back to the pool, but the client is closed
    assert _gone(ssh_children() - before)
