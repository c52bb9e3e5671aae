"""Panes in the real dshell, in a real terminal (tmux), against the real engine."""

from __future__ import annotations

import re
import time

import pytest

from .tmux import Terminal

pytestmark = pytest.mark.engine
RUN = ("run", "--network", "none")  # no container here needs a network
COUNTER = "i=0; while true; do i=$((i+1)); echo {tag}-$i {redirect}; sleep 0.1; done"


@pytest.fixture
def counters(docker_cli, unique_name, cleanup_containers) -> tuple[str, str]:
    """Two containers counting: one on stdout, one on stderr."""
    names = unique_name(), unique_name()
    for name, tag, redirect in ((names[0], "OUT", ""), (names[1], "ERR", ">&2")):
        docker_cli(*RUN, "-d", "--name", name, "busybox", "sh", "-c", COUNTER.format(tag=tag, redirect=redirect))
    return names


def last_count(screen: str, tag: str) -> int:
    return max(int(n) for n in re.findall(rf"^(?:\[stderr\] )?{tag}-(\d+)", screen, re.M))


def title_distance(terminal: Terminal) -> int:
    """Rows from pane 1's title to pane 2's (once both are drawn)."""
    deadline = time.monotonic() + 5
    while True:
        rows = terminal.screen().splitlines()
        first = max((i for i, row in enumerate(rows) if row.startswith(" [1] ")), default=len(rows))
        second = next((i for i, row in enumerate(rows) if row.startswith(" [2] ") and i > first), None)
        if second is not None:
            return second - first
        assert time.monotonic() < deadline, terminal.screen()
        time.sleep(0.1)


def test_two_panes_stream_while_an_op_runs_at_the_prompt(term, counters):
    a, b = counters
    term.run(f"logs -f {a}")
    term.wait(rf"\[1\] logs {a}\s+streaming")
    term.run(f"logs -f {b} tail=5")
    term.wait(rf"\[2\] logs {b} tail=5\s+streaming")
    term.wait(r"^OUT-\d+")
    term.wait(r"^\[stderr\] ERR-\d+")
    term.type("ContainerList")  # half typed: the panes go on meanwhile
    before = last_count(term.screen(), "OUT"), last_count(term.screen(), "ERR")
    time.sleep(1.0)
    screen = term.screen()
    assert last_count(screen, "OUT") > before[0] and last_count(screen, "ERR") > before[1]
    assert re.search(r"^dshell> ContainerList\s*$", screen, re.M)
    term.keys("Enter")
    term.wait(r"\[\d+\] ContainerList\s+200")
    term.wait(rf"\s{b}\s*$")
    term.wait(r"\^W ↑↓ pane")  # the pane keys in the toolbar


def test_pane_keys_pause_search_keep_close(term, counters):
    a, b = counters
    term.run(f"logs -f {a} tail=all")
    term.run(f"logs -f {b} tail=all")
    term.wait(r"^\[stderr\] ERR-\d+")
    term.keys("C-w", "p")  # pause pane 2 (the selected one)
    term.wait(rf"\[2\] logs {b} tail=all .* paused \+\d+")
    term.keys("C-w", "/")
    term.wait(r"^search:")
    term.type("err-3")
    term.keys("Enter")
    term.wait(r"/err-3(\s|$)")
    term.keys("C-w", "k")
    kept = int(term.wait(r"kept as _(\d+)")[1])
    term.keys("C-w", "o")  # side by side: both titles on one row
    term.wait(rf"\[1\] logs {a} tail=all .*│ *\[2\] logs {b} tail=all ")
    term.keys("C-w", "o")
    term.keys("C-w", "Up")  # select pane 1, make it 4 rows smaller, close it
    before = title_distance(term)
    term.keys("C-w", "-")
    term.keys("C-w", "-")
    time.sleep(0.5)
    assert title_distance(term) == before - 4
    term.keys("C-w", "x")
    time.sleep(0.5)
    assert f"logs {a}" not in term.screen().split("pane 2:")[-1]
    term.run(f"_{kept}[0]")
    term.wait(r"^\[stderr\] ERR-1\s*$")  # stderr lines stay marked in what is kept


def test_events_stats_and_an_ending_stream(term, docker_cli, unique_name, cleanup_containers):
    name = unique_name()
    term.run(f"events type=container container={name}")
    term.wait(rf"\[1\] events type=container container={name}\s+streaming")
    docker_cli(*RUN, "-d", "--name", name, "busybox", "sh", "-c", "echo bye; sleep 2")
    term.wait(rf" container start \w+ \(image=busybox, name={name}\)")
    term.run(f"stats {name}")
    term.wait(r"^CONTAINER ID\s+NAME\s+CPU %\s+MEM USAGE / LIMIT\s+MEM %\s+NET I/O\s+BLOCK I/O\s+PIDS")
    term.wait(rf"^\w{{12}}\s+{name}\s+\d+\.\d\d%\s+[▁-█]+\s+[\d.]+\w?i?B / [\d.]+\w?i?B\s+[▁-█]+\s+")
    term.run(f"logs -f {name}")
    term.wait(r" container die \w+ \((execDuration=\d+, )?exitCode=0, image=busybox", timeout=15)  # 28: execDuration
    term.wait(rf"\[3\] logs {name}\s+stream ended")
    term.wait(r"── stream ended ──")


