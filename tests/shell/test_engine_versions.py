"""What the shell sends follows the API version of the engine, as the docker CLI does: each test asks the engine
what it is and asserts that version's behaviour, so CI's two engines (20.10 at v1.41, 28.5 at v1.51) prove both
sides."""

from __future__ import annotations

import io
import json
import re
import tarfile
from collections.abc import Iterator
from typing import Any

import pytest
from rich.console import Console

from dshell.shell.commands.dispatch import execute
from dshell.shell.config import Config
from dshell.shell.session import Session

pytestmark = pytest.mark.engine
MAC = "02:42:ac:11:00:42"


@pytest.fixture
def session(engine: dict[str, Any], shell_home: Any) -> Iterator[Session]:
    s = Session(Config(endpoint=engine["docker_host"], pager="off"), results_file=None)
    s.start(background=False)
    yield s
    s.close()


def printed(session: Session, line: str) -> list[str]:
    reply = execute(session, line)
    assert reply.error is None, reply.error
    out = io.StringIO()
    Console(file=out, width=200, color_system=None).print(reply.body)
    return out.getvalue().rstrip("\n").split("\n")


def test_volume_prune_all_is_the_all_filter_from_1_42(session: Session, engine_facts: Any, docker_cli: Any,
                                                     unique_name: Any) -> None:
    name = unique_name("dsh-test-vol")
    docker_cli("volume", "create", "--label", f"dsh.test.vp={name}", name)
    asked: list[str] = []
    session.ask = lambda question: asked.append(question) or False  # type: ignore[attr-defined]
    try:
        execute(session, f"volume prune --filter label=dsh.test.vp={name}")  # asks, and is told no
        if engine_facts.api_at_least("1.42"):
            assert asked == ["WARNING! This will remove anonymous local volumes not used by at least one container."
                             "\nAre you sure you want to continue? [y/N] "]
            assert printed(session, f"volume prune -f --filter label=dsh.test.vp={name}") == [
                "Total reclaimed space: 0B"]  # a named volume stays
            assert printed(session, f"volume prune -af --filter label=dsh.test.vp={name}") == [
                "Deleted Volumes:", name, "", "Total reclaimed space: 0B"]
        else:
            assert asked == ["WARNING! This will remove all local volumes not used by at least one container."
                             "\nAre you sure you want to continue? [y/N] "]
            reply = execute(session, f"volume prune -af --filter label=dsh.test.vp={name}")
            assert reply.error == (f"docker volume prune: -a/--all needs API 1.42 or newer; this engine speaks "
                                   f"{engine_facts.api_prefixed}, where every unused volume goes without it")
            assert printed(session, f"volume prune -f --filter label=dsh.test.vp={name}") == [
                "Deleted Volumes:", name, "", "Total reclaimed space: 0B"]
        assert not docker_cli("volume", "ls", "-q", "--filter", f"name={name}").split()
        asked.clear()
        execute(session, "system prune --volumes --filter label=dsh.test.none=1")  # asks, and is told no
        which = "all anonymous volumes" if engine_facts.api_at_least("1.42") else "all volumes"
        assert f"  - {which} not used by at least one container\n" in asked[0]
    finally:
        docker_cli("volume", "rm", "-f", name, check=False)


