"""The replies of `help` and of typed lines, kept as golden text: a refactoring of the shell keeps them.

Run over the mock daemon (deterministic ids, times aside); regenerate with DSHELL_GOLDEN=write after an
intended change, and read the diff."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import dshell.client as docker
from dshell.shell.commands.dispatch import execute
from dshell.shell.config import Config
from dshell.shell.session import Session

from ..mockdaemon import Daemon

GOLDEN = Path(__file__).with_name("golden") / "replies.txt"
LINES = [
    "help", "help logs", "help run", "categories", "ops volumes", "doc VolumeList",
    "ContainerList all=true", "_1 | [].Names", "_1[0].Names --full", "cd _1[0]", "ls", "pwd", "Names", "cd",
    "ContainerInspect nope", "VolumeList", "history", "set", "save _1", "show _9",
    "frobnicate", "ps", "@ ContainerList", "@a,b run busybox", "logs", "watch x ContainerList",
    "logs -x web", "ContainerList | ", "ContainerList bogus=1", "ContainerList all=maybe", "use v9",
    "disconnect nope", "hosts", "diff _1", "cp a b", "run", "exec", "attach", "tail", "stats", "events --bad",
    "logs web", "exit",
]
PRINTED = ["logs", "logs -x web", "logs -n web", "watch x ContainerList", "events --bad", "events --since", "stats",
           "tail", "tail ContainerList", "logs web", "logs @a,b --split web", "logs -f -n 3 -t --since 1h nope",
           "stats --no-stream nope", "exec", "attach nope"]
_TIMES = re.compile(r"\b\d+ \w+ ago\b|\b\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\b|\b\d+(?:\.\d+)? ?(?:ms|s)\b")


def _text(body: Any) -> str:
    from rich.console import Console

    console = Console(width=120, file=io.StringIO(), color_system=None)
    console.print(body)
    return console.file.getvalue()  # type: ignore[attr-defined]


@pytest.fixture
def session(shell_home: Any) -> Iterator[Session]:
    containers = [{"Id": "abc123def456", "Names": ["/web"], "Image": "busybox", "Command": "sh", "Created": 0,
                   "State": "running", "Status": "Up", "Ports": [], "Labels": {}}]
    daemon = Daemon({"/containers/json": docker.MockResponse.json(containers),
                     "/volumes": docker.MockResponse.json({"Volumes": [{"Name": "v1", "Driver": "local"}],
                                                           "Warnings": []}),
                     "/version": docker.MockResponse.json({"Version": "24.0.0", "ApiVersion": "1.43"})})
    s = Session(Config(endpoint="unix:///mock/docker.sock", pager="off"), results_file=None, clients=daemon.clients)
    s.start(background=False)
    yield s
    s.close()


def replies(session: Session, lines: list[str]) -> str:
    out = []
    for line in lines:
        reply = execute(session, line)
        shown = _text(reply.body) if reply.body is not None else ""
        out.append(f">>> {line}\n{shown}{'error: ' + reply.error + chr(10) if reply.error else ''}"
                   f"{'exit' + chr(10) if reply.exit else ''}")
    return re.sub(r" {2,}", "  ", _TIMES.sub("T", "".join(out)))  # a time's width moves the columns after it


def test_help_and_typed_lines_answer_as_before(session: Session) -> None:
    from dshell.shell import stdio

    got = replies(session, LINES)
    out, err = io.StringIO(), io.StringIO()
    stdio.print_streams(session, out, err)
    got += "--- dshell -c\n" + replies(session, PRINTED) + f"--- stdout\n{out.getvalue()}--- stderr\n{err.getvalue()}"
    if os.environ.get("DSHELL_GOLDEN") == "write":
        GOLDEN.write_text(got)
    assert got == GOLDEN.read_text()
