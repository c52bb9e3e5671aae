"""The rough edges of issue 22, each proven on the real engine where the engine is what shows it."""

from __future__ import annotations

from dataclasses import replace

import pytest
from rich.console import Console

from dshell.shell.commands.dispatch import execute
from dshell.shell.config import Config

from .test_session import started


def shown(body) -> str:
    console = Console(width=150, record=True)
    with console.capture() as captured:
        console.print(body)
    return captured.get()


@pytest.mark.engine
def test_stopping_a_stopped_container_says_already_stopped(engine, shell_home, tmp_path, docker_cli, unique_name,
                                                          cleanup_containers):
    name = unique_name("dsh-nav-stop")
    cleanup_containers(name)
    docker_cli("create", "--name", name, "--network", "none", "busybox", "true")
    with started(replace(Config(), endpoint=engine["docker_host"]), tmp_path / "r.jsonl") as session:
        stop = execute(session, f"ContainerStop {name}")
        assert stop.error is None and stop.result.status == 304
        assert "ContainerStop  304 already stopped" in shown(stop.body)
        start = execute(session, f"ContainerStart {name}")
        assert start.result.status == 204 and "304" not in shown(start.body)
