"""Compose fixtures: the reference ``docker compose`` v2 (Debian's newest suite, via scripts/newest-debs, as a
CLI plugin in a private DOCKER_CONFIG) on the shared engine, and a dshell client to it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import dshell.client as docker

ROOT = Path(__file__).resolve().parents[2]
NEWEST = Path(os.environ.get("DSHELL_NEWEST_DIR", "/tmp/dshn"))


class ComposeCLIError(AssertionError):
    """docker compose exited non-zero."""


@pytest.fixture(scope="session")
def compose_cli(engine) -> Callable[..., str]:
    """``compose_cli(["-p", NAME, "ps"], cwd=..., env=...)`` runs ``docker compose`` v2 on the engine; stdout."""
    subprocess.run([str(ROOT / "scripts" / "newest-debs"), "up"], check=True, capture_output=True, timeout=600)
    config = NEWEST / "docker-config"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DOCKER_", "COMPOSE_"))}
    base.update(DOCKER_CONFIG=str(config), DOCKER_HOST=engine["docker_host"])

    def run(args: list[str], cwd: Path, env: dict[str, str] | None = None, check: bool = True) -> str:
        proc = subprocess.run(["docker", "compose", *args], cwd=cwd, env={**base, **(env or {})},
                              capture_output=True, text=True, timeout=300, check=False, stdin=subprocess.DEVNULL)
        if check and proc.returncode != 0:
            raise ComposeCLIError(f"docker compose {' '.join(args)} -> {proc.returncode}: {proc.stderr.strip()}")
        return proc.stdout if check else proc.stdout + proc.stderr

    version = run(["version", "--short"], ROOT)
    assert version.strip().startswith("2."), version
    return run


@pytest.fixture(scope="session")
def dclient(engine) -> docker.Client:
    """A dshell client to the shared engine."""
    return docker.client(conn={"uri": engine["docker_host"]})


def free_port() -> int:
    """A loopback TCP port free now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def leftovers(c: docker.Client, project: str) -> dict[str, list[str]]:
    """What carries ``project``'s label on the engine: containers, networks, volumes (names)."""
    label = {"label": [f"com.docker.compose.project={project}"]}
    return {
        "containers": [r["Names"][0].lstrip("/") for r in docker.invoke(c, {"op": "ContainerList",
                                                                  "params": {"all": True, "filters": label}})],
        "networks": [n["Name"] for n in docker.invoke(c, {"op": "NetworkList", "params": {"filters": label}})],
        "volumes": [v["Name"] for v in docker.invoke(c, {"op": "VolumeList", "params": {"filters": label}})
                    .get("Volumes") or []],
    }


@pytest.fixture
def scrub(dclient) -> Iterator[Callable[[str], None]]:
    """``scrub(project)``: at teardown, force-remove what carries the project's label (a failed test leaves
    nothing behind)."""
    names: list[str] = []
    yield names.append
    for project in names:
        left = leftovers(dclient, project)
        for name in left["containers"]:
            docker.call(dclient, {"op": "ContainerDelete", "params": {"id": name, "force": True, "v": True}})
        for name in left["networks"]:
            docker.call(dclient, {"op": "NetworkDelete", "params": {"id": name}})
        for name in left["volumes"]:
            docker.call(dclient, {"op": "VolumeDelete", "params": {"name": name, "force": True}})


def as_json_lines(text: str) -> list[dict[str, Any]]:
    """``docker compose ps --format json``'s output: a JSON array (older) or one object a line (newer)."""
    text = text.strip()
    if not text:
        return []
    if text.startswith("["):
        return list(json.loads(text))
    return [json.loads(line) for line in text.splitlines() if line.strip()]
