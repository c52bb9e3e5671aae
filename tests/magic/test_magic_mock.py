"""%docker and its streams over docker.MockTransport: a daemon played in-process, no engine (the engine tests
in test_magic.py and test_streams.py stay the proof)."""

from __future__ import annotations

import io
import json
import struct
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output
from rich.console import Console

import dshell.client as docker
from dshell._magic.streams import register_streams
from dshell.explorer import Result, render
from dshell.magic import DockerMagics
from dshell.shell.config import Config
from dshell.shell.session import Session

from ..mockdaemon import Daemon


def frame(stream: int, text: str) -> bytes:
    """One multiplexed frame: stream (1 stdout, 2 stderr), three zeros, the size, the payload."""
    payload = text.encode()
    return struct.pack(">BxxxI", stream, len(payload)) + payload


EVENT = {"Type": "container", "Action": "start", "Actor": {"ID": "abc123", "Attributes": {"name": "web"}},
         "time": 1700000000, "timeNano": 1700000000000000042}
SAMPLE = {"id": "abc123", "name": "/web", "read": "2024-01-01T00:00:01Z",
          "cpu_stats": {"cpu_usage": {"total_usage": 300}, "system_cpu_usage": 2000, "online_cpus": 2},
          "precpu_stats": {"cpu_usage": {"total_usage": 100}, "system_cpu_usage": 1000},
          "memory_stats": {"usage": 10 * 2**20, "limit": 64 * 2**20, "stats": {"inactive_file": 2 * 2**20}},
          "pids_stats": {"current": 3}}


def json_stream(*values: Any) -> Callable[[docker.MockRequest], docker.MockResponse]:
    """A route streaming ``values`` as JSON lines (a fresh stream per request)."""
    return lambda req: docker.MockResponse(200, iter([json.dumps(v).encode() + b"\n" for v in values]),
                                           {"Content-Type": "application/json"})


@pytest.fixture
def daemon() -> Daemon:
    logs = [frame(1, "line 1\n"), frame(2, "oops 1\n"), frame(1, "line 2\n")]
    return Daemon({
        "/containers/json": docker.MockResponse.json([{"Id": "abc123", "Names": ["/web"]}]),
        "/containers/create": docker.MockResponse.json({"Id": "new1", "Warnings": []}, 201),
        "/containers/web/json": docker.MockResponse.json({"Id": "abc123", "Config": {"Tty": False}}),
        "/containers/web/logs": lambda req: docker.MockResponse(  # a fresh iterator per request
            200, iter(logs), {"Content-Type": "application/vnd.docker.raw-stream"}),
        "/events": json_stream(EVENT, {**EVENT, "Action": "die"}),
        "/containers/web/stats": json_stream(SAMPLE),
    })


@pytest.fixture
def magics(daemon: Daemon, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[DockerMagics]:
    """DockerMagics over a Session on the mock daemon (not registered on the shell: the engine tests' is)."""
    for var in ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(var, str(tmp_path))

    yield from magics_on(Session(Config(endpoint="unix:///mock/docker.sock"), results_file=None,
                                 clients=daemon.clients))


def magics_on(session: Session) -> Iterator[DockerMagics]:
    """DockerMagics over ``session`` (its streams registered, started), closed afterwards."""
    ip = InteractiveShell.instance()
    register_streams(session, ip)
    session.start(background=False)
    yield DockerMagics(ip, session)
    session.close()


def test_a_line_returns_the_stored_result_and_a_ref_returns_it_again(magics: DockerMagics) -> None:
    first = magics.docker("ContainerList")
    assert isinstance(first, Result) and first.n == 1 and first.data[0]["Id"] == "abc123"
    again = magics.docker("_1")
    assert isinstance(again, Result) and again is magics.session.history[1]  # type: ignore[index]


def test_a_cell_is_the_body_with_python_values(magics: DockerMagics, daemon: Daemon) -> None:
    result = magics.docker("ContainerCreate name=x", "Image: $image\nCmd: [sh]", {"image": "busybox"})
    assert isinstance(result, Result) and result.status == 201 and result.data["Id"] == "new1"
    create = next(req for req in daemon.seen if req.path.endswith("/containers/create"))
    assert create.method == "POST" and create.query == {"name": ["x"]}
    assert create.json() == {"Image": "busybox", "Cmd": ["sh"]}


def test_logs_stream_into_one_display_and_keep_the_lines(magics: DockerMagics) -> None:
    with capture_output() as cap:
        result = magics.docker("logs -f web")
    assert isinstance(result, Result) and result.op == "ContainerLogs" and result.params["follow"] is True
    assert "line 1" in result.data and "line 2" in result.data and "oops 1" in result.data
    first, *updates = cap.outputs
    assert updates and all(out.transient["display_id"] == first.transient["display_id"] for out in updates)
    assert "logs web: stream ended, 3 lines" in updates[-1].data["text/plain"]


def test_events_stream_as_lines_and_keep_the_events(magics: DockerMagics, daemon: Daemon) -> None:
    with capture_output() as cap:
        result = magics.docker("events type=container")
    assert isinstance(result, Result) and result.op == "SystemEvents"
    assert [event["Action"] for event in result.data] == ["start", "die"]
    kept = io.StringIO()  # a stream this fast may end before the display's first update: the result (IPython
    Console(file=kept, width=200, color_system=None).print(render(result))  # shows it) is what docker events prints
    shown = kept.getvalue()
    assert "container start abc123 (name=web)" in shown and "container die abc123 (name=web)" in shown
    assert "events type=container: stream ended, 2 lines" in cap.outputs[-1].data["text/plain"]
    asked = next(req for req in daemon.seen if req.path.endswith("/events"))
    assert json.loads(asked.query["filters"][0]) == {"type": ["container"]}


def test_stats_stream_as_docker_stats_rows_and_keep_the_figures(magics: DockerMagics) -> None:
    with capture_output() as cap:
        result = magics.docker("stats web")
    assert isinstance(result, Result) and result.op == "ContainerStats" and len(result.data) == 1
    figures = result.data[0]
    assert (figures["cpu_percent"], figures["mem_usage"], figures["mem_percent"], figures["pids"]) == (
        40.0, 8 * 2**20, 12.5, 3)  # 200 of 1000 × 2 CPUs; the usage without the 2 MiB page cache
    shown = cap.outputs[-1].data["text/plain"]
    row = next(line for line in shown.splitlines() if line.startswith("web "))
    assert row.split()[1] == "40.00%" and "8MiB" in row.split()


def test_docker_questions_are_never_asked_in_a_notebook(magics: DockerMagics, daemon: Daemon) -> None:
    """%docker never prompts: docker's prune asks [y/N]; here one line says to add -f, and nothing is sent."""
    from dshell.magic import CommandError

    with pytest.raises(CommandError, match=r"^docker container prune asks before it removes anything; add -f"):
        magics.docker("container prune")
    assert not any("prune" in req.path for req in daemon.seen)
    listed = magics.docker("ps -a")
    assert isinstance(listed, Result) and listed.op == "ContainerList" and listed.data[0]["Id"] == "abc123"
