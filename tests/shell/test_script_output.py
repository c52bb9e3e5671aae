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


def dshell(engine: dict[str, str], line: str, **environ: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **environ, "DOCKER_HOST": engine["docker_host"], "PYTHONPATH": str(Path(__file__).parents[2])}
    return subprocess.run([sys.executable, "-m", "dshell", "-c", line], capture_output=True, text=True, timeout=120,
                          env=env, check=False)


def docker(engine: dict[str, str], *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The engine's docker CLI (the 20.10 one on the main engine), its output as it splits it."""
    cli = "/usr/bin/docker" if engine.get("engine", "main") == "main" else engine.get("docker_cli", "docker")
    return subprocess.run([cli, "-H", engine["docker_host"], *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **env}, check=False)


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
    cli, done = docker(engine, *line.split()), dshell(engine, line)
    assert (done.stdout, done.stderr, done.returncode) == (cli.stdout, cli.stderr, cli.returncode) == (
        "", f"Error response from daemon: No such container: nosuch-{NAME}\n", 1)


def test_a_docker_command_piped_to_grep_as_in_a_shell(engine, running):
    done = dshell(engine, f"ps --filter label=dsh-script=1 --format '{{{{.Names}}}}' | grep -c {running}")
    assert (done.stdout, done.returncode) == ("1\n", 0), done.stderr


def _steps(stdout: str) -> str:
    """A classic build's output without the CLI's own first line (dshell streams the context: no size to say)
    and the ids of the containers it ran (they differ from build to build)."""
    steps = re.sub(r"\ASending build context[^\n]*\n+", "", stdout)  # its \r\r\n read as two line ends
    return re.sub(r"(Running in|Removing intermediate container) [0-9a-f]{12}", r"\1 ID", steps)


def test_a_classic_build_prints_its_steps_on_stdout_and_its_error_on_stderr_as_docker_build_does(engine, tmp_path):
    tag, classic = f"{NAME}-built", {"DOCKER_BUILDKIT": "0"}
    (tmp_path / "Dockerfile").write_text(f"FROM {engine['image']}\nLABEL dsh-script=1\nRUN echo built\n")
    failing = tmp_path / "failing"
    failing.mkdir()
    (failing / "Dockerfile").write_text(f"FROM {engine['image']}\nRUN echo about to fail; exit 3\n")
    ran: list[str] = []
    try:
        tags = ("-t", f"{tag}:1", "-t", f"{tag}:2")
        docker(engine, "build", *tags, str(tmp_path), **classic)  # the cache warmed: both runs below use it
        cli, done = docker(engine, "build", *tags, str(tmp_path), **classic), dshell(
            engine, f"build --builder classic {' '.join(tags)} {tmp_path}")
        assert (done.returncode, _steps(done.stdout)) == (cli.returncode, _steps(cli.stdout)), done.stderr
        assert done.returncode == 0 and "Using cache" in done.stdout, cli.stdout + cli.stderr
        assert f"Successfully tagged {tag}:2\n" in done.stdout and "Step 1/3" not in done.stderr, done.stderr
        quiet = dshell(engine, f"build -q --builder classic {tmp_path}")
        assert re.fullmatch(r"sha256:[0-9a-f]{64}\n", quiet.stdout), quiet.stdout + quiet.stderr
        cli = docker(engine, "build", str(failing), **classic)
        done = dshell(engine, f"build --builder classic {failing}")
        ran = re.findall(r"Running in ([0-9a-f]{12})", cli.stdout + done.stdout)
        assert (done.returncode, _steps(done.stdout)) == (cli.returncode, _steps(cli.stdout)), done.stderr
        assert done.returncode == 3 and "about to fail\n" in done.stdout, done.stderr
        error = "The command '/bin/sh -c echo about to fail; exit 3' returned a non-zero code: 3\n"
        assert cli.stderr.endswith(error) and done.stderr.startswith(error), done.stderr
    finally:
        docker(engine, "rm", *ran)
        docker(engine, "rmi", f"{tag}:1", f"{tag}:2")


def test_a_classic_build_prints_the_pull_of_its_base_image_on_stdout_as_docker_build_does(engine, docker_cli,
                                                                                          tmp_path):
    base = f"{engine['registry']}/dsh-script/base:{NAME}"
    logins = {"DOCKER_CONFIG": engine.get("docker_config") or str(Path(engine["state_dir"]) / "docker-config")}
    docker_cli("tag", engine["image"], base)
    docker_cli("push", base)
    (tmp_path / "Dockerfile").write_text(f"FROM {base}\n")
    try:
        docker_cli("rmi", base)
        cli = docker(engine, "build", str(tmp_path), DOCKER_BUILDKIT="0", **logins)
        docker_cli("rmi", base)
        done = dshell(engine, f"build --builder classic {tmp_path}", **logins)
        assert f"Status: Downloaded newer image for {base}\n" in done.stdout, done.stdout + done.stderr
        assert (done.returncode, _steps(done.stdout)) == (cli.returncode, _steps(cli.stdout)) == (0, _steps(cli.stdout))
    finally:
        docker_cli("rmi", base, check=False)


def test_info_prints_the_daemons_warnings_on_stderr_as_docker_info_does(engine):
    """On the engine as it is (with its warnings, if it has any), then on its answer with two warnings more,
    served as it is to the docker CLI and to dshell."""
    import dshell.client as docker_api
    from tests.explorer.oracle import run_cli, serving

    cli, done = docker(engine, "info"), dshell(engine, "info")
    assert (done.stderr, done.returncode) == (cli.stderr, cli.returncode) == (cli.stderr, 0)
    answer = docker_api.call(docker_api.client(None, conn={"uri": engine["docker_host"]}), {"op": "SystemInfo"}).data
    warnings = ["WARNING: No swap limit support", "WARNING: bridge-nf-call-iptables is disabled"]
    with serving({"/info": {**answer, "Warnings": [*(answer.get("Warnings") or ()), *warnings]}}) as host:
        cli, done = run_cli(host, "info"), dshell({"docker_host": host}, "info")
    assert (done.stderr, done.returncode) == (cli.stderr, cli.returncode), done.stderr
    assert done.stderr.endswith("\n".join(warnings) + "\n") and "WARNING" not in done.stdout, done.stdout
    assert _server_part(done.stdout) == _server_part(cli.stdout)


def _server_part(stdout: str) -> list[str]:
    """The Server part of ``docker info``'s report, its Runtimes line's names sorted (the 20.10 CLI lists them in
    Go's random map order, run to run)."""
    lines = stdout[stdout.index("Server:"):].splitlines()
    return [" Runtimes: " + " ".join(sorted(line.split()[1:])) if line.startswith(" Runtimes:") else line
            for line in lines]
