"""Streams under %docker: one display updated as lines arrive, the lines kept as a result, interrupts."""

from __future__ import annotations

import signal
import threading
import time

import pytest
from IPython.utils.capture import capture_output

from dshell.explorer import Result

pytestmark = pytest.mark.engine


@pytest.fixture
def container(docker_cli, unique_name, cleanup_containers):
    """``container("sh script")`` runs busybox with it, named uniquely, removed after the test."""

    def run(script: str) -> str:
        name = unique_name("dsh-magic")
        docker_cli("run", "-d", "--name", name, "busybox:latest", "sh", "-c", script)
        return name

    return run


def test_logs_update_one_display_and_keep_the_lines(docker, container):
    name = container("for i in 1 2 3 4; do echo line $i; echo oops $i >&2; sleep 0.3; done")
    with capture_output() as cap:
        result = docker(f"logs -f {name}")
    assert isinstance(result, Result) and (result.op, result.status) == ("ContainerLogs", 200)
    assert result.params["id"] == name and result.params["follow"] is True
    assert [line for line in result.data.splitlines() if line.startswith("line")] == [f"line {i}" for i in range(1, 5)]
    assert "oops 4" in result.data
    first, *updates = cap.outputs
    display_id = first.transient["display_id"]
    assert updates and all(out.update and out.transient["display_id"] == display_id for out in updates)
    assert any("line 1" in out.data["text/plain"] for out in updates)
    assert f"logs {name}: stream ended, 8 lines" in updates[-1].data["text/plain"]
    assert any("stderr</span> oops 4" in out.data["text/html"] for out in updates)


def test_logs_f_of_several_containers_in_one_display_each_line_after_its_name(docker, container):
    a, b = container("echo a1; sleep 0.3; echo a2"), container("echo b1")
    width = max(len(a), len(b))
    with capture_output() as cap:
        result = docker(f"logs -f {a} {b}")
    assert isinstance(result, Result) and result.status == 200
    lines = set(result.data.splitlines())
    assert {f"{a.ljust(width)}  | a1", f"{a.ljust(width)}  | a2", f"{b.ljust(width)}  | b1"} <= lines
    assert "every container's stream ended" in cap.outputs[-1].data["text/plain"]


def test_tail_any_op_with_python_values(docker, container, ip):
    ip.user_ns["logs_of"] = container("echo hello; echo world")
    time.sleep(0.5)
    with capture_output():
        result = docker("tail ContainerLogs id=$logs_of follow=true stdout=true")
    assert result.data == "hello\nworld\n"


def test_events_keep_the_values(docker, container):
    since = int(time.time()) - 1
    name = container("true")
    time.sleep(1.2)
    with capture_output():
        result = docker(f"events type=container container={name} since={since} until={int(time.time())}")
    assert result.op == "SystemEvents"
    assert {"create", "start", "die"} <= {event["Action"] for event in result.data}


def test_a_stream_that_cannot_open_is_a_failed_result(docker, unique_name):
    result = docker(f"logs -f {unique_name()}")
    assert result.failed and result.status == 404 and "No such container" in result.error


def test_an_interrupt_stops_the_stream_and_keeps_what_it_showed(docker, container):
    name = container("i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.1; done")
    main = threading.main_thread().ident
    timer = threading.Timer(1.5, signal.pthread_kill, (main, signal.SIGINT))
    started = time.monotonic()
    timer.start()
    with capture_output() as cap:
        result = docker(f"logs -f {name}")
    assert time.monotonic() - started < 5
    assert result.status == 200 and result.data.startswith("tick 1\ntick 2\n")
    assert "stopped by interrupt" in cap.outputs[-1].data["text/plain"]
    assert docker(f"ContainerInspect {name}").data["State"]["Running"] is True


def test_closing_a_feed_ends_a_stream_it_was_handed_open(session, container):
    import dshell.client as docker_client
    from dshell._magic.streams import Opened
    from dshell.shell.panes.model import StreamPane
    from dshell.shell.panes.reader import Feed

    name = container("echo hi; sleep 300")
    own = session.client.copy()
    request = {"op": "ContainerLogs", "params": {"id": name, "follow": True, "stdout": True}, "as": "stream"}
    opened = docker_client.call(own, request)
    pane = StreamPane("t")
    feed = Feed(own, Opened("t", "ContainerLogs", {}, opened), pane, lambda: None).start()
    deadline = time.monotonic() + 10
    while pane.total < 1:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    feed.close()
    feed.thread.join(3)
    assert not feed.thread.is_alive() and pane.kept() == "hi\n"


def test_stats_draw_a_live_chart_and_an_interrupt_keeps_the_samples(docker, container):
    from ..htmltree import parse

    name = container("while true; do i=0; while [ $i -lt 500 ]; do i=$((i+1)); done; sleep 0.1; done")
    timer = threading.Timer(3.5, signal.pthread_kill, (threading.main_thread().ident, signal.SIGINT))
    timer.start()
    with capture_output() as cap:
        result = docker(f"stats {name}")
    assert (result.op, result.status) == ("ContainerStats", 200)
    assert len(result.data) >= 2 and all(sample["name"] == name for sample in result.data)  # samples only
    first, *updates = cap.outputs
    assert updates and all(out.transient["display_id"] == first.transient["display_id"] for out in updates)
    charts = [parse(out.data["text/html"]) for out in updates]
    drawn = [len(chart.find("polyline").attrs["points"].split()) for chart in charts if list(chart.iter("svg"))]
    assert drawn and drawn == sorted(drawn) and drawn[-1] == len(result.data)  # one chart, growing in place
    assert f"stats {name}: stopped by interrupt, {len(result.data)} samples" in updates[-1].data["text/plain"]
    assert "▁" in updates[-1].data["text/plain"] or "█" in updates[-1].data["text/plain"]  # sparklines in text
    assert len(list(parse(result.plot()._repr_html_()).iter("polyline"))) == 2


def test_compose_up_attached_streams_into_one_display(docker, tmp_path, unique_name):
    name = unique_name("dsh-magic")
    (tmp_path / "compose.yaml").write_text(
        'services:\n  web:\n    image: busybox:latest\n    command: ["sh", "-c", "echo hello; sleep 5"]\n'
        '  db:\n    image: busybox:latest\n    command: ["sh", "-c", "sleep 0.5; echo db done; exit 3"]\n')
    try:
        with capture_output() as cap:
            result = docker(f"compose -f {tmp_path}/compose.yaml -p {name} up --abort-on-container-exit -t 0")
        assert isinstance(result, Result) and result.op == "compose up"
        texts = [(line["name"], line["text"]) for line in result.data]
        assert ("web-1", "hello") in texts and ("db-1", "db done") in texts
        assert texts.index(("db-1", "exited with code 3")) < texts.index(("", "Aborting on container exit..."))
        assert ("", f" ✔ Container {name}-web-1  Stopped") in texts
        assert any(out.update and "web-1  | hello" in out.data["text/plain"] for out in cap.outputs)
    finally:
        with capture_output():
            docker(f"compose -p {name} down -t 0")
