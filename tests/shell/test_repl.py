"""The prompt_toolkit shell driven through a pipe input (no terminal), printing to a recording console."""

from __future__ import annotations

import io

import pytest
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from dshell.shell.app import Shell
from dshell.shell.config import Config
from dshell.shell.session import Session

NOWHERE = "unix:///tmp/dshell-test-no-such.sock"


def run_shell(text: str, config: Config, results_file=None, history=None) -> str:
    """Type ``text`` into a fresh shell (then end of input) and return what it printed."""
    console = Console(file=io.StringIO(), width=120, color_system=None)
    session = Session(config, results_file=results_file)
    with create_pipe_input() as pipe:
        shell = Shell(session, history=history or InMemoryHistory(), input=pipe, output=DummyOutput(),
                      console=console)
        pipe.send_text(text)
        pipe.close()
        shell.run()
    return console.file.getvalue()


def test_help_and_unknown_command(shell_home):
    out = run_shell("help\rfrobnicate\rhelp doc\r", Config(endpoint=NOWHERE, api_version="v1.41"))
    from dshell.shell.commands import find

    assert "ContainerList all=true" in out
    lines = [line for line in out.splitlines() if line.lstrip().startswith("connect")]
    assert lines and find("connect").summary.split(";")[0] in lines[0]  # listed with what it does
    assert "unknown command 'frobnicate'" in out
    assert "doc Op" in out


def test_validation_error_is_one_line_with_nearest_names(shell_home):
    out = run_shell("ContainerLis\rContainerList al=1\r", Config(endpoint=NOWHERE, api_version="v1.41"))
    lines = out.splitlines()
    assert any(line.startswith("unknown op 'ContainerLis'") and "ContainerList" in line for line in lines)
    assert any("unknown param 'al': did you mean all?" in line for line in lines)
    assert "Traceback" not in out


def test_daemon_down_is_one_line_and_the_shell_goes_on(shell_home):
    out = run_shell("ContainerList\rdoc ContainerList\rexit\rhelp\r", Config(endpoint=NOWHERE, api_version="v1.41"))
    assert "cannot connect to unix:///tmp/dshell-test-no-such.sock" in out
    assert "GET /containers/json" in out  # the next command still ran
    assert "Tab completes" not in out  # exit ended the loop before `help`


def test_unbalanced_brackets_continue_on_the_next_line(shell_home):
    out = run_shell("doc ContainerList {\r}\r", Config(endpoint=NOWHERE, api_version="v1.41"))
    assert "usage: doc Op" in out


def test_settings_change_mode_and_pager(shell_home):
    out = run_shell("set vi\rset pager off\rset\rset colour blue\r", Config(endpoint=NOWHERE, api_version="v1.41"))
    assert "editing_mode = vi" in out and "pager = off" in out
    assert "unknown setting 'colour'" in out


@pytest.mark.engine
def test_ops_results_refs_and_queries_on_the_engine(shell_home, engine, tmp_path):
    config = Config(endpoint=engine["docker_host"])
    out = run_shell("ImageList\r_1 | [].RepoTags[]\r_1[0].Id\rImageInspect name=_1[0].Id\rhistory\r"
                    "save _1 " + str(tmp_path / "images.yaml") + "\r", config, tmp_path / "results.jsonl")
    assert "[1] ImageList  200" in out
    assert "busybox:latest" in out
    assert "sha256:" in out
    assert "[2] ImageInspect  200" in out
    assert "_2  ImageInspect" in out
    assert (tmp_path / "images.yaml").read_text().startswith("- ")


@pytest.mark.engine
def test_registry_credentials_are_never_printed_or_stored(shell_home, engine, tmp_path):
    from dshell.shell.line_history import RedactingFileHistory

    secret = engine["registry_password"]
    repo, _, tag = engine["registry_image"].rpartition(":")
    line = (f"ImageCreate fromImage={repo} tag={tag} X-Registry-Auth={{username: {engine['registry_user']}, "
            f"password: {secret}, serveraddress: '{engine['registry']}'}}\r_1\rhistory\r")
    typed = tmp_path / "typed"
    out = run_shell(line, Config(endpoint=engine["docker_host"]), tmp_path / "results.jsonl",
                    RedactingFileHistory(str(typed)))
    assert "[1] ImageCreate  200" in out
    assert "Downloaded newer image" in out or "Image is up to date" in out
    assert secret not in out
    assert secret not in typed.read_text() and "X-Registry-Auth=***" in typed.read_text()
    assert secret not in (tmp_path / "results.jsonl").read_text()


def test_the_command_history_is_the_owners_only(shell_home):
    import os
    import stat

    umask = os.umask(0o022)
    try:
        with create_pipe_input() as pipe:
            Shell(Session(Config(endpoint=NOWHERE)), input=pipe, output=DummyOutput())
    finally:
        os.umask(umask)
    data = shell_home / "data" / "dshell"
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "history").stat().st_mode) == 0o600
