"""System ops: info, version, ping (GET and HEAD), data usage, auth and events, against the real engine."""

from __future__ import annotations

import time

import pytest

import dshell.client as docker

from .conftest import call

pytestmark = pytest.mark.engine


def test_info_and_version_agree_with_the_docker_cli(dc, docker_cli, engine_facts):
    info = call(dc, "SystemInfo")
    assert info["ID"] == docker_cli("info", "--format", "{{.ID}}").strip()
    assert info["Driver"] == docker_cli("info", "--format", "{{.Driver}}").strip() and info["OSType"] == "linux"
    version = call(dc, "SystemVersion")
    assert version["ApiVersion"] == engine_facts.api_version and version["Version"] == docker_cli(
        "version", "--format", "{{.Server.Version}}").strip()


def test_ping_and_ping_head(dc, engine_facts):
    assert call(dc, "SystemPing") == "OK"
    assert call(dc, "SystemPingHead")["Api-Version"] == engine_facts.api_version


def test_data_usage_lists_images_containers_and_volumes(dc, engine, container):
    name = container(["true"])
    usage = call(dc, "SystemDataUsage")
    assert usage["LayersSize"] >= 0 and {"Images", "Containers", "Volumes"} <= set(usage)
    assert any(f"/{name}" in c["Names"] for c in usage["Containers"])
    assert any(engine["image"] in (i["RepoTags"] or []) for i in usage["Images"])


def test_auth_against_the_local_registry(dc, engine):
    good = call(dc, "SystemAuth", authConfig={"username": engine["registry_user"],
                                              "password": engine["registry_password"],
                                              "serveraddress": engine["registry"]})
    assert good["Status"] == "Login Succeeded"
    with pytest.raises(docker.DockerError) as bad:
        call(dc, "SystemAuth", authConfig={"username": engine["registry_user"], "password": "wrong",
                                           "serveraddress": engine["registry"]})
    assert bad.value.status in (401, 500) and "unauthorized" in bad.value.message.lower()


def test_events_of_a_container_in_a_window(dc, container):
    since = time.time()
    name = container(["true"], start=True)
    call(dc, "ContainerWait", id=name)
    until = time.time() + 1
    events = call(dc, "SystemEvents", since=f"{since - 1:.3f}", until=f"{until:.3f}",
                  filters={"container": [name]})
    actions = [e["Action"] for e in events]
    assert isinstance(events, list) and {"create", "start", "die"} <= set(actions)
    assert all(e["Actor"]["Attributes"]["name"] == name for e in events)
    assert actions.index("create") < actions.index("start") < actions.index("die")
