"""The line parser, literal values and the word scanner."""

from __future__ import annotations

import pytest

from dshell.explorer import Ref, parse_ref
from dshell.shell.values import parse_value
from dshell.shell.words import is_complete, scan
from tests import parsed as P


@pytest.mark.parametrize(("text", "value"), [
    ("true", True), ("False", False), ("null", None), ("42", 42), ("-3", -3), ("1e3", 1000.0),
    ("0x10", 16), ("0.5", 0.5), ("010", "010"), ("busybox:latest", "busybox:latest"), ("abc123", "abc123"),
    ('"a b"', "a b"), ("'it''s'", "it's"), ("None", "None"), ("_ping", "_ping"),
    ("[1, 2.5, x]", [1, 2.5, "x"]), ('{"a": null}', {"a": None}),
    ("{Image: busybox:latest, Cmd: [sh, -c, 'echo hi'], Tty: true}",
     {"Image": "busybox:latest", "Cmd": ["sh", "-c", "echo hi"], "Tty": True}),
    ("{a: yes, b: 2024-01-01, c: '1', d: 010}", {"a": "yes", "b": "2024-01-01", "c": "1", "d": "010"}),
    ("_", Ref(None)), ("_3[0].Names", Ref(3, (0, "Names"))), ("_.Config.Image", Ref(None, ("Config", "Image"))),
    ("{Image: _2.Id}", {"Image": Ref(2, ("Id",))}),
])
def test_values(text, value):
    assert parse_value(text) == value


@pytest.mark.parametrize("text", ["_", "_3", "_3[0].Names", '_2.Config.ExposedPorts["80/tcp"]', "_1['a b']",
                                  "_4[-1]"])
def test_the_shell_reads_a_ref_as_the_explorer_does(text: str) -> None:
    """One Ref type and one grammar: a typed value, a shown ref and a path all read alike."""
    ref = parse_ref(text)
    assert parse_value(text) == ref and isinstance(ref, Ref)
    assert P.parse_line(text) == P.Show(ref)
    assert P.parse_line(f"ContainerInspect {text}.Id").args == (parse_ref(f"{text}.Id"),)


def test_scan_keeps_brackets_and_quotes_together():
    found = scan('ContainerCreate body={Cmd: ["a b", c]} name="x y" | [0]')
    assert [w.text for w in found.words] == ["ContainerCreate", 'body={Cmd: ["a b", c]}', 'name="x y"']
    assert found.query('ContainerCreate body={Cmd: ["a b", c]} name="x y" | [0]') == "[0]"
    assert not is_complete("ContainerCreate body={Cmd: [")
    assert scan("a {b: [").pending == "{["
    assert is_complete("ContainerCreate body={\n Image: busybox\n}")


@pytest.mark.parametrize(("text", "words", "query"), [
    ("_3", ["_3"], None),
    ("_3 | [?State=='running'].Names", ["_3"], "[?State=='running'].Names"),
    ("_3|length(@)", ["_3"], "length(@)"),
    ("_3 | [].Names | [0]", ["_3"], "[].Names | [0]"),
    ("_3 | [?a || b]", ["_3"], "[?a || b]"),
    ('_3["a|b"] | keys(@)', ['_3["a|b"]'], "keys(@)"),
    ("_3['it''s|'] | x", ["_3['it''s|']"], "x"),
    (r'_3["q\"|"] | x', [r'_3["q\"|"]'], "x"),
    ("_3 |", ["_3"], ""),
    ("_3[a|b]", ["_3[a|b]"], None),
    ("_3[(a|b)] | x", ["_3[(a|b)]"], "x"),
])
def test_scan_splits_at_the_first_pipe_outside_quotes_and_brackets(text, words, query):
    found = scan(text)
    assert [w.text for w in found.words] == words and found.query(text) == query


