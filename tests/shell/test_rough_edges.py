"""The rough edges of issue 22, each proven on the real engine where the engine is what shows it."""

from __future__ import annotations

import pytest
from rich.console import Console

from dshell.shell.commands.dispatch import execute
from dshell.shell.config import Config

from .test_session import started


def shown(body) -> str:
    console = Console(width=150, record=True)
    with console.capture() as captured:
        console.print(body)
    return captured.get()


@pytest.mark.engine
def test_stopping_a_stopped_container_says_already_stopped(engine, shell_home, tmp_path, docker_cli, unique_name,
                                                          cleanup_containers):
    name = unique_name("dsh-nav-stop")
    cleanup_containers(name)
    docker_cli("create", "--name", name, "--network", "none", "busybox", "true")
    with started(Config(endpoint=engine["docker_host"]), tmp_path / "r.jsonl") as session:
        stop = execute(session, f"ContainerStop {name}")
        assert stop.error is None and stop.result.status == 304
        assert "ContainerStop  304 already stopped" in shown(stop.body)
        start = execute(session, f"ContainerStart {name}")
        assert start.result.status == 204 and "304" not in shown(start.body)


def test_the_toolbar_counts_truthfully_with_two_windows_on_one_history(shell_home, tmp_path):
    """Two dshells on one results file: each says the newest number (the other's too) and what it made itself."""
    from prompt_toolkit.history import InMemoryHistory
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from dshell.explorer import History
    from dshell.shell.app import Shell
    from dshell.shell.session import Session

    path = tmp_path / "results.jsonl"
    History(path).add("SystemPing", {}, 200, 0.0, "OK")  # an earlier session's
    session = Session(Config(endpoint="unix:///tmp/dshell-test-no-such.sock", api_version="v1.41"),
                      results_file=path)
    session.start(background=False)
    try:
        with create_pipe_input() as pipe:
            shell = Shell(session, history=InMemoryHistory(), input=pipe, output=DummyOutput())
            toolbar = lambda: "".join(text for _, text in shell._toolbar())  # noqa: E731
            assert "_1 last, 0 here" in toolbar()
            session.history.add("SystemPing", {}, 200, 0.0, "OK")
            other = History(path)  # the other window
            for _ in range(3):
                other.add("SystemPing", {}, 200, 0.0, "OK")
            assert "_5 last, 1 here" in toolbar()
            assert session.history.add("SystemPing", {}, 200, 0.0, "OK").n == 6
            assert "_6 last, 2 here" in toolbar()
    finally:
        session.close()
