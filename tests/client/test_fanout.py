"""fanout: one op over several clients at once, each host's outcome or error, in the order given."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

import dshell.client as docker


def mock(answer: Any, barrier: threading.Barrier | None = None, name: str = "mock") -> docker.Client:
    def daemon(req: docker.MockRequest) -> docker.MockResponse:
        if barrier is not None:
            barrier.wait(timeout=10)  # every host is asked before any answers: the calls run at once
        return docker.MockResponse.json(answer(req) if callable(answer) else answer)

    return docker.client(transport=docker.MockTransport(daemon), api_version="v1.41")


def test_every_host_is_asked_at_once_and_answers_in_the_order_given() -> None:
    barrier = threading.Barrier(3)
    clients = {name: mock([{"Id": name}], barrier) for name in ("c", "a", "b")}
    answers = docker.fanout(clients, {"op": "ContainerList", "params": {"all": True}})
    assert list(answers) == ["c", "a", "b"]
    for name, outcome in answers.items():
        assert isinstance(outcome, docker.Outcome)
        assert outcome.status == 200 and outcome.data == [{"Id": name}]
        assert outcome.request_line == "GET /v1.41/containers/json?all=true"


def test_a_host_whose_version_lacks_the_op_is_its_error_only() -> None:
    clients = {"new": mock({"Descriptor": {}}), "old": docker.client(transport=docker.MockTransport(
        lambda req: docker.MockResponse.json({})), api_version="v1.25")}
    answers = docker.fanout(clients, {"op": "DistributionInspect", "params": {"name": "busybox"}})
    assert isinstance(answers["new"], docker.Outcome) and answers["new"].data == {"Descriptor": {}}
    assert isinstance(answers["old"], docker.ValidationError) and "DistributionInspect" in str(answers["old"])


def test_a_request_made_per_host() -> None:
    """``request`` as a function: each host's own map (made in this thread for a warm host, as its request is
    sent at once); what it raises is that host's answer only."""
    clients = {name: mock(lambda req: req.target) for name in ("a", "b", "bad")}
    threads: dict[str, str] = {}

    def request(name: str, c: docker.Client) -> dict[str, Any]:
        threads[name] = threading.current_thread().name
        if name == "bad":
            raise docker.ValidationError("bad: no such param")
        return {"op": "ContainerList", "params": {"limit": {"a": 1, "b": 2}[name]}}

    answers = docker.fanout(clients, request)
    assert [a.data for a in answers.values() if isinstance(a, docker.Outcome)] == [
        "/v1.41/containers/json?limit=1", "/v1.41/containers/json?limit=2"]
    assert isinstance(answers["bad"], docker.ValidationError) and str(answers["bad"]) == "bad: no such param"
    assert set(threads.values()) == {threading.current_thread().name}


@pytest.mark.engine
def test_a_cold_host_gets_a_thread_and_a_warm_one_is_sent_from_here(engine: dict[str, Any], tmp_path: Any) -> None:
    """A host not dialed yet (nor asked its version) is called in a thread of its own, so that a slow dial
    delays no other host; once warm, every request is sent before any answer is read, no thread needed."""
    clients = {name: docker.client(conn={"uri": engine["docker_host"]}) for name in ("a", "b")}
    threads: list[str] = []

    def request(name: str, c: docker.Client) -> dict[str, Any]:
        threads.append(threading.current_thread().name)
        return {"op": "SystemPing"}

    try:
        assert not any(c.warm for c in clients.values())
        cold = docker.fanout(clients, request)
        assert sorted(threads) == ["dshell-fanout-a", "dshell-fanout-b"]
        assert all(c.warm for c in clients.values())
        threads.clear()
        warm = docker.fanout(clients, request)
        assert threads == [threading.current_thread().name] * 2
        assert [o.data for o in (*cold.values(), *warm.values()) if isinstance(o, docker.Outcome)] == ["OK"] * 4
    finally:
        for c in clients.values():
            c.close()


def test_no_clients_is_one_clear_error() -> None:
    with pytest.raises(docker.ValidationError, match="at least one client"):
        docker.fanout({}, {"op": "SystemPing"})


