"""The examples of clj-docker-client's README, in Python, against the real engine."""

from __future__ import annotations

import io
import socket
import tarfile
import time

import pytest

import dshell.client as docker

pytestmark = pytest.mark.engine


def server_api_version(docker_cli) -> str:
    return docker_cli("version", "--format", "{{.Server.APIVersion}}").strip()


def test_categories_ops_and_doc(dc):
    assert {"containers", "images", "_ping", "system"} <= docker.categories()
    assert "platform" not in str(docker.categories("v1.40"))
    images = docker.client("images", conn=dc.conn)
    assert docker.ops(images)[:2] == ["ImageList", "ImageCreate"]
    info = docker.doc(images, "ImageList")
    assert info["doc"] == "List Images"
    assert {"name": "all", "in": "query", "type": "boolean", "required": False, "default": False} in info["params"]
    assert info["url"].endswith(f"/{dc.api_version}/#tag/Image/operation/ImageList")


def test_negotiates_with_no_pin(dc, docker_cli):
    assert dc.api_version == "v" + server_api_version(docker_cli)
    assert docker.invoke(dc, {"op": "SystemPing"}) == "OK"
    ping = docker.call(dc, {"op": "SystemPing"})
    assert (ping.request_line, ping.status, ping.data, ping.error) == (f"GET /{dc.api_version}/_ping", 200, "OK", None)
    assert ping.headers["api-version"] == server_api_version(docker_cli) and ping.elapsed > 0


def test_unnegotiated_newest_paths_are_refused_by_this_engine(dc):
    pinned = docker.client(conn=dc.conn, api_version="v1.56")
    err = docker.invoke(pinned, {"op": "ContainerList"})
    assert "client version 1.56 is too new" in err["message"]


def test_create_start_and_follow_logs_as_a_stream(dc, container):
    name = container(["sh", "-c", "for i in 1 2 3; do echo line$i; sleep 0.2; done; echo oops >&2"])
    created = docker.invoke(dc, {"op": "ContainerInspect", "params": {"id": name}})
    assert created["State"]["Status"] == "created"
    docker.invoke(dc, {"op": "ContainerStart", "params": {"id": name}, "throw": True})
    logs = docker.invoke(dc, {"op": "ContainerLogs", "as": "stream", "throw": True,
                              "params": {"id": name, "follow": True, "stdout": True, "stderr": True}})
    out: dict[int, bytes] = {1: b"", 2: b""}
    with logs:
        first_at = None
        for stream, payload in logs.frames():
            first_at = first_at or time.monotonic()
            out[stream] += payload
    assert out == {1: b"line1\nline2\nline3\n", 2: b"oops\n"}
    as_data = docker.invoke(dc, {"op": "ContainerLogs", "params": {"id": name, "stdout": True, "stderr": True}})
    assert as_data == "line1\nline2\nline3\noops\n"


def test_logs_of_a_tty_container_are_raw(dc, container):
    name = container(["echo", "tty says hi"], start=True, Tty=True)
    docker.invoke(dc, {"op": "ContainerWait", "params": {"id": name}})
    with docker.invoke(dc, {"op": "ContainerLogs", "as": "stream",
                            "params": {"id": name, "stdout": True}}) as logs:
        assert logs.tty is True
        assert b"".join(p for _, p in logs.frames()) == b"tty says hi\r\n"


def test_attach_write_stdin_and_the_container_receives_it(dc, container):
    name = container(["sh", "-c", "read line; echo got:$line; echo bye >&2"], OpenStdin=True, StdinOnce=True)
    sock = docker.invoke(dc, {"op": "ContainerAttach", "as": "socket", "throw": True,
                              "params": {"id": name, "stream": True, "stdin": True, "stdout": True, "stderr": True}})
    with sock:
        docker.invoke(dc, {"op": "ContainerStart", "params": {"id": name}, "throw": True})
        sock.sendall(b"hello dshell\n")
        sock.shutdown(socket.SHUT_WR)
        frames = list(sock.frames())
    assert (1, b"got:hello dshell\n") in frames and (2, b"bye\n") in frames
    assert docker.invoke(dc, {"op": "ContainerWait", "params": {"id": name}})["StatusCode"] == 0


