"""Stalled daemons: the shell's timeout settings (set, the config file, --timeout) reach the client."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from dshell.shell.commands.dispatch import execute
from dshell.shell.config import Config, load_config
from dshell.shell.session import Session

from .tmux import REPO


@pytest.fixture
def stalled(tmp_path: Path) -> Iterator[str]:
    """A unix socket that accepts connections and never answers: a daemon that hangs."""
    path = tmp_path / "stall.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.listen(16)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield f"unix://{path}"
    server.close()
    for conn in held:
        conn.close()


def test_timeout_settings_become_client_timeouts(tmp_path: Path) -> None:
    config = Config(endpoint="tcp://127.0.0.1:2375").with_setting("timeout", "30").with_setting(
        "connect_timeout", 5)
    assert config.conn() == {"uri": "tcp://127.0.0.1:2375",
                             "timeouts": {"connect": 5.0, "read": 30.0, "write": 30.0}}
    assert config.with_setting("timeout", "off").timeouts() == {"connect": 5.0}
    assert Config().conn() is None  # no settings: the client's defaults
    for bad in ("-1", "soon", "inf", 0):
        with pytest.raises(ValueError, match="timeout must be a number of seconds above 0, or off"):
            Config().with_setting("timeout", bad)
    file = tmp_path / "config.yaml"
    file.write_text("timeout: 12\nconnect_timeout: off\n")
    assert load_config(file).timeouts() == {"read": 12.0, "write": 12.0}


def _dshell(env_home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"HOME": str(env_home), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "dshell", *args], env=env, cwd=REPO, capture_output=True,
                          text=True, timeout=60, check=False)


def test_dash_dash_timeout_ends_a_call_to_a_stalled_daemon(stalled: str, tmp_path: Path) -> None:
    done = _dshell(tmp_path, "-H", stalled, "--timeout", "1", "-c", "SystemPing")
    assert done.returncode == 1 and "Traceback" not in done.stdout + done.stderr
    assert done.stderr.strip().endswith(f"{stalled}: read timed out") and not done.stdout
    bad = _dshell(tmp_path, "--timeout", "soon", "-c", "SystemPing")
    assert bad.returncode == 2 and bad.stderr.strip() == (
        "dshell: timeout must be a number of seconds above 0, or off; got 'soon'")


def test_the_config_file_timeout_ends_a_call_to_a_stalled_daemon(stalled: str, tmp_path: Path) -> None:
    (tmp_path / ".config" / "dshell").mkdir(parents=True)
    (tmp_path / ".config" / "dshell" / "config.yaml").write_text(f"endpoint: {stalled}\ntimeout: 1\n")
    done = _dshell(tmp_path, "-c", "SystemPing")
    assert done.returncode == 1 and done.stderr.strip().endswith("read timed out")


def test_set_timeout_applies_to_the_next_call(stalled: str, shell_home: Path) -> None:
    session = Session(Config(endpoint=stalled, api_version="v1.41"), results_file=None)
    session.start(background=False)
    try:
        assert execute(session, "set timeout 1").body == "timeout = 1.0"
        assert session.client is not None and session.client.endpoint.timeouts.read == 1.0
        reply = execute(session, "SystemPing")
        assert reply.error is not None and reply.error.endswith("read timed out")
    finally:
        session.close()
