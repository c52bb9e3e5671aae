"""The Session over docker.MockTransport: a daemon played in-process, so that negotiation, binding, storing,
refs and errors run end to end with no engine (the engine tests in test_session.py stay the proof)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import pytest

import dshell.client as docker
from dshell.explorer import parse_ref
from dshell.shell.commands.dispatch import execute
from dshell.shell.config import Config
from dshell.shell.session import Session

from ..mockdaemon import Daemon

CONTAINERS = [{"Id": "abc123", "Names": ["/web"], "State": "running"}]


@pytest.fixture
def session(mocked: Session) -> Session:
    """The session over this module's daemon (``tests/shell/conftest.py``)."""
    return mocked


@pytest.fixture
def daemon() -> Daemon:
    return Daemon({"/containers/json": docker.MockResponse.json(CONTAINERS),
                   "/containers/abc123/json": docker.MockResponse.json({"Id": "abc123", "Config": {"Env": ["A=1"]}})})


def test_the_version_is_negotiated_with_the_daemon(session: Session) -> None:
    assert session.status().api_version == "v1.43"
    assert session.spec_index is not None and session.spec_index.version == "v1.43"


def test_an_op_call_is_sent_bound_and_stored(session: Session, daemon: Daemon) -> None:
    reply = execute(session, "ContainerList all=true limit=5")
    assert reply.error is None and reply.result is not None
    assert reply.result.n == 1 and reply.result.data == CONTAINERS
    assert "/v1.43/containers/json?all=true&limit=5" in daemon.paths()


def test_a_ref_to_a_stored_result_becomes_the_path_param(session: Session, daemon: Daemon) -> None:
    execute(session, "ContainerList")
    reply = execute(session, "ContainerInspect _1[0].Id")
    assert reply.error is None and reply.result is not None
    assert "/v1.43/containers/abc123/json" in daemon.paths()
    assert execute(session, "_2.Config.Env[0]").body is not None
    assert session.resolve(parse_ref("_2.Config.Env[0]")) == "A=1"


def test_a_daemon_error_is_one_line_and_stored_as_a_failed_result(session: Session, daemon: Daemon) -> None:
    reply = execute(session, "ContainerInspect nope")
    assert reply.error is not None and "No such container: nope" in reply.error and "\n" not in reply.error
    assert "/v1.43/containers/nope/json" in daemon.paths()
    assert session.history is not None and session.history.last is not None
    assert session.history.last.status == 404


def test_connect_name_adds_an_endpoint_made_by_the_factory(session: Session, daemon: Daemon) -> None:
    reply = execute(session, "connect other unix:///mock/other.sock")
    assert reply.error is None and "added other" in str(reply.body), reply
    assert session.hosts.names() == ["docker", "other"]
    assert session.hosts.client("other").api_version == "v1.43"


def test_the_connection_is_one_snapshot_swapped_whole(session: Session) -> None:
    before = session.state
    assert before.client is session.client and before.live is not None and before.live is not before.client
    assert execute(session, "use v1.41").error is None
    pinned = session.state
    assert (pinned.client, pinned.spec and pinned.spec.version) == (before.client, "v1.41")
    assert pinned.client is not None and pinned.client.known_version == "v1.41"  # the version is the client's alone
    assert execute(session, "connect unix:///mock/b.sock").error is None
    after = session.state
    assert after.client is not before.client and after.live is not before.live
    assert after.client is not None and (after.client.known_version, after.spec and after.spec.version) == (
        "v1.43", "v1.43")


