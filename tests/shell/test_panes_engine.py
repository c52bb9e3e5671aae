"""Pane feeds against the real engine: logs (TTY or not), events, stats, errors, closing a follow."""

from __future__ import annotations

import re
import threading
import time

import pytest

import dshell.client as docker
from dshell.shell.panes.model import StreamPane
from dshell.shell.panes.reader import Feed
from dshell.shell.panes.sources import source

pytestmark = pytest.mark.engine
RUN = ("run", "--network", "none")  # no container here needs a network


@pytest.fixture
def client(engine):
    c = docker.client(None, conn={"uri": engine["docker_host"]})
    yield c
    c.close()


def bind(call) -> dict:
    """Enough of the shell's binding for these tests: NAME → id, k=v with true/false."""
    params: dict = {"id": call.args[0]} if call.args else {}
    for name, value in call.params.items():
        params[name] = {"true": True, "false": False}.get(value, value.strip("'")) if isinstance(value, str) else value
    return params


def feed(c, name: str, *args: str) -> tuple[StreamPane, Feed, threading.Event]:
    from dshell.shell.parse import parse_line

    follows = ["-f"] if name == "logs" else []  # a pane follows (logs alone answers once)
    src = source(parse_line(" ".join([name, *follows, *args])), bind)
    pane, changed = StreamPane(src.title), threading.Event()
    return pane, Feed(c.copy(), src, pane, changed.set).start(), changed


def wait_for(check, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_logs_demultiplexed_and_ended(client, docker_cli, unique_name, cleanup_containers):
    name = unique_name()
    docker_cli(*RUN, "--name", name, "busybox", "sh", "-c", "echo out1; echo err1 >&2; printf 'no newline'")
    pane, f, _ = feed(client, "logs", name)
    wait_for(lambda: pane.ended)
    lines = [(line.text, line.style) for line in pane.visible(10)[1]]
    assert ("out1", "") in lines and ("[stderr] err1", "class:pane.stderr") in lines and ("no newline", "") in lines
    assert pane.status == "stream ended" and lines[-1] == ("── stream ended ──", "class:pane.end")


def test_tty_logs_and_closing_a_follow(client, docker_cli, unique_name, cleanup_containers):
    name = unique_name()
    docker_cli(*RUN, "-d", "-t", "--name", name, "busybox", "sh", "-c", "echo hello; sleep 300")
    pane, f, _ = feed(client, "logs", name, "tail=all")
    wait_for(lambda: any(line.text == "hello" for line in pane.visible(10)[1]))
    started = time.monotonic()
    f.close()
    f.thread.join(5)
    assert not f.thread.is_alive() and time.monotonic() - started < 2
    assert pane.status == "streaming"  # closed by the user: no "error" line


def test_events_and_stats(client, docker_cli, unique_name, cleanup_containers):
    name = unique_name()
    events, ef, _ = feed(client, "events", "type=container", f"container={name}")
    wait_for(lambda: events.status == "streaming")
    docker_cli(*RUN, "-d", "--name", name, "busybox", "sleep", "300")
    wait_for(lambda: any(" container start " in line.text and f"name={name}" in line.text
                         for line in events.visible(20)[1]))
    stats, sf, _ = feed(client, "stats", name)
    wait_for(lambda: stats.total >= 2)
    header, row = stats.visible(5)[1][:2]
    assert header.text.startswith("CONTAINER ID") and row.data[-1]["name"] == name and "%" in row.text
    wait_for(lambda: len(row.data) >= 3)
    assert stats.total == 2  # later samples update the row in place, and add to its sparklines
    assert re.search(r"%\s+[▁-█]{3}\s", row.text)
    assert [sample["name"] for sample in stats.kept()] == [name] * len(row.data)  # samples only, no header
    ef.close()
    sf.close()


def test_errors_end_the_pane(client, unique_name):
    pane, f, _ = feed(client, "logs", unique_name("dsh-none"))
    wait_for(lambda: pane.ended)
    assert pane.status.startswith("error: No such container")


def test_pull_progress_one_line_per_layer(client, engine, docker_cli, unique_name, cleanup_containers, monkeypatch):
    name = unique_name()
    image = f"{engine['registry']}/dshell/{name}"
    docker_cli(*RUN, "--name", name, "busybox", "sh", "-c", "date > /stamp")  # a layer the engine will not have
    docker_cli("commit", name, f"{image}:latest")
    docker_cli("push", f"{image}:latest")
    docker_cli("rmi", f"{image}:latest")
    monkeypatch.setenv("DOCKER_CONFIG", engine["docker_config"])  # the registry's credentials
    try:
        pane, f, _ = feed(client, "tail", "ImageCreate", f"fromImage={image}", "tag=latest")
        wait_for(lambda: pane.ended, timeout=60)
        texts = [line.text for line in pane.visible(50)[1]]
        layers = [t for t in texts if re.fullmatch(r"[0-9a-f]{12}: .*", t)]
        assert texts[0] == f"latest: Pulling from dshell/{name}" and texts[-2].startswith("Status: Downloaded newer")
        assert any(t.endswith(": Pull complete") for t in layers) and len(layers) == len({t[:12] for t in layers})
        assert pane.total < 10 and all(isinstance(value, dict) for value in pane.kept())
    finally:
        docker_cli("rmi", f"{image}:latest", check=False)


def test_keep_stores_what_a_pane_holds_with_the_streams_status(engine, shell_home, docker_cli, unique_name,
                                                                cleanup_containers):
    from dshell.shell.config import Config
    from dshell.shell.panes.commands import Panes
    from dshell.shell.parse import parse_line
    from dshell.shell.session import Session

    name = unique_name()
    docker_cli(*RUN, "--name", name, "busybox", "echo", "hello")
    session = Session(Config(endpoint=engine["docker_host"]), results_file=None)
    session.start(background=False)
    panes = Panes(session, lambda: None)
    try:
        for target in (name, unique_name("dsh-none")):
            assert panes.open(parse_line(f"logs -f {target}")).error is None
            wait_for(lambda: panes.area.current.pane.ended)
            panes.keep()
        ok, missing = list(session.history)
        assert (ok.op, ok.status, ok.error, ok.data) == ("ContainerLogs", 200, None, "hello\n")
        assert ok.endpoint == engine["docker_host"] and ok.api_version == session.client.api_version
        assert missing.status == 404 and missing.error.startswith("error: No such container")
    finally:
        panes.close_all()
        session.close()