def test_run_mac_address_and_several_networks(session: Session, engine_facts: Any, docker_cli: Any,
                                              unique_name: Any, cleanup_containers: Any) -> None:
    name, one, two = unique_name(), unique_name("dsh-test-net"), unique_name("dsh-test-net")
    for net in (one, two):
        docker_cli("network", "create", "--label", "dsh.test=1", net)
    try:
        reply = execute(session, f"run -d --name {name} --mac-address {MAC} --network {one} busybox sleep 60")
        assert reply.error is None, reply.error
        body = next(r for r in session.history if r.op == "ContainerCreate").params["body"]
        if engine_facts.api_at_least("1.44"):
            assert "MacAddress" not in body
            assert body["NetworkingConfig"] == {"EndpointsConfig": {one: {"MacAddress": MAC}}}
        else:
            assert body["MacAddress"] == MAC and "NetworkingConfig" not in body
        inspected = json.loads(docker_cli("inspect", name))[0]
        assert inspected["NetworkSettings"]["Networks"][one]["MacAddress"] == MAC
        docker_cli("rm", "-f", name)
        reply = execute(session, f"run -d --name {name} --network {one} --network {two} busybox sleep 60")
        if engine_facts.api_at_least("1.44"):
            assert reply.error is None, reply.error
            inspected = json.loads(docker_cli("inspect", name))[0]
            assert set(inspected["NetworkSettings"]["Networks"]) == {one, two}
        else:
            assert reply.error == (f"run: several --network need API 1.44 or newer (this engine speaks "
                                   f"{engine_facts.api_prefixed}): give one, then NetworkConnect the others")
    finally:
        docker_cli("rm", "-f", name, check=False)
        docker_cli("network", "rm", one, two, check=False)


def test_images_tree_and_platform_flags(session: Session, engine: dict[str, Any], engine_facts: Any,
                                        docker_cli: Any, unique_name: Any, tmp_path: Any) -> None:
    """The containerd image store keeps several platforms of an image: ``images --tree`` shows them and the
    ``--platform`` flags pick one (API 1.47-1.50 by flag); an older engine is told so in one line."""
    if not engine_facts.api_at_least("1.50"):
        for line, needs in (("images --tree", "docker images --tree needs API 1.47 or newer"),
                            ("history --platform linux/amd64 busybox", "ImageHistory: param 'platform' needs API "
                                                                       "v1.48 or newer")):
            reply = execute(session, line)
            assert reply.error is not None and reply.error.startswith(needs), reply.error
        return
    assert engine_facts.containerd_store
    import dshell.client as docker
    from tests.multiplatform import load_multiplatform

    name = f"{unique_name()}:1"
    load_multiplatform(session.require_client(), engine["image"], name)
    try:
        lines = printed(session, f"images --tree {name.split(':')[0]}")
        assert [line.split()[0] for line in lines] == ["IMAGE", name, "├─", "└─"]
        assert lines[2].split()[1] == "linux/amd64" and lines[3].split()[1] == "linux/arm64"
        cli = re.sub(r"\x1b\[[0-9;]*m", "", docker_cli("images", "--tree", "--filter", f"reference={name}"))
        table = cli[cli.index("IMAGE"):].splitlines()
        assert [re.split(r" {2,}", line.strip()) for line in lines] == [
            re.split(r" {2,}", line.strip()) for line in table if line.strip()]
        assert printed(session, f"image inspect --platform linux/arm64 -f '{{{{.Architecture}}}}' {name}") == [
            "arm64"]
        assert printed(session, f"image inspect -f '{{{{.Architecture}}}}' {name}") == ["amd64"]
        saved = tmp_path / "arm.tar"
        assert execute(session, f"save --platform linux/arm64 -o {saved} {name}").error is None
        with tarfile.open(saved) as tar:
            index = json.load(tar.extractfile("index.json"))  # type: ignore[arg-type]
        assert [m["platform"]["architecture"] for m in index["manifests"]] == ["arm64"]
        assert execute(session, f"rmi -f --platform linux/arm64 {name}").error is None
        left = docker.invoke(session.require_client(), {"op": "ImageList", "throw": True, "params": {
            "manifests": True, "filters": {"reference": [name]}}})
        available = {m["ImageData"]["Platform"]["architecture"]: m["Available"] for m in left[0]["Manifests"]}
        assert available == {"amd64": True, "arm64": False}  # its content went; the index still names it
        reply = execute(session, f"history --platform linux {name}")
        assert reply.error == "--platform: 'linux' is not a platform: e.g. --platform linux/arm64 (OS/ARCH[/VARIANT])"
    finally:
        docker_cli("rmi", "-f", name, check=False)