def test_what_a_replaced_default_learns_late_is_dropped(daemon: Daemon, shell_home: Any) -> None:
    """The first default's negotiation is still in flight when another endpoint becomes the default: the
    version it learns afterwards (v1.41) is that client's, not the session's (which speaks b's v1.43)."""
    asked, release = threading.Event(), threading.Event()

    def slow(req: docker.MockRequest) -> docker.MockResponse:
        if req.path == "/_ping":
            asked.set()
            release.wait(10)
            return docker.MockResponse(200, b"OK", {"Api-Version": "1.41"})
        return daemon(req)

    def clients(conn: dict[str, Any], api_version: str | None) -> docker.Client:
        handler = slow if conn["uri"].endswith("/a.sock") else daemon
        return docker.client(conn=conn, api_version=api_version, transport=docker.MockTransport(handler))

    s = Session(Config(endpoint="unix:///mock/a.sock"), results_file=None, clients=clients)
    try:
        s.start()  # in the background: the negotiation waits on the daemon
        assert asked.wait(10)
        assert execute(s, "connect b unix:///mock/b.sock").error is None
        assert execute(s, "use b").error is None
        release.set()
        for thread in threading.enumerate():
            if thread.name == "dshell-load":
                thread.join(10)
        first = next(name for name in s.hosts.names() if name != "b")
        assert s.hosts.client(first).api_version == "v1.41"  # the late answer did arrive...
        state = s.state
        assert state.client is s.hosts.client("b")  # ...and the session still speaks b's version
        assert state.client is not None
        assert (state.client.known_version, state.spec and state.spec.version, s.status().api_version) == ("v1.43",) * 3
    finally:
        release.set()
        s.close()


def test_a_word_that_is_not_of_the_params_type_is_one_line_and_nothing_is_sent(session: Session,
                                                                              daemon: Daemon) -> None:
    before = len(daemon.seen)
    assert execute(session, "ContainerList limit=ten").error == (
        "ContainerList: param 'limit' must be an integer (like 10), got 'ten'")
    assert execute(session, "ContainerList all=1 limit=010").error is None
    sent = [r.target for r in daemon.seen[before:]]  # the live names' prefetch may ask in between
    assert "/v1.43/containers/json?all=true&limit=10" in sent and not [t for t in sent if "limit=t" in t]


def test_a_fan_out_binds_by_each_hosts_spec(daemon: Daemon, shell_home: Any) -> None:
    """ImageGet's platform is one string up to API v1.51 and a list from v1.52: each host gets its own."""
    daemon.routes["/images/busybox/get"] = docker.MockResponse(200, b"tar", {"Content-Type": "application/x-tar"})
    s = Session(Config(endpoint="unix:///mock/a.sock", api_version="v1.51"), results_file=None,
                clients=daemon.clients)
    s.start(background=False)
    try:
        assert execute(s, "connect b unix:///mock/b.sock --api-version v1.52").error is None
        reply = execute(s, "@all ImageGet busybox platform=linux/amd64")
        assert reply.error is None, reply.error
        sent = {r.path: r.query for r in daemon.seen if r.path.endswith("/images/busybox/get")}
        assert sent == {"/v1.51/images/busybox/get": {"platform": ["linux/amd64"]},
                        "/v1.52/images/busybox/get": {"platform": ["linux/amd64"]}}
        assert s.history is not None
        assert [s.history[n].params["platform"] for n in (1, 2)] == ["linux/amd64", ["linux/amd64"]]
    finally:
        s.close()


def test_stream_words_are_bound_as_scanned_not_joined_and_read_again(session: Session, daemon: Daemon) -> None:
    from dshell.shell.panes.sources import binder, source

    from .. import parsed as P

    cmd = P.parse_line('tail SystemEvents since="1 hour ago" until=now')
    assert isinstance(cmd, P.Stream)
    assert source(cmd, binder(session)).params == {"since": "1 hour ago", "until": "now"}
    assert binder(session)(P.op_call(["SystemEvents", "since=1 hour ago"])) == {"since": "1 hour ago"}
    with pytest.raises(P.ParseError, match="^'history' is not an op: see `ops`$"):
        binder(session)(P.op_call(["history"]))


EVENT = {"Type": "container", "Action": "start", "Actor": {"ID": "abc123", "Attributes": {"name": "web",
         "image": "busybox"}}, "time": 1700000000, "timeNano": 1700000000000000042}
SAMPLE = {"id": "abc123", "name": "/web", "read": "2024-01-01T00:00:01Z",
          "cpu_stats": {"cpu_usage": {"total_usage": 300}, "system_cpu_usage": 2000, "online_cpus": 2},
          "precpu_stats": {"cpu_usage": {"total_usage": 100}, "system_cpu_usage": 1000},
          "memory_stats": {"usage": 10 * 2**20, "limit": 64 * 2**20, "stats": {"inactive_file": 2 * 2**20}},
          "networks": {"eth0": {"rx_bytes": 1500, "tx_bytes": 2500}},
          "blkio_stats": {"io_service_bytes_recursive": [{"op": "read", "value": 4096}, {"op": "write", "value": 0}]},
          "pids_stats": {"current": 3}}


