"""``dshell -c INPUT``: the command line's settings reach the connection; replies and errors are printed."""

from __future__ import annotations

import pytest

from dshell.__main__ import main


@pytest.fixture
def no_docker_env(shell_home, monkeypatch):
    for var in ("DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_TLS"):
        monkeypatch.delenv(var, raising=False)
    return monkeypatch


@pytest.mark.engine
def test_tls_flags_without_host_apply_to_docker_host(engine, no_docker_env, capsys):
    no_docker_env.setenv("DOCKER_HOST", engine["tls_host"])  # tcp://, and nothing says TLS but the flags
    tls = ["--tlscacert", engine["ca"], "--tlscert", engine["cert"], "--tlskey", engine["key"]]
    assert main([*tls, "-c", "SystemPing"]) == 0, capsys.readouterr()
    assert "SystemPing  200" in capsys.readouterr().out


def test_tls_flags_for_a_unix_socket_are_an_error_line(no_docker_env, capsys):
    no_docker_env.setenv("DOCKER_HOST", "unix:///tmp/dshell-test-no-such.sock")
    assert main(["--tlscacert", "ca.pem", "-c", "SystemPing"]) == 1
    out = capsys.readouterr()
    assert "tlscacert/tlscert/tlskey need a tcp:// or https:// daemon" in out.out + out.err
    assert "Traceback" not in out.out + out.err


def test_watch_says_it_needs_the_prompt_and_logs_is_printed(no_docker_env, capsys):
    no_docker_env.setenv("DOCKER_HOST", "unix:///tmp/dshell-test-no-such.sock")
    assert main(["--api-version", "v1.41", "-c", "watch ContainerList"]) == 1
    out = capsys.readouterr()
    assert "watch needs the interactive prompt (panes); run dshell without -c" in out.out + out.err
    assert main(["--api-version", "v1.41", "-c", "logs web"]) == 1  # printed (test_printed), here: no daemon
    out = capsys.readouterr()
    assert "cannot connect to unix:///tmp/dshell-test-no-such.sock" in out.err and "Traceback" not in out.err


def test_output_into_a_pipe_is_not_cut_to_80_columns(shell_home):
    import subprocess
    import sys

    from .tmux import REPO

    env = {"PATH": "/usr/bin:/bin", "HOME": str(shell_home / "home"), "PYTHONPATH": str(REPO), "COLUMNS": ""}
    proc = subprocess.run([sys.executable, "-m", "dshell", "-H", "unix:///tmp/dshell-test-no-such.sock",
                           "--api-version", "v1.41", "-c", "help"], capture_output=True, text=True, env=env,
                          timeout=60, check=False)
    run = next(line for line in proc.stdout.splitlines() if line.startswith("run [-d]"))
    assert len(run) > 100 and run.rstrip().endswith("--dry-run shows the body"), proc.stdout


def test_start_up_pauses_the_collector_and_gives_it_back(no_docker_env, capsys, monkeypatch):
    """The collector is off while dshell starts, on (with start-up's objects frozen) while a command runs, and
    as it was, with nothing frozen, once main returns: also when start-up fails or the caller had it off."""
    import gc

    from dshell.shell.commands import dispatch

    seen = []
    real = dispatch.execute
    monkeypatch.setattr(dispatch, "execute", lambda *a, **k: seen.append((gc.isenabled(), gc.get_freeze_count()))
                        or real(*a, **k))
    no_docker_env.setenv("DOCKER_HOST", "unix:///tmp/dshell-test-no-such.sock")
    assert main(["--api-version", "v1.41", "-c", "SystemPing"]) == 1
    assert seen and seen[0][0] and seen[0][1] > 0
    assert gc.isenabled() and gc.get_freeze_count() == 0
    assert main(["--timeout", "soon", "-c", "SystemPing"]) == 2  # a bad setting: start-up ends early
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.disable()
    try:
        main(["--api-version", "v1.41", "-c", "SystemPing"])
        assert not gc.isenabled() and gc.get_freeze_count() == 0
    finally:
        gc.enable()
    capsys.readouterr()


def test_the_dshell_command_leaves_start_up_frozen_for_the_exit(no_docker_env, shell_home):
    """The console script and ``python -m dshell`` (``run``) exit with start-up's objects still frozen: the
    interpreter's last collection does not scan them again; the status is main's."""
    import subprocess
    import sys
    from pathlib import Path

    code = ("import atexit, gc; from dshell.__main__ import run; "
            "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0, gc.isenabled())); "
            "run()")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(shell_home / "home"), "DOCKER_HOST": "unix:///tmp/dshell-no.sock",
           "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run([sys.executable, "-c", code, "-c", "SystemPing"], env=env, capture_output=True, text=True)
    assert done.returncode == 1 and "frozen True True" in done.stdout, (done.stdout, done.stderr)