def test_watch_reruns_an_op_in_a_pane_and_marks_what_changed(term, docker_cli, unique_name, cleanup_containers):
    name = unique_name()
    docker_cli("create", "--name", name, "busybox", "sleep", "60")
    term.run(f"watch 0.5 ContainerInspect {name}")
    term.wait(rf"\[1\] watch 0.5s ContainerInspect {name}\s+watching")
    term.wait(r"run \d+ at \d\d:\d\d:\d\d · every 0.5s · 0 lines changed")
    term.wait(r"Status\W+created")
    docker_cli("start", name)
    term.wait(r"Status\W+running")
    term.wait(r"· [1-9]\d* lines? changed")


def connect_tls(term, engine) -> None:
    """The engine's mTLS listener as a second endpoint named tls (the first is DOCKER_HOST's socket)."""
    term.run(f"connect tls {engine['tls_uri']} --tlscacert {engine['ca']} --tlscert {engine['cert']} "
             f"--tlskey {engine['key']}")
    term.wait(r"added tls \(https://")


def test_logs_at_all_merges_two_endpoints_in_one_pane(term, engine, counters):
    a, _ = counters
    connect_tls(term, engine)
    term.run(f"logs @all {a} tail=3")
    term.wait(rf"\[1\] logs @all {a} tail=3\s+streaming")
    default = term.wait(r"^\[(\S+)\] OUT-\d+").group(1)  # the endpoint named after DOCKER_HOST's socket
    assert default != "tls"
    term.wait(r"^\[tls\] OUT-\d+")
    term.run(f"@all ContainerList all=true filters={{name: [{a}]}}")
    term.wait(rf"^{default}\s+[0-9a-f]{{12}}\s")
    term.wait(r"^tls\s+[0-9a-f]{12}\s")


def test_stats_at_all_draws_sparklines_per_host(term, engine, counters):
    a, _ = counters
    connect_tls(term, engine)
    term.run(f"stats @all {a}")
    term.wait(rf"\[1\] stats @all {a}\s+streaming")
    row = rf"\w{{12}}\s+{a}\s+\d+\.\d\d%\s+[▁-█]{{2,}}\s+[\d.]+\w?i?B / [\d.]+\w?i?B\s+[▁-█]{{2,}}"
    term.wait(rf"^\[tls\] {row}")  # several samples: the sparklines grow, each host's row on its own
    default = term.wait(rf"^\[(?!tls\])(\S+)\] {row}").group(1)
    assert default != "tls"


def test_logs_at_all_split_opens_a_pane_per_endpoint_and_disconnect_ends_its_pane(term, engine, counters):
    a, _ = counters
    connect_tls(term, engine)
    term.run(f"logs @all {a} tail=3 --split")
    reply = term.wait(rf"panes 1-2: logs {a} tail=3 on (\S+), tls, a pane each")
    default = reply.group(1)
    assert default != "tls"
    term.wait(rf"\[1\] logs @{default} {a} tail=3\s+streaming")
    term.wait(rf"\[2\] logs @tls {a} tail=3\s+streaming")
    term.wait(rf"\[2\] logs @tls {a} tail=3 .*\n(.*\n)*OUT-\d+")  # pane 2 (the lower one): its host's own lines
    term.wait(rf"\[1\] logs @{default} {a} tail=3 .*\nOUT-\d+")
    assert not re.search(r"^\[\S+\] OUT", term.screen(), re.M)  # untagged: a pane says its host in its title
    term.run("disconnect tls")
    term.wait(r"disconnected tls \(https://")
    term.wait(rf"\[2\] logs @tls {a} tail=3\s+tls disconnected")
    term.wait(rf"\[1\] logs @{default} {a} tail=3\s+streaming")  # the other host's pane goes on
    term.run(f"@{default} stats {a} --split")  # `@a Op`'s prefix works for panes too
    term.wait(rf"\[3\] stats @{default} {a}\s+streaming")


def test_watch_at_all_reruns_a_fan_out_with_host_first_and_marks_changes(term, engine, docker_cli, unique_name,
                                                                         cleanup_containers):
    name = unique_name()
    docker_cli("create", "--name", name, "busybox", "sleep", "60")
    connect_tls(term, engine)
    term.run("connect down unix:///tmp/dshell-test-no-such.sock")
    term.wait(r"added down \(unix:///tmp/dshell-test-no-such.sock\), but: ")
    term.run(f"watch 0.5 @all ContainerList all=true filters={{name: [{name}]}}")
    title = term.wait(r"\[1\] watch 0.5s @(\S+),tls,down ContainerList all=true filters=.*\s+watching")
    default = title.group(1)
    term.wait(r"^HOST\s+CONTAINER ID\s+IMAGE")
    term.wait(rf"^{default}\s+[0-9a-f]{{12}}\s+busybox\s.*Created.*{name}")
    term.wait(rf"^tls\s+[0-9a-f]{{12}}\s+busybox\s.*Created.*{name}")
    term.wait(r"^down: cannot connect")  # the host that fails is one line; the others still answer
    docker_cli("start", name)
    term.wait(rf"^{default}\s+[0-9a-f]{{12}}\s+busybox\s.*Up .*{name}")
    term.wait(rf"^tls\s+[0-9a-f]{{12}}\s+busybox\s.*Up .*{name}")
    term.wait(r"· [1-9]\d* lines? changed")
    term.keys("C-w", "x")
    term.run(f"@tls,down watch 1 ContainerInspect {name}")  # the prefix form
    term.wait(rf"\[1\] watch 1s @tls,down ContainerInspect {name}\s+watching")
    term.wait(r"^down: cannot connect")
