"""Issue 11's bugs 2, 3, 4 and 6, each against the real engine (each failed before its fix)."""

from __future__ import annotations

import base64
import socket
import time
import urllib.request

import pytest

import dshell.client as docker
from dshell.client import _specs
from dshell.client._websocket import WebSocket

from .conftest import call

pytestmark = pytest.mark.engine

AUTH_OPS = ("DistributionInspect", "PluginPull", "PluginUpgrade", "PluginPush", "GetPluginPrivileges")


@pytest.mark.parametrize("version", _specs.versions())
def test_registry_auth_is_a_param_of_every_op_the_daemon_reads_it_on(version):
    ops = _specs.load(version).ops
    for name in AUTH_OPS:
        if name in ops:
            param = ops[name].params["X-Registry-Auth"]
            assert (param.location, param.type) == ("header", "string")


def test_distribution_inspect_authenticates_with_an_explicit_header(dc, engine, engine_facts, no_login):
    ref = engine["registry_image"]
    with pytest.raises(docker.DockerError, match="no basic auth credentials|unauthorized"):
        call(dc, "DistributionInspect", name=ref)
    auth = {"username": engine["registry_user"], "password": engine["registry_password"],
            "serveraddress": engine["registry"]}
    found = call(dc, "DistributionInspect", name=ref, **{"X-Registry-Auth": auth})
    # the containerd image store pushed an OCI manifest, the graph drivers a Docker one
    kind = "application/vnd.oci.image." if engine_facts.containerd_store else "application/vnd.docker.distribution."
    assert found["Descriptor"]["mediaType"].startswith(kind)
    if engine_facts.containerd_store:  # the daemon reads the platform from a Docker manifest's config only
        assert found["Platforms"] in (None, [])
    else:
        assert {"architecture": "amd64", "os": "linux"} in found["Platforms"]


def registry_digest(engine) -> str:
    """The manifest digest the registry itself gives for the engine's registry image."""
    repo, _, tag = engine["registry_image"].split("/", 1)[1].rpartition(":")
    request = urllib.request.Request(
        f"http://{engine['registry']}/v2/{repo}/manifests/{tag}", method="HEAD",
        headers={"Accept": "application/vnd.docker.distribution.manifest.v2+json,"
                           " application/vnd.oci.image.manifest.v1+json",
                 "Authorization": "Basic " + base64.b64encode(
                     f"{engine['registry_user']}:{engine['registry_password']}".encode()).decode()})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.headers["Docker-Content-Digest"]


def test_distribution_inspect_finds_credentials_in_the_docker_config(dc, engine, registry_login):
    found = call(dc, "DistributionInspect", name=engine["registry_image"])
    assert found["Descriptor"]["digest"] == registry_digest(engine)


