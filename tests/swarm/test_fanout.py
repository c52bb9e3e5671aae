"""Fan-out over three real daemons (the namespaced nodes' own sockets) and one that is down: from Python
(docker.fanout) and from the shell (@all ContainerList), each node showing its own containers with HOST."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import dshell.client as docker
from dshell.shell.commands.dispatch import execute
from dshell.shell.config import Config
from dshell.shell.panes.commands import Panes
from dshell.shell.panes.model import Line, StreamPane
from dshell.shell.session import Session

from .conftest import Node, call

pytestmark = pytest.mark.engine
NOWHERE = "unix:///tmp/dshell-test-fanout-no-such.sock"


@pytest.fixture
def per_node(swarm_nodes: list[Node]) -> Iterator[dict[str, str]]:
    """A container of a name of its own created on each node: node name -> container name."""
    prefix = f"dsh-test-{secrets.token_hex(3)}"
    made = {node.name: f"{prefix}-{node.name}" for node in swarm_nodes}
    for node in swarm_nodes:
        call(node, "ContainerCreate", name=made[node.name], body={"Image": "busybox", "Cmd": ["true"]})
    yield made
    for node in swarm_nodes:
        docker.invoke(node.client, {"op": "ContainerDelete", "params": {"id": made[node.name], "force": True}})


def test_fanout_from_python_gives_each_node_its_own_containers(swarm_nodes: list[Node],
                                                               per_node: dict[str, str]) -> None:
    clients = {node.name: node.client for node in swarm_nodes}
    down = docker.client(conn={"uri": NOWHERE})
    prefix = next(iter(per_node.values())).rsplit("-", 1)[0]
    try:
        answers = docker.fanout({**clients, "down": down},
                                {"op": "ContainerList", "params": {"all": True, "filters": {"name": [prefix]}}})
    finally:
        down.close()
    assert list(answers) == [*clients, "down"]
    for name in clients:
        outcome = answers[name]
        assert isinstance(outcome, docker.Outcome) and outcome.ok
        assert [c["Names"] for c in outcome.data] == [[f"/{per_node[name]}"]]
    assert isinstance(answers["down"], docker.DockerConnectionError)


def test_at_all_in_the_shell_over_three_nodes_and_one_down(swarm_nodes: list[Node], per_node: dict[str, str],
                                                           tmp_path: Path) -> None:
    hosts = tuple(f"{node.name}={node.client.uri}" for node in swarm_nodes) + (f"down={NOWHERE}",)
    session = Session(Config(endpoint=swarm_nodes[0].client.uri, hosts=hosts), results_file=tmp_path / "r.jsonl")
    session.start(background=False)
    prefix = next(iter(per_node.values())).rsplit("-", 1)[0]
    try:
        reply = execute(session, f"@all ContainerList all=true filters={{name: [{prefix}]}}")
        assert reply.error is not None and reply.error.startswith("down: cannot connect")
        assert reply.result is not None
        rows = reply.result.data
        assert [(r["HOST"], r["Names"]) for r in rows] == [(n, [f"/{per_node[n]}"]) for n in per_node]
        b = swarm_nodes[1].name
        only = execute(session, f"_{reply.result.n} | [?HOST=='{b}'].Names[0]")
        assert only.error is None
        from dshell.explorer import query

        assert query(reply.result.data, f"[?HOST=='{b}'].Names[0]") == [f"/{per_node[b]}"]
        hosts_rows = execute(session, "hosts").result.data  # type: ignore[union-attr]
        assert [r["STATE"] for r in hosts_rows][:3] == ["up"] * 3 and hosts_rows[3]["STATE"].startswith("down")
    finally:
        session.close()


def test_the_nodes_are_three_daemons(swarm_nodes: list[Node]) -> None:
    """Three daemons of their own (a hostname each, the containers above apart): the fan-outs are over three."""
    answers = docker.fanout({n.name: n.client for n in swarm_nodes}, {"op": "SystemInfo"})
    assert [a.data["Name"] for a in answers.values() if isinstance(a, docker.Outcome)] == list(answers)


def test_logs_at_all_is_one_pane_with_a_host_tag_per_line(swarm_nodes: list[Node], tmp_path: Path) -> None:
    from dshell.shell.panes.hosts import merged
    from dshell.shell.parse import parse_line

    name = f"dsh-test-{secrets.token_hex(3)}"
    for node in swarm_nodes:
        script = f"echo from {node.name}; echo oops >&2"
        call(node, "ContainerCreate", name=name, body={"Image": "busybox", "Cmd": ["sh", "-c", script],
                                                       "HostConfig": {"NetworkMode": "none"}})
        call(node, "ContainerStart", id=name)
    hosts = tuple(f"{node.name}={node.client.uri}" for node in swarm_nodes) + (f"down={NOWHERE}",)
    session = Session(Config(endpoint=swarm_nodes[0].client.uri, hosts=hosts), results_file=tmp_path / "r.jsonl")
    session.start(background=False)
    try:
        pane, feed = merged(session, parse_line(f"logs @all {name}"), lambda: None)
        feed.start()
        deadline = time.monotonic() + 30
        while not pane.ended:
            assert time.monotonic() < deadline, pane.visible(50)[1]
            time.sleep(0.05)
        texts = [line.text for line in pane.visible(50)[1]]
        for node in swarm_nodes:
            assert f"[{node.name}] from {node.name}" in texts and f"[{node.name}] [stderr] oops" in texts
            assert f"[{node.name}] stream ended" in texts
        assert any(t.startswith("[down] error: cannot connect") for t in texts)
        assert texts[-1] == "── every host's stream ended ──" and pane.title == f"logs @all {name}"
    finally:
        session.close()
        for node in swarm_nodes:
            docker.invoke(node.client, {"op": "ContainerDelete", "params": {"id": name, "force": True}})


def test_completion_after_at_offers_that_nodes_names(swarm_nodes: list[Node], per_node: dict[str, str],
                                                      tmp_path: Path) -> None:
    from dshell.shell.completion.engine import complete
    from dshell.shell.completion.sources import SessionSources

    hosts = tuple(f"{node.name}={node.client.uri}" for node in swarm_nodes)
    session = Session(Config(endpoint=swarm_nodes[0].client.uri, hosts=hosts), results_file=tmp_path / "r.jsonl")
    session.start(background=False)
    prefix = next(iter(per_node.values())).rsplit("-", 1)[0]
    sources = SessionSources(session)
    try:
        for node in swarm_nodes:
            session.live_on(node.name).get("containers")  # the first ask starts the fetch
            assert session.live_on(node.name).settle(30)
        second, third = swarm_nodes[1].name, swarm_nodes[2].name
        _, found = complete(f"@{second} ContainerInspect {prefix}", sources)
        assert [(c.text, c.meta.split(":")[0]) for c in found] == [(per_node[second], second)]
        _, found = complete(f"@all ContainerInspect {prefix}", sources)
        assert sorted(c.text for c in found) == sorted(per_node.values())
        _, found = complete(f"logs @{third} {prefix}", sources)
        assert [c.text for c in found] == [per_node[third]]
    finally:
        session.close()


def _pane_session(swarm_nodes: list[Node], tmp_path: Path) -> tuple[Session, Panes]:
    """A session over the nodes with the shell's panes plugged in (no terminal)."""

    hosts = tuple(f"{node.name}={node.client.uri}" for node in swarm_nodes)
    session = Session(Config(endpoint=swarm_nodes[0].client.uri, hosts=hosts), results_file=tmp_path / "r.jsonl")
    session.start(background=False)
    panes = Panes(session, lambda: None)
    session.plug("prompt", pane=panes.open)
    return session, panes