@pytest.mark.parametrize(("text", "command"), [
    ("", None),
    ("ContainerList all=true", P.OpCall("ContainerList", {"all": "true"})),
    ("containers ContainerList", P.OpCall("ContainerList", category="containers")),
    ("exec ExecInspect id=abc", P.OpCall("ExecInspect", {"id": "abc"}, category="exec")),
    ("ContainerInspect web", P.OpCall("ContainerInspect", args=("web",))),
    ("ContainerInspect id=_2[0].Id",
     P.OpCall("ContainerInspect", {"id": Ref(2, (0, "Id"))})),
    ("doc ContainerList", P.Doc("ContainerList")),
    ("ops", P.Ops()), ("ops images", P.Ops("images")), ("categories", P.Categories()),
    ("use v1.41", P.Use("v1.41")), ("use auto", P.Use("auto")),
    ("connect tcp://h:2376 --tlscacert ca.pem --tlscert=c.pem --tlskey k.pem --api-version v1.41",
     P.Connect("tcp://h:2376", "v1.41", {"ca": "ca.pem", "cert": "c.pem", "key": "k.pem"})),
    ("connect", P.Connect()),
    ("fetch get /containers/json all=1", P.Fetch("GET", "/containers/json", {"all": 1})),
    ("fetch /_ping", P.Fetch("GET", "/_ping")),
    ('fetch post /containers/create {"Image": "busybox"}',
     P.Fetch("POST", "/containers/create", {}, {"Image": "busybox"})),
    ("history", P.Listing()), ("history 5", P.Listing(5)), ("help", P.Help()), ("help doc", P.Help("doc")),
    ("_", P.Show(Ref(None))), ("_3.Config.Env[0]", P.Show(Ref(3, ("Config", "Env", 0)))),
    ("_3 --full", P.Show(Ref(3), full=True)), ("show _3 all", P.Show(Ref(3), full=True)),
    ("_3 | [?State=='running'].Names", P.Show(Ref(3), "[?State=='running'].Names")),
    ("_3 | [].Id --full", P.Show(Ref(3), "[].Id", True)),
    ("| [0]", P.Show(None, "[0]")),
    ("ContainerList all=true | [].Names", P.OpCall("ContainerList", {"all": "true"}, query="[].Names")),
    ("cd _3.Config", P.Cd("_3.Config")), ("cd ..", P.Cd("..")), ("cd Config", P.Cd("Config")), ("cd", P.Cd()),
    ("ls", P.Ls()), ("pwd", P.Pwd()), ("save _3 out.yaml", P.Save(Ref(3), "out.yaml")),
    ("set vi", P.Set("editing_mode", "vi")), ("set pager off", P.Set("pager", "off")), ("set", P.Set()),
    ("exit", P.Exit()), ("quit", P.Exit()),
    ("logs web --follow", P.Stream("logs", ("web", "--follow"), P.OpCall("ContainerLogs", {
        "follow": True, "stdout": True, "stderr": True, "tail": "100"}, ("web",)), rest=("web", "--follow"))),
    ("events", P.Stream("events", (), P.OpCall("SystemEvents"))),
])
def test_parse(text, command):
    assert P.parse_line(text) == command


@pytest.mark.parametrize(("text", "message"), [
    ("ContainerList all={a: [", "unclosed '['"),
    ("save _x y", "not a result reference"),
    ("use", "usage: use v1.41"),
    ("frobnicate", "unknown command 'frobnicate'"),
    ("ContainerList all={a: b c: d}", "cannot read"),
    ("_3 | ", "a query is missing"),
    ("fetch get", "usage: fetch"),
])
def test_parse_errors_are_one_line(text, message):
    with pytest.raises(P.ParseError) as info:
        P.parse_line(text)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_commands_equal_only_their_own_type_are_true_and_hide_a_password():
    assert P.parse_line("pwd") == P.Pwd() and P.Pwd() != P.Exit() and P.Pwd() != ()
    assert P.parse_line("pwd") and P.parse_line("exit")  # an empty command is still a command
    assert len({P.Pwd(), P.Pwd(), P.Exit()}) == 2
    connect = P.parse_line("connect b tcp://h:2376 --tlskey k.pem --tlspass s3cret-pass")
    assert connect.tls["password"] == "s3cret-pass" and "s3cret-pass" not in repr(connect)
