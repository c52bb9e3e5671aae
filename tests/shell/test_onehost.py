"""``@NAME CMD ...``: one command (exec, run, cp, fetch, login, ...) on another endpoint, as ``docker --context
NAME`` runs one, the default endpoint left as it was. Parsing, and the Session over two mock daemons that speak
different API versions (the engine and swarm tests are the proof on real daemons)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import dshell.client as docker
from dshell.shell.commands.dispatch import execute
from dshell.shell.config import Config
from dshell.shell.reply import Reply
from dshell.shell.session import Session
from tests import parsed as P

from ..mockdaemon import Daemon

A, B = "unix:///mock/a.sock", "unix:///mock/b.sock"


@pytest.mark.parametrize(("text", "command"), [
    ("@b exec -u root web sh", P.Stream("exec", ("-u", "root", "web", "sh"))),
    ("@b attach web", P.Stream("attach", ("web",))),
    ("@b run -it --rm busybox sh", P.Workflow("run", ("-it", "--rm", "busybox", "sh"))),
    ("@b cp ./site web:/srv", P.Workflow("cp", ("./site", "web:/srv"))),
    ("@b build -t app:1 .", P.Workflow("build", ("-t", "app:1", "."))),
    ("@b login -u me reg.example", P.Workflow("login", ("-u", "me", "reg.example"))),
    ("@b fetch /info", P.Fetch("GET", "/info")),
    ("@b doc ContainerList", P.Doc("ContainerList")),
    ("@b ops images", P.Ops("images")),
])
def test_one_name_before_a_command_that_uses_an_endpoint_runs_it_there(text: str, command: P.Command) -> None:
    assert P.parse_line(text) == P.OnHost("b", command)


def test_what_already_took_an_at_prefix_keeps_its_meaning() -> None:
    assert P.parse_line("@b ContainerList") == P.FanOut(("b",), P.OpCall("ContainerList"))
    assert P.parse_line("@b exec ExecInspect x") == P.FanOut(("b",), P.OpCall("ExecInspect", args=("x",),
                                                                               category="exec"))
    pane = P.parse_line("@b logs web")  # a pane command's hosts, as `logs @b web`
    assert (pane.verb, pane.hosts, pane.rest, pane.call.args) == ("logs", ("b",), ("web",), ("web",))


@pytest.mark.parametrize(("text", "message"), [
    ("@a,b exec web sh", "exec runs on one endpoint: @a exec ... (as docker --context a exec ...); an op runs on "
                         "several at once: @a,b ContainerList"),
    ("@all run busybox", "run runs on one endpoint: @NAME run ..."),
    ("@a,b cp f web:/tmp", "cp runs on one endpoint: @a cp ..."),
    ("@a,b fetch /info", "fetch runs on one endpoint: @a fetch ..."),
    ("@b history", "history does not run on an endpoint: leave out @b"),
    ("@b cd _3", "cd does not run on an endpoint: leave out @b"),
    ("@b set vi", "set does not run on an endpoint: leave out @b"),
    ("@b help", "help does not run on an endpoint: leave out @b"),
    ("@b logout", "logout does not run on an endpoint: leave out @b"),
    ("@b use a", "use does not run on an endpoint: leave out @b"),
    ("@b", "@b needs a command or an op after it"),
])
def test_an_at_prefix_that_cannot_be_is_one_line(text: str, message: str) -> None:
    with pytest.raises(P.ParseError) as info:
        P.parse_line(text)
    assert str(info.value).startswith(message) and "\n" not in str(info.value)


class Versioned(Daemon):
    """A mock daemon whose ``/_ping`` says ``version``."""

    def __init__(self, routes: dict[str, Any], version: str, before_ping: Callable[[], None] | None = None) -> None:
        super().__init__(routes)
        self.version, self.before_ping = version, before_ping

    def __call__(self, req: docker.MockRequest) -> docker.MockResponse:
        if req.path == "/_ping":
            self.seen.append(req)
            if self.before_ping is not None:
                self.before_ping()
            return docker.MockResponse(200, b"OK", {"Api-Version": self.version})
        return super().__call__(req)

    def asked(self) -> list[str]:
        """What was asked besides pings and the live names' prefetch."""
        return [r.method + " " + r.target for r in self.seen
                if r.path != "/_ping" and not r.path.endswith(("/containers/json", "/images/json"))]


