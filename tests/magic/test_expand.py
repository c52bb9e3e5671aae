"""Python values in %docker input: whole values typed, text inside words, the rest as typed."""

from __future__ import annotations

import dshell.client as docker
from dshell._magic.expand import expand_body, expand_line
from dshell.shell.bind import bind
from tests.parsed import OpCall, parse_line

NS = {"cid": "abc123", "n": 3, "text": "two words", "labels": {"a": "b"}, "names": ["x", "y"], "flag": True,
      "none": None, "obj": type("Obj", (), {"name": "web"})()}


def params(line: str, ns: dict | None = None) -> dict:
    """The params ``line`` binds to (``X`` is no op: its values are typed as their literals alone say)."""
    cmd = parse_line(expand_line(line, NS if ns is None else ns))
    assert isinstance(cmd, OpCall)
    return bind(cmd, docker.spec(docker.NEWEST), lambda value: value)


def test_whole_values_keep_their_python_type():
    assert params("ContainerInspect id=$cid") == {"id": "abc123"}
    assert params("ContainerInspect id={cid}") == {"id": "abc123"}
    assert params("X a=$n b={n + 1} c=$flag d=$none") == {"a": 3, "b": 4, "c": True, "d": None}
    assert params("X name=$text") == {"name": "two words"}
    assert params("X labels=$labels filters={dict(name=names)}") == {"labels": {"a": "b"},
                                                                     "filters": {"name": ["x", "y"]}}
    assert params("X name=$obj.name") == {"name": "web"}


def test_positional_values_and_text_inside_words():
    cmd = parse_line(expand_line("ContainerInspect $cid", NS))
    assert cmd.args == ("abc123",)
    assert params("X name=web-{n} other=pre$cid") == {"name": "web-3", "other": "preabc123"}


def test_what_cannot_be_evaluated_stays_as_typed():
    for line in ("ContainerCreate {Image: busybox, Cmd: [ls]}", 'VolumeCreate {"Name": "v"}', "X a=$nope b={nope}"):
        assert expand_line(line, NS) == line
    assert expand_line("  X  a=1   b=$n  ", NS) == "  X  a=1   b=3  "


def test_a_query_is_expanded_as_text():
    assert expand_line("_3 | [?Names[0]=='/{cid}'].Id", NS) == "_3 | [?Names[0]=='/abc123'].Id"


def test_body_scalars_that_name_a_variable():
    body = {"Name": "$cid", "Labels": "$labels", "Cmd": ["$text", "$nope", "x$cid"], "Size": 3}
    assert expand_body(body, NS) == {"Name": "abc123", "Labels": {"a": "b"}, "Cmd": ["two words", "$nope", "x$cid"],
                                     "Size": 3}


def test_built_in_commands_get_text():
    assert expand_line("save _3 {path}", {"path": "/tmp/a b.json"}) == "save _3 /tmp/a b.json"
    assert expand_line("logs $cid tail={n}", NS) == "logs abc123 tail=3"


def test_strings_stay_strings():
    ns = {"s": ["true", "010", "_3", "12", "a b", "x:y/z@1.0"]}
    for i, text in enumerate(ns["s"]):
        assert params(f"X v={{s[{i}]}}", ns)["v"] == text
    assert expand_line("X v={s[5]} w={s[0]}", ns) == 'X v=x:y/z@1.0 w="true"'
