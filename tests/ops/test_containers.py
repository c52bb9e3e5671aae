"""Every container op of v1.41 against the real engine, each result checked."""

from __future__ import annotations

import io
import json
import tarfile
import time

import pytest

import dshell.client as docker

from .conftest import call, tar_of

pytestmark = pytest.mark.engine


def state(dc, name):
    return call(dc, "ContainerInspect", id=name)["State"]


def test_lifecycle_start_top_pause_rename_update_restart_stop_kill_wait_delete(dc, container, unique_name):
    name = container(["sleep", "300"])
    assert state(dc, name)["Status"] == "created"
    assert [c["Names"] for c in call(dc, "ContainerList", all=True, filters={"name": [name]})] == [[f"/{name}"]]
    call(dc, "ContainerStart", id=name)
    assert state(dc, name)["Running"] is True
    top = call(dc, "ContainerTop", id=name)
    assert "PID" in top["Titles"] and any("sleep 300" in " ".join(p) for p in top["Processes"])
    call(dc, "ContainerPause", id=name)
    assert state(dc, name)["Paused"] is True
    call(dc, "ContainerUnpause", id=name)
    assert state(dc, name)["Paused"] is False
    renamed = unique_name()
    call(dc, "ContainerRename", id=name, name=renamed)
    with pytest.raises(docker.DockerError) as gone:
        call(dc, "ContainerInspect", id=name)
    assert gone.value.status == 404
    name = renamed
    updated = call(dc, "ContainerUpdate", id=name,
                   update={"RestartPolicy": {"Name": "on-failure", "MaximumRetryCount": 3}, "CpuShares": 512})
    assert updated["Warnings"] in (None, [])
    host = call(dc, "ContainerInspect", id=name)["HostConfig"]
    assert host["RestartPolicy"] == {"Name": "on-failure", "MaximumRetryCount": 3} and host["CpuShares"] == 512
    started = state(dc, name)["StartedAt"]
    call(dc, "ContainerRestart", id=name, t=1)
    assert state(dc, name)["Running"] and state(dc, name)["StartedAt"] != started
    call(dc, "ContainerStop", id=name, t=1)
    assert state(dc, name)["Running"] is False and state(dc, name)["ExitCode"] in (137, 143)
    call(dc, "ContainerStart", id=name)
    call(dc, "ContainerKill", id=name, signal="SIGKILL")
    assert call(dc, "ContainerWait", id=name, condition="not-running")["StatusCode"] == 137
    call(dc, "ContainerDelete", id=name, v=True)
    assert call(dc, "ContainerList", all=True, filters={"name": [name]}) == []


def test_wait_gives_the_exit_code_and_logs_the_output(dc, container):
    name = container(["sh", "-c", "echo out; echo err >&2; exit 3"], start=True)
    waited = call(dc, "ContainerWait", id=name)  # "Error" is optional: null on 20.10, left out on 28
    assert waited["StatusCode"] == 3 and waited.get("Error") is None and set(waited) <= {"StatusCode", "Error"}
    assert call(dc, "ContainerLogs", id=name, stdout=True) == "out\n"
    assert call(dc, "ContainerLogs", id=name, stderr=True) == "err\n"
    stamped = call(dc, "ContainerLogs", id=name, stdout=True, timestamps=True)
    assert stamped.endswith(" out\n") and stamped[:4].isdigit()


def test_attach_socket_with_stdin(dc, container):
    name = container(["sh", "-c", "read a; echo said $a; echo done >&2"], OpenStdin=True, StdinOnce=True)
    sock = docker.invoke(dc, {"op": "ContainerAttach", "as": "socket", "throw": True, "params": {
        "id": name, "stream": True, "stdin": True, "stdout": True, "stderr": True}})
    with sock:
        call(dc, "ContainerStart", id=name)
        sock.sendall(b"hi\n")
        frames = list(sock.frames())
    joined = {stream: b"".join(p for s, p in frames if s == stream) for stream in (1, 2)}
    assert joined == {1: b"said hi\n", 2: b"done\n"}


