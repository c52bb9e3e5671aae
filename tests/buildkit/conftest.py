"""BuildKit builds compared with ``docker buildx build`` (Debian's newest docker-buildx, a CLI plugin from
``scripts/newest-debs``) on the same engine: fixtures to build with both and to read an image's facts."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ..shell.conftest import shell_home  # noqa: F401 - dshell -c runs with HOME and XDG dirs of its own

REPO = Path(__file__).resolve().parents[2]
CONFIG_FIELDS = ("Cmd", "Entrypoint", "Env", "Labels", "WorkingDir", "User", "ExposedPorts")


@pytest.fixture(scope="session")
def buildx_config(engine, tmp_path_factory) -> Path:
    """A DOCKER_CONFIG with the engine's registry login and buildx as a CLI plugin."""
    folder = tmp_path_factory.mktemp("buildx-config")
    os.chmod(folder, 0o700)
    login = Path(engine.get("docker_config") or Path(engine["state_dir"]) / "docker-config") / "config.json"
    shutil.copy(login, folder / "config.json")
    subprocess.run([str(REPO / "scripts" / "newest-debs"), "plugins", str(folder)], check=True,
                   capture_output=True, timeout=900)
    return folder


@pytest.fixture
def buildx(engine, buildx_config) -> Callable[..., subprocess.CompletedProcess[str]]:
    """``buildx(context, "-t", tag, ...)``: ``docker buildx build --load --progress plain`` on the engine."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKER_")}
    env["DOCKER_CONFIG"] = str(buildx_config)

    def run(context: Path, *args: str, check: bool = True, extra_env: dict[str, str] | None = None
            ) -> subprocess.CompletedProcess[str]:
        cmd = [engine.get("docker_cli", "docker"), "-H", engine["docker_host"], "buildx", "build",
               "--progress", "plain", *args, str(context)]
        if not any(a.startswith(("-o", "--output")) for a in args):
            cmd[5:5] = ["--load"]
        proc = subprocess.run(cmd, env={**env, **(extra_env or {})}, capture_output=True, text=True, timeout=300,
                              check=False, stdin=subprocess.DEVNULL)
        if check and proc.returncode:
            raise AssertionError(f"{' '.join(cmd)} -> {proc.returncode}:\n{proc.stderr[-3000:]}")
        return proc

    return run


@pytest.fixture
def client(engine) -> Any:
    import dshell.client as docker

    c = docker.client(conn={"uri": engine["docker_host"]})
    yield c
    c.close()


@pytest.fixture
def images(docker_cli) -> Iterator[Callable[[str], str]]:
    """``images("name")`` gives a unique ``dsh-buildkit-name-xxxx`` tag, removed at the end."""
    import secrets

    made: list[str] = []

    def tag(name: str) -> str:
        made.append(f"dsh-buildkit-{name}-{secrets.token_hex(4)}:latest")
        return made[-1]

    yield tag
    if made:
        docker_cli("rmi", "-f", *made, check=False)


def saved(docker_cli_bytes: Callable[..., bytes], tag: str) -> tuple[bytes, list[list[tuple[Any, ...]]]]:
    """The image's ``docker save`` tar and each layer's entries (name, type, mode, size, link target)."""
    raw = docker_cli_bytes("save", tag)
    layers = []
    with tarfile.open(fileobj=io.BytesIO(raw)) as outer:
        manifest = json.load(outer.extractfile("manifest.json"))  # type: ignore[arg-type]
        for layer in manifest[0]["Layers"]:
            data = outer.extractfile(layer).read()  # type: ignore[union-attr]
            with tarfile.open(fileobj=io.BytesIO(data)) as inner:
                layers.append(sorted((m.name, m.type, m.mode, m.size, m.linkname) for m in inner.getmembers()))
    return raw, layers


@pytest.fixture
def docker_bytes(engine) -> Callable[..., bytes]:
    """The docker CLI on the engine, its stdout as bytes."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKER_")}

    def run(*args: str) -> bytes:
        return subprocess.run([engine.get("docker_cli", "docker"), "-H", engine["docker_host"], *args], env=env,
                              capture_output=True, check=True, timeout=120, stdin=subprocess.DEVNULL).stdout

    return run


@pytest.fixture
def facts(docker_cli, docker_bytes) -> Callable[[str], dict[str, Any]]:
    """An image's config fields (CONFIG_FIELDS) and its layers' file lists."""

    def read(tag: str) -> dict[str, Any]:
        config = json.loads(docker_cli("image", "inspect", tag))[0]["Config"]
        raw, layers = saved(docker_bytes, tag)
        return {"config": {k: config.get(k) for k in CONFIG_FIELDS}, "layers": layers, "raw": raw}

    return read


def write(folder: Path, files: dict[str, str | bytes]) -> Path:
    """Files (relative path → text or bytes) written under ``folder``."""
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
    return folder
