"""attach/exec sessions over MockTransport: the calls in order, stdin to the process and its frames back, how
the session ended; pipes stand in for the terminal. The engine tests (test_attach_engine) prove it for real."""

from __future__ import annotations

import os
import socket
import struct
import threading
from collections.abc import Callable

import pytest

import dshell.client as docker
from dshell.shell.attach import run
from dshell.shell.targets import Target


def frame(stream: int, data: bytes) -> bytes:
    return struct.pack(">BxxxI", stream, len(data)) + data


def echo_process(sock: socket.socket) -> None:
    """The process behind the hijacked connection: reads stdin to its end, answers on stdout and stderr."""
    got = b""
    while chunk := sock.recv(4096):
        got += chunk
    sock.sendall(frame(1, b"got:" + got) + frame(2, b"oops\n"))


class Daemon:
    """Exec and attach answers for container ``web``; ``requests`` keeps every request line seen."""

    def __init__(self, inspect_after: Callable[[], docker.MockResponse]) -> None:
        self.requests: list[str] = []
        self.inspect_after = inspect_after
        self.lock = threading.Lock()

    def __call__(self, req: docker.MockRequest) -> docker.MockResponse:
        with self.lock:
            self.requests.append(f"{req.method} {req.path}")
        if req.path == "/v1.41/containers/web/exec":
            assert req.json()["Cmd"] == ["cat"] and req.json()["Tty"] is False
            return docker.MockResponse.json({"Id": "e1"}, 201)
        if req.path == "/v1.41/exec/e1/start":
            return docker.MockResponse(101, headers={"Connection": "Upgrade", "Upgrade": "tcp"}, serve=echo_process)
        if req.path == "/v1.41/exec/e1/json":
            return self.inspect_after()
        return docker.MockResponse.json({"message": f"unexpected {req.path}"}, 500)


def session_on(daemon: Daemon, typed: bytes) -> tuple[object, bytes, bytes]:
    c = docker.client(transport=docker.MockTransport(daemon), api_version="v1.41")
    stdin_r, stdin_w = os.pipe()
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    os.write(stdin_w, typed)
    os.close(stdin_w)  # the user's input ends: stdin EOF goes to the process
    try:
        outcome = run(c, Target("exec", "web", ("cat",), tty=False), (stdin_r, out_w, err_w))
    finally:
        for fd in (stdin_r, out_w, err_w):
            os.close(fd)
    with os.fdopen(out_r, "rb") as out, os.fdopen(err_r, "rb") as err:
        return outcome, out.read(), err.read()


def test_an_exec_relays_stdin_and_demultiplexes_its_output():
    daemon = Daemon(lambda: docker.MockResponse.json({"Running": False, "ExitCode": 3}))
    outcome, out, err = session_on(daemon, b"hello\n")
    assert (out, err) == (b"got:hello\n", b"oops\n")
    assert (outcome.exit_code, outcome.error, outcome.detached) == (3, None, False)
    assert outcome.message() == "web: cat exited with code 3" and outcome.data == {"exec_id": "e1"}
    assert daemon.requests == ["POST /v1.41/containers/web/exec", "POST /v1.41/exec/e1/start",
                               "GET /v1.41/exec/e1/json"]


def test_an_exec_whose_container_went_ends_without_an_error():
    daemon = Daemon(lambda: docker.MockResponse.json({"message": "No such exec instance: e1"}, 404))
    outcome, out, _ = session_on(daemon, b"")
    assert out == b"got:" and (outcome.exit_code, outcome.error) == (None, None)
    assert outcome.message() == "web: cat ended; its exit code went with the container"


@pytest.mark.parametrize(("status", "message"), [(404, "No such container: web"), (409, "container web is paused")])
def test_a_refused_exec_is_the_daemons_message(status, message):
    c = docker.client(transport=docker.MockTransport(lambda req: docker.MockResponse.json({"message": message},
                                                                                          status)),
                      api_version="v1.41")
    r, w = os.pipe()
    try:
        outcome = run(c, Target("exec", "web", ("cat",), tty=False), (r, w, w))
    finally:
        os.close(r)
        os.close(w)
    assert outcome.error == message and outcome.message() == f"exec web: {message}"
