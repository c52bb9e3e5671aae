"""``build`` at the prompt in a real terminal (tmux) against the real engine: the build runs in a pane beside the
prompt (its steps, cached or done with their times, the running step's log lines), the prompt answers another
command meanwhile, the pane ends with the outcome and the result is kept; a failing step is one line."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from ..shell.conftest import env, term  # noqa: F401 - dshell in its own tmux server, on the engine
from .conftest import write

STAGE = r"\[(?:base )?\d/\d\]"
STEP = rf"#\d+ {STAGE} RUN for i in 1 2 3 4 5 6; do echo pane-line-\$i; sleep 0\.5; done"


@pytest.mark.engine
def test_build_runs_in_a_pane_while_the_prompt_answers(engine, term, tmp_path, images, docker_cli):  # noqa: F811
    ctx = write(tmp_path / "ctx", {"Dockerfile": "FROM busybox as base\nRUN for i in 1 2 3 4 5 6; do "
                                                 "echo pane-line-$i; sleep 0.5; done\nCOPY a.txt /a\n",
                                   "a.txt": tmp_path.name})
    bad = write(tmp_path / "bad", {"Dockerfile": "FROM busybox\nRUN echo going-wrong && exit 3\n"})
    first, second = images("pane"), images("pane-two")
    term.run(f"build --no-cache -t {first} -t {second} {ctx}")
    term.wait(r"^pane 1: build --no-cache ")
    term.wait(r"^#\d+ pane-line-1\s*$", timeout=60)  # the running step's log, in the pane
    term.run("SystemPing")  # the prompt is free while the build runs
    answered = term.wait(rf"\[\d+\] SystemPing\s+200(?s:.*)^{STEP}  …", timeout=3)  # and the step still runs
    assert "pane-line-6" not in answered.string and "── built" not in answered.string
    warned = engine.get("engine") == "modern"  # Docker 28's frontend checks the Dockerfile: 'as' is not 'AS'
    built = term.wait(rf"── built (sha256:[0-9a-f]{{64}}){' with 1 warning' if warned else ''}  \(_(\d+)\) ──",
                      timeout=60)
    screen = built.string  # the screen the pane's last line was drawn on (the steps above it with it)
    assert ("WARNING: FromAsCasing: " in screen) is warned
    assert re.search(rf"^{STEP}  DONE \d+\.\d+s", screen, re.M)
    # the base image's step: CACHED, or DONE on a fresh daemon (BuildKit marks a FROM cached only once it has
    # resolved it before: a CI run on a purged engine met DONE 0.0s)
    assert re.search(rf"^#\d+ {STAGE} FROM docker\.io/library/busybox\S*  (?:CACHED|DONE \d+\.\d+s)\s*$", screen,
                     re.M), screen
    assert "ImageTag" not in screen  # the second tag's op ran in the pane's thread: kept, not said over the prompt
    assert {i["Id"] for i in json.loads(docker_cli("image", "inspect", first, second))} == {built[1]}
    term.run(f"_{built[2]}.Id")
    term.wait(rf"^\"?{built[1]}\"?\s*$")  # the kept result: the build's data
    term.run(f"build {bad}")
    term.wait(r"── build failed at step #\d+ \[2/2\] RUN echo going-wrong && exit 3 with exit code 3; last output: "
              r"going-wrong \(_\d+\) ──", timeout=60)


@pytest.mark.engine
def test_closing_a_build_pane_ends_its_session(engine, tmp_path, client):
    import threading
    import time

    from dshell.shell.panes.model import StreamPane
    from dshell.shell.panes.sources import Source

    ctx = write(tmp_path / "ctx", {"Dockerfile": "FROM busybox\nRUN echo closing-1; sleep 20\n"})
    before = set(threading.enumerate())
    pane = StreamPane("build")
    source = Source("build", "ImageBuild", {"inputStream": ctx, "version": "2", "nocache": True})
    feed = source.feed(client.copy(), pane, lambda: None).start()
    deadline = time.monotonic() + 60
    while not any("closing-1" in line.text for line in pane.visible(100)[1]):
        assert time.monotonic() < deadline, pane.visible(100)
        time.sleep(0.1)
    sessions = [t for t in set(threading.enumerate()) - before if t.name == "dshell-session"]
    assert sessions  # the build's session serves the daemon
    feed.close()  # ^W x
    for thread in sessions:
        thread.join(10)
        assert not thread.is_alive()  # the stream closed, and with it the session


@pytest.mark.engine
def test_a_build_pane_ends_with_a_refusal_or_an_error_in_the_stream_as_one_line(engine, shell_home, tmp_path):
    from dshell.shell.commands.dispatch import execute
    from dshell.shell.config import Config
    from dshell.shell.panes.model import StreamPane
    from dshell.shell.reply import Reply
    from dshell.shell.session import Session

    session = Session(Config(endpoint=engine["docker_host"], pager="off"), results_file=tmp_path / "r.jsonl")
    session.start(background=False)
    panes: list[tuple[StreamPane, Any]] = []

    def show(source: Any) -> Reply:  # the prompt's pane area, without a screen
        pane = StreamPane(source.title)
        panes.append((pane, source.feed(session.require_client().copy(), pane, lambda: None).start()))
        return Reply("pane")

    session.plug("prompt", source=show)
    ctx = write(tmp_path / "ctx", {"Dockerfile": "FROM busybox\nRUN true\n"})
    try:
        for line, said in ((f"build --platform bogus/!! {ctx}", r'build: "!!" is an invalid component of "bogus/!!"'),
                           (f"build --target nope {ctx}", r"build failed: .*target stage .?nope.? could not be found")):
            assert execute(session, line).body == "pane"
            pane, feed = panes[-1]
            feed.wait(60)
            found = re.fullmatch(rf"{said}.* \(_(\d+)\)", pane.status)
            assert found, pane.status
            assert session.history is not None and session.history[int(found[1])].error  # kept, as failed
    finally:
        session.close()
