"""Local files and folders as bodies (pathlib.Path), and push with the docker config's login, on the real engine."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

import dshell.client as docker
from dshell.client._tarstream import unpack

pytestmark = pytest.mark.engine


def _run(dc: docker.Client, image: str, cmd: list[str], name: str) -> str:
    docker.invoke(dc, {"op": "ContainerCreate", "throw": True,
                       "params": {"name": name, "body": {"Image": image, "Cmd": cmd}}})
    try:
        docker.invoke(dc, {"op": "ContainerStart", "params": {"id": name}, "throw": True})
        docker.invoke(dc, {"op": "ContainerWait", "params": {"id": name}, "throw": True})
        return str(docker.invoke(dc, {"op": "ContainerLogs", "params": {"id": name, "stdout": True}}))
    finally:
        docker.invoke(dc, {"op": "ContainerDelete", "params": {"id": name, "force": True}})


def test_image_build_from_a_folder_honours_dockerignore(dc, tmp_path: Path, unique_name) -> None:
    ctx = tmp_path / "ctx"
    (ctx / "logs").mkdir(parents=True)
    (ctx / "Dockerfile").write_text("FROM busybox:latest\nCOPY . /ctx/\n")
    (ctx / ".dockerignore").write_text("*.secret\nlogs\n!logs/keep.txt\n")
    for name in ("app.txt", "db.secret", "logs/keep.txt", "logs/drop.txt"):
        (ctx / name).write_text(name)
    tag = unique_name()
    progress = docker.invoke(dc, {"op": "ImageBuild", "throw": True, "params": {"inputStream": ctx, "t": tag}})
    assert any("Successfully built" in str(p.get("stream", "")) for p in progress)
    try:
        listing = _run(dc, tag, ["find", "/ctx", "-type", "f"], unique_name())
        assert sorted(listing.split()) == ["/ctx/.dockerignore", "/ctx/Dockerfile", "/ctx/app.txt",
                                           "/ctx/logs/keep.txt"]  # db.secret and logs/drop.txt left out
    finally:
        docker.invoke(dc, {"op": "ImageDelete", "params": {"name": tag, "force": True}})


def test_a_folder_goes_into_a_container_and_comes_back_byte_identical(dc, container, tmp_path: Path) -> None:
    src = tmp_path / "src"
    (src / "nested").mkdir(parents=True)
    (src / "nested" / "data.bin").write_bytes(bytes(range(256)) * 4000)
    (src / "tool.sh").write_text("#!/bin/sh\n")
    (src / "tool.sh").chmod(0o750)
    (src / "link").symlink_to("nested/data.bin")
    name = container(["sleep", "30"], start=True)
    docker.invoke(dc, {"op": "PutContainerArchive", "throw": True,
                       "params": {"id": name, "path": "/tmp", "inputStream": src}})
    back = docker.invoke(dc, {"op": "ContainerArchive", "as": "stream", "throw": True,
                              "params": {"id": name, "path": "/tmp/nested"}})
    out = tmp_path / "out"
    out.mkdir()
    with back:
        unpack(back, out)
    assert (out / "nested" / "data.bin").read_bytes() == (src / "nested" / "data.bin").read_bytes()
    whole = docker.invoke(dc, {"op": "ContainerArchive", "throw": True, "params": {"id": name, "path": "/tmp/link"}})
    with tarfile.open(fileobj=io.BytesIO(whole)) as tar:
        member = tar.getmember("link")
    assert member.issym() and member.linkname == "nested/data.bin"


def test_push_uses_the_docker_config_login(dc, engine, monkeypatch, unique_name) -> None:
    """The bug: ImagePush said "missing required param 'X-Registry-Auth'" although the config had the login."""
    monkeypatch.setenv("DOCKER_CONFIG", engine["docker_config"])
    repo = f"{engine['registry']}/dsh-test/files-push"
    tag = unique_name()
    docker.invoke(dc, {"op": "ImageTag", "throw": True,
                       "params": {"name": engine["image"], "repo": repo, "tag": tag}})
    try:
        progress = docker.invoke(dc, {"op": "ImagePush", "throw": True, "params": {"name": repo, "tag": tag}})
        assert any("digest" in str(p.get("status", "")) or p.get("aux") for p in progress)
    finally:
        docker.invoke(dc, {"op": "ImageDelete", "params": {"name": f"{repo}:{tag}"}})
    pulled = docker.invoke(dc, {"op": "ImageCreate", "throw": True, "params": {"fromImage": repo, "tag": tag}})
    assert "Status: " in pulled[-1]["status"]
    docker.invoke(dc, {"op": "ImageDelete", "params": {"name": f"{repo}:{tag}"}})


def test_push_without_a_login_is_the_registry_refusal_not_a_missing_param(dc, engine, tmp_path, monkeypatch,
                                                                           unique_name) -> None:
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    repo, tag = f"{engine['registry']}/dsh-test/files-push", unique_name()
    docker.invoke(dc, {"op": "ImageTag", "throw": True,
                       "params": {"name": engine["image"], "repo": repo, "tag": tag}})
    try:
        with pytest.raises(docker.DockerError, match="no basic auth credentials|unauthorized|authentication required"):
            docker.invoke(dc, {"op": "ImagePush", "throw": True, "params": {"name": repo, "tag": tag}})
    finally:
        docker.invoke(dc, {"op": "ImageDelete", "params": {"name": f"{repo}:{tag}"}})


def test_image_build_pulls_a_private_base_image_with_the_docker_config_login(dc, engine, tmp_path, monkeypatch,
                                                                              unique_name) -> None:
    """docker build sends every login (X-Registry-Config); without it a FROM of the local registry is refused."""
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (ctx / "Dockerfile").write_text(f"FROM {engine['registry_image']}\nLABEL dsh-test=files\n")
    tag = unique_name()
    params = {"inputStream": ctx, "t": tag, "pull": "1", "nocache": True}
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "empty"))
    with pytest.raises(docker.DockerError, match="no basic auth credentials|unauthorized|authentication required"):
        docker.invoke(dc, {"op": "ImageBuild", "throw": True, "params": params})
    monkeypatch.setenv("DOCKER_CONFIG", engine["docker_config"])
    try:
        progress = docker.invoke(dc, {"op": "ImageBuild", "throw": True, "params": params})
        assert any("Successfully built" in str(p.get("stream", "")) for p in progress)
    finally:
        docker.invoke(dc, {"op": "ImageDelete", "params": {"name": tag, "force": True}})
