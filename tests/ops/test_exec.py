"""ContainerExec, ExecStart (data and socket with stdin), ExecInspect and ExecResize against the real engine."""

from __future__ import annotations

import socket

import pytest

import dshell.client as docker

from .conftest import call

pytestmark = pytest.mark.engine


def exec_in(dc, name, cmd, **config):
    return call(dc, "ContainerExec", id=name, execConfig={"Cmd": cmd, "AttachStdout": True, "AttachStderr": True,
                                                         **config})["Id"]


def test_exec_output_and_exit_code(dc, container):
    name = container(["sleep", "60"], start=True)
    exec_id = exec_in(dc, name, ["sh", "-c", "echo out; sleep 0.2; echo err >&2; exit 4"])
    assert call(dc, "ExecInspect", id=exec_id)["Running"] is False
    assert call(dc, "ExecStart", id=exec_id, execStartConfig={"Detach": False}) == "out\nerr\n"  # demultiplexed
    inspected = call(dc, "ExecInspect", id=exec_id)
    assert inspected["ExitCode"] == 4 and inspected["ContainerID"] == call(dc, "ContainerInspect", id=name)["Id"]


def test_exec_socket_with_stdin(dc, container):
    name = container(["sleep", "60"], start=True)
    exec_id = exec_in(dc, name, ["sh", "-c", "tr a-z A-Z"], AttachStdin=True)
    sock = docker.invoke(dc, {"op": "ExecStart", "as": "socket", "throw": True,
                              "params": {"id": exec_id, "execStartConfig": {"Detach": False}}})
    with sock:
        sock.sendall(b"shout\n")
        sock.shutdown(socket.SHUT_WR)
        out = b"".join(payload for _, payload in sock.frames())
    assert out == b"SHOUT\n" and call(dc, "ExecInspect", id=exec_id)["ExitCode"] == 0


def test_exec_resize_reaches_its_tty(dc, container):
    name = container(["sleep", "60"], start=True)
    exec_id = exec_in(dc, name, ["sh", "-c", 'until [ "$(stty size)" = "23 77" ]; do sleep 0.1; done; echo ok'],
                      Tty=True, AttachStdin=True)
    sock = docker.invoke(dc, {"op": "ExecStart", "as": "socket", "throw": True,
                              "params": {"id": exec_id, "execStartConfig": {"Detach": False, "Tty": True}}})
    with sock:
        call(dc, "ExecResize", id=exec_id, h=23, w=77)
        sock.settimeout(30)
        out = b"".join(sock.chunks())
    assert b"ok" in out and call(dc, "ExecInspect", id=exec_id)["ExitCode"] == 0
