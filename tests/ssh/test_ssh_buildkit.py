"""A BuildKit build over ssh:// (docker system dial-stdio): the session's h2c stream and the build's own
connection both ride ssh processes, and the context goes through them."""

from __future__ import annotations

from pathlib import Path

import pytest

import dshell.client as docker

pytestmark = pytest.mark.engine


def test_a_buildkit_build_over_ssh_serves_its_context(ssh_client, tmp_path: Path, docker_cli) -> None:
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (ctx / "Dockerfile").write_text("FROM busybox\nCOPY hello.txt /hello.txt\nRUN cat /hello.txt\n")
    (ctx / "hello.txt").write_text("over ssh\n")
    out = docker.call(ssh_client(), {"op": "ImageBuild", "params": {"inputStream": ctx, "version": "2",
                                                                    "nocache": True}})
    assert out.error is None, out.data
    step = next(s for s in out.data["steps"] if "cat /hello.txt" in s["name"])
    assert "over ssh" in step["log"]
    docker_cli("rmi", out.data["image_id"], check=False)