@pytest.mark.engine
def test_real_endpoints_and_one_that_is_down(engine: dict[str, Any], tmp_path: Any) -> None:
    clients = {
        "unix": docker.client(conn={"uri": engine["docker_host"]}),
        "tls": docker.client(conn={"uri": engine["tls_uri"], "mtls": {
            "ca": engine["ca"], "cert": engine["cert"], "key": engine["key"]}}),
        "down": docker.client(conn={"uri": f"unix://{tmp_path}/none.sock"}, api_version="v1.41"),
    }
    try:
        answers = docker.fanout(clients, {"op": "SystemInfo"})
        assert list(answers) == ["unix", "tls", "down"]
        unix, tls, down = answers.values()
        assert isinstance(unix, docker.Outcome) and isinstance(tls, docker.Outcome)
        assert unix.data["ID"] == tls.data["ID"]  # one daemon, reached two ways
        assert unix.endpoint == engine["docker_host"] and tls.endpoint == engine["tls_uri"]
        assert isinstance(down, docker.DockerConnectionError) and "no such socket" in str(down)
        missing = docker.fanout(clients, {"op": "ContainerInspect", "params": {"id": "dsh-test-none"},
                                          "throw": True})
        assert isinstance(missing["unix"], docker.DockerError) and missing["unix"].status == 404
    finally:
        for c in clients.values():
            c.close()


def test_a_host_cancelled_while_its_answer_is_awaited_is_its_error_only() -> None:
    """A cancel between the send and the read closes that host's connection: the others still answer."""
    cancelled: dict[str, docker.Client] = {}

    def cancelling(req: docker.MockRequest) -> docker.MockResponse:
        cancelled["b"].cancel()
        return docker.MockResponse.json([])

    cancelled["b"] = docker.client(transport=docker.MockTransport(cancelling), api_version="v1.41")
    clients = {"b": cancelled["b"], "a": mock([{"Id": "a"}])}
    for _ in range(5):
        answers = docker.fanout(clients, {"op": "ContainerList"})
        assert isinstance(answers["a"], docker.Outcome) and answers["a"].data == [{"Id": "a"}]
        assert isinstance(answers["b"], docker.DshellError) and "cancelled" in str(answers["b"])


@contextmanager
def mute_daemon() -> Iterator[str]:
    """A TCP endpoint that accepts connections and never says a word (a hung daemon, a black-holing proxy)."""
    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            with contextlib.suppress(OSError):
                held.append(server.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        for conn in (*held, server):
            conn.close()


def _in_a_thread(work: Callable[[], Any], limit: float = 60) -> Any:
    """``work()``'s value, or a failure (not a hang) when it has not returned within ``limit`` seconds."""
    out: list[Any] = []
    thread = threading.Thread(target=lambda: out.append(work()), daemon=True)
    thread.start()
    thread.join(limit)
    assert out, f"still waiting after {limit} s"
    return out[0]


@pytest.mark.engine
@pytest.mark.parametrize("pinned", [None, "v1.41"])
def test_a_mute_endpoint_is_cut_off_at_the_deadline_and_the_others_show_as_they_come(
        engine: dict[str, Any], pinned: str | None) -> None:
    """``-H real=... -H mute=tcp://...`` then ``@all SystemPing`` never returned, and real's answer was never
    shown: now the mute one is cancelled at the deadline and real's answer is handed over as soon as it came."""
    came: list[tuple[str, Any, float]] = []
    began = time.monotonic()
    with mute_daemon() as uri:
        clients = {"mute": docker.client(conn={"uri": uri}, api_version=pinned),
                   "real": docker.client(conn={"uri": engine["docker_host"]})}
        try:
            answers = _in_a_thread(lambda: docker.fanout(
                clients, {"op": "SystemPing"}, deadline=3,
                on_answer=lambda name, answer: came.append((name, answer, time.monotonic() - began))))
        finally:
            for c in clients.values():
                c.close()
    assert list(answers) == ["mute", "real"]
    assert isinstance(answers["real"], docker.Outcome) and answers["real"].data == "OK"
    mute = answers["mute"]
    assert isinstance(mute, docker.DockerConnectionError) and "no answer within 3 s" in str(mute)
    assert [name for name, _, _ in came] == ["real", "mute"]
    assert came[0][2] < came[1][2]  # real's answer was handed over before the mute one gave up


@pytest.mark.engine
def test_ctrl_c_keeps_what_came(engine: dict[str, Any]) -> None:
    came = threading.Event()
    with mute_daemon() as uri:
        clients = {"mute": docker.client(conn={"uri": uri}, api_version="v1.41"),
                   "real": docker.client(conn={"uri": engine["docker_host"]})}

        def ctrl_c() -> None:
            came.wait(30)
            os.kill(os.getpid(), signal.SIGINT)

        interrupter = threading.Thread(target=ctrl_c)
        interrupter.start()
        try:
            with pytest.raises(docker.FanoutInterrupted) as info:
                docker.fanout(clients, {"op": "SystemPing"}, deadline=None, on_answer=lambda n, a: came.set())
        finally:
            interrupter.join()
            for c in clients.values():
                c.close()
    answers = info.value.answers
    assert isinstance(answers["real"], docker.Outcome) and answers["real"].data == "OK"
    assert isinstance(answers["mute"], docker.DshellError) and "cancelled" in str(answers["mute"])
