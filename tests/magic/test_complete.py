"""Tab completion of %docker in IPython: ops, params, enum values, live names; never waiting."""

from __future__ import annotations

import time

import pytest
from IPython.core.completer import provisionalcompleter

pytestmark = pytest.mark.engine


def completions(ip, text: str, cursor: int | None = None) -> list[tuple[str, str]]:
    """(text before the cursor that a completion replaces, its text), as a front end would apply them."""
    cursor = len(text) if cursor is None else cursor
    with provisionalcompleter():
        return [(text[c.start:c.end], c.text) for c in ip.Completer.completions(text, cursor)]


def texts(ip, text: str) -> list[str]:
    return [new for _, new in completions(ip, text)]


def test_ops_params_enum_values_and_names(ip, session):
    assert texts(ip, "%docker ContainerLi")[0] == "ContainerList"
    assert completions(ip, "%docker ContainerList al")[0] == ("al", "all=")
    assert texts(ip, "%docker ContainerList all=") == ["true", "false"]
    assert texts(ip, "%docker ImageList all=true dig")[0] == "digests="
    assert set(texts(ip, "%docker ContainerLogs id=x stdout=true tail=")) <= {"all", '"all"'}
    session.live.get("images")
    assert session.live.settle(10)
    assert "busybox:latest" in texts(ip, "%docker ImageInspect busy")


def test_only_dshell_candidates_on_a_docker_line(ip):
    ip.user_ns["ContainerListing"] = 1
    assert "ContainerListing" not in texts(ip, "%docker ContainerLis")
    assert "ContainerListing" in texts(ip, "ContainerLis")  # elsewhere IPython completes as usual


def test_live_names_come_from_the_background_snapshot(ip, session, docker_cli, unique_name, cleanup_containers):
    name = unique_name("dsh-complete")
    docker_cli("create", "--name", name, "busybox:latest", "true")
    session.live.refresh(["containers"])
    assert session.live.settle(10)
    started = time.perf_counter()
    assert name in texts(ip, f"%docker ContainerInspect {name[:-3]}")
    assert name in texts(ip, f"%docker ContainerStart id={name[:-3]}")
    assert time.perf_counter() - started < 1


def test_the_first_line_of_a_cell(ip):
    cell = "%%docker VolumeCr\nName: v1"
    with provisionalcompleter():
        found = [c.text for c in ip.Completer.completions(cell, len("%%docker VolumeCr"))]
    assert found[0] == "VolumeCreate"


def test_result_references(ip, docker):
    made = docker("ImageInspect busybox:latest")
    assert f"_{made.n}.RepoTags" in texts(ip, f"%docker _{made.n}.Rep")
