"""The Session over docker.MockTransport: a daemon played in-process, so that negotiation, binding, storing,
refs and errors run end to end with no engine (the engine tests in test_session.py stay the proof)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import dshell.client as docker
from dshell.explorer import parse_ref
from dshell.shell.config import Config
from dshell.shell.session import Session

from ..mockdaemon import Daemon

CONTAINERS = [{"Id": "abc123", "Names": ["/web"], "State": "running"}]


@pytest.fixture
def daemon() -> Daemon:
    return Daemon({"/containers/json": docker.MockResponse.json(CONTAINERS),
                   "/containers/abc123/json": docker.MockResponse.json({"Id": "abc123", "Config": {"Env": ["A=1"]}})})


@pytest.fixture
def session(daemon: Daemon, shell_home: Any) -> Iterator[Session]:
    s = Session(Config(endpoint="unix:///mock/docker.sock"), results_file=None, clients=daemon.clients)
    s.start(background=False)
    yield s
    s.close()


def test_the_version_is_negotiated_with_the_daemon(session: Session) -> None:
    assert session.status().api_version == "v1.43"
    assert session.spec_index is not None and session.spec_index.version == "v1.43"


def test_an_op_call_is_sent_bound_and_stored(session: Session, daemon: Daemon) -> None:
    reply = session.execute("ContainerList all=true limit=5")
    assert reply.error is None and reply.result is not None
    assert reply.result.n == 1 and reply.result.data == CONTAINERS
    assert "/v1.43/containers/json?all=true&limit=5" in daemon.paths()


def test_a_ref_to_a_stored_result_becomes_the_path_param(session: Session, daemon: Daemon) -> None:
    session.execute("ContainerList")
    reply = session.execute("ContainerInspect _1[0].Id")
    assert reply.error is None and reply.result is not None
    assert "/v1.43/containers/abc123/json" in daemon.paths()
    assert session.execute("_2.Config.Env[0]").body is not None
    assert session.resolve(parse_ref("_2.Config.Env[0]")) == "A=1"


def test_a_daemon_error_is_one_line_and_stored_as_a_failed_result(session: Session, daemon: Daemon) -> None:
    reply = session.execute("ContainerInspect nope")
    assert reply.error is not None and "No such container: nope" in reply.error and "\n" not in reply.error
    assert "/v1.43/containers/nope/json" in daemon.paths()
    assert session.history is not None and session.history.last is not None
    assert session.history.last.status == 404


def test_connect_name_adds_an_endpoint_made_by_the_factory(session: Session, daemon: Daemon) -> None:
    reply = session.execute("connect other unix:///mock/other.sock")
    assert reply.error is None and "added other" in str(reply.body), reply
    assert session.hosts.names() == ["docker", "other"]
    assert session.hosts.client("other").api_version == "v1.43"


def test_the_connection_is_one_snapshot_swapped_whole(session: Session) -> None:
    before = session.state
    assert before.client is session.client and before.live is not None and before.live is not before.client
    assert session.execute("use v1.41").error is None
    pinned = session.state
    assert (pinned.client, pinned.version, pinned.spec and pinned.spec.version) == (before.client, "v1.41", "v1.41")
    assert (before.version, before.spec and before.spec.version) == ("v1.43", "v1.43")  # the old one is intact
    assert session.execute("connect unix:///mock/b.sock").error is None
    after = session.state
    assert after.client is not before.client and after.live is not before.live
    assert (after.version, after.spec and after.spec.version) == ("v1.43", "v1.43")


def test_what_a_replaced_client_learns_late_is_dropped(session: Session) -> None:
    import dshell.client as docker

    old = session.client
    assert old is not None and session.execute("connect unix:///mock/b.sock").error is None
    now = session.state
    session._learned(old, docker.spec("v1.41"), "v1.41")  # a negotiation that was in flight on the old one
    assert session.state is now
