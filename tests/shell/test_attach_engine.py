"""attach/exec sessions in this process on a pseudo-terminal, against the real engine: the terminal comes
back as it was however the session ends (detach, exit, error, a dropped connection); SIGWINCH resizes."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import signal
import socket
import struct
import termios
import threading
import time
import uuid
from collections.abc import Callable

import pytest

import dshell.client as docker
from dshell.shell.attach import run
from dshell.shell.targets import Target

from ..relay import SocketRelay

pytestmark = pytest.mark.engine
RUN = ("run", "--network", "none")


class Pty:
    """A pseudo-terminal: the session uses the follower side; the test types into and reads the leader."""

    def __init__(self) -> None:
        self.leader, self.follower = pty.openpty()
        self.resize(24, 80)
        self.saved = termios.tcgetattr(self.follower)
        self.output = bytearray()
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        with contextlib.suppress(OSError):
            while data := os.read(self.leader, 65536):
                self.output += data

    def resize(self, rows: int, cols: int) -> None:
        fcntl.ioctl(self.leader, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def script(self, *steps: tuple[bytes, bytes | Callable[[], object]], timeout: float = 10) -> None:
        """In a thread while the session runs: for each step, once its bytes showed, type or do something."""
        def play() -> None:
            for shown, action in steps:
                deadline = time.monotonic() + timeout
                while shown not in self.output and time.monotonic() < deadline:
                    time.sleep(0.02)
                if callable(action):
                    action()
                else:
                    os.write(self.leader, action)
        threading.Thread(target=play, daemon=True).start()

    @property
    def fds(self) -> tuple[int, int, int]:
        return self.follower, self.follower, self.follower

    def restored(self) -> bool:
        return termios.tcgetattr(self.follower) == self.saved

    def close(self) -> None:
        os.close(self.follower)
        os.close(self.leader)


@pytest.fixture
def term():
    t = Pty()
    yield t
    t.close()


@pytest.fixture
def client(engine):
    c = docker.client(None, conn={"uri": engine["docker_host"]})
    yield c
    c.close()


@pytest.fixture
def shell(docker_cli, unique_name, cleanup_containers) -> str:
    name = unique_name()
    docker_cli(*RUN, "-d", "-it", "--name", name, "busybox", "sh")
    return name


def test_detach_restores_the_terminal_and_sigwinch_resizes(client, term, shell, docker_cli):
    def resized() -> None:
        term.resize(30, 100)
        os.kill(os.getpid(), signal.SIGWINCH)  # what the terminal does when its window changes
        time.sleep(0.5)
        os.write(term.leader, b"stty size\r")

    term.script((b"detaches]", b"stty size\r"), (b"24 80", resized), (b"30 100", b"\x10\x11"))
    outcome = run(client, Target("attach", shell), term.fds)
    assert outcome.detached and outcome.how == "ctrl-p ctrl-q", outcome
    assert b"24 80" in term.output and b"30 100" in term.output
    assert term.restored()
    assert docker_cli("inspect", "-f", "{{.State.Running}}", shell).strip() == "true"
    time.sleep(0.5)
    assert not [t for t in threading.enumerate() if t.name == "dshell-attach-wait"]  # the exit wait was abandoned


def test_exit_and_errors_restore_the_terminal(client, term, shell):
    term.script((b"detaches]", b"exit 9\r"))
    outcome = run(client, Target("exec", shell, ("sh",)), term.fds)
    assert outcome.exit_code == 9 and term.restored()
    outcome = run(client, Target("exec", shell, ("no-such-program",)), term.fds)
    assert outcome.exit_code in (126, 127) and term.restored()  # 126 on docker 20.10
    outcome = run(client, Target("attach", "dsh-no-such-container"), term.fds)
    assert "No such container" in (outcome.error or "") and term.restored()
    outcome = run(client, Target("attach", shell, detach_keys="ctrl-pp"), term.fds)
    assert "unknown key" in (outcome.error or "") and term.restored()


def test_an_exec_whose_container_is_removed_ends_without_an_error(client, term, shell, docker_cli):
    def remove() -> None:
        docker_cli("rm", "-f", shell)

    term.script((b"detaches]", remove))
    outcome = run(client, Target("exec", shell, ("sleep", "30")), term.fds)
    # the exec is killed (137) as the container goes; an inspect that wins the race still sees that code
    assert (outcome.error, outcome.detached) == (None, False) and outcome.exit_code in (None, 137), outcome
    if outcome.exit_code is None:
        assert outcome.message().endswith("ended; its exit code went with the container")
    assert term.restored()


def test_a_dropped_connection_restores_the_terminal(engine, term, shell):
    proxy = SocketRelay(f"/tmp/dsh-proxy-{uuid.uuid4().hex[:8]}.sock", engine["socket"])
    proxy.start()
    c = docker.client(None, conn={"uri": f"unix://{proxy.path}"})
    threading.Thread(target=lambda: (time.sleep(1.5), proxy.stop()), daemon=True).start()
    started = time.monotonic()
    outcome = run(c, Target("attach", shell), term.fds)
    assert outcome.error and "cannot connect" in outcome.error, outcome
    assert time.monotonic() - started < 10 and term.restored()


def test_detach_keys_from_the_docker_config(client, term, shell, tmp_path, monkeypatch):
    (tmp_path / "config.json").write_text('{"detachKeys": "ctrl-x,x"}')
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    # ctrl-p ctrl-q are ordinary keys now (the daemon is told too): the line still runs
    term.script((b"ctrl-x x detaches]", b"\x10\x11echo still-here\r"), (b"\nstill-here\r\n", b"\x18x"))
    outcome = run(client, Target("attach", shell), term.fds)
    assert outcome.detached and outcome.how == "ctrl-x x" and term.restored(), outcome


class LateEndRelay(SocketRelay):
    """A relay that passes the end of a connection on a second late: the attach stream of a --rm container
    ends only once the container is gone."""

    @staticmethod
    def _pump(src, dst) -> None:
        with contextlib.suppress(OSError):
            while data := src.recv(65536):
                dst.sendall(data)
        time.sleep(1.0)
        for sock in (src, dst):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


@pytest.mark.parametrize("tty", [True, False], ids=["tty", "no-tty"])
def test_a_container_that_removes_itself_exits_with_its_code(engine, term, docker_cli, unique_name,
                                                             cleanup_containers, tty):
    name = unique_name()
    docker_cli(*RUN, "-d", "-i", *(["-t"] if tty else []), "--rm", "--name", name, "busybox", "sh")
    relay = LateEndRelay(f"/tmp/dsh-relay-{uuid.uuid4().hex[:8]}.sock", engine["socket"])
    relay.start()
    c = docker.client(None, conn={"uri": f"unix://{relay.path}"})
    try:
        term.script((b"detaches]", b"exit 7\r" if tty else b"exit 7\n"))
        outcome = run(c, Target("attach", name), term.fds)
    finally:
        c.close()
        relay.stop()
    assert (outcome.exit_code, outcome.error, outcome.detached) == (7, None, False), outcome
    assert term.restored()
    assert name not in docker_cli("ps", "-a", "--format", "{{.Names}}").split()  # --rm did remove it
