"""``dshell -c`` as a script's docker: stdout holds what the docker CLI prints there, stderr the rest (errors,
a workflow's steps, dshell's notes), and the exit status is the container's, as docker run and exec give it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.engine
NAME = f"dsh-script-{uuid.uuid4().hex[:6]}"


def dshell(engine: dict[str, str], line: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DOCKER_HOST": engine["docker_host"], "PYTHONPATH": str(Path(__file__).parents[2])}
    return subprocess.run([sys.executable, "-m", "dshell", "-c", line], capture_output=True, text=True, timeout=120,
                          env=env, check=False)


@pytest.fixture(scope="module")
def running(engine, docker_cli):
    docker_cli("run", "-d", "--name", NAME, "--label", "dsh-script=1", "busybox", "sleep", "300")
    yield NAME
    docker_cli("rm", "-f", NAME, check=False)


def test_run_d_prints_the_id_alone_so_a_script_can_keep_it(engine, docker_cli):
    done = dshell(engine, f"run -d --name {NAME}-d --label dsh-script=1 busybox sleep 30")
    try:
        assert re.fullmatch(r"[0-9a-f]{64}\n", done.stdout), done.stdout
        assert "ContainerCreate  201" in done.stderr and done.returncode == 0
        assert docker_cli("inspect", "-f", "{{.Id}}", f"{NAME}-d") == done.stdout
    finally:
        docker_cli("rm", "-f", f"{NAME}-d", check=False)


def test_run_prints_the_container_output_alone_and_exits_with_its_code(engine):
    done = dshell(engine, "run --rm --label dsh-script=1 busybox sh -c 'echo out; echo err >&2; exit 3'")
    assert (done.stdout, done.returncode) == ("out\n", 3)
    assert "err\n" in done.stderr and "exited with code 3" in done.stderr


def test_exec_prints_the_process_output_alone_and_exits_with_its_code(engine, running):
    done = dshell(engine, f"exec {running} sh -c 'echo hi; exit 4'")
    assert (done.stdout, done.returncode) == ("hi\n", 4), done.stderr
    assert "exited with code 4" in done.stderr


def test_errors_go_to_stderr_as_the_docker_cli_puts_them(engine):
    done = dshell(engine, f"rm nosuch-{NAME}")
    assert (done.stdout, done.stderr, done.returncode) == ("", f"Error: No such container: nosuch-{NAME}\n", 1)
    op = dshell(engine, f"ContainerInspect id=nosuch-{NAME}")
    assert (op.stdout, op.returncode) == ("", 1) and f"404 No such container: nosuch-{NAME}" in op.stderr


def test_stats_of_a_missing_container_prints_what_docker_stats_prints(engine, running):
    """No table when a sample failed, the daemon's words (the 20.10 CLI's output, on the same engine)."""
    line = f"stats --no-stream {running} nosuch-{NAME}"
    cli = subprocess.run(["/usr/bin/docker", "-H", engine["docker_host"], *line.split()], capture_output=True,
                         text=True, timeout=120, check=False)
    done = dshell(engine, line)
    assert (done.stdout, done.stderr, done.returncode) == (cli.stdout, cli.stderr, cli.returncode) == (
        "", f"Error response from daemon: No such container: nosuch-{NAME}\n", 1)


def test_a_docker_command_piped_to_grep_as_in_a_shell(engine, running):
    done = dshell(engine, f"ps --filter label=dsh-script=1 --format '{{{{.Names}}}}' | grep -c {running}")
    assert (done.stdout, done.returncode) == ("1\n", 0), done.stderr
