"""Bad input through `dshell -c` and the prompt's parser: one line each, no traceback, no hang."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import tracemalloc

import pytest

from dshell.shell.values import MAX_DEPTH, ValueSyntaxError, parse_body, parse_value

from .tmux import REPO

BOMB = ", ".join(["{a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
                 + [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]) + "}"


def dshell(env: dict[str, str], *inputs: str, **kw: object) -> subprocess.Popen[str]:
    argv = [sys.executable, "-m", "dshell"] + [arg for text in inputs for arg in ("-c", text)]
    return subprocess.Popen(argv, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            **kw)  # type: ignore[call-overload]


def one_line_error(proc: subprocess.Popen[str]) -> str:
    out, err = proc.communicate(timeout=120)
    assert proc.returncode != 0 and "Traceback" not in out + err, out + err
    lines = (out + err).strip().splitlines()
    assert len(lines) == 1, out + err
    return lines[0]


@pytest.mark.engine
@pytest.mark.parametrize(("typed", "said"), [
    ("VolumeCreate {Name: !!binary aGk=}", "volumeConfig.Name: bytes cannot be sent as JSON"),
    ("VolumeList " + "[" * 50_000 + "]" * 50_000, f"nested deeper than {MAX_DEPTH} levels"),
    ('VolumeCreate {"Name": }', "Name: has no value"),
    ("VolumeCreate " + BOMB, "aliases expand to more than"),
])
def test_bad_literals_are_one_line_and_nothing_is_sent(env, docker_cli, typed, said):
    before = docker_cli("volume", "ls", "-q")
    assert said in one_line_error(dshell(env, typed))
    assert docker_cli("volume", "ls", "-q") == before


@pytest.mark.engine
def test_a_3000_deep_query_is_one_line(env):
    proc = dshell(env, "SystemPing", "_ | " + "(" * 3000 + "a" + ")" * 3000)
    out, err = proc.communicate(timeout=120)
    assert "Traceback" not in out + err and len(err.splitlines()) == 1
    assert err.strip().endswith("nested too deeply to evaluate")


@pytest.mark.engine
def test_ctrl_c_during_a_call_in_dash_c_is_one_line(env, docker_cli, unique_name, cleanup_containers):
    name = unique_name()
    docker_cli("run", "-d", "--name", name, "busybox", "sleep", "60")
    proc = dshell(env, f"ContainerWait {name}")
    deadline = time.monotonic() + 30
    while name not in docker_cli("ps", "--filter", f"name={name}", "--format", "{{.Names}}"):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    time.sleep(1.5)  # the wait is in flight (start-up is done well within this)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and "Traceback" not in out + err
    assert err.strip() == "dshell: interrupted"


def test_an_alias_bomb_is_refused_fast_and_small():
    tracemalloc.start()
    try:
        with pytest.raises(ValueSyntaxError, match="aliases expand to more than"):
            parse_value(BOMB)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000  # the refused expansion would be 9**9 values


def test_aliases_within_the_bound_and_self_reference():
    assert parse_value("{a: &x [1, 2], b: *x}") == {"a": [1, 2], "b": [1, 2]}
    with pytest.raises(ValueSyntaxError, match="refers to itself"):
        parse_body("&a [1, *a]")


@pytest.mark.parametrize("text", ['{"Name": }', "{Name: , Driver: local}", "{a: [1, {b: }]}", "{Labels: {x:}}"])
def test_a_key_without_its_value_is_an_error(text):
    with pytest.raises(ValueSyntaxError, match="has no value"):
        parse_value(text)


@pytest.mark.parametrize(("text", "value"), [
    ("{Name: x, Labels: {a: 'b:'}}", {"Name": "x", "Labels": {"a": "b:"}}),
    ("{Image: 'http://h:5000/x', Cmd: [a, 'b, c']}", {"Image": "http://h:5000/x", "Cmd": ["a", "b, c"]}),
    ("{a: null, b: ''}", {"a": None, "b": ""}),
    ("[" * MAX_DEPTH + "]" * MAX_DEPTH, eval("[" * MAX_DEPTH + "]" * MAX_DEPTH)),  # noqa: S307 - a literal
])
def test_ordinary_literals_still_read(text, value):
    assert parse_value(text) == value
