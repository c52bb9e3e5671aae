"""One clear line for each way an ssh:// endpoint can fail, from the real ssh against the real sshd."""

from __future__ import annotations

import socket

import pytest

import dshell.client as docker

from .conftest import ssh_children

pytestmark = pytest.mark.engine


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


CASES = {
    "unreachable": (lambda env: f"ssh://{env['user']}@127.0.0.1:{_closed_port()}",
                    "cannot reach 127.0.0.1 over ssh (ssh: connect to host 127.0.0.1 port"),
    "authentication": (lambda env: "ssh://dsh-nobody@dshell-sshd",
                       "ssh authentication refused by dshell-sshd (dsh-nobody@127.0.0.1: Permission denied"),
    "host key": (lambda env: "ssh://dshell-unknownkey", "the host key of dshell-unknownkey is unknown to ssh"),
    "no docker CLI": (lambda env: "ssh://dshell-nodocker", "no docker CLI on dshell-nodocker ("),
    "daemon down": (lambda env: "ssh://dshell-nodaemon", "the Docker daemon on dshell-nodaemon does not answer"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_failure_has_its_line(ssh_env, case) -> None:
    make_uri, expected = CASES[case]
    uri = make_uri(ssh_env)
    before = ssh_children()
    c = docker.client(conn={"uri": uri})
    with pytest.raises(docker.ConnectionError) as err:
        docker.invoke(c, {"op": "SystemPing"})
    said = str(err.value)
    assert "\n" not in said
    assert said.startswith(f"{uri}: {expected}"), said
    assert ssh_children() - before == set()


def test_no_ssh_binary(ssh_env, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    c = docker.client(conn={"uri": ssh_env["uri"]})
    with pytest.raises(docker.ConnectionError, match=r"no `ssh` program on PATH; install the OpenSSH client"):
        docker.invoke(c, {"op": "SystemPing"})
