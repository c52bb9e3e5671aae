"""Fixtures of the Podman compat battery: the Podman service of ``scripts/podman`` and a client on it.

``podman`` never skips: when the service does not answer it runs ``scripts/podman up`` (which needs the
shared engine for busybox), and a failure there is an error of the test that asked for it.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import dshell.client as docker
from tests.conftest import REPO, ping

DEFAULT_ENV_FILE = "/tmp/dshp/env.json"
NO_NETWORK = {"NetworkMode": "none"}  # Podman 4.3 would otherwise make a netavark/CNI bridge (iptables)


def _read(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and "socket" in data else None


@pytest.fixture(scope="session")
def podman(engine) -> dict[str, Any]:
    """The Podman env.json (keys: docker_host, socket, state_dir, image, events_log, containers_conf)."""
    env_file = Path(os.environ.get("DSHELL_PODMAN_ENV") or DEFAULT_ENV_FILE)
    data = _read(env_file)
    if data is None or not ping(data["socket"]):
        env = {**os.environ, "DSHELL_PODMAN_DIR": str(env_file.parent)}
        proc = subprocess.run([str(REPO / "scripts" / "podman"), "up"], env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=900, check=False)
        assert proc.returncode == 0, f"scripts/podman up failed:\n{(proc.stdout + proc.stderr)[-4000:]}"
        data = _read(env_file)
        assert data is not None and ping(data["socket"]), f"podman does not answer on {env_file}"
    return data


@pytest.fixture
def pc(podman) -> Iterator[docker.Client]:
    """A client for every category on the Podman socket, negotiated."""
    c = docker.client(conn={"uri": podman["docker_host"]})
    yield c
    c.close()


@pytest.fixture
def box(pc, unique_name) -> Iterator[Callable[..., str]]:
    """``box(cmd, start=False, **config)``: a busybox container on Podman without a network (removed after)."""
    made: list[str] = []

    def make(cmd: list[str], start: bool = False, **config: Any) -> str:
        name = unique_name()
        host = {**NO_NETWORK, **config.pop("HostConfig", {})}
        docker.invoke(pc, {"op": "ContainerCreate", "throw": True, "params": {
            "name": name, "body": {"Image": "busybox:latest", "Cmd": cmd, "HostConfig": host, **config}}})
        made.append(name)
        if start:
            docker.invoke(pc, {"op": "ContainerStart", "params": {"id": name}, "throw": True})
        return name

    yield make
    for name in made:
        docker.invoke(pc, {"op": "ContainerDelete", "params": {"id": name, "force": True}})
