"""Binding an OpCall to an op's params: the parser keeps each word as typed, the spec types it once."""

from __future__ import annotations

from typing import Any

import pytest

import dshell.client as docker
from dshell.explorer import Ref
from dshell.shell.bind import bind
from tests.parsed import OpCall, op_call, parse_line

SPEC = docker.spec("v1.41")


def bound(text: str, spec: docker.SpecIndex = SPEC, resolve: Any = lambda value: value) -> dict[str, Any]:
    cmd = parse_line(text)
    assert isinstance(cmd, OpCall)
    return bind(cmd, spec, resolve)


def test_the_parser_keeps_the_words_as_typed() -> None:
    cmd = parse_line('ContainerList all=true limit=010 filters={status: [running]} x="a b" _2.Id')
    assert cmd == OpCall("ContainerList", {"all": "true", "limit": "010", "filters": {"status": ["running"]},
                                           "x": '"a b"'}, (Ref(2, ("Id",)),))


@pytest.mark.parametrize(("text", "params"), [
    ("ContainerInspect id=010", {"id": "010"}),
    ("ContainerInspect 12345", {"id": "12345"}),
    ('ContainerInspect "0x10"', {"id": "0x10"}),
    ("ContainerInspect id=null", {"id": "null"}),  # a container may be called that
    ("ContainerCreate name=true {Image: busybox}", {"name": "true", "body": {"Image": "busybox"}}),
    ("ContainerLogs web tail=all since=1700000000", {"id": "web", "tail": "all", "since": 1700000000}),
    ("SystemEvents since=1e3", {"since": "1e3"}),  # no duration, no time: for the daemon to refuse
])
def test_a_string_param_keeps_the_text(text: str, params: dict[str, Any]) -> None:
    assert bound(text) == params


@pytest.mark.parametrize(("text", "params"), [
    ("ContainerList limit=5", {"limit": 5}),
    ("ContainerList limit=010", {"limit": 10}),
    ('ContainerList limit="5"', {"limit": 5}),
    ("ContainerList limit=0x10", {"limit": 16}),
    ("ContainerList limit=null", {"limit": None}),
    ("ContainerList all=true size=False", {"all": True, "size": False}),
    ("ContainerList all=1 size=0", {"all": True, "size": False}),  # as the API and docker's flags read them
    ("ImageGetAll names=busybox", {"names": ["busybox"]}),  # an array param given one word: that one item
    ("ImageGetAll names=[busybox, alpine]", {"names": ["busybox", "alpine"]}),
])
def test_numbers_booleans_and_arrays_by_the_spec(text: str, params: dict[str, Any]) -> None:
    got = bound(text)
    assert got == params and [type(v) for v in got.values()] == [type(v) for v in params.values()]  # 1 is no True


@pytest.mark.parametrize(("text", "message"), [
    ("ContainerList limit=abc", "ContainerList: param 'limit' must be an integer (like 10), got 'abc'"),
    ("ContainerList limit=1.5", "ContainerList: param 'limit' must be an integer (like 10), got '1.5'"),
    ("ContainerList all=maybe", "ContainerList: param 'all' must be true or false (or 1 / 0), got 'maybe'"),
    ('ContainerList all=""', "ContainerList: param 'all' must be true or false (or 1 / 0), got ''"),
])
def test_a_word_that_is_not_of_the_params_type_is_one_line(text: str, message: str) -> None:
    with pytest.raises(docker.ValidationError) as info:
        bound(text)
    assert str(info.value) == message


def test_no_spec_for_the_op_or_param_reads_the_literal_alone() -> None:
    assert bound("NoSuchOp a=010 b=true c=5 d=null e='5'") == {"a": "010", "b": True, "c": 5, "d": None, "e": "5"}
    assert bound("ContainerList nope=5") == {"nope": 5}  # the client then names the unknown param


def test_refs_resolve_and_collections_go_to_the_body() -> None:
    data = {Ref(1, (0, "Id")): "abc123"}
    params = bound("ContainerInspect _1[0].Id size=true", resolve=lambda value: data.get(value, value))
    assert params == {"id": "abc123", "size": True}
    assert bound("ContainerCreate {Image: busybox, Tty: true}")["body"] == {"Image": "busybox", "Tty": True}


def test_a_value_given_whole_is_placed_as_it_is() -> None:
    """A front end adds a value itself (the magic's cell body): it goes where its kind goes, untyped."""
    cmd = OpCall("VolumeCreate", args=({"Name": "v", "Labels": {"n": "010"}},))
    assert bind(cmd, SPEC, lambda value: value) == {"volumeConfig": {"Name": "v", "Labels": {"n": "010"}}}


def test_op_call_reads_words_as_scanned_without_joining_them() -> None:
    """Stream commands hand over words; a word holding a space stays one value (no line is read again)."""
    assert bind(op_call(["SystemEvents", 'since="1 hour ago"']), SPEC, lambda v: v) == {"since": "1 hour ago"}
    assert bind(op_call(["SystemEvents", "since=1 hour ago", "until=now"]), SPEC, lambda v: v) == {
        "since": "1 hour ago", "until": "now"}
    assert op_call(["ContainerList", "all=1"], "containers") == OpCall("ContainerList", {"all": "1"},
                                                                      category="containers")


@pytest.mark.parametrize(("text", "filters"), [
    ("ContainerList filters=label=com.docker.compose.project=x", {"label": ["com.docker.compose.project=x"]}),
    ("ContainerList filters=[status=exited,label=a]", {"status": ["exited"], "label": ["a"]}),
    ("NetworkList filters=name=web", {"name": ["web"]}),
    ('ContainerList filters={"status": ["running"]}', {"status": ["running"]}),
])
def test_filters_take_docker_k_v_form_on_every_op(text: str, filters: dict[str, Any]) -> None:
    assert bound(text)["filters"] == filters


def test_filters_without_a_key_are_one_line() -> None:
    with pytest.raises(docker.ValidationError, match=r"filters wants key=value \(filters=label=app"):
        bound("ContainerList filters=nokey")


@pytest.mark.parametrize(("text", "name", "whole"), [
    ("SystemEvents since=2m until=0s", "since", False),
    ("ContainerLogs web since=10m", "since", True),
    ("ServiceLogs web since=1h", "since", True),
])
def test_since_and_until_read_durations_on_every_op(text: str, name: str, whole: bool) -> None:
    import time

    value = bound(text)[name]
    seconds = float(value)
    assert abs(time.time() - seconds - {"2m": 120, "10m": 600, "1h": 3600}[text.split("=")[1].split()[0]]) < 30
    assert isinstance(value, int) if whole else isinstance(value, str)
