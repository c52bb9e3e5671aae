"""`watch [SECONDS] Op ...`: the op run again in a pane, what changed since the last run highlighted."""

from __future__ import annotations

import time
from typing import Any

import pytest

import dshell.client as docker
from dshell.shell.commands.dispatch import execute
from dshell.shell.panes.model import StreamPane
from dshell.shell.panes.sources import Source
from dshell.shell.panes.view import title_fragments
from dshell.shell.panes.watch import Watch, marked, plain, shown_lines, text_lines
from dshell.shell.parse import parse_line


def bind(call: Any) -> dict[str, Any]:
    return {**call.params, **({"id": call.args[0]} if call.args else {})}


def watch_source(words: list[str]) -> tuple[float, Source]:
    from dshell.shell.panes.sources import source

    cmd = parse_line(" ".join(["watch", *words]))
    return cmd.interval, source(cmd, bind)


def test_the_interval_is_optional_and_bounded() -> None:
    interval, source = watch_source(["ContainerList", "all=true"])
    assert interval == 2.0 and (source.op, source.params) == ("ContainerList", {"all": "true"})
    assert source.title == "watch 2s ContainerList all=true"
    assert watch_source(["0.5", "SystemInfo"])[0] == 0.5
    for words, message in ((["5x", "SystemInfo"], "the interval is seconds, got '5x'"),
                           (["0", "SystemInfo"], "must be 0.1 to 86400 seconds, got 0"),
                           (["1e9", "SystemInfo"], "must be 0.1 to 86400 seconds"),
                           (["3"], r"usage: watch \[SECONDS\] \[@a,b\] Op"), ([], "usage: watch")):
        with pytest.raises(ValueError, match=message):
            watch_source(words)


def test_lines_that_differ_from_the_last_run_are_highlighted_in_place() -> None:
    first = marked(None, plain(["a", "b"]), "run 1")
    assert [(line.text, line.style) for line in first[1:]] == [("a", ""), ("b", "")]  # nothing to compare yet
    second = marked(plain(["a", "b", "c"]), plain(["a", "B"]), "run 2")
    assert [(line.text, line.style, line.key) for line in second] == [
        ("run 2", "class:pane.header", "watch:header"), ("a", "", "watch:0"),
        ("B", "class:pane.changed", "watch:1"), ("", "", "watch:2")]
    pane = StreamPane("w")
    pane.add(first)
    pane.add(marked(plain(["a", "b"]), plain(["a", "B", "new"]), "run 2"))
    assert [line.text for line in pane.visible(10)[1]] == ["run 2", "a", "B", "new"]  # replaced, not appended


def container(name: str, status: str) -> dict[str, Any]:
    return {"Id": name * 64, "Names": [f"/{name}"], "Image": "busybox", "State": "running", "Status": status,
            "Created": 0, "Command": "sh", "Ports": []}


def test_a_status_change_is_one_row_changed_though_the_columns_realign() -> None:
    before = shown_lines([container("a", "Up 1 second"), container("b", "Up 2 seconds")], "ContainerList")
    after = shown_lines([container("a", "Exited (137) 1 second ago"), container("b", "Up 2 seconds")],
                        "ContainerList")
    assert before[2].text != after[2].text  # b's text moved: STATUS got wider
    lines = marked(before, after, "run 2")
    assert [line.style == "class:pane.changed" for line in lines[1:]] == [False, True, False]
    reordered = shown_lines([container("b", "Up 2 seconds"), container("a", "Up 1 second")], "ContainerList")
    assert not any(line.style for line in marked(before, reordered, "run 3")[1:])  # rows known by their ID


def test_a_watch_pane_at_its_top_is_not_paused() -> None:
    pane = StreamPane("watch 2s ContainerList")
    pane.top, pane.pinned_at_top = 0, True
    pane.add(marked(None, plain(["a"]), "run 1"))
    title = "".join(text for _, text in title_fragments(1, pane, True, ""))
    assert "paused" not in title
    stream = StreamPane("logs web")
    stream.add(marked(None, plain(["a"] * 30), "x"))
    stream.page = 10
    stream.scroll(-5)
    assert "paused +5" in "".join(text for _, text in title_fragments(1, stream, True, ""))


def test_a_result_renders_as_the_shell_shows_it() -> None:
    lines = text_lines([{"Id": "a" * 64, "Names": ["/web"], "Image": "busybox", "State": "running",
                         "Status": "Up 1 second", "Created": 0, "Command": "sh", "Ports": []}], "ContainerList")
    assert lines[0].split()[:2] == ["CONTAINER", "ID"] and "web" in lines[1] and "a" * 12 in lines[1]


