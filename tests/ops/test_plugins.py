"""Every plugin op on a plugin made here: a busybox rootfs plus the registry binary (a static-enough Go
program that can listen on the plugin's unix socket) and a config.json, created from a tar, pushed to the
local registry with auth, pulled back, enabled, disabled, set, upgraded and removed."""

from __future__ import annotations

import io
import json
import secrets
import shutil
import tarfile
from pathlib import Path

import pytest

import dshell.client as docker

from .conftest import call

pytestmark = pytest.mark.engine

REGISTRY_CONFIG = b"""version: 0.1
log: {level: error}
storage: {inmemory: {}}
http: {net: unix, addr: /run/docker/plugins/dsh.sock}
"""
CONFIG = {
    "description": "dshell test plugin", "documentation": "https://example.invalid/dshell",
    "entrypoint": ["/bin/docker-registry", "serve", "/etc/registry.yml"],
    "interface": {"types": ["docker.dshelltest/1.0"], "socket": "dsh.sock"},
    "network": {"type": "host"},  # a privilege the pull has to grant
    "env": [{"name": "DSH_MODE", "description": "a setting", "settable": ["value"], "value": "one"}],
    "linux": {"capabilities": []},
}


def _add(tar: tarfile.TarFile, name: str, data: bytes, mode: int = 0o644) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode = len(data), mode
    tar.addfile(info, io.BytesIO(data))


@pytest.fixture(scope="module")
def plugin_context(engine) -> bytes:
    """PluginCreate's tar: config.json and rootfs/ (busybox exported from a container, the registry, libc),
    with a file of its own so that its blobs are new to the registry."""
    c = docker.client(conn={"uri": engine["docker_host"]})
    made = call(c, "ContainerCreate", body={"Image": engine["image"], "Cmd": ["true"]})
    try:
        exported = call(c, "ContainerExport", id=made["Id"])
    finally:
        call(c, "ContainerDelete", id=made["Id"])
    registry = shutil.which("docker-registry")
    assert registry, "scripts/engine installs docker-registry"
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar, tarfile.open(fileobj=io.BytesIO(exported)) as rootfs:
        _add(tar, "config.json", json.dumps({**CONFIG, "description": f"dshell test {secrets.token_hex(8)}"}).encode())
        for member in rootfs.getmembers():
            data = rootfs.extractfile(member) if member.isfile() else None
            member.name = f"rootfs/{member.name}"
            tar.addfile(member, data)
        _add(tar, "rootfs/bin/docker-registry", Path(registry).read_bytes(), 0o755)
        _add(tar, "rootfs/etc/registry.yml", REGISTRY_CONFIG)
        _add(tar, "rootfs/etc/dsh-plugin-id", secrets.token_hex(16).encode())
        for lib in ("/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2"):
            _add(tar, "rootfs" + lib, Path(lib).resolve().read_bytes(), 0o755)
    return out.getvalue()


@pytest.fixture
def plugin_names(dc, engine, unique_name):
    """``plugin_names()`` -> (a registry ref, a local name) fresh; every plugin named so is removed at the end."""
    made: list[str] = []

    def make() -> tuple[str, str]:
        base = unique_name("dsh-test-plugin")
        made.append(base)
        return f"{engine['registry']}/dshell/{base}:latest", f"{base}-pulled:latest"

    yield make
    for plugin in call(dc, "PluginList"):
        if any(m in plugin["Name"] for m in made):
            docker.invoke(dc, {"op": "PluginDelete", "params": {"name": plugin["Name"], "force": True}})


def test_create_push_pull_enable_set_upgrade_remove(dc, plugin_context, plugin_names, registry_login):
    remote, local = plugin_names()
    call(dc, "PluginCreate", name=remote, tarContext=plugin_context)
    made = call(dc, "PluginInspect", name=remote)
    assert made["Enabled"] is False and made["Config"]["Entrypoint"] == CONFIG["entrypoint"]
    # One push per run, of blobs the registry has never seen: Docker 20.10's plugin push (containerd's
    # pusher) once panicked the shared daemon ("send on closed channel") on a second push in a run.
    push = call(dc, "PluginPush", name=remote)  # X-Registry-Auth from the docker config
    assert any(str(p.get("aux", {}).get("Digest", "")).startswith("sha256:") for p in push)

    anonymous = {"X-Registry-Auth": {}}  # given, so the docker config is not asked
    # Docker 20.10's plugin resolver falls back from https to the plain-http loopback registry only after an
    # authenticated challenge: without credentials it stops at the https attempt.
    refused = "no basic auth credentials|unauthorized|authentication required|HTTP response to HTTPS client"
    with pytest.raises(docker.DockerError, match=refused):
        call(dc, "PluginPull", remote=remote, name=local, body=[{"Name": "network", "Value": ["host"]}], **anonymous)
    assert call(dc, "GetPluginPrivileges", remote=remote, **anonymous) == []  # anonymous: none at all
    privileges = call(dc, "GetPluginPrivileges", remote=remote)  # the docker config's login: the real ones
    assert privileges == [{"Name": "network", "Description": "permissions to access a network", "Value": ["host"]}]
    pulled = call(dc, "PluginPull", remote=remote, name=local, body=privileges)
    assert isinstance(pulled, list)
    plugin = call(dc, "PluginInspect", name=local)
    assert plugin["PluginReference"] == remote and plugin["Enabled"] is False

    call(dc, "PluginSet", name=local, body=["DSH_MODE=two"])
    assert "DSH_MODE=two" in call(dc, "PluginInspect", name=local)["Settings"]["Env"]
    call(dc, "PluginEnable", name=local, timeout=30)
    assert call(dc, "PluginInspect", name=local)["Enabled"] is True
    assert [p["Name"] for p in call(dc, "PluginList", filters={"enabled": ["true"]}) if p["Name"] == local] == [local]
    with pytest.raises(docker.DockerError) as busy:
        call(dc, "PluginDelete", name=local)
    assert busy.value.status in (409, 500) and "enabled" in busy.value.message
    call(dc, "PluginDisable", name=local)
    assert call(dc, "PluginInspect", name=local)["Enabled"] is False

    upgraded = call(dc, "PluginUpgrade", name=local, remote=remote, body=privileges)
    assert isinstance(upgraded, list)
    assert call(dc, "PluginInspect", name=local)["PluginReference"] == remote
    removed = call(dc, "PluginDelete", name=local)
    assert removed is None or removed["Name"] == local  # Docker 20.10 answers an empty 200 (the spec: a Plugin)
    call(dc, "PluginDelete", name=remote, force=True)
    assert not [p for p in call(dc, "PluginList") if p["Name"] in (local, remote)]


def test_an_early_answer_to_a_plugin_upload_on_a_taken_name_is_the_daemons(dc, plugin_context, plugin_names):
    """Issue 11 bug 1, PluginCreate's variant: the daemon refuses a taken name before it has read the MBs of the
    tar, and closes; the answer is read, not hidden behind the broken pipe (PeerClosed)."""
    remote, _ = plugin_names()
    assert len(plugin_context) >= 1 << 20
    call(dc, "PluginCreate", name=remote, tarContext=plugin_context)
    with pytest.raises(docker.DockerError) as taken:
        call(dc, "PluginCreate", name=remote, tarContext=plugin_context)
    assert taken.value.status in (409, 500) and "already exists" in taken.value.message
    assert docker.invoke(dc, {"op": "SystemPing"}) == "OK"
    call(dc, "PluginDelete", name=remote, force=True)
