"""Fixtures for the engine tests of dshell.client."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

import dshell.client as docker


@pytest.fixture
def dc(engine) -> Iterator[docker.Client]:
    """A client for every category, negotiated, on the engine's unix socket."""
    c = docker.client(conn={"uri": engine["docker_host"]})
    yield c
    c.close()


@pytest.fixture
def container(dc, unique_name) -> Iterator[Callable[..., str]]:
    """``container(cmd, **config)`` creates a busybox container (removed at the end) and returns its name."""
    made: list[str] = []

    def make(cmd: list[str], start: bool = False, **config: Any) -> str:
        name = unique_name()
        docker.invoke(dc, {"op": "ContainerCreate", "throw": True,
                           "params": {"name": name, "body": {"Image": "busybox:latest", "Cmd": cmd, **config}}})
        made.append(name)
        if start:
            docker.invoke(dc, {"op": "ContainerStart", "params": {"id": name}, "throw": True})
        return name

    yield make
    for name in made:
        docker.invoke(dc, {"op": "ContainerDelete", "params": {"id": name, "force": True}})
