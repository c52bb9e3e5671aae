"""Live compose streams on the real engine, against docker compose 2.40 on the same files: attached ``up``
(Attaching to, merged logs, exit lines, --abort-on-container-exit / --exit-code-from and its exit code, the
graceful stop), ``logs -f`` following a container started later, ``events --json`` and its text lines."""

from __future__ import annotations

import json
import secrets
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import dshell.client as docker
from dshell.shell.commands.dispatch import execute

from ..shell.test_files_workflows import _text as text
from ..shell.test_files_workflows import session_on

pytestmark = pytest.mark.engine
FILE = """\
services:
  web:
    image: busybox:latest
    command: ["sh", "-c", "echo hello from web; sleep 1; echo web bye"]
  db:
    image: busybox:latest
    command: ["sh", "-c", "echo db up; exit 3"]
  late:
    image: busybox:latest
    command: ["sh", "-c", "echo late says hi"]
    profiles: [late]
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "compose.yaml").write_text(textwrap.dedent(FILE))
    return tmp_path


def said_lines(said: list[Any]) -> list[str]:
    return [line for body in said for line in (getattr(body, "plain", None) or text(body)).rstrip("\n").splitlines()]


def test_attached_up_as_docker_compose_does(engine, folder, scrub, compose_cli):
    ours, theirs = (f"dsh-live-{secrets.token_hex(3)}" for _ in range(2))
    scrub(ours)
    scrub(theirs)
    said: list[Any] = []
    with session_on(engine, said) as s:
        up = execute(s, f"compose -f {folder}/compose.yaml -p {ours} up --exit-code-from db")
        assert up.error is None and up.status == 3, up
    lines = said_lines(said)
    attached = lines[lines.index("Attaching to db-1, web-1") + 1:]
    reference = compose_cli(["-p", theirs, "up", "--exit-code-from", "db"], folder, check=False).splitlines()
    attached, reference = [_plain(line) for line in attached], [_plain(line) for line in reference if line]
    assert "Attaching to db-1, web-1" in reference
    for line in ("db-1 | db up", "db-1 exited with code 3", "Aborting on container exit..."):
        assert line in attached and line in reference, (attached, reference)
    assert attached.index("db-1 exited with code 3") < attached.index("Aborting on container exit...")
    assert any(line.startswith(f"✔ Container {ours}-web-1 Stopped") for line in attached), attached
    with session_on(engine, said) as s:  # everything exits: up ends on its own, exit code 0
        said.clear()
        again = execute(s, f"compose -f {folder}/compose.yaml -p {ours} up --no-attach db --no-log-prefix")
        assert again.error is None and again.status == 0
        lines = said_lines(said)
        assert lines[lines.index("Attaching to web-1") + 1:][:3] == ["hello from web", "web bye",
                                                                     "web-1 exited with code 0"]
        assert again.result.op == "compose up"  # what the stream showed, a line each
        assert [(d["name"], d["text"]) for d in again.result.data] == [
            ("web-1", "hello from web"), ("web-1", "web bye"), ("web-1", "exited with code 0")]
        execute(s, f"compose -p {ours} down -t 0")


def test_logs_follow_a_later_start_and_events_match_docker_compose(engine, folder, scrub, compose_cli, dclient):
    name = f"dsh-live-{secrets.token_hex(3)}"
    scrub(name)
    f = f"-f {folder}/compose.yaml -p {name}"
    said: list[Any] = []
    since = str(int(time.time()) - 1)
    with session_on(engine, said) as s:
        assert execute(s, f"compose {f} --profile late up -d late web").error is None
        time.sleep(0.5)  # late has exited by now: it is watched, and read again once started

        def start_late() -> None:
            time.sleep(0.6)
            docker.invoke(dclient, {"op": "ContainerStart", "params": {"id": f"{name}-late-1"}})

        said.clear()
        threading.Thread(target=start_late, daemon=True).start()
        followed = execute(s, f"compose {f} --profile late logs -f")  # ends when web and late have exited
        lines = said_lines(said)
        assert followed.error is None and followed.result.op == "compose logs"
        assert lines.count("late-1  | late says hi") == 2, lines  # the first run's (read), the second's (followed)
        assert {"web-1   | web bye", "late-1 exited with code 0", "web-1 exited with code 0"} <= set(lines)
        until = str(int(time.time()) + 1)
        time.sleep(1.2)
        said.clear()
        window = execute(s, f"compose -p {name} events --json --since {since} --until {until}")
        ours = [json.loads(line) for line in said_lines(said) if line.startswith("{")]
        said.clear()
        execute(s, f"compose -p {name} events --since {since} --until {until} web")
        text_lines = said_lines(said)
        execute(s, f"compose -p {name} down -t 0")
    assert window.error is None and window.result.data == ours
    # docker compose prints the window, then fails with "EOF" when the daemon ends the stream at --until
    reference = [json.loads(line) for line in compose_cli(["-p", name, "events", "--json", "--since", since,
                                                           "--until", until], folder, check=False).splitlines()
                 if line.startswith("{")]
    assert ours == reference and {e["action"] for e in ours} >= {"create", "start", "die"}
    theirs = compose_cli(["-p", name, "events", "--since", since, "--until", until, "web"], folder,
                         check=False).splitlines()
    ours_text = [line for line in text_lines if " container " in line]
    assert [_sorted_attributes(line) for line in theirs if " container " in line] == ours_text and ours_text


def _plain(line: str) -> str:
    """A line without docker compose's terminal escapes and with its spaces collapsed (it pads the prefix to
    the longest name known when the line came, which depends on the order its containers attached)."""
    for escape in ("\x1b[K", "\x1b[31m", "\x1b[1m", "\x1b[0m"):
        line = line.replace(escape, "")
    return " ".join(line.split())


def _sorted_attributes(line: str) -> str:
    """docker compose's text line with its attributes in sorted order (it prints Go's random map order)."""
    head, _, attrs = line.rstrip(")").partition(" (")
    return f"{head} ({', '.join(sorted(attrs.split(', ')))})"


LOOP = "trap 'exit 0' TERM; {first}while true; do {body}sleep 0.2; done"  # each ends on SIGTERM at once
TICKER = {"services": {
    "web": {"image": "busybox:latest", "command": ["sh", "-c", LOOP.format(
        first="i=0; ", body="i=$$((i+1)); echo tick-$$i; ")]},
    "db": {"image": "busybox:latest", "command": ["sh", "-c", LOOP.format(first="echo db ready; ", body="")]}}}


@pytest.fixture
def term(engine, tmp_path: Path):
    import os

    from ..shell.tmux import Terminal

    home = tmp_path / "home"
    (home / ".config" / "dshell").mkdir(parents=True)
    (home / ".config" / "dshell" / "config.yaml").write_text("pager: off\n")
    terminal = Terminal({**{k: v for k, v in os.environ.items() if not k.startswith(("DOCKER_", "XDG_"))},
                         "HOME": str(home), "DOCKER_HOST": engine["docker_host"], "TERM": "xterm-256color",
                         "PYTHONPATH": str(Path(__file__).resolve().parents[2])})
    terminal.start()
    yield terminal
    terminal.close()


def test_attached_up_and_events_in_panes_beside_a_working_prompt(term, tmp_path, scrub, dclient):
    name = f"dsh-live-{secrets.token_hex(3)}"
    scrub(name)
    (tmp_path / "compose.yaml").write_text(json.dumps(TICKER))  # JSON is YAML
    term.run(f"compose -f {tmp_path}/compose.yaml -p {name} up")
    term.wait(r"^Attaching to db-1, web-1", timeout=30)
    term.wait(rf"\[1\] compose -p {name} up\s+streaming")
    term.wait(r"^web-1\s+\| tick-\d+")
    term.wait(r"^db-1\s+\| db ready")
    term.run(f"compose -p {name} events")  # pane 2, while pane 1 streams on
    term.wait(rf"\[2\] compose -p {name} events\s+streaming")
    term.run(f"compose -p {name} ps")  # the prompt works meanwhile
    term.wait(rf"^{name}-web-1 .*Up ", timeout=15)
    term.run(f"compose -p {name} logs -f --tail 2 web")  # pane 3: the service's logs, followed
    term.wait(rf"\[3\] compose -p {name} logs web\s+streaming")
    term.keys("C-w", "Up", "C-w", "Up")  # select pane 1 and stop its stream: docker compose's Ctrl-C
    term.keys("C-w", "s")
    term.wait(r"^Gracefully Stopping\.\.\. press Ctrl\+C again to force")
    term.wait(rf"✔ Container {name}-web-1  Stopped", timeout=20)
    term.wait(rf"✔ Container {name}-db-1  Stopped", timeout=20)
    term.wait(rf"\[1\] compose -p {name} up\s+stream ended")
    term.wait(rf"\[3\] compose -p {name} logs web\s+stream ended")  # web exited: logs -f ends, as compose's
    term.wait(r"container die [0-9a-f]{64} \(exitCode=0, image=busybox:latest")  # pane 2 saw it, as compose does
    term.keys("C-w", "k")
    term.wait(r"kept as _\d+")
    rows = docker.invoke(dclient, {"op": "ContainerList", "params": {
        "all": True, "filters": {"label": [f"com.docker.compose.project={name}"]}}})
    assert sorted(r["State"] for r in rows) == ["exited", "exited"]
