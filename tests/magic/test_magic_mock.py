"""%docker and its streams over docker.MockTransport: a daemon played in-process, no engine (the engine tests
in test_magic.py and test_streams.py stay the proof)."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import Any

import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

import dshell.client as docker
from dshell._magic.streams import register_streams
from dshell.explorer import Result
from dshell.magic import DockerMagics
from dshell.shell.config import Config
from dshell.shell.session import Session

from ..mockdaemon import Daemon


def frame(stream: int, text: str) -> bytes:
    """One multiplexed frame: stream (1 stdout, 2 stderr), three zeros, the size, the payload."""
    payload = text.encode()
    return struct.pack(">BxxxI", stream, len(payload)) + payload


@pytest.fixture
def daemon() -> Daemon:
    logs = [frame(1, "line 1\n"), frame(2, "oops 1\n"), frame(1, "line 2\n")]
    return Daemon({
        "/containers/json": docker.MockResponse.json([{"Id": "abc123", "Names": ["/web"]}]),
        "/containers/create": docker.MockResponse.json({"Id": "new1", "Warnings": []}, 201),
        "/containers/web/json": docker.MockResponse.json({"Id": "abc123", "Config": {"Tty": False}}),
        "/containers/web/logs": lambda req: docker.MockResponse(  # a fresh iterator per request
            200, iter(logs), {"Content-Type": "application/vnd.docker.raw-stream"}),
    })


@pytest.fixture
def magics(daemon: Daemon, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[DockerMagics]:
    """DockerMagics over a Session on the mock daemon (not registered on the shell: the engine tests' is)."""
    for var in ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(var, str(tmp_path))

    session = Session(Config(endpoint="unix:///mock/docker.sock"), results_file=None, clients=daemon.clients)
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
        result = magics.docker("logs web")
    assert isinstance(result, Result) and result.op == "ContainerLogs" and result.params["follow"] is True
    assert "line 1" in result.data and "line 2" in result.data and "oops 1" in result.data
    first, *updates = cap.outputs
    assert updates and all(out.transient["display_id"] == first.transient["display_id"] for out in updates)
    assert "logs web: stream ended, 3 lines" in updates[-1].data["text/plain"]