def routes() -> dict[str, Any]:
    return {"/info": docker.MockResponse.json({"Name": "host-b"}),
            "/images/busybox/json": docker.MockResponse.json({"Id": "sha256:1"}),
            "/containers/create": docker.MockResponse.json({"Id": "c0ffee", "Warnings": []}, 201),
            "/containers/c0ffee/start": docker.MockResponse(204, b""),
            "/auth": docker.MockResponse.json({"Status": "Login Succeeded"}),
            "/containers/json": docker.MockResponse.json([]), "/images/json": docker.MockResponse.json([])}


@pytest.fixture
def two() -> dict[str, Versioned]:
    return {A: Versioned(routes(), "1.43"), B: Versioned(routes(), "1.41")}


@pytest.fixture
def session(two: dict[str, Versioned], shell_home: Path) -> Iterator[Session]:
    def clients(conn: dict[str, Any], api_version: str | None) -> docker.Client:
        transport = docker.MockTransport(two[conn["uri"]], conn["uri"])
        return docker.client(conn=conn, api_version=api_version, transport=transport)

    s = Session(Config(hosts=(f"a={A}", f"b={B}")), results_file=None, clients=clients)
    s.start(background=False)
    yield s
    s.close()


def test_fetch_on_b_asks_b_only_and_is_stored_with_bs_endpoint_and_version(session: Session,
                                                                           two: dict[str, Versioned]) -> None:
    reply = execute(session, "@b fetch /info")
    assert reply.error is None and reply.result is not None
    assert (reply.result.data, reply.result.endpoint, reply.result.api_version) == ({"Name": "host-b"}, B, "v1.41")
    assert two[B].asked() == ["GET /info"] and two[A].asked() == []
    assert session.status().endpoint == "a" and session.here == "a" and session.client is session.hosts.client("a")


def test_run_on_b_sends_every_op_to_b_in_bs_api_version(session: Session, two: dict[str, Versioned]) -> None:
    reply = execute(session, "@b run -d --name web busybox")
    assert reply.error is None, reply.error
    assert two[B].asked() == ["GET /v1.41/images/busybox/json", "POST /v1.41/containers/create?name=web",
                              "POST /v1.41/containers/c0ffee/start"]
    assert two[A].asked() == []
    assert session.history is not None
    kept = [session.history[n] for n in range(1, len(session.history) + 1)]
    assert {(r.endpoint, r.api_version) for r in kept} == {(B, "v1.41")}
    assert execute(session, "fetch /info").error is None and two[A].asked() == ["GET /info"]  # the default: a


def test_login_on_b_checks_the_login_with_bs_daemon(session: Session, two: dict[str, Versioned]) -> None:
    session.say = lambda body: None
    reply = execute(session, "@b login -u me -p secret 127.0.0.1:5999")
    assert reply.error is None and "Login Succeeded" in str(reply.body), reply.error
    assert two[B].asked() == ["POST /v1.41/auth"] and two[A].asked() == []


def test_an_interactive_command_on_b_sees_bs_connection_and_the_default_after(session: Session) -> None:
    seen: list[tuple[str | None, docker.Client | None, str | None]] = []

    def handler(cmd: P.Stream) -> Reply:
        seen.append((session.here, session.require_client(), session.spec_index and session.spec_index.version))
        return Reply("ok")

    session.plug("prompt", terminal=handler)
    assert execute(session, "@b exec web sh").error is None
    assert seen == [("b", session.hosts.client("b"), "v1.41")]
    assert execute(session, "exec web sh").error is None
    assert seen[1] == ("a", session.hosts.client("a"), "v1.43")


def test_doc_and_ops_on_b_read_bs_spec(session: Session) -> None:
    """SystemDataUsage's ``type`` param came with v1.42: ``@b doc`` (b speaks v1.41) has none, a's has."""
    def shown(text: str) -> str:
        from rich.console import Console

        console = Console(width=200, file=io.StringIO())
        console.print(execute(session, text).body)
        return console.file.getvalue()  # type: ignore[attr-defined]

    assert "type" in shown("doc SystemDataUsage")
    on_b = shown("@b doc SystemDataUsage")
    assert "SystemDataUsage" in on_b and "type" not in on_b
    assert "v1.41" in on_b and "v1.43" in shown("doc SystemDataUsage")


