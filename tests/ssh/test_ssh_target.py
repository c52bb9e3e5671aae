"""ssh:// URIs, the ssh command line and the reading of ssh's stderr: no server needed (the real failures are
in test_ssh_failures)."""

from __future__ import annotations

import re

import pytest

import dshell.client as docker
from dshell.client._ssh import Target, diagnose


def test_a_password_in_the_uri_is_refused_and_not_shown() -> None:
    with pytest.raises(docker.ConnectionError) as err:
        docker.client(conn={"uri": "ssh://me:s3cret@host"})
    assert str(err.value).startswith("the ssh endpoint 'ssh://me:***@host' has a password (use a key or an agent)")
    assert "s3cret" not in str(err.value)


@pytest.mark.parametrize(("uri", "wrong"), [
    ("ssh://", "has no host"),
    ("ssh://host?x=1", "has a query"),
    ("ssh://host#frag", "has a fragment"),
    ("ssh://host:port", "has a bad port"),
])
def test_bad_ssh_uri(uri, wrong) -> None:
    with pytest.raises(docker.ConnectionError, match=f"^the ssh endpoint {re.escape(repr(uri))} {wrong}"):
        docker.client(conn={"uri": uri})


def test_ssh_command_line_as_the_docker_cli_builds_it() -> None:
    assert Target.parse("ssh://me@host:2222").argv(None) == [
        "ssh", "-o", "ConnectTimeout=30", "-T", "-l", "me", "-p", "2222", "--", "host", "docker system dial-stdio"]
    assert Target.parse("ssh://host/run/my docker.sock").argv(5) == [
        "ssh", "-o", "ConnectTimeout=5", "-T", "--", "host",
        "docker '--host=unix:///run/my docker.sock' system dial-stdio"]


@pytest.mark.parametrize(("stderr", "says"), [
    # a remote user outside the docker group: the daemon's "permission denied", not ssh's
    ("Got permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock",
     "the Docker daemon on h does not answer"),
    ("Warning: Permanently added 'h' (ED25519) to the list of known hosts.\r\nsh: 1: docker: not found",
     "no docker CLI on h (sh: 1: docker: not found)"),
    ("@@@ WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! @@@\nHost key verification failed.",
     "the host key of h is unknown to ssh (or changed)"),
    ("kex_exchange_identification: Connection closed by remote host", "cannot reach h over ssh"),
    ("", "ssh to h gave no Docker connection (exit 255: no message)"),
])
def test_diagnose_reads_the_cause_from_stderr(stderr, says) -> None:
    assert diagnose("ssh://h", Target.parse("ssh://h"), 255, stderr).startswith(f"ssh://h: {says}")


def test_a_second_close_waits_until_the_process_is_reaped(tmp_path):
    """A cancel closes the socket while its reader, woken by the shutdown, closes it too: whichever comes second
    must not return before the process is gone (``cancel()`` promises it has ended it)."""
    import socket
    import subprocess
    import tempfile
    import threading
    import time

    from dshell.client._ssh import SshSocket

    ready = tmp_path / "ready"
    ours, theirs = socket.socketpair()
    process = subprocess.Popen(["sh", "-c", f"trap 'sleep 0.5; exit 0' TERM; touch {ready}; "
                                "while :; do sleep 0.05; done"], stdin=theirs, stdout=theirs)
    theirs.close()
    while not ready.exists():
        time.sleep(0.01)
    sock = SshSocket.around(ours, process, tempfile.TemporaryFile())  # noqa: SIM115 - closed with the process
    first = threading.Thread(target=sock.close)
    first.start()
    time.sleep(0.1)  # the first closer is waiting for the process to end
    sock.close()
    assert process.poll() is not None
    first.join(5)