def test_put_an_archive_with_fetch_and_read_it_back(dc, container, engine):
    name = container(["true"])
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        info = tarfile.TarInfo("hello.txt")
        info.size = 12
        tar.addfile(info, io.BytesIO(b"hello world\n"))
    put = docker.fetch({"conn": {"uri": engine["docker_host"]}, "url": "/v1.41/containers/{id}/archive",
                        "method": "put", "path": {"id": name}, "query": {"path": "/tmp"},
                        "header": {"Content-Type": "application/x-tar"}, "body": buf.getvalue(), "as": "data"})
    assert put is None
    back = docker.invoke(dc, {"op": "ContainerArchive", "params": {"id": name, "path": "/tmp/hello.txt"}})
    with tarfile.open(fileobj=io.BytesIO(back)) as tar:
        assert tar.extractfile("hello.txt").read() == b"hello world\n"


def test_archive_error_with_throw_carries_status_message_and_body(dc, container):
    name = container(["true"])
    with pytest.raises(docker.DockerError) as err:
        docker.invoke(dc, {"op": "ContainerArchive", "params": {"id": name, "path": "/nope"},
                           "as": "stream", "throw": True})
    assert err.value.status == 404 and err.value.op == "ContainerArchive"
    assert "/nope" in err.value.message and err.value.body == {"message": err.value.message}
    without = docker.invoke(dc, {"op": "ContainerArchive", "params": {"id": name, "path": "/nope"}})
    assert without == err.value.body


def test_raw_fetch_of_an_endpoint(engine):
    got = docker.fetch({"conn": {"uri": engine["docker_host"]}, "url": "/v1.41/containers/{id}/json",
                        "path": {"id": "no-such-container"}, "method": "get", "query": {}, "header": {},
                        "body": None, "as": "data"})
    assert got == {"message": "No such container: no-such-container"}
    assert docker.fetch({"conn": {"uri": engine["docker_host"]}, "url": "/_ping"}) == "OK"


def test_network_create_pinned_to_v1_40(engine, unique_name):
    networks = docker.client("networks", conn={"uri": engine["docker_host"]}, api_version="v1.40")
    name = unique_name("dsh-net")
    created = docker.call(networks, {"op": "NetworkCreate",
                                     "params": {"networkConfig": {"Name": name, "Driver": "bridge"}}})
    assert (created.request_line, created.status, created.error) == ("POST /v1.40/networks/create", 201, None)
    made = created.data
    try:
        inspected = docker.invoke(networks, {"op": "NetworkInspect", "params": {"id": made["Id"]}})
        assert inspected["Name"] == name
    finally:
        docker.invoke(networks, {"op": "NetworkDelete", "params": {"id": made["Id"]}, "throw": True})


def test_validation_error_sends_nothing():
    sent: list[docker.MockRequest] = []

    def daemon(req: docker.MockRequest) -> docker.MockResponse:
        sent.append(req)
        return docker.MockResponse.json([])

    c = docker.client(transport=docker.MockTransport(daemon), api_version="v1.41")
    with pytest.raises(docker.ValidationError, match="did you mean ContainerList"):
        docker.invoke(c, {"op": "ContainerLis"})
    with pytest.raises(docker.ValidationError, match="'as' must be one of data, stream, socket"):
        docker.invoke(c, {"op": "ContainerList", "as": "text"})
    with pytest.raises(docker.ValidationError, match="param 'all' must be true/false"):
        docker.call(c, {"op": "ContainerList", "params": {"all": "yes"}})
    assert sent == []
    assert docker.invoke(c, {"op": "ContainerList"}) == [] and [r.target for r in sent] == ["/v1.41/containers/json"]


