"""dshell in a real terminal (tmux) against the real engine: what a person sees when typing."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

import dshell.client as docker

pytestmark = [pytest.mark.engine,
              pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")]
REPO = Path(__file__).resolve().parents[2]


class Terminal:
    """One dshell in its own tmux server (its own socket: nothing else of the user's is touched)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.socket = f"dshell-e2e-{os.getpid()}-{uuid.uuid4().hex[:6]}"

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], env=self.env, check=False,
                              capture_output=True, text=True).stdout

    def start(self) -> None:
        command = f"cd {REPO} && {sys.executable} -m dshell; sleep 60"
        self.tmux("new-session", "-d", "-x", "160", "-y", "50", "-s", "main", command)
        self.wait(r"^dshell>", timeout=20)
        self.wait(r"API v1\.\d+\s+\d+ results\s+\w+\s*$", timeout=20)  # loaded and negotiated

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "main", "-l", text)

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "main", *keys)

    def run(self, text: str) -> None:
        self.type(text)
        self.keys("Enter")

    def screen(self) -> str:
        return self.tmux("capture-pane", "-t", "main", "-p", "-S", "-500")

    def wait(self, pattern: str, timeout: float = 10.0) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while True:
            found = re.search(pattern, self.screen(), re.M)
            if found:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"{pattern!r} not on screen:\n{self.screen()}")
            time.sleep(0.1)

    def close(self) -> None:
        self.tmux("kill-server")


@pytest.fixture
def env(live_engine, tmp_path) -> dict[str, str]:
    home = tmp_path / "home"
    (home / ".config" / "dshell").mkdir(parents=True)
    (home / ".config" / "dshell" / "config.yaml").write_text("pager: off\n")
    return {**{k: v for k, v in os.environ.items() if not k.startswith(("DOCKER_", "XDG_"))},
            "HOME": str(home), "DOCKER_HOST": live_engine["docker_host"], "TERM": "xterm-256color",
            "PYTHONPATH": str(REPO)}


@pytest.fixture
def term(env):
    terminal = Terminal(env)
    terminal.start()
    yield terminal
    terminal.close()


@pytest.fixture
def container(live_engine):
    """A running busybox container with a unique name; removed afterwards."""
    c = docker.client(conn={"uri": live_engine["docker_host"]})
    name = f"dsh-e2e-{uuid.uuid4().hex[:8]}"
    body = {"Image": live_engine.get("image", "busybox:latest"), "Cmd": ["sleep", "300"]}
    created = docker.invoke(c, {"op": "ContainerCreate", "params": {"name": name, "body": body}, "throw": True})
    docker.invoke(c, {"op": "ContainerStart", "params": {"id": created["Id"]}, "throw": True})
    yield name
    docker.invoke(c, {"op": "ContainerDelete", "params": {"id": name, "force": True}})


def test_run_ops_and_drill_into_a_result(term, container):
    term.run("ContainerList all=true")
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
    term.wait(r"^\[1\] 404 No such container: no-such-container-dshell\s*$")
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


class SocketRelay:
    """A unix socket that relays to the engine's: stopping it is the daemon going away, starting it coming back."""

    def __init__(self, path: str, target: str) -> None:
        self.path, self.target = path, target
        self.listener: socket.socket | None = None
        self.open: list[socket.socket] = []

    def start(self) -> None:
        self.listener = socket.socket(socket.AF_UNIX)
        self.listener.bind(self.path)
        self.listener.listen(16)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.socket(socket.AF_UNIX)
            upstream.connect(self.target)
            self.open += [client, upstream]
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        for sock in (src, dst):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        if self.listener is not None:
            self.listener.close()
            self.listener = None
        for sock in self.open:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.open.clear()
        os.unlink(self.path)


def test_a_daemon_that_goes_away_is_an_error_line_and_the_shell_works_when_it_is_back(env, live_engine, tmp_path):
    relay = SocketRelay(str(tmp_path / "relay.sock"), live_engine["socket"])
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
