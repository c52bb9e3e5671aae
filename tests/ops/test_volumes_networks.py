"""Volumes and networks, with connect/disconnect and label-scoped prunes, against the real engine."""

from __future__ import annotations

import pytest

import dshell.client as docker

from .conftest import call

pytestmark = pytest.mark.engine


def test_volume_create_inspect_list_use_delete(dc, container, unique_name):
    name = unique_name("dsh-test-vol")
    made = call(dc, "VolumeCreate", volumeConfig={"Name": name, "Labels": {"dsh.test": name}})
    assert made["Name"] == name and made["Driver"] == "local"
    assert call(dc, "VolumeInspect", name=name)["Labels"] == {"dsh.test": name}
    listed = call(dc, "VolumeList", filters={"name": [name]})["Volumes"]
    assert [v["Name"] for v in listed] == [name]
    writer = container(["sh", "-c", "echo kept > /v/file"], start=True, HostConfig={"Binds": [f"{name}:/v"]})
    call(dc, "ContainerWait", id=writer)
    reader = container(["cat", "/v/file"], start=True, HostConfig={"Binds": [f"{name}:/v"]})
    call(dc, "ContainerWait", id=reader)
    assert call(dc, "ContainerLogs", id=reader, stdout=True) == "kept\n"
    with pytest.raises(docker.DockerError) as in_use:
        call(dc, "VolumeDelete", name=name)
    assert in_use.value.status == 409
    for c in (writer, reader):
        call(dc, "ContainerDelete", id=c)
    call(dc, "VolumeDelete", name=name)
    assert call(dc, "VolumeList", filters={"name": [name]})["Volumes"] in ([], None)


def test_volume_prune_by_label(dc, unique_name, engine_facts):
    name = unique_name("dsh-test-vol")
    call(dc, "VolumeCreate", volumeConfig={"Name": name, "Labels": {"dsh.test.prune": name}})
    filters = {"label": [f"dsh.test.prune={name}"]}
    if engine_facts.api_at_least("1.42"):  # from 1.42 a named volume goes only with the all filter (docker's -a)
        assert call(dc, "VolumePrune", filters=filters)["VolumesDeleted"] in ([], None)
        filters["all"] = ["true"]
    pruned = call(dc, "VolumePrune", filters=filters)
    assert pruned["VolumesDeleted"] == [name]


def test_volume_update_is_for_cluster_volumes(dc, unique_name, engine_facts):
    """VolumeUpdate (API 1.42) changes a swarm's cluster volume (a CSI plugin's): none installs here, so the proof
    is the daemon's own refusal of a local volume: dshell sent the PUT with its version, the daemon read it."""
    if not engine_facts.api_at_least("1.42"):
        with pytest.raises(docker.ValidationError, match=f"unknown op 'VolumeUpdate' in API {dc.api_version}"):
            call(dc, "VolumeUpdate", name="dsh-test-none", version=1)
        return
    name = unique_name("dsh-test-vol")
    call(dc, "VolumeCreate", volumeConfig={"Name": name})
    try:
        out = docker.call(dc, {"op": "VolumeUpdate", "params": {"name": name, "version": 1,
                                                                 "body": {"Spec": {"Availability": "drain"}}}})
        assert out.request_line == f"PUT /{dc.api_version}/volumes/{name}?version=1"
        assert out.status == 503 and "only valid for cluster volumes" in str(out.error)
    finally:
        call(dc, "VolumeDelete", name=name)


def test_network_create_connect_disconnect_delete(dc, container, unique_name):
    name = unique_name("dsh-test-net")
    made = call(dc, "NetworkCreate", networkConfig={"Name": name, "Labels": {"dsh.test": name},
                                                    "CheckDuplicate": True})
    try:
        assert call(dc, "NetworkInspect", id=name)["Id"] == made["Id"]
        assert [n["Name"] for n in call(dc, "NetworkList", filters={"name": [name]})] == [name]
        box = container(["sleep", "60"], start=True)
        call(dc, "NetworkConnect", id=name, container={"Container": box, "EndpointConfig": {"Aliases": ["dshbox"]}})
        networks = call(dc, "ContainerInspect", id=box)["NetworkSettings"]["Networks"]
        assert "dshbox" in networks[name]["Aliases"] and networks[name]["IPAddress"]
        assert box in {c["Name"] for c in call(dc, "NetworkInspect", id=name)["Containers"].values()}
        call(dc, "NetworkDisconnect", id=name, container={"Container": box, "Force": False})
        assert name not in call(dc, "ContainerInspect", id=box)["NetworkSettings"]["Networks"]
    finally:
        call(dc, "NetworkDelete", id=name)
    with pytest.raises(docker.DockerError) as gone:
        call(dc, "NetworkInspect", id=name)
    assert gone.value.status == 404


def test_network_prune_by_label(dc, unique_name):
    name = unique_name("dsh-test-net")
    call(dc, "NetworkCreate", networkConfig={"Name": name, "Labels": {"dsh.test.prune": name}})
    pruned = call(dc, "NetworkPrune", filters={"label": [f"dsh.test.prune={name}"]})
    assert pruned["NetworksDeleted"] == [name]