def test_exec_as_socket_and_exit_code(dc, container):
    name = container(["sleep", "60"], start=True)
    ex = docker.invoke(dc, {"op": "ContainerExec", "throw": True, "params": {"id": name, "execConfig": {
        "Cmd": ["sh", "-c", "cat; exit 3"], "AttachStdin": True, "AttachStdout": True, "AttachStderr": True}}})
    sock = docker.invoke(dc, {"op": "ExecStart", "as": "socket", "throw": True,
                              "params": {"id": ex["Id"], "execStartConfig": {"Detach": False, "Tty": False}}})
    with sock:
        sock.sendall(b"echoed back\n")
        sock.shutdown(socket.SHUT_WR)
        assert b"".join(p for _, p in sock.frames()) == b"echoed back\n"
    deadline = time.monotonic() + 10
    while (inspect := docker.invoke(dc, {"op": "ExecInspect", "params": {"id": ex["Id"]}}))["Running"]:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert inspect["ExitCode"] == 3


def test_exec_as_data_returns_the_demultiplexed_output(dc, container):
    name = container(["sleep", "60"], start=True)
    ex = docker.invoke(dc, {"op": "ContainerExec", "throw": True, "params": {"id": name, "execConfig": {
        "Cmd": ["sh", "-c", "echo out; echo err >&2"], "AttachStdout": True, "AttachStderr": True}}})
    out = docker.invoke(dc, {"op": "ExecStart", "params": {"id": ex["Id"], "execStartConfig": {}}, "throw": True})
    assert sorted(out.splitlines()) == ["err", "out"]


def test_events_with_until_are_a_list_and_a_stream_yields_json(dc, container):
    since = int(time.time()) - 1
    container(["true"])
    events = docker.invoke(dc, {"op": "SystemEvents", "throw": True, "params": {
        "since": str(since), "until": str(int(time.time()) + 1), "filters": {"type": ["container"]}}})
    assert isinstance(events, list) and any(e.get("Action") == "create" for e in events)
    with docker.invoke(dc, {"op": "SystemEvents", "as": "stream", "params": {
            "since": str(since), "until": str(int(time.time()) + 1)}}) as stream:
        assert any(e.get("Action") == "create" for e in stream.json())


def test_stats_one_shot_and_stream(dc, container):
    name = container(["sleep", "60"], start=True)
    once = docker.invoke(dc, {"op": "ContainerStats", "params": {"id": name, "stream": False}})
    assert "memory_stats" in once
    with docker.invoke(dc, {"op": "ContainerStats", "as": "stream", "params": {"id": name}}) as stream:
        samples = iter(stream.json())
        assert "cpu_stats" in next(samples) and "cpu_stats" in next(samples)


def test_read_and_call_timeouts(engine, container, dc):
    name = container(["sleep", "60"], start=True)
    slow = docker.client(conn={"uri": engine["docker_host"], "timeouts": {"read": 0.3}})
    started = time.monotonic()
    with pytest.raises(docker.ConnectionError, match="timed out"):
        docker.invoke(slow, {"op": "ContainerWait", "params": {"id": name}})
    assert time.monotonic() - started < 5
    capped = docker.client(conn={"uri": engine["docker_host"], "timeouts": {"call": 0.3}})
    with pytest.raises(docker.ConnectionError, match="timed out"):
        docker.invoke(capped, {"op": "ContainerWait", "params": {"id": name}})
    assert docker.invoke(capped, {"op": "SystemPing"}) == "OK"


def test_a_followed_stream_has_no_read_timeout(engine, container):
    name = container(["sh", "-c", "sleep 0.8; echo late"], start=True)
    c = docker.client(conn={"uri": engine["docker_host"], "timeouts": {"read": 0.3}})
    with docker.invoke(c, {"op": "ContainerLogs", "as": "stream",
                           "params": {"id": name, "follow": True, "stdout": True}}) as logs:
        assert b"".join(p for _, p in logs.frames()) == b"late\n"


