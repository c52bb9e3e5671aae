"""Raw ops that bite: logs with no stream asked for, and following ops typed as plain ops (real engine)."""

from __future__ import annotations

import sys

import pexpect
import pytest

from dshell.shell.calls import BOTH_STREAMS, streams, with_defaults
from dshell.shell.commands.dispatch import execute
from dshell.shell.config import Config
from dshell.shell.session import Session

from .tmux import REPO


def test_logs_without_a_stream_ask_for_both_and_say_so():
    assert with_defaults("ContainerLogs", {"id": "web"}) == ({"id": "web", "stdout": True, "stderr": True},
                                                             BOTH_STREAMS)
    assert with_defaults("ServiceLogs", {"id": "s", "stdout": True}) == ({"id": "s", "stdout": True}, None)
    assert with_defaults("ContainerList", {}) == ({}, None)


def test_which_plain_ops_stream_until_stopped():
    assert streams("ContainerLogs", {"follow": True}) and not streams("ContainerLogs", {})
    assert streams("ContainerStats", {}) and not streams("ContainerStats", {"stream": False})
    assert streams("SystemEvents", {}) and not streams("SystemEvents", {"until": "1"})
    assert not streams("ContainerList", {"all": True})


@pytest.fixture
def talker(docker_cli, unique_name, cleanup_containers) -> str:
    """A container that says two lines (one on stderr) and then waits."""
    name = unique_name()
    docker_cli("run", "-d", "--network", "none", "--name", name, "busybox", "sh", "-c",
               "echo hello-out; echo hello-err >&2; sleep 300")
    return name


@pytest.mark.engine
def test_container_logs_with_no_stream_shows_both(engine, shell_home, talker):
    said: list = []
    session = Session(Config(endpoint=engine["docker_host"]), results_file=None)
    session.say = said.append
    session.start(background=False)
    try:
        for _ in range(50):
            reply = execute(session, f"ContainerLogs {talker}")
            assert reply.error is None, reply.error  # not the daemon's 400
            if "hello-err" in reply.result.data:
                break
        assert "hello-out" in reply.result.data and "hello-err" in reply.result.data
        assert [str(s) for s in said][-1] == BOTH_STREAMS
    finally:
        session.close()


@pytest.mark.engine
def test_a_followed_log_streams_inline_and_ctrl_c_keeps_it(engine, shell_home, talker):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(shell_home / "home"), "XDG_DATA_HOME": str(shell_home / "data"),
           "PYTHONPATH": str(REPO), "DOCKER_HOST": engine["docker_host"], "TERM": "dumb"}
    child = pexpect.spawn(sys.executable, ["-m", "dshell", "-c", f"ContainerLogs {talker} follow=true"],
                          env=env, encoding="utf-8", timeout=20)
    try:
        child.expect("Ctrl-C stops it")
        seen = {child.expect(["hello-out", "hello-err"])}
        seen.add(child.expect(["hello-out", "hello-err"]))  # the two streams arrive in either order
        assert seen == {0, 1}
        child.sendintr()
        child.expect(r"\[(\d+)\] ContainerLogs: stopped by Ctrl-C; 2 lines kept as _\d+")
        n = child.match[1]
        child.expect(pexpect.EOF)
        assert "Traceback" not in child.before
    finally:
        child.close(force=True)
    again = pexpect.run(f"{sys.executable} -m dshell -c _{n}", env=env, encoding="utf-8", timeout=30)
    assert "hello-out" in again and "[stderr] hello-err" in again


@pytest.mark.engine
def test_at_the_prompt_ctrl_c_stops_a_followed_log_and_keeps_it(term, talker):
    term.run(f"ContainerLogs {talker} follow=true")
    term.wait(r"^\[stderr\] hello-err")
    term.wait(r"^hello-out")
    term.keys("C-c")
    found = term.wait(r"\[(\d+)\] ContainerLogs: stopped by Ctrl-C; 2 lines kept as _\d+")
    term.run(f"_{found[1]}")
    term.wait(r"^\[\d+\] ContainerLogs\s+200")
    term.run("SystemPing")  # the shell goes on
    term.wait(r"SystemPing\s+200")


@pytest.mark.engine
def test_a_plain_logs_result_marks_stderr_lines(engine, shell_home, docker_cli, unique_name, cleanup_containers):
    plain, tty = unique_name(), unique_name()
    script = "echo one; echo two >&2; printf 'three\\nfour' >&2; echo five"
    docker_cli("run", "--network", "none", "--name", plain, "busybox", "sh", "-c", script)
    docker_cli("run", "-t", "--network", "none", "--name", tty, "busybox", "sh", "-c", "echo a; echo b >&2")
    session = Session(Config(endpoint=engine["docker_host"]), results_file=None)
    session.say = lambda body: None
    session.start(background=False)
    try:
        reply = execute(session, f"ContainerLogs {plain} stdout=true stderr=true")
        assert reply.error is None
        lines = reply.result.data.splitlines()  # the daemon keeps each stream's order, not theirs
        assert sorted(lines) == ["[stderr] four", "[stderr] three", "[stderr] two", "five", "one"]
        assert lines.index("[stderr] two") < lines.index("[stderr] three") < lines.index("[stderr] four")
        assert 'stderr' in reply.result._repr_html_()  # the notebook marks them too
        only_out = execute(session, f"ContainerLogs {plain} stdout=true")
        assert only_out.result.data == "one\nfive\n"
        assert execute(session, f"ContainerLogs {tty}").result.data.replace("\r", "") == "a\nb\n"  # one stream
        missing = execute(session, "ContainerLogs dsh-test-no-such-container")
        assert missing.error is not None and "404" in missing.error
    finally:
        session.close()
