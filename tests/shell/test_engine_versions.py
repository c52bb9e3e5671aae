"""What the shell sends follows the API version of the engine, as the docker CLI does: each test asks the engine
what it is and asserts that version's behaviour, so CI's two engines (20.10 at v1.41, 28.5 at v1.51) prove both
sides."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from rich.console import Console

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
    reply = session.execute(line)
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
        session.execute(f"volume prune --filter label=dsh.test.vp={name}")  # asks, and is told no
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
            reply = session.execute(f"volume prune -af --filter label=dsh.test.vp={name}")
            assert reply.error == (f"docker volume prune: -a/--all needs API 1.42 or newer; this engine speaks "
                                   f"{engine_facts.api_prefixed}, where every unused volume goes without it")
            assert printed(session, f"volume prune -f --filter label=dsh.test.vp={name}") == [
                "Deleted Volumes:", name, "", "Total reclaimed space: 0B"]
        assert not docker_cli("volume", "ls", "-q", "--filter", f"name={name}").split()
    finally:
        docker_cli("volume", "rm", "-f", name, check=False)


def test_run_mac_address_and_several_networks(session: Session, engine_facts: Any, docker_cli: Any,
                                              unique_name: Any, cleanup_containers: Any) -> None:
    name, one, two = unique_name(), unique_name("dsh-test-net"), unique_name("dsh-test-net")
    for net in (one, two):
        docker_cli("network", "create", "--label", "dsh.test=1", net)
    try:
        reply = session.execute(f"run -d --name {name} --mac-address {MAC} --network {one} busybox sleep 60")
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
        reply = session.execute(f"run -d --name {name} --network {one} --network {two} busybox sleep 60")
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
