"""call() and its Outcome over MockTransport: no daemon, the real request building and HTTP/1.1 reading."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

import dshell.client as docker

Handler = Callable[[docker.MockRequest], docker.MockResponse]


def mock(handler: Handler, api_version: str | None = "v1.41") -> docker.Client:
    return docker.client(transport=docker.MockTransport(handler), api_version=api_version)


def test_an_outcome_names_its_request_and_answer():
    def daemon(req: docker.MockRequest) -> docker.MockResponse:
        assert req.query == {"all": ["true"]} and req.headers["host"] == "docker"
        return docker.MockResponse.json([{"Id": "abc"}], headers={"X-Seen": req.method})

    out = docker.call(mock(daemon), {"op": "ContainerList", "params": {"all": True}})
    assert (out.op, out.method, out.url, out.status) == ("ContainerList", "GET", "/v1.41/containers/json?all=true", 200)
    assert out.request_line == "GET /v1.41/containers/json?all=true" and out.endpoint == "unix:///mock/docker.sock"
    assert out.data == [{"Id": "abc"}] and out.ok and out.error is None and out.headers["x-seen"] == "GET"
    assert out.elapsed > 0 and out.stream is None and out.socket is None
    with pytest.raises(AttributeError, match="immutable"):
        out.status = 500
    changed = out.replace(status=500)
    assert (changed.status, out.status, changed.data) == (500, 200, out.data) and changed != out
    assert out.replace() == out
    with pytest.raises(TypeError, match="no field 'nope'"):
        out.replace(nope=1)


def test_an_outcome_copies_deep_copies_and_pickles():
    import copy
    import pickle

    out = docker.call(mock(lambda req: docker.MockResponse.json([{"Id": "abc"}])), {"op": "ContainerList"})
    deep = copy.deepcopy(out)
    assert copy.copy(out) == out and deep == out and deep.data is not out.data
    assert pickle.loads(pickle.dumps(out)) == out
    failed = docker.call(mock(lambda req: docker.MockResponse.json({"message": "no such"}, 404)),
                         {"op": "ContainerInspect", "params": {"id": "x"}})
    for again in (copy.deepcopy(failed), pickle.loads(pickle.dumps(failed))):
        assert again.error is not None and (again.error.status, again.error.message) == (404, "no such")
        assert str(again.error) == str(failed.error) and again.data == failed.data


def test_a_daemon_error_is_an_outcome_and_invoke_keeps_its_contract():
    body = {"message": "No such container: web"}
    c = mock(lambda req: docker.MockResponse.json(body, 404))
    out = docker.call(c, {"op": "ContainerInspect", "params": {"id": "web"}, "throw": True})  # call never raises
    assert (out.status, out.data, out.ok) == (404, body, False)
    assert (out.error.status, out.error.message, out.error.op, out.error.body) == (404, body["message"],
                                                                                 "ContainerInspect", body)
    assert docker.invoke(c, {"op": "ContainerInspect", "params": {"id": "web"}}) == body
    with pytest.raises(docker.DockerError, match="404 No such container: web"):
        docker.invoke(c, {"op": "ContainerInspect", "params": {"id": "web"}, "throw": True})


def test_an_error_inside_a_200_progress_stream():
    lines = b'{"status":"Pulling"}\n{"error":"denied","errorDetail":{"message":"denied"}}\n'
    c = mock(lambda req: docker.MockResponse(200, lines, {"Content-Type": "application/json"}))
    out = docker.call(c, {"op": "ImageCreate", "params": {"fromImage": "x"}})
    assert out.status == 200 and out.error.message == "denied" and len(out.data) == 2
    assert docker.invoke(c, {"op": "ImageCreate", "params": {"fromImage": "x"}}) == out.data
    with pytest.raises(docker.DockerError, match="denied"):
        docker.invoke(c, {"op": "ImageCreate", "params": {"fromImage": "x"}, "throw": True})


def test_fetch_outcome_is_the_raw_calls_outcome():
    c = mock(lambda req: docker.MockResponse(200, b"OK", {"Content-Type": "text/plain", "Api-Version": "1.41"}))
    out = docker.fetch_outcome({"conn": c, "url": "/_ping", "method": "head"})
    assert (out.op, out.request_line, out.status, out.headers["api-version"]) == (None, "HEAD /_ping", 200, "1.41")
    assert docker.fetch({"conn": c, "url": "/_ping"}) == "OK"


def test_the_tty_lookup_of_logs_does_not_leak_into_their_outcome():
    seen: list[str] = []

    def daemon(req: docker.MockRequest) -> docker.MockResponse:
        seen.append(req.path)
        if req.path.endswith("/json"):
            return docker.MockResponse.json({"Config": {"Tty": False}})
        return docker.MockResponse(200, b"\x01\x00\x00\x00\x00\x00\x00\x03hi\n")

    out = docker.call(mock(daemon), {"op": "ContainerLogs", "params": {"id": "web", "stdout": True}})
    assert out.data == "hi\n" and seen == ["/v1.41/containers/web/logs", "/v1.41/containers/web/json"]
    assert out.request_line == "GET /v1.41/containers/web/logs?stdout=true" and out.op == "ContainerLogs"


def test_two_threads_on_one_client_each_get_their_own_outcome():
    def daemon(req: docker.MockRequest) -> docker.MockResponse:
        time.sleep(0.001)  # let the threads interleave
        found = req.path.endswith("/found/json")
        return docker.MockResponse.json({"Id": "found"} if found else {"message": "no"}, 200 if found else 404)

    c = mock(daemon)
    got: dict[str, list[docker.Outcome]] = {"found": [], "gone": []}

    def run(name: str) -> None:
        for _ in range(50):
            got[name].append(docker.call(c, {"op": "ContainerInspect", "params": {"id": name}}))

    threads = [threading.Thread(target=run, args=(name,)) for name in got]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert {o.status for o in got["found"]} == {200} and {o.status for o in got["gone"]} == {404}
    assert {o.url for o in got["found"]} == {"/v1.41/containers/found/json"}
    assert {o.url for o in got["gone"]} == {"/v1.41/containers/gone/json"}


def test_a_stream_arrives_piece_by_piece_and_cancel_breaks_it():
    more = threading.Event()

    def pieces() -> Iterator[bytes]:
        yield b'{"n":1}\n'
        more.wait(10)
        yield b'{"n":2}\n'

    c = mock(lambda req: docker.MockResponse(200, pieces(), {"Content-Type": "application/json"}))
    out = docker.call(c, {"op": "SystemEvents", "as": "stream"})
    values = out.stream.json()
    assert next(values) == {"n": 1}  # before the second piece was sent
    threading.Timer(0.2, c.cancel).start()
    with pytest.raises(docker.DockerConnectionError):
        next(values)
    more.set()


def test_a_hijacked_socket_talks_both_ways():
    def serve(sock: socket.socket) -> None:
        data = b""
        while chunk := sock.recv(100):
            data += chunk
        sock.sendall(b"\x01\x00\x00\x00\x00\x00\x00\x04" + data[:4])

    upgrade = {"Connection": "Upgrade", "Upgrade": "tcp", "Content-Type": "application/vnd.docker.raw-stream"}
    def daemon(req: docker.MockRequest) -> docker.MockResponse:
        if req.path.endswith("/json"):  # the inspect that tells whether frames are multiplexed
            return docker.MockResponse.json({"Config": {"Tty": False}})
        assert req.headers["upgrade"] == "tcp"
        return docker.MockResponse(101, headers=upgrade, serve=serve)

    c = mock(daemon)
    out = docker.call(c, {"op": "ContainerAttach", "as": "socket",
                          "params": {"id": "web", "stream": True, "stdin": True, "stdout": True}})
    sock = out.socket
    assert out.status == 101 and sock is not None
    with sock:
        sock.sendall(b"ping!")
        sock.shutdown(socket.SHUT_WR)
        assert list(sock.frames()) == [(1, b"ping")]


def test_a_copy_speaks_the_same_version_without_asking_again():
    pings: list[str] = []

    def daemon(req: docker.MockRequest) -> docker.MockResponse:
        if req.path == "/_ping":
            pings.append(req.path)
            return docker.MockResponse(200, b"OK", {"Api-Version": "1.41"})
        return docker.MockResponse.json([])

    c = mock(daemon, api_version=None)
    assert c.api_version == "v1.41" and pings == ["/_ping"]
    twin = c.copy()
    assert (twin.api_version, twin.pinned, twin.uri, twin.category) == ("v1.41", None, c.uri, None)
    assert docker.invoke(twin, {"op": "ContainerList"}) == [] and pings == ["/_ping"]


def test_the_connection_error_is_an_oserror_and_no_star_import_shadows_the_builtin():
    import builtins

    assert docker.ConnectionError is docker.DockerConnectionError
    assert issubclass(docker.DockerConnectionError, OSError) and issubclass(docker.DockerConnectionError,
                                                                            docker.DshellError)
    names: dict[str, object] = {}
    exec("from dshell.client import *", names)  # noqa: S102 - what a user's module does
    assert "ConnectionError" not in names and names["DockerConnectionError"] is docker.DockerConnectionError
    c = docker.client(conn={"uri": "unix:///tmp/dsh-test-no-such.sock"}, api_version="v1.41")
    with pytest.raises(builtins.ConnectionError, match="no such socket"):
        docker.call(c, {"op": "SystemPing"})


def test_a_prepared_request_is_keyed_by_the_types_and_version_of_its_params():
    seen: list[str] = []

    def daemon(req: docker.MockRequest) -> docker.MockResponse:
        seen.append(f"{req.method} {req.target}")
        return docker.MockResponse.json([])

    c = mock(daemon)
    for _ in range(2):
        assert docker.call(c, {"op": "ContainerList", "params": {"all": True}}).url == (
            "/v1.41/containers/json?all=true")
    with pytest.raises(docker.ValidationError, match="'all' must be true/false"):  # 1 == True, but not a boolean
        docker.call(c, {"op": "ContainerList", "params": {"all": 1}})
    c.pin("v1.40")
    assert docker.call(c, {"op": "ContainerList", "params": {"all": True}}).url == "/v1.40/containers/json?all=true"
    assert seen == ["GET /v1.41/containers/json?all=true"] * 2 + ["GET /v1.40/containers/json?all=true"]


def test_a_login_is_read_afresh_for_every_call(tmp_path, monkeypatch):
    """An op that sends X-Registry-Auth is never prepared once: a `docker login` between two calls counts."""
    import base64
    import json

    sent: list[str | None] = []

    def daemon(req: docker.MockRequest) -> docker.MockResponse:
        sent.append(req.headers.get("x-registry-auth"))
        return docker.MockResponse.json([{"status": "pushed"}])

    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    c = mock(daemon)
    push = {"op": "ImagePush", "params": {"name": "127.0.0.1:5000/app"}}
    docker.call(c, push)
    auth = base64.b64encode(b"u:secret").decode()
    (tmp_path / "config.json").write_text(json.dumps({"auths": {"127.0.0.1:5000": {"auth": auth}}}))
    docker.call(c, push)
    first, second = (json.loads(base64.urlsafe_b64decode(value + "==")) for value in sent)
    assert "username" not in first and (second["username"], second["password"]) == ("u", "secret")


def test_an_outcome_with_new_data_forgets_the_body_it_came_from() -> None:
    out = docker.Outcome("ContainerList", "GET", "/containers/json", 200, {}, 0.0, [{"Id": "a"}],
                         json_body=b'[{"Id":"a"}]')
    assert out.replace(elapsed=1.0).json_body == b'[{"Id":"a"}]'
    assert out.replace(data=[{"Id": "b"}]).json_body is None  # stored as the data it holds, not the old bytes