def _lines(pane: StreamPane, check: Callable[[list[Line]], bool], seconds: float = 30) -> list[Line]:
    deadline = time.monotonic() + seconds
    while True:
        lines = pane.visible(200)[1]
        if check(lines):
            return lines
        assert time.monotonic() < deadline, [line.text for line in lines]
        time.sleep(0.05)


def test_split_logs_give_each_node_a_pane_of_its_own_lines(swarm_nodes: list[Node], tmp_path: Path) -> None:
    name = f"dsh-test-{secrets.token_hex(3)}"
    for node in swarm_nodes:
        call(node, "ContainerCreate", name=name, body={"Image": "busybox", "Cmd": ["echo", f"from {node.name}"],
                                                       "HostConfig": {"NetworkMode": "none"}})
        call(node, "ContainerStart", id=name)
    session, panes = _pane_session(swarm_nodes, tmp_path)
    try:
        reply = execute(session, f"logs @all {name} --split")
        assert reply.error is None and reply.body.startswith(f"panes 1-3: logs {name} on ")
        for node, view in zip(swarm_nodes, panes.area.views, strict=True):
            assert view.pane.title == f"logs @{node.name} {name}" and view.feed.endpoint == node.client.uri
            ended = _lines(view.pane, lambda lines: any("stream ended" in line.text for line in lines))
            assert [line.text for line in ended] == [f"from {node.name}", "── stream ended ──"]  # its own, untagged
    finally:
        panes.close_all()
        session.close()
        for node in swarm_nodes:
            docker.invoke(node.client, {"op": "ContainerDelete", "params": {"id": name, "force": True}})


def test_watch_over_the_nodes_shows_a_row_appearing_on_one(swarm_nodes: list[Node], tmp_path: Path) -> None:
    prefix = f"dsh-test-{secrets.token_hex(3)}"
    session, panes = _pane_session(swarm_nodes, tmp_path)
    second = swarm_nodes[1]
    try:
        reply = execute(session, f"watch 0.3 @all ContainerList all=true filters={{name: [{prefix}]}}")
        assert reply.error is None
        pane = panes.area.views[0].pane
        assert pane.title.startswith(f"watch 0.3s @{','.join(n.name for n in swarm_nodes)} ContainerList")
        _lines(pane, lambda lines: len(lines) > 1 and lines[0].text.startswith("run 2 at"))
        call(second, "ContainerCreate", name=f"{prefix}-x", body={"Image": "busybox", "Cmd": ["true"]})
        lines = _lines(pane, lambda lines: any(line.text.startswith(second.name) and line.style == "class:pane.changed"
                                               for line in lines))  # the new row, highlighted
        assert [line.text.split()[0] for line in lines if line.text.startswith("dshsw-")] == [second.name]
        assert lines[1].text.split()[:3] == ["HOST", "CONTAINER", "ID"]
    finally:
        panes.close_all()
        session.close()
        docker.invoke(second.client, {"op": "ContainerDelete", "params": {"id": f"{prefix}-x", "force": True}})