def wait_for(pane: StreamPane, predicate: Any, timeout: float = 20) -> list[Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = pane.visible(5000)[1]
        if predicate(lines):
            return lines
        time.sleep(0.05)
    raise AssertionError(f"pane never got there: {[line.text for line in pane.visible(5000)[1]]}")


@pytest.mark.engine
def test_a_container_started_between_runs(engine: dict[str, Any], unique_name: Any,
                                          cleanup_containers: Any) -> None:
    name = unique_name()
    c = docker.client(conn={"uri": engine["docker_host"]})
    docker.invoke(c, {"op": "ContainerCreate", "throw": True,
                      "params": {"name": name, "body": {"Image": "busybox", "Cmd": ["sleep", "30"]}}})
    interval, source = watch_source(["0.2", "ContainerInspect", f"id={name}"])
    pane = StreamPane(source.title)
    watch = Watch(c.copy(), source, pane, lambda: None, interval).start()
    assert pane.top == 0  # the view shows the top of the result, as watch(1) does
    try:
        wait_for(pane, lambda lines: bool(lines) and lines[0].text.startswith("run 2 at"))
        assert not any(line.style == "class:pane.changed" for line in pane.visible(5000)[1])  # nothing changed
        docker.invoke(c, {"op": "ContainerStart", "params": {"id": name}, "throw": True})
        lines = wait_for(pane, lambda lines: any(line.style == "class:pane.changed" and "running" in line.text
                                                 for line in lines))
        assert "changed" in lines[0].text and watch.status == 200
    finally:
        watch.close()
        watch.thread.join(5)
        c.close()
    assert not watch.thread.is_alive()  # closing ends the wait between runs at once


@pytest.mark.engine
def test_a_failing_run_is_one_line_and_the_watch_goes_on(engine: dict[str, Any]) -> None:
    c = docker.client(conn={"uri": engine["docker_host"]})
    _, source = watch_source(["ContainerInspect", "id=dsh-test-no-such-container"])
    pane = StreamPane(source.title)
    watch = Watch(c.copy(), source, pane, lambda: None, 0.2).start()
    try:
        lines = wait_for(pane, lambda lines: lines and lines[0].text.startswith("run 2 at"))
        assert lines[0].style == "class:pane.bad" and "404 No such container" in lines[0].text
    finally:
        watch.close()
        c.close()


@pytest.mark.engine
def test_a_watch_over_hosts_marks_each_hosts_changed_row(engine: dict[str, Any], unique_name: Any,
                                                          cleanup_containers: Any) -> None:
    """The engine under two names (its unix socket and its mTLS listener) and one endpoint that is down."""
    name = unique_name()
    tls = {"ca": engine["ca"], "cert": engine["cert"], "key": engine["key"]}
    hosts = {"u": docker.client(conn={"uri": engine["docker_host"]}),
             "t": docker.client(conn={"uri": engine["tls_uri"], "mtls": tls}),
             "down": docker.client(conn={"uri": "unix:///tmp/dshell-test-watch-no-such.sock"})}
    docker.invoke(hosts["u"], {"op": "ContainerCreate", "throw": True,
                               "params": {"name": name, "body": {"Image": "busybox", "Cmd": ["sleep", "30"]}}})
    from dshell.shell.panes.sources import source as pane_source

    source = pane_source(parse_line("watch 0.2 @u,t ContainerList all=true"), bind, "@u,t,down")
    source = Source(source.title, source.op, {"all": True, "filters": {"name": [name]}})
    pane = StreamPane(source.title)
    watch = Watch(hosts["u"], source, pane, lambda: None, 0.2, hosts).start()
    try:
        lines = wait_for(pane, lambda lines: bool(lines) and lines[0].text.startswith("run 2 at"))
        assert source.title == "watch 0.2s @u,t,down ContainerList all=true" and watch.endpoint == "@u,t,down"
        assert lines[1].text.split()[:3] == ["HOST", "CONTAINER", "ID"]
        assert [line.text.split()[0] for line in lines[2:4]] == ["u", "t"] and all(
            "Created" in line.text and name in line.text for line in lines[2:4])
        assert lines[4].text.startswith("down: cannot connect") and lines[4].style == "class:pane.bad"
        docker.invoke(hosts["u"], {"op": "ContainerStart", "params": {"id": name}, "throw": True})
        lines = wait_for(pane, lambda lines: [line.text.split()[0] for line in lines[2:4]
                                              if line.style == "class:pane.changed" and " Up " in line.text]
                         == ["u", "t"])  # each host's row, now running, highlighted
        assert watch.status == 200 and lines[4].text.startswith("down: ")
    finally:
        watch.close()
        watch.thread.join(5)
    assert not watch.thread.is_alive()


def test_a_watch_over_hosts_binds_by_each_hosts_spec(shell_home: Any) -> None:
    """Offline (no engine speaks v1.52): ImageGet's platform is one string up to API v1.51 and a list from
    v1.52; each run sends each host the params its own version types."""
    from dshell.shell.config import Config
    from dshell.shell.panes.commands import Panes
    from dshell.shell.session import Session

    from ..mockdaemon import Daemon

    daemon = Daemon({"/images/busybox/get": docker.MockResponse(200, b"tar", {"Content-Type": "application/x-tar"})})
    s = Session(Config(endpoint="unix:///mock/a.sock", api_version="v1.51"), results_file=None,
                clients=daemon.clients)
    s.start(background=False)
    panes = Panes(s, lambda: None)
    s.plug("prompt", pane=panes.open)
    try:
        assert execute(s, "connect b unix:///mock/b.sock --api-version v1.52").error is None
        reply = execute(s, "watch 0.2 @all ImageGet busybox platform=linux/amd64")
        assert reply.error is None, reply.error
        wait_for(panes.area.views[0].pane, lambda lines: bool(lines) and lines[0].text.startswith("run 2 at"))
        sent = {r.path: r.query for r in daemon.seen if r.path.endswith("/images/busybox/get")}
        assert sent == {"/v1.51/images/busybox/get": {"platform": ["linux/amd64"]},
                        "/v1.52/images/busybox/get": {"platform": ["linux/amd64"]}}
    finally:
        panes.close_all()
        s.close()
