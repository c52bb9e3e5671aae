"""The navigator in the real dshell, in a real terminal (tmux), on real engine results: 64 containers, a
300,000-line log."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .tmux import Terminal

pytestmark = pytest.mark.engine
FLEET = 64
LOG_LINES = 300_000


def _docker(engine: dict, *args: str, check: bool = True) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKER_")}
    env["DOCKER_CONFIG"] = engine.get("docker_config") or str(Path(engine["state_dir"]) / "docker-config")
    done = subprocess.run([engine.get("docker_cli", "docker"), "-H", engine["docker_host"], *args], env=env,
                          capture_output=True, text=True, timeout=120, check=False, stdin=subprocess.DEVNULL)
    if check and done.returncode:
        raise AssertionError(f"docker {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


@pytest.fixture(scope="module")
def fleet(engine) -> Iterator[tuple[str, str]]:
    """64 busybox containers asleep (label dsh-nav=TAG, names dsh-nav-TAG-web-N), one of them done printing a
    300,000-line log; all removed afterwards. Yields (TAG, the log container's name)."""
    tag = secrets.token_hex(3)
    label = f"dsh-nav={tag}"
    log = f"dsh-nav-{tag}-log"

    def start(n: int) -> None:
        _docker(engine, "run", "-d", "--network", "none", "--label", label, "--name", f"dsh-nav-{tag}-web-{n}",
                "busybox", "sleep", "900")

    try:
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(start, range(FLEET - 1)))
        _docker(engine, "run", "--network", "none", "--label", label, "--name", log, "busybox", "seq", "1",
                str(LOG_LINES))
        yield tag, log
    finally:
        ids = _docker(engine, "ps", "-aq", "--filter", f"label={label}", check=False).split()
        if ids:
            _docker(engine, "rm", "-f", *ids, check=False)


def number(term: Terminal, op: str) -> int:
    return int(term.wait(rf"\[(\d+)\] {op}\s+200")[1])


def last_screen(term: Terminal) -> str:
    """The visible screen only (not the scrollback)."""
    return term.tmux("capture-pane", "-t", "main", "-p")


def wait_screen(term: Terminal, pattern: str, timeout: float = 10.0) -> re.Match[str]:
    deadline = time.monotonic() + timeout
    while True:
        found = re.search(pattern, last_screen(term), re.M)
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"{pattern!r} not on screen:\n{last_screen(term)}")
        time.sleep(0.1)


def test_open_filter_sort_columns_drill_back_and_yank_on_64_containers(term, fleet):
    tag, _ = fleet
    term.run(f'ContainerList all=true filters={{"label": ["dsh-nav={tag}"]}}')
    n = number(term, "ContainerList")
    wait_screen(term, r"^dshell>\s*$")
    before = last_screen(term)
    term.run(f"open _{n}")
    wait_screen(term, rf"^ _{n} ContainerList\s+_{n}\[0\]\s+64 rows")
    wait_screen(term, r"^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES")
    term.type("/web-1")
    wait_screen(term, r"11 of 64 rows\s+/web-1")  # web-1, web-10..19: as typed
    term.keys("Enter")
    for _ in range(6):
        term.keys("Right")
    term.type("s")
    wait_screen(term, r"sort NAMES ↑")
    assert re.findall(rf"dsh-nav-{tag}-web-\d+", last_screen(term))[:3] == [
        f"dsh-nav-{tag}-web-{k}" for k in (1, 10, 11)]  # natural order
    term.type("s")
    wait_screen(term, r"sort NAMES ↓")
    term.type("c")
    wait_screen(term, r"^columns: CONTAINER ID,IMAGE")
    term.keys("C-u")
    term.type("NAMES,State,Labels.\"dsh-nav\"")
    term.keys("Enter")
    wait_screen(term, r"^NAMES↓\s+State\s+Labels\.\"dsh-nav\"")
    wait_screen(term, rf"^dsh-nav-{tag}-web-19\s+running\s+{tag}")
    term.keys("Enter")  # drills into web-19's row: the path names its place in the result
    path = wait_screen(term, rf"^ _{n} ContainerList\s+(_{n}\[\d+\]\.Id)\s+\d+ keys")[1]
    term.type("/Labels")
    term.keys("Enter")
    term.keys("Enter")
    wait_screen(term, rf"_{n}\[\d+\]\.Labels\.dsh-nav\s+1 keys")
    term.tmux("set-option", "-s", "set-clipboard", "on")  # tmux keeps what OSC 52 sends as a paste buffer
    term.type("Y")  # the value under the cursor, at the user's key only
    wait_screen(term, r"copied 6 bytes")
    assert term.tmux("show-buffer") == tag
    term.keys("BSpace")
    term.keys("BSpace")
    wait_screen(term, r"11 of 64 rows\s+sort NAMES ↓\s+/web-1")
    term.type("y")
    row = path.removesuffix(".Id")
    wait_screen(term, rf"^dshell> {re.escape(row)}\s*$")  # the path on the prompt line
    after = last_screen(term).splitlines()
    opened = after.index(f"dshell> open _{n}")
    kept = before.splitlines()[:max(i for i, line in enumerate(before.splitlines()) if line.startswith("dshell>"))]
    assert after[:opened] == kept[len(kept) - opened:]  # the screen as it was: the table, not the navigator
    assert not [line for line in after if "rows" in line or "NAMES↓" in line]
    term.keys("Enter")
    term.wait(rf"dsh-nav-{tag}-web-19")


def test_a_300000_line_log_opens_searches_and_quits_at_once(term, fleet):
    _, log = fleet
    term.run(f"ContainerLogs {log} stdout=true | length(@)")  # kept whole, shown as its length
    wait_screen(term, r"^\d{6,7}\s*$")
    n = int(wait_screen(term, r"_(\d+) last, \d+ here")[1])
    wait_screen(term, r"^dshell>\s*$")
    term.keys("C-o")  # on an empty line: the last result
    wait_screen(term, rf"^ _{n} ContainerLogs\s+_{n}\s+line 1 of {LOG_LINES:,}")
    started = time.monotonic()
    term.keys("End")
    wait_screen(term, rf"^{LOG_LINES}  {LOG_LINES}\s*$")
    term.type("/^29999.?$")
    term.keys("Enter")
    wait_screen(term, rf"line 29,999 of {LOG_LINES:,}\s+/\^29999\.\?\$")  # nothing below: from the top
    wait_screen(term, r"^ *29999  29999\s*$")
    term.type("n")
    wait_screen(term, r"line 299,990 of")  # the next match, far on
    term.type("N")
    wait_screen(term, r"line 29,999 of")
    term.type("q")
    wait_screen(term, r"^dshell>\s*$")
    assert time.monotonic() - started < 20  # generous on a shared machine; a whole render would take minutes


def test_ctrl_c_stops_a_long_output_and_the_prompt_comes_back(term, fleet):
    _, log = fleet
    term.run(f"ContainerLogs {log} stdout=true | length(@)")  # kept whole, shown as its length
    wait_screen(term, r"^\d{6,7}\s*$")
    n = int(wait_screen(term, r"_(\d+) last, \d+ here")[1])
    wait_screen(term, r"^dshell>\s*$")
    term.run(f"_{n} --full")
    wait_screen(term, r"^\d{4,6}$")
    term.keys("C-c")
    wait_screen(term, r"\(output stopped: Ctrl-C\)", timeout=5)
    wait_screen(term, r"^dshell>\s*$", timeout=5)
    assert "Exception ignored" not in term.screen() and "Traceback" not in term.screen()
