"""The transport against the real engine: an early answer to a large upload, cancels that never resend or hang."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import dshell.client as docker

pytestmark = pytest.mark.engine


@pytest.mark.parametrize("size", [1 << 20, 8 << 20])
def test_an_early_answer_to_a_large_upload_is_the_daemons(dc, unique_name, size):
    missing = unique_name()
    with pytest.raises(docker.DockerError) as err:
        docker.invoke(dc, {"op": "PutContainerArchive", "throw": True,
                           "params": {"id": missing, "path": "/", "inputStream": b"\0" * size}})
    assert err.value.status == 404 and f"No such container: {missing}" in err.value.message
    assert docker.invoke(dc, {"op": "SystemPing"}) == "OK"


def test_an_early_answer_to_a_streamed_upload_is_the_daemons(dc, unique_name):
    missing = unique_name()
    chunks = iter([b"\0" * 65536] * 64)
    answer = docker.invoke(dc, {"op": "PutContainerArchive",
                                "params": {"id": missing, "path": "/", "inputStream": chunks}})
    assert answer == {"message": f"No such container: {missing}"}


def stop_events(dc: docker.Client, name: str, since: float) -> list[str]:
    events = docker.invoke(dc, {"op": "SystemEvents", "params": {
        "since": str(int(since)), "until": str(int(time.time()) + 1),
        "filters": {"container": [name], "event": ["kill"]}}})
    return [e["Actor"]["Attributes"].get("signal") for e in events or []]


def test_a_cancelled_stop_reaches_the_daemon_once_and_ends_at_once(dc, container):
    for _ in range(3):
        name = container(["sleep", "60"], start=True)  # sleep as PID 1 ignores SIGTERM: a stop waits its t
        assert docker.invoke(dc, {"op": "SystemPing"}) == "OK"  # the stop goes on a reused connection
        since = time.time() - 1
        outcome: list[BaseException] = []

        def stop(name: str = name, outcome: list[BaseException] = outcome) -> None:
            try:
                docker.invoke(dc, {"op": "ContainerStop", "params": {"id": name, "t": 2}})
            except docker.ConnectionError as exc:
                outcome.append(exc)

        worker = threading.Thread(target=stop)
        worker.start()
        time.sleep(0.4)
        cancelled_at = time.monotonic()
        assert dc.cancel() == 1
        worker.join(5)
        assert time.monotonic() - cancelled_at < 1, "the cancelled stop was sent again and waited for the daemon"
        assert outcome and "cancelled" in str(outcome[0])
        docker.invoke(dc, {"op": "ContainerWait", "params": {"id": name}})
        assert stop_events(dc, name, since) == ["15", "9"]  # one SIGTERM, then the stop's SIGKILL: one stop


class SlowHeads:
    """A unix socket in front of the engine's that holds each response head for ``delay`` seconds."""

    def __init__(self, path: str, target: str, delay: float) -> None:
        self.path, self.target, self.delay = path, target, delay
        self.listener = socket.socket(socket.AF_UNIX)
        self.listener.bind(path)
        self.listener.listen(8)
        self.accepted = 0
        self.open: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.accepted += 1
            upstream = socket.socket(socket.AF_UNIX)
            upstream.connect(self.target)
            self.open += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream, 0.0), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, self.delay), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket, delay: float) -> None:
        with contextlib.suppress(OSError):
            while data := src.recv(65536):
                if delay and data.startswith(b"HTTP/"):
                    time.sleep(delay)
                dst.sendall(data)
        for sock in (src, dst):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self.listener.close()
        for sock in self.open:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


@pytest.fixture
def slow_heads(engine, tmp_path: Path) -> Iterator[SlowHeads]:
    relay = SlowHeads(str(tmp_path / "slow.sock"), engine["socket"], 0.6)
    yield relay
    relay.close()


def test_a_followed_stream_cancelled_while_its_head_is_awaited_ends(slow_heads, container):
    name = container(["sleep", "60"], start=True)  # no output: a stream that got its head would wait forever
    c = docker.client(conn={"uri": f"unix://{slow_heads.path}"}, api_version="v1.41")
    for _ in range(5):
        assert docker.invoke(c, {"op": "SystemPing"}) == "OK"  # the logs go on a reused connection
        outcome: list[BaseException] = []

        def follow(outcome: list[BaseException] = outcome) -> None:
            try:
                stream = docker.invoke(c, {"op": "ContainerLogs", "as": "stream",
                                           "params": {"id": name, "follow": True, "stdout": True}})
                stream.read1()
            except docker.ConnectionError as exc:
                outcome.append(exc)

        worker = threading.Thread(target=follow, daemon=True)
        accepted = slow_heads.accepted
        worker.start()
        time.sleep(0.2)  # the request is sent, its head held by the relay
        assert c.cancel() == 1
        worker.join(3)
        assert not worker.is_alive(), "the cancelled stream hangs"
        assert outcome and "cancelled" in str(outcome[0]) and slow_heads.accepted == accepted
    c.cancel()