def json_stream(*values: Any) -> Callable[[docker.MockRequest], docker.MockResponse]:
    """A route streaming ``values`` as JSON lines, chunk by chunk (a fresh stream per request)."""
    return lambda req: docker.MockResponse(200, iter([json.dumps(v).encode() + b"\n" for v in values]),
                                           {"Content-Type": "application/json"})


def pane_lines(session: Session, line: str) -> list[str]:
    """What the pane of ``line`` shows once its stream ended."""
    from dshell.shell.panes.model import StreamPane
    from dshell.shell.panes.reader import Feed
    from dshell.shell.panes.sources import binder, source
    from dshell.shell.parse import parse_line

    src = source(parse_line(line), binder(session))
    pane = StreamPane(src.title)
    feed = Feed(session.require_client().copy(), src, pane, lambda: None).start()
    feed.thread.join(10)
    assert pane.ended and pane.status == "stream ended", pane.status
    return [line.text for line in pane.visible(100)[1]]


def test_an_events_pane_shows_each_event_as_a_line(session: Session, daemon: Daemon) -> None:
    daemon.routes["/events"] = json_stream(EVENT, {**EVENT, "Action": "die", "timeNano": 1700000001000000007})
    lines = pane_lines(session, "events type=container container=web")
    assert [line.split(" ", 1)[1] for line in lines[:2]] == [
        "container start abc123 (image=busybox, name=web)", "container die abc123 (image=busybox, name=web)"]
    assert ".000000042" in lines[0] and ".000000007" in lines[1]  # docker's nanoseconds
    asked = next(r for r in daemon.seen if r.path.endswith("/events"))
    assert json.loads(asked.query["filters"][0]) == {"type": ["container"], "container": ["web"]}


def test_a_stats_pane_shows_the_figures_docker_stats_computes(session: Session, daemon: Daemon) -> None:
    later = {**SAMPLE, "precpu_stats": SAMPLE["cpu_stats"],
             "cpu_stats": {"cpu_usage": {"total_usage": 400}, "system_cpu_usage": 3000, "online_cpus": 2}}
    daemon.routes["/containers/web/stats"] = json_stream(SAMPLE, later)
    header, row, *_ = pane_lines(session, "stats web")
    assert header.split() == ["CONTAINER", "ID", "NAME", "CPU", "%", "MEM", "USAGE", "/", "LIMIT", "MEM", "%", "NET",
                              "I/O", "BLOCK", "I/O", "PIDS"]
    cells = row.split()
    assert cells[:2] == ["abc123", "web"] and cells[2] == "20.00%"  # the last sample: 100 of 1000 × 2 CPUs
    assert "8MiB / 64MiB" in row and "12.50%" in row  # usage without the 2 MiB page cache
    assert "1.5kB / 2.5kB" in row and "4.1kB / 0B" in row and cells[-1] == "3"
    asked = next(r for r in daemon.seen if r.path.endswith("/containers/web/stats"))
    assert asked.query == {"stream": ["true"]}


@pytest.mark.parametrize("answer", [b"[1, 2]", b"[" * 100_000 + b"]" * 100_000], ids=["a list", "too deep"])
def test_a_login_answer_that_is_no_json_object_is_one_line(shell_home: Any, tmp_path: Any, monkeypatch: Any,
                                                            answer: bytes) -> None:
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "dc"))
    daemon = Daemon({"/auth": docker.MockResponse(200, answer, {"Content-Type": "application/json"})})
    s = Session(Config(endpoint="unix:///mock/docker.sock"), results_file=None, clients=daemon.clients)
    s.start(background=False)
    try:
        reply = execute(s, "login -u x -p pw 127.0.0.1:5999")
    finally:
        s.close()
    assert reply.error is not None and "no JSON object" in reply.error and "\n" not in reply.error
    assert not (tmp_path / "dc" / "config.json").exists()
