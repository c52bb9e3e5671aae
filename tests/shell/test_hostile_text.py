"""What a container, an image or a daemon controls reaches the terminal with its control characters made
visible: labels in trees and JMESPath tables, docker diff paths, names, status, version strings, error lines,
text bodies (the real engine where a real container carries them; a mock daemon for what only a hostile daemon
sends). Notebook HTML is escaped."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

import dshell.client as docker
from dshell.explorer import History, render, visible, visible_line
from dshell.shell.commands.dispatch import execute
from dshell.shell.config import Config
from dshell.shell.output import Printer
from dshell.shell.session import Session

from ..mockdaemon import Daemon

TITLE = "\x1b]0;PWNED\x07"  # sets the terminal's title
CLIPBOARD = "\x1b]52;c;cHduZWQ=\x07"  # writes the user's clipboard
CLEAR = "\x1b[2J"
RLO = "\u202e"
RAW = ("\x1b", "\x07", "\x9b", RLO)


def _clean(out: str) -> None:
    assert not any(raw in out for raw in RAW), repr(out[:2000])


def test_visible_shows_c0_c1_del_and_bidi_and_keeps_lines() -> None:
    assert visible(f"a{TITLE}b\x7f\x9b{RLO}\u2066x\ty\nz\r") == "a^[]0;PWNED^Gb^?<U+009B><U+202E><U+2066>x\ty\nz^M"
    assert visible_line("a\nb\x1b") == "a⏎b^["
    plain = "no controls here: é ü 漢字 ⏎"
    assert visible(plain) is plain


@pytest.mark.engine
def test_a_hostile_container_s_labels_and_paths_are_shown_not_obeyed(engine, shell_home, docker_cli, unique_name,
                                                                     cleanup_containers) -> None:
    name = unique_name()
    docker_cli("run", "-d", "--name", name, "--label", f"k{TITLE}={CLIPBOARD}{CLEAR}{RLO}evil", "busybox:latest",
               "sh", "-c", "touch \"$(printf '/tmp/\\033]0;PWNED\\007')\" && sleep 120")
    docker_cli("exec", name, "true")  # the file exists once the container runs its command
    commands = [f"ContainerInspect {name}", f"ContainerList all=true filters={{\"name\":[\"{name}\"]}} | [].Labels",
                f"ContainerList all=true filters={{\"name\":[\"{name}\"]}} | [].{{L: Labels}}",
                f"ContainerChanges {name}", "ContainerInspect no-such-container-\x1b[2J",
                f"events --since 5m --until 0s --filter container={name}"]
    done = subprocess.run([sys.executable, "-m", "dshell", *(a for c in commands for a in ("-c", c))],
                          env={**os.environ, "DOCKER_HOST": engine["docker_host"]}, capture_output=True, text=True,
                          timeout=120, check=False)
    out = done.stdout + done.stderr
    _clean(out)
    assert "k^[]0;PWNED^G" in out and "^[]52;c;cHduZWQ=^G^[[2J<U+202E>evil" in out
    assert "/tmp/^[]0;PWNED^G" in out
    assert f"k^[]0;PWNED^G=^[]52;c;cHduZWQ=^G^[[2J<U+202E>evil, name={name})" in out  # the events' lines


@pytest.fixture
def hostile() -> Daemon:
    evil = f"{TITLE}{RLO}web"
    return Daemon({
        "/containers/json": docker.MockResponse.json([{
            "Id": "abc123", "Names": [f"/{evil}"], "Image": f"busybox{CLEAR}", "Command": f"sh{CLIPBOARD}",
            "Created": 0, "State": "running", "Status": f"Up{TITLE}", "Ports": [
                {"PrivatePort": 80, "Type": f"tcp{CLEAR}"}], "Labels": {f"a{TITLE}": "b"}}]),
        "/images/json": docker.MockResponse.json([{"Id": "sha256:" + "1" * 64, "RepoTags": [f"evil{TITLE}:latest"],
                                                   "Created": 0, "Size": 1, "Containers": 0}]),
        "/version": docker.MockResponse.json({"Version": f"20.10{TITLE}", "ApiVersion": "1.43"}),
        "/info": docker.MockResponse(200, f"text body {CLIPBOARD}{CLEAR}\nline 2{RLO}".encode(),
                                     {"Content-Type": "text/plain"}),
        "/containers/bad/json": docker.MockResponse.json({"message": f"No such container{CLEAR}{TITLE}"}, 404),
    })


@pytest.fixture
def session(hostile: Daemon, shell_home: Any) -> Iterator[Session]:
    s = Session(Config(endpoint="unix:///mock/docker.sock", pager="off"), results_file=None, clients=hostile.clients)
    s.start(background=False)
    yield s
    s.close()


@pytest.mark.parametrize("line", ["ContainerList", "ContainerList | [].{N: Names[0], S: Status}", "ImageList",
                                  "ContainerList | [0]", "hosts", "SystemInfo", "ContainerInspect bad"])
def test_a_hostile_daemon_s_words_are_shown_not_obeyed(session: Session, line: str) -> None:
    """On a terminal (colours on): the output has rich's colours but none of the daemon's escapes."""
    from rich.console import Console

    console = Console(file=io.StringIO(), force_terminal=True, width=200, color_system="truecolor")
    Printer(console, pager="off").show(execute(session, line))
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert "\x1b]" not in out and "\x1b[2J" not in out and not any(raw in out for raw in RAW[1:]), repr(out)
    assert "^[" in out or "<U+202E>" in out


def test_notebook_html_is_escaped() -> None:
    history = History(None)
    result = history.add("ContainerList", {}, 200, 0.0, [{"Names": [f"/<script>x</script>{TITLE}"], "Id": "a"}])
    html = render(result)._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert json.dumps(html)  # plain text


def test_the_navigator_shows_a_daemon_s_words_not_obeyed() -> None:
    """The full-screen navigator (prompt_toolkit shows C0 as ^X itself) shows bidi overrides and the rest too."""
    from dshell.explorer import Browser
    from dshell.shell.navigator.view import LevelControl

    browser = Browser(3, {f"k{RLO}{TITLE}": f"v{RLO}{CLEAR}", "plain": "x"}, "ContainerInspect")
    content = LevelControl(browser).create_content(120, 10)
    shown = "".join(text for i in range(content.line_count) for _, text, *_ in content.get_line(i))
    assert "<U+202E>" in shown and "^[]0;PWNED^G" in shown
    _clean(shown)


def test_the_magic_s_error_line_shows_a_daemon_s_words_not_obeyed() -> None:
    from dshell.magic import CommandError

    shown = "".join(CommandError(f"No such container: x{TITLE}{CLEAR}")._render_traceback_())
    assert "x^[]0;PWNED^G^[[2J" in shown
    _clean(shown)
