"""Suite-wide fixtures: the throwaway Docker engine of ``scripts/engine`` and docker CLI helpers.

``engine`` never skips: when the engine is not up it runs ``scripts/engine up`` itself, and a
failure there is an error of the test that asked for it. This file does not import dshell.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
ENGINE_SCRIPT = REPO / "scripts" / "engine"
DEFAULT_ENV_FILE = "/tmp/dsh/env.json"
ENGINE_MARKER = "engine: needs the real Docker engine (scripts/engine up)"
# the CLI must talk to our engine only, whatever the developer's environment says
_DOCKER_ENV_DROP = ("DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_CONTEXT", "DOCKER_TLS")


def pytest_configure(config: pytest.Config) -> None:
    if not any(line.split(":")[0].strip() == "engine" for line in config.getini("markers")):
        config.addinivalue_line("markers", ENGINE_MARKER)


class TimeLimitExceeded(Exception):
    """A test ran longer than $DSHELL_TEST_TIMEOUT seconds."""


def _test_timeout() -> float:
    try:
        return float(os.environ.get("DSHELL_TEST_TIMEOUT", "300"))
    except ValueError:
        return 300.0


def _with_timeout(item: pytest.Item, phase: str):
    """Wraps one phase of a test in a SIGALRM deadline, so that a hung test fails instead of
    hanging the whole run (CI has a time limit). DSHELL_TEST_TIMEOUT=0 turns it off."""
    seconds = _test_timeout()
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(signum, frame):
        raise TimeLimitExceeded(f"{item.nodeid}: {phase} ran longer than {seconds:g}s (DSHELL_TEST_TIMEOUT)")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    yield from _with_timeout(item, "call")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item):
    yield from _with_timeout(item, "teardown")


class EngineError(RuntimeError):
    """The throwaway engine could not be started or does not answer."""


class DockerCLIError(RuntimeError):
    """A docker CLI command failed; the message carries its stderr."""


def engine_env_file() -> Path:
    return Path(os.environ.get("DSHELL_ENGINE_ENV") or DEFAULT_ENV_FILE)


def _read_env(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and "socket" in data else None


def ping(sock_path: str, timeout: float = 5.0) -> bool:
    """True when the engine answers ``GET /_ping`` with 200 on its unix socket (raw HTTP)."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(sock_path)
            sock.sendall(b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n")
            reply = b""
            while chunk := sock.recv(4096):
                reply += chunk
    except OSError:
        return False
    status = reply.split(b"\r\n", 1)[0].split()
    return len(status) >= 2 and status[1] == b"200"


def _engine_up(env_file: Path) -> None:
    env = dict(os.environ)
    # scripts/engine keys its state dir on DSHELL_ENGINE_DIR; keep it next to the env file asked for
    env.setdefault("DSHELL_ENGINE_DIR", str(env_file.parent))
    try:
        proc = subprocess.run(
            [str(ENGINE_SCRIPT), "up"], env=env, stdin=subprocess.DEVNULL,
            capture_output=True, text=True, timeout=900, check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise EngineError(f"scripts/engine up could not run: {exc}") from exc
    if proc.returncode != 0:
        out = (proc.stdout + proc.stderr)[-4000:]
        raise EngineError(f"scripts/engine up failed (exit {proc.returncode}):\n{out}")


@pytest.fixture(scope="session")
def engine() -> dict[str, Any]:
    """The engine's env.json as a dict (keys: docker_host, socket, tls_uri, ca, cert, key, key_enc,
    key_password, registry, registry_user, registry_password, registry_image, image, ...)."""
    env_file = engine_env_file()
    data = _read_env(env_file)
    if data is None or not ping(data["socket"]):
        _engine_up(env_file)
        data = _read_env(env_file)
        if data is None:
            raise EngineError(f"scripts/engine up did not write {env_file}")
        if not ping(data["socket"]):
            raise EngineError(f"the engine does not answer GET /_ping on {data['socket']}")
    return data


@pytest.fixture(scope="session")
def docker_cli(engine) -> Callable[..., str]:
    """``docker_cli("ps", "-aq")`` runs the docker CLI against the engine and returns its stdout.

    Keyword args: ``input`` (stdin text), ``check`` (raise DockerCLIError on a non-zero exit,
    default True), ``timeout`` (seconds, default 120).
    """
    env = {k: v for k, v in os.environ.items() if k not in _DOCKER_ENV_DROP}
    env["DOCKER_CONFIG"] = engine.get("docker_config") or str(Path(engine["state_dir"]) / "docker-config")

    def run(*args: str, input: str | None = None, check: bool = True, timeout: float = 120) -> str:
        cmd = ["docker", "-H", engine["docker_host"], *map(str, args)]
        proc = subprocess.run(cmd, env=env, input=input, capture_output=True, text=True,
                              timeout=timeout, check=False,
                              stdin=None if input is not None else subprocess.DEVNULL)
        if check and proc.returncode != 0:
            raise DockerCLIError(f"{' '.join(cmd)} -> exit {proc.returncode}: {proc.stderr.strip()}")
        return proc.stdout

    return run


@pytest.fixture
def unique_name() -> Iterator[Callable[..., str]]:
    """``unique_name()`` -> ``"dsh-test-1a2b3c4d"``; ``unique_name("dsh-vol")`` -> ``"dsh-vol-…"``.
    The names made in a test are kept in ``unique_name.made``."""
    made: list[str] = []

    def make(prefix: str = "dsh-test") -> str:
        name = f"{prefix}-{secrets.token_hex(4)}"
        made.append(name)
        return name

    make.made = made  # type: ignore[attr-defined]
    yield make


@pytest.fixture
def cleanup_containers(docker_cli, unique_name) -> Iterator[Callable[..., None]]:
    """At the end of the test, force-removes (with volumes) every container whose name starts with
    a prefix given to ``cleanup_containers(prefix, ...)`` or with a name made by ``unique_name``."""
    prefixes: list[str] = []

    def track(*names: str) -> None:
        prefixes.extend(names)

    yield track
    wanted = tuple(prefixes) + tuple(unique_name.made)
    if not wanted:
        return
    names = docker_cli("ps", "-a", "--format", "{{.Names}}", check=False).split()
    doomed = [n for n in names if n.startswith(wanted)]
    if doomed:
        docker_cli("rm", "-f", "-v", *doomed, check=False)