def test_an_unknown_endpoint_is_the_fan_outs_one_line(session: Session, two: dict[str, Versioned]) -> None:
    reply = execute(session, "@nope exec web sh")
    assert reply.error is not None and reply.error.startswith("no endpoint or docker context 'nope'")
    assert "\n" not in reply.error
    assert execute(session, "@nope ContainerList").error == reply.error  # the fan-out's own line


def test_a_down_endpoint_is_one_line_and_the_default_stays(shell_home: Path) -> None:
    s = Session(Config(hosts=(f"a={A}", "b=unix:///tmp/dshell-test-onehost-nothing.sock")), results_file=None,
                clients=lambda conn, v: docker.client(conn=conn, api_version=v, transport=docker.MockTransport(
                    Versioned(routes(), "1.43"))) if conn["uri"] == A else docker.client(conn=conn, api_version=v))
    s.start(background=False)
    try:
        reply = execute(s, "@b fetch /info")
        assert reply.error is not None and "\n" not in reply.error and "dshell-test-onehost-nothing.sock" in reply.error
        assert s.here == "a" and execute(s, "fetch /info").error is None
    finally:
        s.close()


def image_get(req: docker.MockRequest) -> docker.MockResponse:
    return docker.MockResponse(200, b"tar", {"Content-Type": "application/x-tar"})


def pinned_pair(shell_home: Path, b_ping: Callable[[], None] | None = None) -> tuple[Session, dict[str, Versioned]]:
    """a pinned to v1.51 (ImageGet's platform one string), b at v1.52 (a list): pinned, or (``b_ping`` given,
    run before b's /_ping answers) negotiated."""
    daemons = {A: Versioned({"/images/busybox/get": image_get}, "1.51"),
               B: Versioned({"/images/busybox/get": image_get}, "1.52", b_ping)}

    def clients(conn: dict[str, Any], api_version: str | None) -> docker.Client:
        transport = docker.MockTransport(daemons[conn["uri"]], conn["uri"])
        return docker.client(conn=conn, api_version=api_version, transport=transport)

    s = Session(Config(hosts=(f"a={A}", f"b={B}"), api_version="v1.51"), results_file=None, clients=clients)
    s.start(background=False)
    s.hosts.pin("b", "v1.52" if b_ping is None else None)
    return s, daemons


def ended(feeds: list[Any]) -> None:
    for feed in feeds:
        feed.thread.join(10)
        assert not feed.thread.is_alive()


def test_a_merged_pane_binds_each_hosts_words_by_its_own_version(shell_home: Path) -> None:
    from dshell.shell.panes.hosts import merged

    s, daemons = pinned_pair(shell_home)
    try:
        _, feed = merged(s, P.parse_line("tail @a,b ImageGet busybox platform=linux/amd64"), lambda: None)
        feed.start()
        ended(feed.feeds)
        assert [f.source.params["platform"] for f in feed.feeds] == ["linux/amd64", ["linux/amd64"]]
        assert [r.path for d in daemons.values() for r in d.seen if "get" in r.path] == [
            "/v1.51/images/busybox/get", "/v1.52/images/busybox/get"]
    finally:
        s.close()


def test_split_panes_bind_by_each_hosts_version_asked_in_the_feed_not_at_open(shell_home: Path) -> None:
    """b's version is not known when the panes open: opening does not wait for b's /_ping (it is held until
    the panes are open); b's feed asks it and binds the words by v1.52."""
    import threading

    from dshell.shell.panes.hosts import split

    release, asked = threading.Event(), threading.Event()

    def hold() -> None:
        asked.set()
        release.wait(10)

    s, _ = pinned_pair(shell_home, hold)
    try:
        cmd = P.parse_line("tail @a,b ImageGet busybox platform=linux/amd64 --split")
        opened = split(s, cmd, lambda: None)  # returns while b's version is unknown
        assert not asked.is_set()
        for _, _, feed in opened:
            feed.start()
        assert asked.wait(10)
        release.set()
        ended([feed for _, _, feed in opened])
        assert [feed.source.params["platform"] for _, _, feed in opened] == ["linux/amd64", ["linux/amd64"]]
        assert [feed.api_version for _, _, feed in opened] == ["v1.51", "v1.52"]
        assert [pane.title for _, pane, _ in opened] == ["tail @a ImageGet busybox platform=linux/amd64",
                                                      "tail @b ImageGet busybox platform=linux/amd64"]
    finally:
        release.set()
        s.close()


