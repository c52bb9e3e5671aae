"""``%docker @NAME CMD ...``: one command on another endpoint, as in the shell (two mock daemons; the shell's
swarm tests are the proof on real ones)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from IPython.utils.capture import capture_output

import dshell.client as docker
from dshell.explorer import Result
from dshell.magic import CommandError, DockerMagics
from dshell.shell.config import Config
from dshell.shell.session import Session

from ..mockdaemon import Daemon
from .test_magic_mock import frame, magics_on

A, B = "unix:///mock/a.sock", "unix:///mock/b.sock"


def host(name: str) -> Daemon:
    return Daemon({"/info": docker.MockResponse.json({"Name": name}),
                   "/containers/web/json": docker.MockResponse.json({"Id": "abc123", "Config": {"Tty": False}}),
                   "/containers/web/logs": lambda req: docker.MockResponse(
                       200, iter([frame(1, f"from {name}\n")]), {"Content-Type": "application/vnd.docker.raw-stream"})})


@pytest.fixture
def daemons() -> dict[str, Daemon]:
    return {A: host("a"), B: host("b")}


@pytest.fixture
def magics(daemons: dict[str, Daemon], tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[DockerMagics]:
    for var in ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(var, str(tmp_path))

    def clients(conn: dict[str, Any], api_version: str | None) -> docker.Client:
        return docker.client(conn=conn, api_version=api_version,
                             transport=docker.MockTransport(daemons[conn["uri"]], conn["uri"]))

    yield from magics_on(Session(Config(hosts=(f"a={A}", f"b={B}")), results_file=None, clients=clients))


def test_fetch_on_b(magics: DockerMagics) -> None:
    result = magics.docker("@b fetch /info")
    assert isinstance(result, Result) and result.data == {"Name": "b"} and result.endpoint == B
    assert magics.docker("fetch /info").data == {"Name": "a"}


@pytest.mark.parametrize("line", ["@b logs web", "logs @b web"])
def test_logs_on_b_stream_bs_lines(magics: DockerMagics, daemons: dict[str, Daemon], line: str) -> None:
    with capture_output():
        result = magics.docker(line)
    assert isinstance(result, Result) and "from b" in result.data and result.endpoint == B
    assert not [r for r in daemons[A].seen if r.path.endswith("/logs")]


@pytest.mark.parametrize(("line", "message"), [
    ("@a,b fetch /info", "fetch runs on one endpoint: @a fetch ..."),
    ("logs @a,b web", "%docker logs streams from one endpoint: %docker @NAME logs ..."),
    ("@nope fetch /info", "no endpoint or docker context 'nope'"),
])
def test_what_cannot_be_is_one_line(magics: DockerMagics, line: str, message: str) -> None:
    with pytest.raises(CommandError) as info:
        magics.docker(line)
    assert str(info.value).startswith(message) and "\n" not in str(info.value)
