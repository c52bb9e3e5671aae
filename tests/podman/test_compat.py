"""dshell against Podman 4.3's Docker-compatible API (scripts/podman): the everyday ops, each result checked.

Where Podman deviates from Docker, the test names the deviation it tolerates and how dshell copes
(docker-py, for comparison, raises or returns what it gets in each case):

- 500 where Docker says 409 (removing a running container, killing a stopped one): DockerError keeps the
  status the daemon sent and its message (docker-py: APIError 500, same);
- bare ``"\\n"`` bodies on 201/200 answers (ImageTag): dshell's data is None, as for Docker's empty body
  (docker-py: ImageTag returns True, it does not read the body);
- ``tag`` ignored on import (ImageCreate fromSrc): the image gets ``:latest``; tolerated, checked;
- ContainerUpdate missing (a plain-text 404 for the route): DockerError 404 says the daemon does not serve
  ContainerUpdate (docker-py: NotFound "404 Client Error: Not Found");
- events' ``remove`` where Docker says ``destroy`` (and extra ``init``/``cleanup``): events are data as sent;
- ContainerTop's Titles as one string, linkTarget of a file = its own path, names as docker.io/library/...:
  tolerated.
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import tarfile
import time

import pytest

import dshell.client as docker
from tests.conftest import REPO
from tests.ops.conftest import call, tar_of

pytestmark = [pytest.mark.podman, pytest.mark.engine]  # the engine: busybox comes from it


def test_ping_and_negotiation(pc):
    assert call(pc, "SystemPing") == "OK"
    assert pc.api_version == "v1.41"  # Podman 4.3 says API 1.41: the newest spec not above it
    version = call(pc, "SystemVersion")
    assert "Podman Engine" in [c["Name"] for c in version["Components"]] and version["ApiVersion"] == "1.41"
    assert call(pc, "SystemPingHead")["Api-Version"] == "1.41"
    assert call(pc, "SystemInfo")["Driver"] == "vfs"


def test_images_tag_history_save_load_import(pc, unique_name):
    assert "localhost/busybox:latest" in call(pc, "ImageInspect", name="busybox:latest")["RepoTags"]
    repo = unique_name("dsh-test-img")
    assert call(pc, "ImageTag", name="busybox:latest", repo=repo, tag="t1") is None  # Podman: body "\n"
    full = f"docker.io/library/{repo}:t1"  # Podman's name for a short one
    try:
        assert full in call(pc, "ImageInspect", name=f"{repo}:t1")["RepoTags"]
        assert call(pc, "ImageHistory", name=f"{repo}:t1")[0]["Size"] > 0
        saved = call(pc, "ImageGet", name=f"{repo}:t1")
        with tarfile.open(fileobj=io.BytesIO(saved)) as tar:
            assert json.load(tar.extractfile("manifest.json"))[0]["RepoTags"] == [full]  # type: ignore[arg-type]
        assert call(pc, "ImageDelete", name=f"{repo}:t1") == [{"Untagged": full}]
        loaded = call(pc, "ImageLoad", imagesTarball=saved)
        assert loaded == [{"stream": f"Loaded image: {full}"}]
    finally:
        docker.invoke(pc, {"op": "ImageDelete", "params": {"name": f"{repo}:t1"}})
    imported = call(pc, "ImageCreate", fromSrc="-", repo=repo, tag="i1", inputImage=tar_of({"hello": b"hi\n"}))
    image_id = imported[-1]["id"] if "id" in imported[-1] else imported[-1]["status"]
    try:
        tags = call(pc, "ImageInspect", name=image_id)["RepoTags"]
        assert tags in ([f"docker.io/library/{repo}:latest"], [f"docker.io/library/{repo}:i1"])  # tag ignored
    finally:
        call(pc, "ImageDelete", name=image_id, force=True)


def test_container_lifecycle(pc, box, unique_name):
    name = box(["sleep", "300"], start=True)
    assert call(pc, "ContainerInspect", id=name)["State"]["Running"] is True
    top = call(pc, "ContainerTop", id=name)
    assert "PID" in " ".join(top["Titles"]) and any("sleep 300" in " ".join(p) for p in top["Processes"])
    call(pc, "ContainerPause", id=name)
    assert call(pc, "ContainerInspect", id=name)["State"]["Paused"] is True
    call(pc, "ContainerUnpause", id=name)
    renamed = unique_name()
    call(pc, "ContainerRename", id=name, name=renamed)
    try:
        started = call(pc, "ContainerInspect", id=renamed)["State"]["StartedAt"]
        call(pc, "ContainerRestart", id=renamed, t=1)
        assert call(pc, "ContainerInspect", id=renamed)["State"]["StartedAt"] != started
        call(pc, "ContainerKill", id=renamed, signal="SIGKILL")
        assert call(pc, "ContainerWait", id=renamed)["StatusCode"] == 137
        call(pc, "ContainerStart", id=renamed)
        call(pc, "ContainerStop", id=renamed, t=1)
        assert call(pc, "ContainerInspect", id=renamed)["State"]["Running"] is False
        call(pc, "ContainerDelete", id=renamed)
    finally:
        docker.invoke(pc, {"op": "ContainerDelete", "params": {"id": renamed, "force": True}})
    assert call(pc, "ContainerList", all=True, filters={"name": [renamed]}) == []


def test_logs_as_data_and_followed(pc, box):
    name = box(["sh", "-c", "for i in 1 2 3; do echo out$i; echo err$i >&2; sleep 0.2; done"], start=True)
    with docker.invoke(pc, {"op": "ContainerLogs", "as": "stream", "throw": True,
                            "params": {"id": name, "follow": True, "stdout": True, "stderr": True}}) as logs:
        frames = list(logs.frames())
    assert [p for s, p in frames if s == 1] == [b"out1\n", b"out2\n", b"out3\n"]
    assert [p for s, p in frames if s == 2] == [b"err1\n", b"err2\n", b"err3\n"]
    assert call(pc, "ContainerLogs", id=name, stdout=True) == "out1\nout2\nout3\n"
    assert call(pc, "ContainerLogs", id=name, stderr=True) == "err1\nerr2\nerr3\n"


def test_attach_socket_with_stdin(pc, box):
    name = box(["sh", "-c", "read a; echo said $a; echo done >&2"], OpenStdin=True, StdinOnce=True)
    sock = docker.invoke(pc, {"op": "ContainerAttach", "as": "socket", "throw": True, "params": {
        "id": name, "stream": True, "stdin": True, "stdout": True, "stderr": True}})
    with sock:
        call(pc, "ContainerStart", id=name)
        sock.settimeout(30)
        sock.sendall(b"hi\n")
        frames = list(sock.frames())
    assert {s: b"".join(p for t, p in frames if t == s) for s in (1, 2)} == {1: b"said hi\n", 2: b"done\n"}
    assert call(pc, "ContainerWait", id=name)["StatusCode"] == 0


def test_exec_socket_with_stdin_and_as_data(pc, box):
    name = box(["sleep", "300"], start=True)
    exec_id = call(pc, "ContainerExec", id=name, execConfig={
        "Cmd": ["tr", "a-z", "A-Z"], "AttachStdin": True, "AttachStdout": True, "AttachStderr": True})["Id"]
    sock = docker.invoke(pc, {"op": "ExecStart", "as": "socket", "throw": True,
                              "params": {"id": exec_id, "execStartConfig": {"Detach": False}}})
    with sock:
        sock.settimeout(30)
        sock.sendall(b"shout\n")
        sock.shutdown(socket.SHUT_WR)
        assert b"".join(p for _, p in sock.frames()) == b"SHOUT\n"
    assert call(pc, "ExecInspect", id=exec_id)["ExitCode"] == 0
    exec_id = call(pc, "ContainerExec", id=name, execConfig={
        "Cmd": ["sh", "-c", "echo o; exit 3"], "AttachStdout": True, "AttachStderr": True})["Id"]
    assert call(pc, "ExecStart", id=exec_id, execStartConfig={"Detach": False}) == "o\n"
    assert call(pc, "ExecInspect", id=exec_id)["ExitCode"] == 3


def test_archive_put_head_get(pc, box):
    name = box(["sleep", "300"], start=True)
    assert call(pc, "PutContainerArchive", id=name, path="/tmp", inputStream=tar_of({"d/h.txt": b"hello\n"})) is None
    stat = call(pc, "ContainerArchiveInfo", id=name, path="/tmp/d/h.txt")
    assert stat["name"] == "h.txt" and stat["size"] == 6  # Podman: linkTarget is the path itself
    with tarfile.open(fileobj=io.BytesIO(call(pc, "ContainerArchive", id=name, path="/tmp/d/h.txt"))) as tar:
        assert tar.extractfile("h.txt").read() == b"hello\n"  # type: ignore[union-attr]


def test_stats_once_and_streamed(pc, box):
    name = box(["sleep", "300"], start=True)
    once = call(pc, "ContainerStats", id=name, stream=False)
    assert once["name"].lstrip("/") == name and "memory_stats" in once
    with docker.invoke(pc, {"op": "ContainerStats", "as": "stream", "throw": True,
                            "params": {"id": name, "stream": True}}) as stream:
        first = next(stream.json())
    assert first["pids_stats"]["current"] >= 1


def test_volumes_and_prunes(pc, box, unique_name):
    name = unique_name("dsh-test-vol")
    label = {"dsh.test.prune": name}
    made = call(pc, "VolumeCreate", volumeConfig={"Name": name, "Labels": label})
    assert made["Name"] == name and call(pc, "VolumeInspect", name=name)["Labels"] == label
    assert [v["Name"] for v in call(pc, "VolumeList", filters={"name": [name]})["Volumes"]] == [name]
    assert call(pc, "VolumePrune", filters={"label": [f"dsh.test.prune={name}"]})["VolumesDeleted"] == [name]
    stopped = box(["true"], Labels=label)
    stopped_id = call(pc, "ContainerInspect", id=stopped)["Id"]
    pruned = call(pc, "ContainerPrune", filters={"label": [f"dsh.test.prune={name}"]})
    assert pruned["ContainersDeleted"] == [stopped_id]
    assert call(pc, "ImagePrune", filters={"label": [f"dsh.test.prune={name}"]})["ImagesDeleted"] in ([], None)
    assert call(pc, "NetworkPrune", filters={"label": [f"dsh.test.prune={name}"]})["NetworksDeleted"] in ([], None)


def test_events_in_a_window(pc, box):
    since = time.time()
    name = box(["true"], start=True)
    call(pc, "ContainerWait", id=name)
    call(pc, "ContainerDelete", id=name)
    events = call(pc, "SystemEvents", since=f"{since - 1:.3f}", until=f"{time.time() + 1:.3f}",
                  filters={"container": [name]})
    actions = [e["Action"] for e in events]
    assert actions.index("create") < actions.index("start") < actions.index("die")
    assert "remove" in actions or "destroy" in actions  # Podman says remove, Docker destroy
    assert call(pc, "SystemEvents", since="1", until="2") == []


def test_errors_with_throw(pc, box):
    with pytest.raises(docker.DockerError) as missing:
        call(pc, "ContainerInspect", id="dsh-test-no-such-box")
    assert missing.value.status == 404 and "no such container" in missing.value.message
    name = box(["sleep", "300"], start=True)
    with pytest.raises(docker.DockerError) as running:
        call(pc, "ContainerDelete", id=name)
    assert running.value.status in (409, 500)  # Podman: 500 where Docker says 409
    assert "cannot be removed without force" in running.value.message
    with pytest.raises(docker.DockerError) as update:
        call(pc, "ContainerUpdate", id=name, update={"CpuShares": 512})
    assert update.value.status == 404 and "does not serve ContainerUpdate" in update.value.message
    assert docker.invoke(pc, {"op": "ContainerInspect", "params": {"id": "dsh-test-no-such-box"}})["response"] == 404


def test_the_shell_in_c_mode(podman, box, tmp_path):
    name = box(["sleep", "300"], start=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKER_")}
    env.update(DOCKER_HOST=podman["docker_host"], HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "c"),
               XDG_DATA_HOME=str(tmp_path / "d"), PYTHONPATH=str(REPO), COLUMNS="200")

    def shell(line: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "dshell", "-c", line], env=env, capture_output=True,
                              text=True, timeout=120, cwd=tmp_path, stdin=subprocess.DEVNULL)

    listed = shell(f"ContainerList filters={{name: [{name}]}}")
    assert listed.returncode == 0 and name in listed.stdout and "Up" in listed.stdout
    version = shell("SystemVersion")
    assert version.returncode == 0 and "Podman Engine" in version.stdout
    missing = shell("ContainerInspect id=dsh-test-no-such-box")
    assert missing.returncode == 1 and "404" in missing.stdout + missing.stderr
    assert "Traceback" not in missing.stdout + missing.stderr


def test_the_shared_engine_is_untouched(podman, pc, box, docker_cli):
    box(["true"], start=True)  # Podman has run containers...
    assert docker_cli("info", "--format", "{{.ServerVersion}}").strip()  # ...and dockerd still answers,
    assert docker_cli("run", "--rm", "busybox:latest", "echo", "ok").strip() == "ok"  # runs with its runc,
    links = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True, check=True).stdout
    assert "cni-podman" not in links and "podman" not in links  # and no bridge of Podman's was made
