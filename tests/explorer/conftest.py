"""Shared sample data and helpers for the explorer tests."""

from __future__ import annotations

import io
import time
from typing import Any

import pytest
from rich.console import Console

from dshell.explorer import History

INSPECT = {
    "Id": "4fa6e0f0c678",
    "Name": "/web",
    "Config": {
        "Image": "nginx:1.27",
        "Env": ["PATH=/usr/bin", "NGINX_VERSION=1.27.0", "LANG=C"],
        "Entrypoint": ["/docker-entrypoint.sh"],
        "ExposedPorts": {"80/tcp": {}},
        "Labels": {"com.docker.compose.project": "app"},
    },
    "State": {"Status": "running", "Running": True, "Pid": 4242},
}


def containers(now: float | None = None) -> list[dict[str, Any]]:
    """Two ContainerList entries, the first created five minutes before `now`."""
    now = time.time() if now is None else now
    return [
        {
            "Id": "4fa6e0f0c6786287e131c3852c58a2e01cc697a68231826813597e4994f1d6e2",
            "Names": ["/web"],
            "Image": "nginx:1.27",
            "Command": "/docker-entrypoint.sh nginx -g 'daemon off;'",
            "Created": int(now - 300),
            "Ports": [
                {"IP": "0.0.0.0", "PrivatePort": 80, "PublicPort": 8080, "Type": "tcp"},
                {"PrivatePort": 443, "Type": "tcp"},
            ],
            "State": "running",
            "Status": "Up 5 minutes",
        },
        {
            "Id": "9b1f282e40670c57d8f5b0ae6e1cb5b1fd7bb3ad2bb8a9ee03d2f2b7f1e0b0a1",
            "Names": ["/db"],
            "Image": "postgres:16",
            "Command": "docker-entrypoint.sh postgres",
            "Created": int(now - 3 * 86400),
            "Ports": [],
            "State": "exited",
            "Status": "Exited (0) 2 hours ago",
        },
    ]


def render_text(renderable: Any, width: int = 200) -> str:
    """What `renderable` prints on a plain console of `width` columns."""
    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(renderable)
    return console.file.getvalue()


@pytest.fixture
def history() -> History:
    """An in-memory history: 1 ContainerList, 2 ContainerInspect, 3 a 404."""
    hist = History(None)
    hist.add("ContainerList", {"all": True}, 200, 0.012, containers())
    hist.add("ContainerInspect", {"id": "web"}, 200, 0.004, INSPECT)
    hist.add(
        "ContainerInspect",
        {"id": "nope"},
        404,
        0.002,
        {"message": "No such container: nope"},
        "No such container: nope",
    )
    return hist
