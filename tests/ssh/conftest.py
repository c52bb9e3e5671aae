"""Fixtures for ssh:// endpoints: the OpenSSH server of ``scripts/sshd`` and ssh processes of this test run."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import dshell.client as docker

REPO = Path(__file__).resolve().parents[2]
SSHD_DIR = Path(os.environ.get("DSHELL_SSHD_DIR", "/tmp/dshs"))


@pytest.fixture(scope="session")
def sshd(engine: dict[str, Any]) -> dict[str, Any]:
    """``scripts/sshd up`` (idempotent) for the shared engine; its env.json (uri, port, bin, ssh_config)."""
    env = {**os.environ, "DSHELL_ENGINE_DIR": engine["state_dir"], "DSHELL_SSHD_DIR": str(SSHD_DIR)}
    proc = subprocess.run([str(REPO / "scripts" / "sshd"), "up"], env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=600, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"scripts/sshd up failed (exit {proc.returncode}): {proc.stderr[-3000:]}")
    data: dict[str, Any] = json.loads((SSHD_DIR / "env.json").read_text())
    return data


@pytest.fixture
def ssh_env(sshd: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The test's PATH starts with the ``ssh`` wrapper that reads scripts/sshd's client config."""
    monkeypatch.setenv("PATH", f"{sshd['bin']}{os.pathsep}{os.environ['PATH']}")
    return sshd


@pytest.fixture
def ssh_client(ssh_env: dict[str, Any]) -> Iterator[Callable[..., docker.Client]]:
    """``ssh_client(uri=None, **conn)`` -> a client over ssh (default: the server as root); closed at the end."""
    made: list[docker.Client] = []

    def make(uri: str | None = None, **conn: Any) -> docker.Client:
        c = docker.client(conn={"uri": uri or ssh_env["uri"], **conn})
        made.append(c)
        return c

    yield make
    for c in made:
        c.cancel()
        c.close()


def ssh_children(parent: int | None = None) -> set[int]:
    """PIDs of ``ssh`` processes whose parent is ``parent`` (default: this process), zombies included."""
    parent = os.getpid() if parent is None else parent
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1: stat.rindex(")")]
        if comm == "ssh" and int(stat[stat.rindex(")") + 2:].split()[1]) == parent:
            found.add(int(entry.name))
    return found


def running(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"
