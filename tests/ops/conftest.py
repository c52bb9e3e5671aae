"""Fixtures of the every-op suite: the engine tests' client and container makers, and an owner-only
DOCKER_CONFIG holding the local registry's login."""

from __future__ import annotations

import base64
import io
import json
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import dshell.client as docker
from tests.client.conftest import container, dc  # noqa: F401  (fixtures shared with the client tests)


def call(c: docker.Client, op: str, **params: Any) -> Any:
    """``invoke`` an op with ``throw`` (the suite's short form)."""
    return docker.invoke(c, {"op": op, "params": params, "throw": True})


def tar_of(files: dict[str, bytes], mode: int = 0o644) -> bytes:
    """A tar archive of ``{path: content}`` (directories implied)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for path, data in files.items():
            info = tarfile.TarInfo(path)
            info.size, info.mode, info.mtime = len(data), mode, 1_700_000_000
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


@pytest.fixture
def registry_login(engine, tmp_path, monkeypatch) -> Iterator[Path]:
    """DOCKER_CONFIG pointing at a fresh config with the local registry's credentials (like ``docker login``)."""
    auth = base64.b64encode(f"{engine['registry_user']}:{engine['registry_password']}".encode()).decode()
    folder = tmp_path / "docker-config"
    folder.mkdir(mode=0o700)
    (folder / "config.json").write_text(json.dumps({"auths": {engine["registry"]: {"auth": auth}}}))
    monkeypatch.setenv("DOCKER_CONFIG", str(folder))
    yield folder


@pytest.fixture
def no_login(tmp_path, monkeypatch) -> Path:
    """DOCKER_CONFIG pointing at an empty folder: no credentials anywhere."""
    folder = tmp_path / "empty-config"
    folder.mkdir(mode=0o700)
    monkeypatch.setenv("DOCKER_CONFIG", str(folder))
    return folder
