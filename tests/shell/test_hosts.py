"""Several endpoints in one session: -H NAME=URI, connect NAME URI, docker contexts, hosts, use NAME, @a,b Op."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dshell.shell.commands.dispatch import execute
from dshell.shell.config import Config
from dshell.shell.endpoints import auto_name, split_named
from dshell.shell.session import Session
from tests import parsed as P

NOWHERE = "unix:///tmp/dshell-test-hosts-no-such.sock"
REPO = Path(__file__).resolve().parents[2]


def test_at_prefix_parses_into_a_fan_out_with_its_query() -> None:
    cmd = P.parse_line("@a,b ContainerList all=true")
    assert cmd == P.FanOut(("a", "b"), P.OpCall("ContainerList", {"all": "true"}))
    cmd = P.parse_line("@all ContainerList | [?HOST=='b']")
    assert isinstance(cmd, P.FanOut) and cmd.hosts == ("all",) and cmd.call.query == "[?HOST=='b']"
    assert P.parse_line("@b,b,a SystemPing") == P.FanOut(("b", "a"), P.OpCall("SystemPing"))


@pytest.mark.parametrize(("text", "message"), [
    ("@ ContainerList", "'@' needs endpoint names"),
    ("@a,b", "@a,b needs a command or an op after it"),
    ("@a help", "help does not run on an endpoint: leave out @a"),
    ("@a,b exec web", r"exec runs on one endpoint: @a exec \.\.\. \(as docker --context a exec \.\.\.\)"),
    ("@a/b SystemPing", "'a/b' is no endpoint name"),
    ("connect all unix:///x", "'all' is no endpoint name"),
    ("connect a unix:///x extra", "unexpected 'extra'"),
])
def test_bad_fan_out_or_connect_is_one_line(text: str, message: str) -> None:
    with pytest.raises(P.ParseError, match=message) as info:
        P.parse_line(text)
    assert "\n" not in str(info.value)


def test_an_at_prefix_before_a_pane_command_is_that_commands_hosts() -> None:
    logs = P.parse_line("@a,b logs web tail=3 --split")
    assert (logs.hosts, logs.split, logs.rest, logs.call.params["tail"]) == (("a", "b"), True, ("web", "tail=3"), "3")
    watch = P.parse_line("@all watch 2 SystemPing")
    assert (watch.hosts, watch.interval, watch.call) == (("all",), 2.0, P.OpCall("SystemPing"))


@pytest.mark.parametrize(("text", "message"), [
    ("logs web --split", "--split opens a pane per endpoint: name them, e.g. logs @all ..."),
    ("watch 2 @a,b SystemPing --split", "watch @a,b shows every host in one table: leave out --split"),
    ("logs @, web", "'@' needs endpoint names, e.g. logs @a,b ... or logs @all ..."),
    ("stats @a,nope web", "no endpoint or docker context 'nope'"),
    ("@a,b watch 0 SystemPing", "watch: the interval must be 0.1 to 86400 seconds, got 0"),
])
def test_bad_pane_on_hosts_is_one_line(text: str, message: str, shell_home: Path) -> None:
    from dshell.shell.panes.commands import Panes

    s = Session(Config(endpoint=NOWHERE, api_version="v1.41", hosts=(f"a={NOWHERE}", f"b={NOWHERE}")),
                results_file=None)
    s.start(background=False)
    panes = Panes(s, lambda: None)
    s.plug("prompt", pane=panes.open)
    try:
        reply = execute(s, text)
        assert reply.error is not None and reply.error.startswith(message) and "\n" not in reply.error
        assert panes.area.views == []
    finally:
        s.close()


def test_connect_takes_a_name_before_the_uri_and_keeps_the_plain_form() -> None:
    assert P.parse_line("connect b tcp://h:2376 --tlscacert ca.pem") == P.Connect(
        "tcp://h:2376", None, {"ca": "ca.pem"}, "b")
    assert P.parse_line("connect unix:///x") == P.Connect("unix:///x")


def test_names_made_from_uris_and_split_from_name_equals_uri() -> None:
    assert auto_name("unix:///var/run/docker.sock", []) == "docker"
    assert auto_name("https://10.0.0.5:2376", []) == "10.0.0.5"
    assert auto_name("ssh://me@box:22", ["box"]) == "box-2"
    assert split_named("prod=ssh://me@box") == ("prod", "ssh://me@box")
    assert split_named("unix:///a=b.sock") == (None, "unix:///a=b.sock")


@pytest.fixture
def tls_config(engine: dict[str, Any]) -> Config:
    """Two -H endpoints on the one engine, its unix socket and its mTLS listener (the TLS files apply there)."""
    return Config(endpoint=engine["docker_host"], hosts=(f"u={engine['docker_host']}", f"tls={engine['tls_uri']}"),
                  tlscacert=engine["ca"], tlscert=engine["cert"], tlskey=engine["key"])


@pytest.fixture
def session(tls_config: Config, shell_home: Path) -> Iterator[Session]:
    s = Session(tls_config, results_file=shell_home / "results.jsonl")
    s.start(background=False)
    yield s
    s.close()


def ok(session: Session, text: str) -> Any:
    reply = execute(session, text)
    assert reply.error is None, reply.error
    return reply


@pytest.mark.engine
def test_hosts_lists_each_endpoint_with_state_and_versions(session: Session, engine_facts: Any) -> None:
    reply = execute(session, f"connect down {NOWHERE}")
    assert reply.error and reply.error.startswith(f"added down ({NOWHERE}), but: cannot connect")
    rows = ok(session, "hosts").result.data
    assert [r["HOST"] for r in rows] == ["u", "tls", "down"]
    u, tls, down = rows
    assert u["DEFAULT"] == "*" and tls["DEFAULT"] == down["DEFAULT"] == ""
    assert u["STATE"] == tls["STATE"] == "up" and down["STATE"].startswith("down: cannot connect")
    assert u["DAEMON"] and u["DAEMON"] == tls["DAEMON"] and u["API"] == tls["API"] == engine_facts.api_prefixed
    assert tls["URI"].startswith("https://") and down["API"] == ""


@pytest.mark.engine
def test_use_name_switches_the_default_and_use_version_pins_only_it(session: Session, engine_facts: Any) -> None:
    assert ok(session, "use tls").body.startswith("default endpoint tls (https://")
    assert session.client is not None and session.client.uri.startswith("https://")
    assert ok(session, "use v1.40").body == "API v1.40 (pinned)"
    rows = {r["HOST"]: r for r in ok(session, "hosts").result.data}
    assert rows["tls"]["DEFAULT"] == "*" and rows["tls"]["API"] == "v1.40 (pinned)"
    assert rows["u"]["API"] == engine_facts.api_prefixed
    assert ok(session, "SystemPing").result.endpoint.startswith("https://")
    reply = execute(session, "use nope")
    assert reply.error == "no endpoint or docker context 'nope' (endpoints: u, tls; add one with connect nope URI)"
    assert ok(session, "use u").body.startswith("default endpoint u (unix://")
    ok(session, f"connect {session.hosts.conn('u')['uri']}")  # connect URI replaces the default, as before
    assert session.hosts.names() == ["u", "tls"]


@pytest.mark.engine
def test_fan_out_merges_rows_with_host_first_and_stores_each_outcome(session: Session, docker_cli: Any,
                                                                      unique_name: Any,
                                                                      cleanup_containers: Any) -> None:
    name = unique_name()
    docker_cli("create", "--name", name, "busybox", "true")
    execute(session, f"connect down {NOWHERE}")
    reply = execute(session, f"@all ContainerList all=true filters={{name: [{name}]}}")
    assert reply.error is not None and reply.error.splitlines() == [
        reply.error.splitlines()[0]] and reply.error.startswith("down: cannot connect")
    merged = reply.result
    assert merged is not None and [r["HOST"] for r in merged.data] == ["u", "tls"]
    assert {r["Names"][0] for r in merged.data} == {f"/{name}"} and merged.endpoint == "@u,tls,down"
    kept = sorted((session.history[merged.n - 2], session.history[merged.n - 1]), key=lambda r: r.endpoint)
    tls, u = kept  # each host's own outcome, kept as it came (in either order)
    assert u.endpoint.startswith("unix://") and tls.endpoint.startswith("https://")
    assert u.data[0]["Id"] == tls.data[0]["Id"] == merged.data[0]["Id"]
    shown = ok(session, f"_{merged.n} | [?HOST=='tls'].HOST")
    from rich.console import Console

    console = Console(width=200, record=True)
    console.print(shown.body)
    assert console.export_text().count("tls") == 1
    console = Console(width=200, record=True)
    console.print(reply.body)
    header = console.export_text().splitlines()[1]
    assert header.split()[:3] == ["HOST", "CONTAINER", "ID"]  # the docker ps table with HOST first
    missing = execute(session, f"@u,tls ContainerInspect {name}-none")
    assert missing.result is None and missing.error is not None
    assert [line.split(":")[0] for line in missing.error.splitlines()] == ["u", "tls"]
    assert "404 No such container" in missing.error


@pytest.mark.engine
def test_a_docker_context_is_addressable_by_its_name(session: Session, engine: dict[str, Any],
                                                     shell_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config_dir = shell_home / "docker-config"
    meta = config_dir / "contexts" / "meta" / hashlib.sha256(b"ctx1").hexdigest()
    meta.mkdir(parents=True)
    (meta / "meta.json").write_text(json.dumps({"Name": "ctx1", "Endpoints": {"docker": {
        "Host": engine["docker_host"]}}}))
    monkeypatch.setenv("DOCKER_CONFIG", str(config_dir))
    reply = ok(session, "@ctx1,tls SystemPing")
    assert [r["HOST"] for r in reply.result.data] == ["ctx1", "tls"]
    assert session.hosts.names() == ["u", "tls", "ctx1"]
    assert ok(session, "use ctx1").body.startswith(f"default endpoint ctx1 ({engine['docker_host']}")


@pytest.mark.engine
def test_set_timeout_reaches_every_endpoint_and_contexts_added_later(session: Session, engine: dict[str, Any],
                                                                     shell_home: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    ok(session, "set timeout 7")
    meta = shell_home / "dc" / "contexts" / "meta" / hashlib.sha256(b"ctx2").hexdigest()
    meta.mkdir(parents=True)
    (meta / "meta.json").write_text(json.dumps({"Endpoints": {"docker": {"Host": engine["docker_host"]}}}))
    monkeypatch.setenv("DOCKER_CONFIG", str(shell_home / "dc"))
    assert [r["Data"] for r in ok(session, "@all,ctx2 SystemPing").result.data] == ["OK"] * 3
    for name in ("u", "tls", "ctx2"):
        assert session.hosts.client(name).conn["timeouts"]["read"] == 7.0, name
    assert session.hosts.client("tls").conn["mtls"]["ca"] == engine["ca"]


@pytest.mark.engine
def test_dash_h_twice_on_the_command_line(engine: dict[str, Any], shell_home: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "dshell", "-H", engine["docker_host"], "-H", f"tls={engine['tls_uri']}",
         "--tlscacert", engine["ca"], "--tlscert", engine["cert"], "--tlskey", engine["key"],
         "-c", "hosts", "-c", "@all SystemPing"], capture_output=True, text=True, timeout=120, cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200"}, check=False)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    auto = Path(engine["socket"]).name.split(".")[0]  # a URI without a name is named after its socket
    assert any(line.split()[:3] == [auto, "*", engine["docker_host"]] for line in lines), proc.stdout
    assert any(line.split()[:2] == ["tls", engine["tls_uri"]] for line in lines), proc.stdout
    assert [line.split() for line in lines if line.endswith(" OK")] == [[auto, "OK"], ["tls", "OK"]]


@pytest.mark.parametrize(("text", "kind", "word", "hosts"), [
    ("@a", "hosts", "@a", ()),
    ("@a,", "hosts", "@a,", ()),
    ("@a,b ContainerInspect w", "param", "w", ("a", "b")),
    ("@all ContainerInspect id=w", "value", "w", ("all",)),
    ("logs @", "hosts", "@", ()),
    ("logs @b w", "arg", "w", ("b",)),
    ("logs --split @b w", "arg", "w", ("b",)),
    ("@b logs w", "arg", "w", ("b",)),
    ("watch 2 @a", "hosts", "@a", ()),
    ("watch 2 @a,b ContainerInspect w", "param", "w", ("a", "b")),
    ("@a,b watch 2 ContainerInspect id=w", "value", "w", ("a", "b")),
])
def test_completion_context_after_an_at_prefix(text: str, kind: str, word: str, hosts: tuple[str, ...]) -> None:
    from dshell.shell.completion.context import analyze

    ctx = analyze(text)
    assert (ctx.kind, ctx.word, ctx.hosts) == (kind, word, hosts)
    if text.startswith(("logs @b", "logs --split", "@b logs")):
        assert ctx.command == "logs" and ctx.position == 0


def test_at_completes_endpoint_names(shell_home: Path) -> None:
    from dshell.shell.completion.engine import complete
    from dshell.shell.completion.sources import SessionSources

    s = Session(Config(endpoint=NOWHERE, api_version="v1.41", hosts=(f"a={NOWHERE}", f"b={NOWHERE}")),
                results_file=None)
    s.start(background=False)
    try:
        _, found = complete("@a,", SessionSources(s))
        assert sorted(c.text for c in found) == ["@a,a", "@a,all", "@a,b"]
        _, found = complete("logs @a,b web --sp", SessionSources(s))
        assert [c.text for c in found] == ["--split"]
    finally:
        s.close()


def write_context(config_dir: Path, name: str, host: str) -> None:
    """A docker context as the docker CLI stores it (meta.json under the sha256 of its name)."""
    meta = config_dir / "contexts" / "meta" / hashlib.sha256(name.encode()).hexdigest()
    meta.mkdir(parents=True)
    (meta / "meta.json").write_text(json.dumps({"Name": name, "Endpoints": {"docker": {"Host": host}}}))


@pytest.mark.engine
def test_hosts_lists_docker_contexts_not_connected_and_use_connects_one(session: Session, engine: dict[str, Any],
                                                                        shell_home: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    config_dir = shell_home / "docker-config"
    write_context(config_dir, "ctxa", engine["docker_host"])
    write_context(config_dir, "ctxb", NOWHERE)
    monkeypatch.setenv("DOCKER_CONFIG", str(config_dir))
    rows = ok(session, "hosts").result.data
    assert [(r["HOST"], r["STATE"]) for r in rows] == [
        ("u", "up"), ("tls", "up"), ("ctxa", "not connected (docker context)"),
        ("ctxb", "not connected (docker context)")]
    assert rows[2]["URI"] == engine["docker_host"] and rows[2]["DAEMON"] == rows[2]["API"] == ""
    assert session.hosts.names() == ["u", "tls"]  # listing connects nothing
    assert ok(session, "use ctxa").body.startswith(f"default endpoint ctxa ({engine['docker_host']}, API v1.")
    rows = {r["HOST"]: r for r in ok(session, "hosts").result.data}
    assert rows["ctxa"]["STATE"] == "up" and rows["ctxa"]["DEFAULT"] == "*" and rows["ctxa"]["DAEMON"]
    assert rows["ctxb"]["STATE"].startswith("not connected")

    from dshell.shell.completion.engine import complete
    from dshell.shell.completion.sources import SessionSources

    _, found = complete("use ", SessionSources(session))
    assert {(c.text, c.meta) for c in found} >= {("u", "endpoint"), ("ctxa", "endpoint"),
                                                 ("ctxb", "docker context"), ("auto", "negotiate with the daemon")}
    _, found = complete("@u,", SessionSources(session))
    assert {c.text for c in found} == {"@u,all", "@u,u", "@u,tls", "@u,ctxa", "@u,ctxb"}


@pytest.mark.engine
def test_disconnect_forgets_an_endpoint_and_refuses_the_default(session: Session) -> None:
    from dshell.shell.completion.engine import complete
    from dshell.shell.completion.sources import SessionSources

    _, found = complete("disconnect ", SessionSources(session))
    assert [c.text for c in found] == ["u", "tls"]
    assert ok(session, "@all SystemPing").result is not None
    session.live_on("tls")  # completion asked for its names: a copy of its own
    reply = execute(session, "disconnect u")
    assert reply.error == "u is the default endpoint: make another the default first (use tls), then disconnect u"
    reply = execute(session, "disconnect tsl")
    assert reply.error == "no endpoint 'tsl': did you mean tls? (endpoints: u, tls)"
    assert execute(session, "disconnect").error == "usage: disconnect NAME"
    assert ok(session, "disconnect tls").body.startswith("disconnected tls (https://")
    assert session.hosts.names() == ["u"] and "tls" not in session._host_live
    rows = ok(session, "@all SystemPing").result.data
    assert [r["HOST"] for r in rows] == ["u"]
    assert execute(session, "@tls SystemPing").error.startswith("no endpoint or docker context 'tls'")


@pytest.mark.engine
def test_the_toolbar_shows_the_default_endpoints_name(engine: dict[str, Any], shell_home: Path) -> None:
    from prompt_toolkit.history import InMemoryHistory
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from dshell.shell.app import Shell

    def toolbar(session: Session) -> str:
        with create_pipe_input() as pipe:
            shell = Shell(session, history=InMemoryHistory(), input=pipe, output=DummyOutput())
            return "".join(text for _, text, *_ in shell._toolbar())

    lone = Session(Config(endpoint=engine["docker_host"]), results_file=shell_home / "r1.jsonl")
    named = Session(Config(endpoint=engine["docker_host"], hosts=(f"prod={engine['docker_host']}",)),
                    results_file=shell_home / "r2.jsonl")
    try:
        for s in (lone, named):
            s.start(background=False)
        assert toolbar(lone).startswith(f" {engine['docker_host']}  API v1.")  # no name given: the URI
        assert toolbar(named).startswith(" prod  API v1.")
        ok(lone, f"connect other {engine['docker_host']}")
        assert toolbar(lone).startswith(f" {lone.hosts.default}  API v1.")  # several: the names tell them apart
        ok(lone, "use other")
        assert toolbar(lone).startswith(" other  API v1.")
        ok(named, f"connect {engine['docker_host']}")  # connect URI replaces the default, keeps its name
        assert toolbar(named).startswith(" prod  API v1.")
    finally:
        lone.close()
        named.close()