def test_resize_reaches_the_tty(dc, container):
    name = container(["sh", "-c", 'until [ "$(stty size)" = "31 101" ]; do sleep 0.1; done; echo resized'],
                     Tty=True, OpenStdin=True, start=True)
    call(dc, "ContainerResize", id=name, h=31, w=101)
    assert call(dc, "ContainerWait", id=name)["StatusCode"] == 0
    assert "resized" in call(dc, "ContainerLogs", id=name, stdout=True)


def test_changes_and_export(dc, container):
    name = container(["sh", "-c", "echo made > /tmp/dsh-made && rm /etc/group"], start=True)
    assert call(dc, "ContainerWait", id=name)["StatusCode"] == 0
    changes = {c["Path"]: c["Kind"] for c in call(dc, "ContainerChanges", id=name)}
    assert changes["/tmp/dsh-made"] == 1 and changes["/etc/group"] == 2  # 1 added, 2 deleted, 0 modified
    exported = call(dc, "ContainerExport", id=name)
    with tarfile.open(fileobj=io.BytesIO(exported)) as tar:
        assert tar.extractfile("tmp/dsh-made").read() == b"made\n"  # type: ignore[union-attr]
        assert "etc/passwd" in tar.getnames() and "etc/group" not in tar.getnames()


def test_stats_once_and_streamed(dc, container):
    name = container(["sleep", "60"], start=True)
    once = call(dc, "ContainerStats", id=name, stream=False)
    assert once["name"] == f"/{name}" and "memory_stats" in once and "cpu_stats" in once
    with docker.invoke(dc, {"op": "ContainerStats", "as": "stream", "throw": True,
                            "params": {"id": name, "stream": True}}) as stream:
        values = []
        for value in stream.json():
            values.append(value)
            if len(values) == 2:
                break
    assert values[0]["id"] == values[1]["id"] and values[1]["read"] > values[0]["read"]


def test_archive_put_get_and_head(dc, container):
    name = container(["true"])
    call(dc, "PutContainerArchive", id=name, path="/tmp", inputStream=tar_of({"dsh/hello.txt": b"hello tar\n"}))
    stat = call(dc, "ContainerArchiveInfo", id=name, path="/tmp/dsh/hello.txt")
    assert stat["name"] == "hello.txt" and stat["size"] == 10
    got = call(dc, "ContainerArchive", id=name, path="/tmp/dsh")
    with tarfile.open(fileobj=io.BytesIO(got)) as tar:
        assert tar.extractfile("dsh/hello.txt").read() == b"hello tar\n"  # type: ignore[union-attr]
    with pytest.raises(docker.DockerError) as missing:
        call(dc, "ContainerArchive", id=name, path="/no/such/path")
    assert missing.value.status == 404


def test_prune_removes_only_the_stopped_containers_it_is_told_to(dc, container, unique_name):
    label = unique_name("dsh-test-prune")
    doomed = container(["true"], Labels={"dsh.test.prune": label})
    kept = container(["sleep", "60"], start=True, Labels={"dsh.test.prune": label})
    doomed_id = call(dc, "ContainerInspect", id=doomed)["Id"]
    pruned = call(dc, "ContainerPrune", filters={"label": [f"dsh.test.prune={label}"]})
    assert pruned["ContainersDeleted"] == [doomed_id] and pruned["SpaceReclaimed"] >= 0
    assert call(dc, "ContainerList", all=True, filters={"name": [doomed]}) == []
    assert state(dc, kept)["Running"]  # a running container is never pruned


def test_logs_follow_as_a_stream(dc, container):
    name = container(["sh", "-c", "for i in 1 2 3; do echo line$i; sleep 0.2; done"], start=True)
    started = time.monotonic()
    with docker.invoke(dc, {"op": "ContainerLogs", "as": "stream", "throw": True,
                            "params": {"id": name, "follow": True, "stdout": True}}) as logs:
        got = b"".join(payload for _, payload in logs.frames())
    assert got == b"line1\nline2\nline3\n" and time.monotonic() - started >= 0.3


def test_inspect_of_a_missing_container_is_a_404(dc):
    with pytest.raises(docker.DockerError) as err:
        call(dc, "ContainerInspect", id="dsh-test-no-such-container")
    assert err.value.status == 404 and "No such container" in err.value.message
    assert json.dumps(err.value.body)
