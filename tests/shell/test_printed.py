"""``dshell -c 'logs web'`` (and events, stats, tail) against the real engine: lines printed as they come, as the
docker CLI prints them (a container's stderr on stderr), one host or several (tagged), Ctrl-C keeps what came."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import dshell.client as docker
from dshell.shell.since import time_words, timestamp

REPO = Path(__file__).resolve().parents[2]


def dshell(engine, *inputs: str, hosts: tuple[str, ...] = (), **kw) -> subprocess.Popen[str]:
    args = [sys.executable, "-m", "dshell", *(a for h in hosts for a in ("-H", h))]
    env = {**os.environ, "DOCKER_HOST": engine["docker_host"], "PYTHONPATH": str(REPO)}
    return subprocess.Popen([*args, *(a for text in inputs for a in ("-c", text))], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


@pytest.fixture
def container(engine, unique_name):
    """A container that says out1 (stdout), err1 (stderr), out2, then exits."""
    c = docker.client(conn={"uri": engine["docker_host"]})
    name = unique_name()
    body = {"Image": "busybox:latest", "Cmd": ["sh", "-c", "echo out1; echo err1 >&2; echo out2"]}
    docker.invoke(c, {"op": "ContainerCreate", "params": {"name": name, "body": body}, "throw": True})
    docker.invoke(c, {"op": "ContainerStart", "params": {"id": name}, "throw": True})
    docker.invoke(c, {"op": "ContainerWait", "params": {"id": name}, "throw": True})
    yield name
    docker.invoke(c, {"op": "ContainerDelete", "params": {"id": name, "force": True}})


@pytest.mark.engine
def test_logs_prints_stdout_and_stderr_apart_and_keeps_them(engine, shell_home, container):
    done = dshell(engine, f"logs -f {container}", "_1")
    out, err = done.communicate(timeout=60)
    assert done.returncode == 0, err
    lines = out.splitlines()
    assert lines[:2] == ["out1", "out2"]  # stdout: the stream's lines alone, then what `_1` shows
    assert "[stderr] err1" in out[len("out1\nout2\n"):]  # the kept result marks stderr, as a pane's does
    assert err.splitlines()[0] == "err1"
    assert "[1] logs: the stream ended; 3 lines kept as _1" in err


@pytest.mark.engine
def test_logs_on_several_hosts_tags_each_line_and_says_which_host_failed(engine, shell_home, container):
    good = dshell(engine, f"logs @a,b {container}", hosts=(f"a={engine['docker_host']}", f"b={engine['docker_host']}"))
    out, err = good.communicate(timeout=60)
    assert good.returncode == 0, err
    assert sorted(out.splitlines()) == ["[a] out1", "[a] out2", "[b] out1", "[b] out2"]
    assert {"[a] err1", "[b] err1"} <= set(err.splitlines())
    bad = dshell(engine, f"logs @a,b {container}", hosts=(f"a={engine['docker_host']}", "b=unix:///nonexistent.sock"))
    out, err = bad.communicate(timeout=60)
    assert bad.returncode == 1 and out.splitlines() == ["[a] out1", "[a] out2"]
    assert "1 of the hosts could not stream" in err.splitlines()[-1]  # the reply's error line, as every -c error
    assert any(line.startswith("[b] error: cannot connect to unix:///nonexistent.sock") for line in err.splitlines())
    assert "Traceback" not in err


@pytest.mark.engine
def test_a_missing_container_and_split_are_one_line(engine, shell_home):
    missing = dshell(engine, "logs dsh-test-no-such-container")
    out, err = missing.communicate(timeout=60)
    assert missing.returncode == 1 and out == ""  # logs without -f answers once, in docker's words: no stream
    assert err.strip() == "Error: No such container: dsh-test-no-such-container"
    split = dshell(engine, "logs @a web --split", hosts=(f"a={engine['docker_host']}",))
    out, err = split.communicate(timeout=60)
    assert split.returncode == 1 and "--split opens a pane per host, at the prompt" in err


@pytest.mark.engine
def test_events_since_a_duration_reads_it_as_the_docker_cli(engine, shell_home, container):
    done = dshell(engine, f"events since=10m until=0s container={container}")
    out, err = done.communicate(timeout=60)
    assert done.returncode == 0, err
    actions = [line.split()[2] for line in out.splitlines()]
    assert actions[:3] == ["create", "start", "die"] and all(container in line for line in out.splitlines())


@pytest.mark.engine
def test_ctrl_c_stops_a_followed_stream_and_keeps_what_came(engine, shell_home, unique_name):
    c = docker.client(conn={"uri": engine["docker_host"]})
    name = unique_name()
    body = {"Image": "busybox:latest", "Cmd": ["sh", "-c", "echo ready; sleep 300"]}
    docker.invoke(c, {"op": "ContainerCreate", "params": {"name": name, "body": body}, "throw": True})
    docker.invoke(c, {"op": "ContainerStart", "params": {"id": name}, "throw": True})
    try:
        run = dshell(engine, f"logs -f {name}", "_1")
        assert run.stdout is not None and run.stdout.readline() == "ready\n"
        time.sleep(0.3)
        run.send_signal(signal.SIGINT)
        out, err = run.communicate(timeout=30)
        assert run.returncode == 0, (out, err)
        assert "logs: stopped by Ctrl-C; 1 line kept as _1" in err
        assert out.startswith("[1] ContainerLogs") and out.strip().endswith("ready")  # what _1 holds
    finally:
        docker.invoke(c, {"op": "ContainerDelete", "params": {"id": name, "force": True}})


@pytest.mark.parametrize(("value", "whole", "expected"), [
    ("10m", False, "999999400.000000000"), ("1h30m", True, "999994600"), ("1.5h", True, "999994600"),
    ("90s", False, "999999910.000000000"), ("250ms", False, "999999999.750000000"),
    ("2024-05-01T10:00:00Z", True, "1714557600"), ("2024-05-01T10:00:00+02:00", True, "1714550400"),
    ("1714557600.5", False, "1714557600.5"), ("1714557600.5", True, "1714557600"),
    ("yesterday", False, "yesterday"), ("1d", False, "1d"), ("m", False, "m"),  # left for the daemon to refuse
    ("9" * 500 + "h", True, "9" * 500 + "h"),
])
def test_since_and_until_are_read_as_the_docker_cli_reads_them(value, whole, expected):
    assert timestamp(value, now=1e9, whole=whole) == expected


def test_only_since_and_until_words_change():
    words = time_words(["ContainerLogs", "web", "tail=10", "since='2024-05-01T10:00:00Z'", "until=5"], whole=True)
    assert words == ["ContainerLogs", "web", "tail=10", "since=1714557600", "until=5"]


@pytest.mark.engine
def test_docker_cli_flags_work_as_typed_there(engine, shell_home, container):
    done = dshell(engine, f"logs --tail 1 -t {container}")
    out, err = done.communicate(timeout=60)
    assert done.returncode == 0, (out, err)
    shown = out.splitlines() + err.splitlines()[:-1]  # the last line of err says how it ended
    assert len(shown) == 1 and shown[0][:4].isdigit() and shown[0].split()[1] in ("out2", "err1")  # a timestamp first
    events = dshell(engine, f"events --since 10m --until 0s --filter container={container} -f event=die")
    out, err = events.communicate(timeout=60)
    assert events.returncode == 0 and [line.split()[2] for line in out.splitlines()] == ["die"]


def test_a_read_of_many_lines_is_one_write_per_run_of_one_stream_in_order():
    """Work per read, not per line: 1,000 lines that came in one read are one write (a write and a flush
    each made `logs -n all` 1.6x docker logs)."""
    import io

    from dshell.explorer import STDERR_MARK
    from dshell.shell.panes.model import Line
    from dshell.shell.printed import PrintedPane

    class Counted(io.StringIO):
        writes = 0

        def write(self, text: str) -> int:
            type(self).writes += 1
            self.order.append(text)
            return super().write(text)

    Counted.order = []
    out, err = Counted(), Counted()
    pane = PrintedPane("logs web", out, err)
    pane.add([Line(f"out {i}", "") for i in range(1000)])
    assert Counted.writes == 1 and out.getvalue() == "".join(f"out {i}\n" for i in range(1000))
    pane.add([Line("a", ""), Line(f"{STDERR_MARK}b", "class:pane.stderr"), Line(f"{STDERR_MARK}c", "class:pane.stderr"),
              Line("d", "")])
    assert Counted.order[1:] == ["a\n", "b\nc\n", "d\n"]  # stdout and stderr kept in the order they came
    assert pane.lines == 1004
