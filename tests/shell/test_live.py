"""LiveNames: background refresh, atomic snapshots, never blocking a read."""

from __future__ import annotations

import threading

from dshell.shell.completion.live import FETCHERS, LiveNames, kind_for

CONTAINERS = [{"Id": "0123456789abcdef", "Names": ["/web"], "State": "running", "Image": "busybox"}]
IMAGES = [{"Id": "sha256:f80577fc8a421b07", "RepoTags": ["busybox:latest", "<none>:<none>"]}]


def fake_invoke(calls, gate=None):
    def invoke(op, params):
        if gate is not None:
            gate.wait(5)
        calls.append(op)
        return {"ContainerList": CONTAINERS, "ImageList": IMAGES, "VolumeList": {"Volumes": [{"Name": "v1"}]},
                "ContainerInspect": {"ExecIDs": ["e1"]}}[op]
    return invoke


def test_fetchers_extract_names_and_short_ids():
    names = FETCHERS["containers"](fake_invoke([]))
    assert ("web", "container running busybox") in names
    assert ("0123456789ab", "container running busybox web") in names
    assert [n for n, _ in FETCHERS["images"](fake_invoke([]))] == ["busybox:latest", "f80577fc8a42"]
    assert FETCHERS["volumes"](fake_invoke([]))[0][0] == "v1"
    assert FETCHERS["exec"](fake_invoke([]))[0] == ("e1", "exec in web")


def test_kind_for():
    assert kind_for("containers", "id", "path") == "containers"
    assert kind_for("images", "name", "path") == "images"
    assert kind_for("commit", "container", "query") == "containers"
    assert kind_for("containers", "all", "query") is None


def test_get_never_blocks_and_fills_in_the_background():
    calls: list[str] = []
    gate = threading.Event()
    live = LiveNames(fake_invoke(calls, gate), interval=60)
    try:
        assert live.get("containers") == ()  # the daemon is "slow": answered at once, empty
        gate.set()
        assert live.settle(5)
        assert ("web", "container running busybox") in live.get("containers")
        assert calls == ["ContainerList"]
        live.refresh(["containers"])
        assert live.settle(5)
        assert calls == ["ContainerList", "ContainerList"]
    finally:
        live.stop()


def test_errors_keep_the_stale_names():
    state = {"fail": False}

    def invoke(op, params):
        if state["fail"]:
            raise OSError("daemon gone")
        return CONTAINERS

    live = LiveNames(invoke, interval=60)
    try:
        live.get("containers")
        assert live.settle(5)
        state["fail"] = True
        live.refresh(["containers"])
        assert live.settle(5)
        assert live.get("containers")  # stale beats nothing
        assert "daemon gone" in live.errors["containers"]
        live.reset()
        assert live.settle(5)
        assert live.get("containers") == ()
    finally:
        live.stop()


def test_timer_refreshes_wanted_kinds():
    calls: list[str] = []
    live = LiveNames(fake_invoke(calls), interval=0.05)
    try:
        live.get("images")
        deadline = threading.Event()
        for _ in range(100):
            if calls.count("ImageList") >= 3:
                break
            deadline.wait(0.02)
        assert calls.count("ImageList") >= 3
    finally:
        live.stop()
