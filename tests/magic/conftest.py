"""One in-process IPython with ``%load_ext dshell`` against the test engine, its files in a tmp home."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest


def isolated_env(root: Path, docker_host: str) -> dict[str, str]:
    """DOCKER_HOST and a tmp HOME/XDG dirs (the spec index cache may be shared, to save time)."""
    env = {"DOCKER_HOST": docker_host, "HOME": str(root / "home"), "XDG_DATA_HOME": str(root / "data"),
           "XDG_CONFIG_HOME": str(root / "config")}
    for var in ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        Path(env[var]).mkdir(parents=True, exist_ok=True)
    env["XDG_CACHE_HOME"] = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return env


@pytest.fixture(scope="session")
def ip(engine, tmp_path_factory) -> Iterator[Any]:
    """An InteractiveShell (a kernel's kind, not a terminal's) with the dshell extension loaded."""
    from IPython.core.interactiveshell import InteractiveShell

    root = tmp_path_factory.mktemp("magic")
    with pytest.MonkeyPatch.context() as mp:
        for var, value in isolated_env(root, engine["docker_host"]).items():
            mp.setenv(var, value)
        for var in ("DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"):
            mp.delenv(var, raising=False)
        shell = InteractiveShell.instance()
        shell.run_line_magic("load_ext", "dshell")
        session = shell.magics_manager.registry["DockerMagics"].session
        assert session.wait_ready(30)
        yield shell
        session.close()


@pytest.fixture
def session(ip) -> Any:
    """The dshell Session behind ``%docker``."""
    return ip.magics_manager.registry["DockerMagics"].session


@pytest.fixture
def docker(ip) -> Callable[..., Any]:
    """``docker("ContainerList all=true")`` runs ``%docker``; with ``cell=`` it runs ``%%docker``."""

    def run(line: str, cell: str | None = None) -> Any:
        if cell is None:
            return ip.run_line_magic("docker", line)
        return ip.run_cell_magic("docker", line, cell)

    return run