def test_session_opens_with_an_h2c_upgrade(dc, unique_name):
    identity = {"X-Docker-Expose-Session-Uuid": unique_name("dsh-test-session"),  # unique: the daemon refuses
                "X-Docker-Expose-Session-Name": "dshell-test"}                   # a second session of one id
    with docker.invoke(dc, {"op": "Session", "as": "socket", "throw": True, "params": identity}) as sock:
        sock.settimeout(10)
        got = b""
        while len(got) < 24 and (piece := sock.recv(64)):
            got += piece
    assert got.startswith(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")  # the daemon speaks HTTP/2 (it is the gRPC client)


@pytest.mark.parametrize("op", ["Session", "ContainerAttachWebsocket"])
def test_upgrading_ops_want_a_socket(dc, op):
    with pytest.raises(docker.ValidationError, match=f"{op} upgrades the connection to .*'as': 'socket'"):
        docker.invoke(dc, {"op": op, "params": {"id": "x"} if "Attach" in op else {}})


def ws_streams(engine_facts) -> dict[str, bool]:
    """From API 1.42 the websocket attaches only the streams asked for (all of them before, with no params)."""
    return dict.fromkeys(("stdin", "stdout", "stderr"), True) if engine_facts.api_at_least("1.42") else {}


def test_attach_websocket_frames_stdin_and_unframes_output(dc, container, engine_facts):
    name = container(["sh", "-c", "read line; echo got $line; echo err >&2"], OpenStdin=True, StdinOnce=True)
    ws = docker.invoke(dc, {"op": "ContainerAttachWebsocket", "as": "socket", "throw": True,
                            "params": {"id": name, "stream": True, **ws_streams(engine_facts)}})
    with ws:
        assert isinstance(ws, WebSocket) and ws.tty  # never multiplexed
        call(dc, "ContainerStart", id=name)
        ws.settimeout(20)
        ws.sendall(b"hello\n")
        out = b"".join(ws.chunks())
    assert sorted(out.splitlines()) == [b"err", b"got hello"]  # stdout and stderr, raw, in either order
    assert call(dc, "ContainerWait", id=name)["StatusCode"] == 0


def test_attach_websocket_with_no_stream_params_shows_all_of_them(dc, container, engine_facts):
    """From API 1.42 the daemon attaches only the streams asked for; dshell asks for all three when none is named
    (before 1.42 the daemon gave all of them): the same output on both engines."""
    name = container(["sh", "-c", "read line; echo got $line; echo err >&2"], OpenStdin=True, StdinOnce=True)
    ws = docker.invoke(dc, {"op": "ContainerAttachWebsocket", "as": "socket", "throw": True,
                            "params": {"id": name, "stream": True}})
    with ws:
        call(dc, "ContainerStart", id=name)
        ws.settimeout(20)
        ws.sendall(b"hello\n")
        out = b"".join(ws.chunks())
    assert sorted(out.splitlines()) == [b"err", b"got hello"]
    if engine_facts.api_at_least("1.42"):  # a stream named is the caller's choice: no other is added
        asked = docker.call(dc, {"op": "ContainerAttachWebsocket", "as": "socket",
                                 "params": {"id": name, "stream": True, "stdout": True}})
        asked.data.close()
        assert "stdout=true" in asked.request_line and "stdin" not in asked.request_line


def test_attach_websocket_close_message_ends_stdin(dc, container, engine_facts):
    name = container(["cat"], OpenStdin=True, StdinOnce=True)
    ws = docker.invoke(dc, {"op": "ContainerAttachWebsocket", "as": "socket", "throw": True,
                            "params": {"id": name, "stream": True, **ws_streams(engine_facts)}})
    with ws:
        call(dc, "ContainerStart", id=name)
        ws.settimeout(20)
        ws.sendall(b"a" * 70000)  # a 64-bit length frame
        ws.sendall(b"tail\n")
        ws.shutdown(socket.SHUT_WR)
        out = b"".join(ws.chunks())
    assert out == b"a" * 70000 + b"tail\n"
    assert call(dc, "ContainerWait", id=name)["StatusCode"] == 0


def test_events_over_an_empty_window_are_an_empty_list(dc):
    now = int(time.time())
    assert call(dc, "SystemEvents", since=str(now - 3600 * 24 * 365 * 20), until=str(now - 3600 * 24 * 365 * 19)) == []


def test_archive_info_is_the_decoded_path_stat(dc, container):
    name = container(["true"])
    stat = call(dc, "ContainerArchiveInfo", id=name, path="/etc/passwd")
    assert stat["name"] == "passwd" and stat["size"] > 0 and stat["linkTarget"] == ""
    assert stat["mode"] & 0o777 and not stat["mode"] & (1 << 31)  # a file, not a directory
    folder = call(dc, "ContainerArchiveInfo", id=name, path="/etc")
    assert folder["name"] == "etc" and folder["mode"] & (1 << 31)  # Go's os.ModeDir


def test_ping_head_gives_the_ping_headers(dc, engine):
    head = call(dc, "SystemPingHead")
    assert head["Api-Version"] == call(dc, "SystemVersion")["ApiVersion"]
    assert head["OSType"] == "linux" and head["Docker-Experimental"] is False
