"""The Session core without a terminal: binding params, refs, settings, errors; on the engine where needed."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from dshell.shell import bind as binding
from dshell.shell.commands.dispatch import execute
from dshell.shell.config import Config, load_config
from dshell.shell.lexer import highlight
from dshell.shell.session import Session
from tests.parsed import OpCall, parse_line

from ..relay import SocketRelay


@contextmanager
def started(config: Config, results_file: Any) -> Iterator[Session]:
    """A Session loaded in this thread, closed afterwards."""
    session = Session(config, results_file=results_file)
    session.start(background=False)
    try:
        yield session
    finally:
        session.close()

NOWHERE = "unix:///tmp/dshell-test-no-such.sock"


@pytest.fixture
def offline(shell_home) -> Session:
    """A session pinned to v1.41 on a daemon that is not there, with three stored results."""
    session = Session(Config(endpoint=NOWHERE, api_version="v1.41"), results_file=None)
    session.start(background=False)
    session.history.add("ContainerList", {}, 200, 0.01, [{"Id": "abc123", "Names": ["/web"]}])
    session.history.add("ImageList", {}, 200, 0.01, [{"Id": "sha256:ff", "RepoTags": ["busybox:latest"]}])
    session.history.add("ImageInspect", {}, 200, 0.01, {"Id": "sha256:ff"})
    yield session
    session.close()


def bind(session: Session, text: str) -> dict:
    cmd = parse_line(text)
    assert isinstance(cmd, OpCall)
    return binding.bind(cmd, session.spec_index, session.resolve)


def test_bind_resolves_refs_and_places_positional_values(offline):
    assert bind(offline, "ContainerInspect _1[0].Id") == {"id": "abc123"}
    assert bind(offline, "ContainerInspect id=_1[0].Names[0] size=true") == {"id": "/web", "size": True}
    assert bind(offline, "ContainerCreate {Image: _3.Id}")["body"] == {"Image": "sha256:ff"}
    assert bind(offline, "ContainerCreate {Image: '_3.Id'}")["body"] == {"Image": "_3.Id"}  # quoted: text


def test_bind_keeps_text_for_string_params(offline):
    assert bind(offline, "ContainerInspect id=010") == {"id": "010"}
    assert bind(offline, "ContainerInspect 12345") == {"id": "12345"}
    assert bind(offline, "ContainerList limit=5") == {"limit": 5}


def test_errors_come_back_as_one_line(offline):
    assert execute(offline, "ContainerInspect a b").error.startswith("ContainerInspect: no place for")
    assert "no result 9 (have 1-3)" in execute(offline, "_9").error
    assert "is in category 'containers', not 'images'" in execute(offline, "images ContainerList").error
    assert "did you mean images" in execute(offline, "ops imags").error
    assert "cannot connect" in execute(offline, "ContainerList").error
    assert execute(offline, "logs -f web").error == "logs needs the interactive prompt (panes); run dshell without -c"


def test_streams_plug_in(offline):
    from dshell.shell.reply import Reply

    offline.plug("script", pane=lambda cmd: Reply(f"following {cmd.call.args[0]}"))
    assert execute(offline, "logs -f web").body == "following web"
    assert execute(offline, "watch ContainerList").error == (  # declared for the prompt only
        "watch needs the interactive prompt (panes); run dshell without -c")


def test_show_query_cd_and_save(offline, tmp_path):
    assert str(execute(offline, "_1 | [0].Names[0]").body) == "/web\n"
    assert execute(offline, "cd _2[0]").body == "_2[0]"
    assert execute(offline, "pwd").body == "_2[0]"
    assert execute(offline, "save _2 " + str(tmp_path / "x.json")).body.startswith("saved _2 to")
    assert '"busybox:latest"' in (tmp_path / "x.json").read_text()
    assert execute(offline, "exit").exit


def test_set_and_config_file(offline, shell_home):
    assert execute(offline, "set refresh 5").body == "refresh = 5.0"
    assert offline.live.interval == 5.0
    for bad in ("0", "-1", "inf", "nan", "86401"):  # a busy loop, or a refresh thread that dies
        assert "refresh must be more than 0 and at most 86400 seconds" in execute(offline, f"set refresh {bad}").error
    assert offline.live.interval == 5.0 and offline.config.refresh == 5.0
    assert "must be one of" in execute(offline, "set pager sometimes").error
    path = shell_home / "config" / "dshell" / "config.yaml"
    path.parent.mkdir(parents=True)
    path.write_text("editing_mode: vi\npager: off\nrefresh: nope\nendpoint: tcp://h:2376\n")
    config = load_config()
    assert (config.editing_mode, config.pager, config.endpoint) == ("vi", "off", "tcp://h:2376")
    assert any("refresh must be a number" in w for w in config.warnings)
    path.write_text("refresh: 0\n")
    config = load_config()
    assert config.refresh == Config().refresh and any("more than 0" in w for w in config.warnings)


def test_tls_files_without_an_endpoint_apply_to_the_default_one(monkeypatch):
    tls = Config(tlscacert="ca.pem", tlscert="cert.pem", tlskey="key.pem")
    monkeypatch.delenv("DOCKER_TLS_VERIFY", raising=False)
    monkeypatch.setenv("DOCKER_HOST", "tcp://127.0.0.1:2376")
    assert tls.conn() == {"uri": "tcp://127.0.0.1:2376", "mtls": {"ca": "ca.pem", "cert": "cert.pem", "key": "key.pem"}}
    monkeypatch.setenv("DOCKER_HOST", "unix:///run/docker.sock")
    with pytest.raises(ValueError, match=r"need a tcp:// or https:// daemon, and unix:///run/docker.sock is a unix"):
        tls.conn()
    assert Config().conn() is None and Config(endpoint="tcp://h:1").conn() == {"uri": "tcp://h:1"}


def test_highlight_marks_ops_params_literals_and_refs():
    spans = highlight("ContainerList all=true limit=10 x=_3.Id", lambda name: name == "ContainerList")
    text = "ContainerList all=true limit=10 x=_3.Id"
    assert [(text[a:b], kind) for a, b, kind in spans] == [
        ("ContainerList", "op"), ("all", "param"), ("=", "punct"), ("true", "keyword"), ("limit", "param"),
        ("=", "punct"), ("10", "number"), ("x", "param"), ("=", "punct"), ("_3.Id", "ref")]
    assert highlight("ContainerLis", lambda name: False) == [(0, 12, "op.unknown")]
    text = "tail ContainerLogs follow=true"
    spans = highlight(text, lambda name: name == "ContainerLogs")
    assert [(text[a:b], kind) for a, b, kind in spans][:3] == [
        ("tail", "command"), ("ContainerLogs", "op"), ("follow", "param")]
    text = "ps -a --filter label=x"  # docker's words are a command, not a mistyped op
    assert [(text[a:b], kind) for a, b, kind in highlight(text, lambda name: False)] == [
        ("ps", "command"), ("-a", "flag"), ("--filter", "flag")]


@pytest.mark.engine
def test_op_calls_become_numbered_results(engine, shell_home, tmp_path):
    with started(Config(endpoint=engine["docker_host"]), tmp_path / "r.jsonl") as session:
        ok = execute(session, "ImageList")
        assert ok.result.n == 1 and ok.error is None
        failed = execute(session, "ImageInspect name=no-such-image-dshell:x")
        assert failed.error.startswith("[2] ImageInspect 404 ") and failed.result.failed
        assert execute(session, "fetch get /_ping").result.data == "OK"
        queried = execute(session, "ImageList | [].RepoTags[] | contains(@, 'busybox:latest')")
        assert queried.result.n == 4 and queried.result.op == "ImageList" and str(queried.body).strip() == "true"
        assert execute(session, "use v1.40").body == "API v1.40 (pinned)"
        assert execute(session, "use auto").body.endswith("(negotiated)")
    again = Session(Config(endpoint=engine["docker_host"]), results_file=tmp_path / "r.jsonl")
    again.start(background=False)
    try:
        assert len(again.history) == 4
        assert execute(again, "_1 | [0].Id").error is None
    finally:
        again.close()


@pytest.mark.engine
def test_words_are_typed_by_the_spec_on_the_engine(engine, shell_home, docker_cli, unique_name, cleanup_containers):
    """Typed once, by the param: 1 is true for a boolean, 01 is 1 for an integer, a quoted JSON filter is the
    text sent; a stream's words (a pane's) are typed the same way."""
    from dshell.shell.panes.model import StreamPane
    from dshell.shell.panes.reader import Feed
    from dshell.shell.panes.sources import binder, source

    name = unique_name()
    docker_cli("run", "--name", name, engine["image"], "echo", "hello world")
    with started(Config(endpoint=engine["docker_host"]), None) as session:
        listed = execute(session, f"ContainerList all=1 limit=01 filters='{{\"name\": [\"{name}\"]}}'")
        assert listed.error is None and [row["Names"] for row in listed.result.data] == [[f"/{name}"]]
        assert execute(session, "ContainerList all=maybe").error == (
            "ContainerList: param 'all' must be true or false (or 1 / 0), got 'maybe'")
        src = source(parse_line(f'tail ContainerLogs {name} stdout=1 follow=0 since="0" tail="all"'),
                     binder(session))
        assert src.params == {"id": name, "stdout": True, "follow": False, "since": 0, "tail": "all"}
        pane = StreamPane(src.title)
        feed = Feed(session.require_client().copy(), src, pane, lambda: None).start()
        feed.thread.join(30)
        assert pane.status == "stream ended" and [line.text for line in pane.visible(10)[1]][:1] == ["hello world"]
        assert execute(session, f"connect old {engine['docker_host']} --api-version v1.40").error is None
        both = execute(session, f"@all ContainerList all=1 limit=01 filters={{name: [{name}]}}")  # bound per version
        assert both.error is None and [row["Names"] for row in both.result.data] == [[f"/{name}"]] * 2
        assert [r.params for r in session.history.recent(3)[:2]] == [{"all": True, "limit": 1, "filters": {
            "name": [name]}}] * 2


@pytest.mark.engine
@pytest.mark.parametrize("config", [{"api_version": "v1.99"}, {"endpoint": "tcp://127.0.0.1:99999"}],
                         ids=["bad-version", "bad-port"])
def test_connect_recovers_from_a_first_connection_that_failed(engine, shell_home, config):
    with started(Config(**{"endpoint": engine["docker_host"], **config}), None) as session:
        assert "not connected" in execute(session, "SystemPing").error
        assert execute(session, f"connect {engine['docker_host']}").body.startswith(
            f"connected to {engine['docker_host']} (API v1.")
        assert execute(session, "SystemPing").result.status == 200


@pytest.mark.engine
def test_fetch_resolves_refs_in_the_query_too(engine, shell_home):
    with started(Config(endpoint=engine["docker_host"]), None) as session:
        session.history.add("x", {}, 200, 0.0, {"f": '{"reference": ["busybox:latest"]}'})
        reply = execute(session, "fetch /images/json filters=_1.f")
        assert reply.error is None and reply.result.params["query"] == {"filters": '{"reference": ["busybox:latest"]}'}
        assert [tags for image in reply.result.data for tags in image["RepoTags"]] == ["busybox:latest"]


@pytest.mark.engine
def test_connect_closes_the_clients_it_replaces(engine, shell_home, tmp_path):
    relay = SocketRelay(str(tmp_path / "relay.sock"), engine["socket"])
    relay.start()
    try:
        with started(Config(endpoint=f"unix://{relay.path}"), None) as session:
            assert session.live.settle(10)  # the prefetch left a connection open in the live names' pool
            assert execute(session, "SystemPing").error is None
            assert relay.connected() == 2  # the live names' and the session's, kept alive
            assert execute(session, f"connect {engine['docker_host']}").error is None
            deadline = time.monotonic() + 5
            while relay.connected():
                assert time.monotonic() < deadline, "connect left the old connections open"
                time.sleep(0.02)
    finally:
        relay.stop()


def test_completing_here_never_reads_a_side_file(shell_home, tmp_path):
    from dshell.explorer import History
    from dshell.explorer import Ref as Location  # a location as cd sets it
    from dshell.shell.completion.sources import SessionSources

    path = tmp_path / "r.jsonl"
    History(path, inline_limit=10).add("ContainerInspect", {}, 200, 0.0, {"Config": {"Env": ["A=1"], "Cmd": []}})
    with started(Config(endpoint=NOWHERE, api_version="v1.41"), path) as session:
        sources, result = SessionSources(session), session.history[1]
        session.navigator.ref = Location(1, ("Config",))  # where a cd went, the data since stored away again
        assert list(sources.here()) == [] and not result.data_loaded
        assert execute(session, "cd _1.Config").error is None and result.data_loaded
        assert sources.here() == ["Env", "Cmd"]


def test_after_cd_a_relative_path_or_key_shows_what_is_there(offline):
    offline.history.add("ContainerInspect", {}, 200, 0.01,
                        {"NetworkSettings": {"Networks": {"bridge": {"Gateway": "172.17.0.1"}}}, "Id": "abc"})
    assert "relative to where cd went" in execute(offline, "Networks.bridge.Gateway").error
    assert execute(offline, "cd _4.NetworkSettings").body == "_4.NetworkSettings"
    assert str(execute(offline, "Networks.bridge.Gateway").body) == '172.17.0.1\n'
    assert "bridge" in str(execute(offline, "Networks").body)  # a lone key, though it looks like an op
    assert str(execute(offline, "Networks.bridge | Gateway").body) == '172.17.0.1\n'
    assert "Nope" in execute(offline, "Networks.Nope").error
    assert "unknown op 'Netwerks'" in execute(offline, "Netwerks").error


def test_the_session_imports_no_front_end():
    import subprocess
    import sys

    code = ("import sys, dshell.shell.session; "
            "print([m for m in sys.modules if m.startswith(('dshell.shell.attach', 'dshell.shell.panes', "
            "'dshell.shell.app', 'dshell.magic', 'prompt_toolkit'))])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_attach_and_exec_run_where_a_front_end_registered_them(offline):
    from dshell.shell import stdio

    no_terminal = execute(offline, "exec web").error  # no front end: nothing to run it on
    assert no_terminal == "exec needs the interactive prompt (panes); run dshell without -c"
    stdio.register(offline)
    reply = execute(offline, "exec")  # now attach's own usage check answers
    assert reply.error.startswith("usage: exec ")