def test_docker_host_from_the_environment(engine, monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", engine["docker_host"])
    c = docker.client("_ping")
    assert c.uri == engine["docker_host"] and docker.invoke(c, {"op": "SystemPing"}) == "OK"
    assert docker.invoke(docker.client("version"), {"op": "SystemVersion"})["ApiVersion"] == c.api_version[1:]


def test_cancel_aborts_a_blocked_call_and_a_followed_stream_from_another_thread(dc, container):
    import threading

    name = container(["sleep", "60"], start=True)
    outcome: list[BaseException] = []

    def wait() -> None:
        try:
            docker.invoke(dc, {"op": "ContainerWait", "params": {"id": name}})
        except docker.ConnectionError as exc:
            outcome.append(exc)

    worker = threading.Thread(target=wait)
    worker.start()
    time.sleep(0.3)
    assert dc.cancel() == 1
    worker.join(5)
    assert not worker.is_alive() and outcome
    logs = docker.invoke(dc, {"op": "ContainerLogs", "as": "stream", "params": {"id": name, "follow": True,
                                                                                "stdout": True}})
    threading.Timer(0.3, dc.cancel).start()
    with pytest.raises(docker.ConnectionError):
        logs.read()
    assert docker.invoke(dc, {"op": "SystemPing"}) == "OK"


def test_one_client_is_safe_across_threads(dc, container):
    from concurrent.futures import ThreadPoolExecutor

    names = [container(["true"]) for _ in range(3)]

    def inspect(i: int) -> str:
        return docker.invoke(dc, {"op": "ContainerInspect", "params": {"id": names[i % 3]}, "throw": True})["Name"]

    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(inspect, range(120)))
    assert got == [f"/{names[i % 3]}" for i in range(120)]


def test_two_threads_on_one_client_each_see_their_own_outcome(dc, container):
    """No side channel: a 404 in one thread and a 200 in the other, each outcome names its own request."""
    import threading

    name = container(["true"])
    targets = {"found": name, "missing": "dsh-test-no-such-container"}
    seen: dict[str, list[docker.Outcome]] = {"found": [], "missing": []}

    def inspect(kind: str) -> None:
        for _ in range(40):
            seen[kind].append(docker.call(dc, {"op": "ContainerInspect", "params": {"id": targets[kind]}}))

    threads = [threading.Thread(target=inspect, args=(kind,)) for kind in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    for kind, status in (("found", 200), ("missing", 404)):
        assert len(seen[kind]) == 40
        for out in seen[kind]:
            assert out.status == status and out.request_line.endswith(f"/containers/{targets[kind]}/json")
            assert (out.error is None) == (status == 200) and out.op == "ContainerInspect"


def test_the_tty_inspect_of_logs_stays_out_of_the_logs_outcome(dc, container):
    name = container(["echo", "tty"], start=True, Tty=True)
    docker.invoke(dc, {"op": "ContainerWait", "params": {"id": name}})
    out = docker.call(dc, {"op": "ContainerLogs", "params": {"id": name, "stdout": True}})
    assert out.data == "tty\r\n"  # raw: the nested ContainerInspect said it has a TTY
    assert out.op == "ContainerLogs" and out.request_line.startswith(f"GET /{dc.api_version}/containers/{name}/logs?")


def test_closing_a_followed_stream_from_another_thread_wakes_its_reader(dc, container):
    import threading

    name = container(["sleep", "60"], start=True)
    logs = docker.invoke(dc, {"op": "ContainerLogs", "as": "stream", "params": {"id": name, "follow": True,
                                                                                "stdout": True}})
    reader = threading.Thread(target=_drain, args=(logs,))
    reader.start()
    time.sleep(0.3)
    logs.close()
    reader.join(3)
    assert not reader.is_alive()


def _drain(stream) -> None:
    try:
        for _ in stream.chunks():
            pass
    except docker.ConnectionError:
        pass