def test_a_kept_pane_of_another_host_is_stored_with_that_hosts_version(shell_home: Path) -> None:
    from dshell.shell.panes.commands import Panes

    s, _ = pinned_pair(shell_home)
    panes = Panes(s, lambda: None)
    s.plug("prompt", pane=panes.open)
    try:
        assert execute(s, "tail @a,b ImageGet busybox platform=linux/amd64 --split").error is None
        ended([view.feed for view in panes.area.views])
        assert s.history is not None
        kept = []
        for index in range(len(panes.area.views)):
            panes.area.selected = index
            panes.keep()
            kept.append(s.history.last)
        assert [(r.endpoint, r.api_version) for r in kept if r is not None] == [(A, "v1.51"), (B, "v1.52")]
    finally:
        panes.close_all()
        s.close()


def test_completion_after_at_one_name_offers_its_commands_and_bs_live_names(shell_home: Path) -> None:
    import time

    from dshell.shell.completion.engine import complete
    from dshell.shell.completion.sources import SessionSources

    def listing(name: str) -> dict[str, Any]:
        return {"/containers/json": docker.MockResponse.json([{"Id": "1", "Names": [f"/{name}"], "State": "running",
                                                               "Image": "busybox"}]),
                "/images/json": docker.MockResponse.json([])}

    daemons = {A: Versioned(listing("on-a"), "1.43"), B: Versioned(listing("on-b"), "1.43")}

    def clients(conn: dict[str, Any], api_version: str | None) -> docker.Client:
        return docker.client(conn=conn, api_version=api_version,
                             transport=docker.MockTransport(daemons[conn["uri"]], conn["uri"]))

    s = Session(Config(hosts=(f"a={A}", f"b={B}")), results_file=None, clients=clients)
    s.start(background=False)
    try:
        sources = SessionSources(s)
        texts = [c.text for c in complete("@b ", sources)[1]]
        assert {"exec", "attach", "run", "cp", "build", "login", "fetch", "logs", "ContainerList"} <= set(texts)
        assert not {"history", "cd", "set", "use", "logout", "help"} & set(texts)
        several = {c.text for c in complete("@a,b ", sources)[1] if c.meta != "category"}  # exec is one too
        assert {"logs", "watch", "ContainerList"} <= several and not {"exec", "run", "cp"} & several
        deadline = time.monotonic() + 10
        while not (found := [c.text for c in complete("@b exec ", sources)[1]]):
            assert time.monotonic() < deadline, "b's names never came"
            time.sleep(0.05)
        assert "on-b" in found and "on-a" not in found
        assert [c.text for c in complete("@b exec on", sources)[1]] == ["on-b"]
        assert [c.meta for c in complete("@b exec on", sources)[1]][0].startswith("b: ")
    finally:
        s.close()


def test_a_fan_outs_results_are_stored_with_each_hosts_api_version(session: Session) -> None:
    reply = execute(session, "@all ContainerList")
    assert reply.error is None and session.history is not None
    kept = sorted((session.history[n].endpoint, session.history[n].api_version) for n in (1, 2))  # as they came
    assert kept == sorted([(A, "v1.43"), (B, "v1.41")])


def test_a_docker_context_by_its_name_as_use_takes_it(session: Session, two: dict[str, Versioned],
                                                      shell_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from .test_hosts import write_context

    monkeypatch.setenv("DOCKER_CONFIG", str(shell_home / "docker"))
    write_context(shell_home / "docker", "ctxb", B)
    reply = execute(session, "@ctxb fetch /info")
    assert reply.result is not None and reply.result.endpoint == B and two[B].asked() == ["GET /info"]
    assert "ctxb" in session.hosts.names() and session.here == "a"
