"""API 1.52 (Docker 29: no engine installs here) on answers made from the v1.52 spec's own examples, replayed by the
mock daemon: events have only ``Type``/``Action``/``Actor`` (1.52 dropped ``status``, ``id``, ``from``) and a
container summary's ``NetworkSettings`` only ``Networks`` (1.52 dropped the top-level fields). The real engines
(20.10, 28.5) prove the rest."""

from __future__ import annotations

import io
import re
from typing import Any
from urllib.parse import unquote

import pytest
from rich.console import Console

import dshell.client as docker
from dshell.shell.commands.dispatch import execute
from dshell.shell.session import Session

from ..explorer.oracle import cli
from ..mockdaemon import Daemon
from ..upstream import example, upstream_spec
from .test_session_mock import json_stream, pane_lines


@pytest.fixture(scope="module")
def spec152() -> dict[str, Any]:
    return upstream_spec("v1.52")


@pytest.fixture
def session(mocked: Session) -> Session:
    """The session over this module's daemon (``tests/shell/conftest.py``)."""
    return mocked


@pytest.fixture
def daemon() -> Daemon:
    return Daemon({}, api_version="1.52")


def shown(body: Any) -> list[str]:
    console = Console(file=io.StringIO(), width=250, color_system=None)
    console.print(body)
    return [line.rstrip() for line in console.file.getvalue().splitlines()]


def test_events_lines_read_action_and_actor(spec152: dict[str, Any], session: Session, daemon: Daemon) -> None:
    event = example(spec152, {"$ref": "#/definitions/EventMessage"})
    assert {"Type", "Action", "Actor"} <= set(event) and not {"status", "id", "from"} & set(event)
    assert session.client is not None and session.client.api_version == "v1.52"
    daemon.routes["/events"] = json_stream(event, {**event, "Action": "die"})
    expected = [f"container {action} {event['Actor']['ID']} (com.example.some-label=some-label-value, "
                "image=alpine:latest, name=my-container)" for action in ("create", "die")]
    lines = pane_lines(session, "events")
    assert [line.split(" ", 1)[1] for line in lines[:2]] == expected
    reply = execute(session, "SystemEvents since=0 until=1")  # a kept result: the same lines in its view
    assert reply.error is None, reply.error
    assert [line.split(" ", 1)[1] for line in shown(reply.body)[1:]] == expected


def test_ps_view_needs_no_top_level_network_settings(spec152: dict[str, Any], session: Session,
                                                     daemon: Daemon) -> None:
    summary = example(spec152, {"$ref": "#/definitions/ContainerSummary"})
    assert list(summary["NetworkSettings"]) == ["Networks"]
    summary["NetworkSettings"]["Networks"]["example"]["GwPriority"] = 10  # the spec's example is [10], its type int
    daemon.routes["/containers/json"] = docker.MockResponse.json([summary])
    reply = execute(session, "ContainerList all=true")
    assert reply.error is None, reply.error
    ours = [re.split(r" {2,}", line.strip()) for line in shown(reply.body)[1:]]
    printed = cli({"/containers/json": [summary]}, "ps", "-a")
    theirs = [re.split(r" {2,}", line.strip()) for line in printed.splitlines()]
    columns = ["CONTAINER ID", "COMMAND", "CREATED", "STATUS", "NAMES"]  # IMAGE and PORTS: the CLI's own ways
    assert [[row[ours[0].index(c)] for c in columns] for row in ours] == [
        [row[theirs[0].index(c)] for c in columns] for row in theirs]
    assert ours[1][ours[0].index("NAMES")] == "funny_chatelet"
    reply = execute(session, "ps -a --format '{{.Names}} {{.Networks}} {{.Ports}}'")  # docker's own words
    assert reply.error is None, reply.error
    assert shown(reply.body) == ["funny_chatelet example 8080/tcp"] == cli(
        {"/containers/json": [summary]}, "ps", "-a", "--format", "{{.Names}} {{.Networks}} {{.Ports}}").splitlines()


def test_a_completed_platform_binds_to_the_json_the_api_takes(session: Session) -> None:
    from dshell.client._request import build
    from dshell.client._specs import load
    from dshell.shell.grammar import op_call
    from dshell.shell.panes.sources import binder

    op = "ImageHistory"
    params = binder(session)(op_call([op, "name=multi:1", "platform={os: linux, architecture: arm64}"]))
    assert params["platform"] == {"os": "linux", "architecture": "arm64"}
    target = build(load("v1.52").ops[op], params, "v1.52").target
    assert unquote(target) == '/v1.52/images/multi:1/history?platform={"os":"linux","architecture":"arm64"}'
