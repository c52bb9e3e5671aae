"""Suite-wide fixtures: the throwaway Docker engine of ``scripts/engine`` and docker CLI helpers.

``engine`` never skips: when the engine is not up it runs ``scripts/engine up`` itself, and a
failure there is an error of the test that asked for it. ``DSHELL_ENGINE`` picks the engine: ``main``
(Docker 20.10, the default) or ``modern`` (Docker 28.5, ``scripts/engine up --modern``); ``engine_facts``
says what the engine is (its API version, image store), so that tests ask instead of assuming.
This file does not import dshell.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import threading
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
ENGINE_SCRIPT = REPO / "scripts" / "engine"
DEFAULT_ENV_FILE = "/tmp/dsh/env.json"
# DSHELL_ENGINE -> (default env file, scripts/engine flags, the variable naming its state dir)
ENGINES = {
    "main": (DEFAULT_ENV_FILE, (), "DSHELL_ENGINE_DIR"),
    "modern": ("/tmp/dshm/env.json", ("--modern",), "DSHELL_MODERN_DIR"),
}
ENGINE_MARKER = "engine: needs the real Docker engine (scripts/engine up)"
# the CLI must talk to our engine only, whatever the developer's environment says
_DOCKER_ENV_DROP = ("DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_CONTEXT", "DOCKER_TLS")


def pytest_configure(config: pytest.Config) -> None:
    if not any(line.split(":")[0].strip() == "engine" for line in config.getini("markers")):
        config.addinivalue_line("markers", ENGINE_MARKER)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``@pytest.mark.only_engine("main", pins="...")``: a test that holds on one engine only runs there; on the
    other it is deselected (not skipped: nothing of it ran), one line saying which and the behaviour it pins."""
    name = selected_engine()
    kept: list[pytest.Item] = []
    elsewhere: dict[str, int] = {}
    for item in items:
        mark = item.get_closest_marker("only_engine")
        if mark is not None and name not in mark.args:
            why = f"on the {'/'.join(mark.args)} engine only ({mark.kwargs['pins']})"
            elsewhere[why] = elsewhere.get(why, 0) + 1
            config.hook.pytest_deselected(items=[item])
        else:
            kept.append(item)
    items[:] = kept
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    for why, count in elsewhere.items():
        if reporter is not None:
            reporter.write_line(f"{count} tests deselected here: {why}")


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


def selected_engine() -> str:
    """``$DSHELL_ENGINE`` (``main`` when unset); anything else is a usage error in one line."""
    name = os.environ.get("DSHELL_ENGINE") or "main"
    if name not in ENGINES:
        raise pytest.UsageError(f"DSHELL_ENGINE={name!r}: expected one of {', '.join(ENGINES)}")
    return name


def engine_env_file() -> Path:
    return Path(os.environ.get("DSHELL_ENGINE_ENV") or ENGINES[selected_engine()][0])


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
    _, flags, dir_var = ENGINES[selected_engine()]
    # scripts/engine keys its state dir on DSHELL_ENGINE_DIR (DSHELL_MODERN_DIR); keep it next to the env file
    env.setdefault(dir_var, str(env_file.parent))
    try:
        proc = subprocess.run(
            [str(ENGINE_SCRIPT), "up", *flags], env=env, stdin=subprocess.DEVNULL,
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
    name = selected_engine()
    if data.get("engine", "main") != name:
        raise EngineError(f"{env_file} is the {data.get('engine', 'main')} engine's, not the {name} one's "
                          f"(DSHELL_ENGINE={name}): unset DSHELL_ENGINE_ENV or point it at the {name} engine")
    return data


def _get_json(sock_path: str, path: str) -> Any:
    """``GET path`` on the engine's unix socket (raw HTTP/1.0, no dshell), its JSON body."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(10)
        sock.connect(sock_path)
        sock.sendall(f"GET {path} HTTP/1.0\r\nHost: docker\r\n\r\n".encode())
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    return json.loads(reply.partition(b"\r\n\r\n")[2])


@dataclass(frozen=True)
class EngineFacts:
    """What the engine under test is, asked once (GET /version, /info), never assumed."""

    name: str  # "main" | "modern" (DSHELL_ENGINE)
    version: str  # the engine's version, e.g. "20.10.24+dfsg1"
    api_version: str  # its highest API version, e.g. "1.41"
    containerd_store: bool  # images live in containerd (the containerd-snapshotter feature)

    @property
    def api(self) -> tuple[int, int]:
        major, minor = self.api_version.split(".")
        return int(major), int(minor)

    @property
    def api_prefixed(self) -> str:
        """The API version as dshell negotiates and shows it, e.g. ``v1.41``."""
        return "v" + self.api_version

    def api_at_least(self, version: str) -> bool:
        major, minor = version.split(".")
        return self.api >= (int(major), int(minor))


@pytest.fixture(scope="session")
def engine_facts(engine) -> EngineFacts:
    version = _get_json(engine["socket"], "/version")
    info = _get_json(engine["socket"], "/info")
    store = any(pair[:2] == ["driver-type", "io.containerd.snapshotter.v1"] for pair in info.get("DriverStatus") or [])
    return EngineFacts(name=engine.get("engine", "main"), version=version["Version"],
                       api_version=version["ApiVersion"], containerd_store=store)


def get_published(engine: dict[str, Any], url: str) -> bytes:
    """GET ``url`` (a port the engine published) from the engine's network: the machine's, or the network
    namespace of an engine that runs in one (env.json's ``netns``: its published ports live there)."""
    if not engine.get("netns"):
        with urllib.request.urlopen(url, timeout=2) as answer:
            return bytes(answer.read())
    proc = subprocess.run(["nsenter", f"--net={engine['netns']}", "curl", "-fsS", "--max-time", "2", url],
                          capture_output=True, timeout=10, check=False, stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        raise OSError(f"curl {url} in {engine['netns']}: {proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout


@pytest.fixture(scope="session")
def docker_cli(engine) -> Callable[..., str]:
    """``docker_cli("ps", "-aq")`` runs the docker CLI against the engine and returns its stdout.

    Keyword args: ``input`` (stdin text), ``check`` (raise DockerCLIError on a non-zero exit,
    default True), ``timeout`` (seconds, default 120).
    """
    env = {k: v for k, v in os.environ.items() if k not in _DOCKER_ENV_DROP}
    env["DOCKER_CONFIG"] = engine.get("docker_config") or str(Path(engine["state_dir"]) / "docker-config")

    def run(*args: str, input: str | None = None, check: bool = True, timeout: float = 120) -> str:
        cmd = [engine.get("docker_cli", "docker"), "-H", engine["docker_host"], *map(str, args)]
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


def pytest_report_header(config: pytest.Config) -> str:
    return f"engine: {selected_engine()} ({engine_env_file()})"
