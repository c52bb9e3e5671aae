"""``attach NAME`` and ``exec NAME [CMD ...]``: the user's terminal wired to a container's or an exec's stdio.

A raw session independent of prompt_toolkit: a select() loop between the tty and the hijacked socket,
the terminal always restored.
"""

from __future__ import annotations

import contextlib
import os
import select
import shlex
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import dshell.client as docker
from dshell.client import load_docker_config, version_key

from .parse import COMMANDS
from .session import Reply, one_line, own_client
from .terminal import (
    DEFAULT_DETACH_KEYS,
    DetachFilter,
    LineEditor,
    ResizeSignal,
    describe_keys,
    parse_detach_keys,
    terminal_mode,
    terminal_size,
)

if TYPE_CHECKING:
    from .parse import Stream
    from .session import Session

EXIT_WAIT = 2.0  # seconds to wait for the process's state once its stream ended
_VALUE_OPTIONS = {"-u": "user", "--user": "user", "-w": "workdir", "--workdir": "workdir", "-e": "env",
                  "--env": "env", "--detach-keys": "detach_keys"}
_FLAGS = {"-i": None, "--interactive": None, "-t": True, "--tty": True, "-it": True, "-ti": True,
          "-T": False, "--no-tty": False}
ATTACH_USAGE, EXEC_USAGE = COMMANDS["attach"].usage, COMMANDS["exec"].usage


@dataclass(frozen=True, slots=True)
class Target:
    """What to connect to: a running container's stdio, or a new exec (``cmd``) in it."""

    kind: Literal["attach", "exec"]
    container: str
    cmd: tuple[str, ...] = ()
    user: str | None = None
    workdir: str | None = None
    env: tuple[str, ...] = ()
    tty: bool | None = None  # exec: None allocates a TTY when the user's stdin is a terminal
    detach_keys: str | None = None

    @property
    def label(self) -> str:
        """The container, or for an exec the container and the command, for messages."""
        return self.container if self.kind == "attach" else f"{self.container}: {shlex.join(self.cmd)}"


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a session ended: the process's ``exit_code``, ``detached`` (it keeps running), or an ``error``."""

    target: Target
    exit_code: int | None = None
    detached: bool = False
    error: str | None = None
    how: str = ""  # what detached, or why the state is unknown
    data: dict[str, Any] = field(default_factory=dict)  # what the daemon said (exec id, ...)

    def message(self) -> str:
        """One line for the user."""
        if self.error:
            return f"{self.target.kind} {self.target.container}: {self.error}"
        what = "container " + self.target.container if self.target.kind == "attach" else self.target.label
        if self.detached:
            return f"detached from {what} ({self.how}); it keeps running"
        if self.exit_code is None:
            return f"{what} ended; its exit code went with the container"
        return f"{what} exited with code {self.exit_code}"

    def as_dict(self) -> dict[str, Any]:
        """The outcome as a result for the history."""
        out = {"kind": self.target.kind, "container": self.target.container, "exit_code": self.exit_code,
               "detached": self.detached, "error": self.error, **self.data}
        if self.target.kind == "exec":
            out["cmd"] = list(self.target.cmd)
        return out


def _options(args: Sequence[str], usage: str, allowed: set[str]) -> tuple[dict[str, Any], list[str]]:
    """Leading docker-style options (``-u root``, ``-uroot``, ``--user=root``, flags) and the rest."""
    found: dict[str, Any] = {"env": []}
    words = list(args)
    while words and words[0].startswith("-") and words[0] != "-":
        word = words.pop(0)
        if word == "--":
            break
        name, eq, inline = word.partition("=") if word.startswith("--") else (word[:2], "", word[2:])
        if word in _FLAGS and word in allowed:
            if _FLAGS[word] is not None:
                found["tty"] = _FLAGS[word]
        elif name in _VALUE_OPTIONS and name in allowed:
            value = inline if (eq or inline) else (words.pop(0) if words else None)
            if value is None:
                raise ValueError(f"{name} needs a value: usage: {usage}")
            key = _VALUE_OPTIONS[name]
            found[key] = [*found["env"], value] if key == "env" else value
        else:
            raise ValueError(f"unknown option {word!r}: usage: {usage}")
    return found, words


def parse_target(kind: str, args: Sequence[str]) -> Target:
    """``attach`` (else ``exec``) words as typed (quotes are read like a shell's) → Target; ValueError if wrong."""
    words = shlex.split(" ".join(args))
    if kind == "attach":
        options, rest = _options(words, ATTACH_USAGE, {"--detach-keys"})
        if len(rest) != 1:
            raise ValueError(f"usage: {ATTACH_USAGE}")
        return Target("attach", rest[0], detach_keys=options.get("detach_keys"))
    options, rest = _options(words, EXEC_USAGE, set(_VALUE_OPTIONS) | set(_FLAGS))
    if not rest:
        raise ValueError(f"usage: {EXEC_USAGE}")
    return Target("exec", rest[0], tuple(rest[1:]) or ("sh",), options.get("user"), options.get("workdir"),
                  tuple(options["env"]), options.get("tty"), options.get("detach_keys"))


def detach_keys(override: str | None = None) -> str:
    """The detach keys: ``override``, else ``detachKeys`` of ~/.docker/config.json, else ctrl-p,ctrl-q."""
    return override or load_docker_config().get("detachKeys") or DEFAULT_DETACH_KEYS


@dataclass
class _Connection:
    """A started stdio stream and the calls that go with its process."""

    sock: docker.HijackedSocket
    tty: bool
    stdin: bool
    resize: Callable[[int, int], None]
    state: Callable[[], tuple[bool, int | None]]  # (running, exit code)
    data: dict[str, Any]
    close: Callable[[], None] = lambda: None  # once the session is over


class _ExitWait:
    """ContainerWait sent before attaching, as the docker CLI does: it has the exit code even of a container
    that removes itself when it stops (``--rm``), whose inspect answers 404 by then. On a client of its own,
    cancelled by ``close`` (after a detach the wait would last as long as the container)."""

    def __init__(self, c: docker.Client, container: str) -> None:
        self.client = own_client(c)
        self.code: int | None = None
        self.failed = False
        self.done = threading.Event()
        request = {"op": "ContainerWait", "params": {"id": container}, "throw": True}
        threading.Thread(target=self._run, args=(request,), name="dshell-attach-wait", daemon=True).start()

    def _run(self, request: dict[str, Any]) -> None:
        try:
            self.code = (docker.invoke(self.client, request) or {}).get("StatusCode")
        except docker.DshellError:
            self.failed = True  # the inspect that follows says why
        finally:
            self.done.set()

    def exited(self, timeout: float) -> bool:
        """Whether the wait answered (within ``timeout`` seconds) with the exit code in ``code``."""
        return self.done.wait(timeout) and not self.failed

    def close(self) -> None:
        """Abandon the wait."""
        self.client.cancel()
        self.client.close()


def _open_attach(c: docker.Client, target: Target, keys: str) -> _Connection:
    def call(op: str, **params: Any) -> Any:
        return docker.invoke(c, {"op": op, "params": {"id": target.container, **params}, "throw": True})

    info = call("ContainerInspect")
    if not info["State"]["Running"]:
        raise docker.DshellError("the container is not running: start it first (ContainerStart)")
    config = info["Config"]
    stdin = bool(config.get("OpenStdin"))
    wait = _ExitWait(c, target.container)
    try:
        sock = docker.invoke(c, {"op": "ContainerAttach", "as": "socket", "throw": True, "params": {
            "id": target.container, "stream": True, "stdin": stdin, "stdout": True, "stderr": True,
            "detachKeys": keys}})
    except BaseException:
        wait.close()
        raise

    def state() -> tuple[bool, int | None]:
        if wait.exited(0.1):
            return False, wait.code
        try:
            now = call("ContainerInspect")["State"]
        except docker.DockerError as exc:
            if exc.status == 404 and wait.exited(EXIT_WAIT):  # removed once it stopped: the wait knows how
                return False, wait.code
            raise
        return bool(now["Running"]), now.get("ExitCode")

    return _Connection(sock, bool(config.get("Tty")), stdin, lambda h, w: call("ContainerResize", h=h, w=w),
                       state, {"id": info["Id"]}, wait.close)


def _open_exec(c: docker.Client, target: Target, keys: str, size: tuple[int, int] | None) -> _Connection:
    tty = target.tty if target.tty is not None else size is not None
    config: dict[str, Any] = {"Cmd": list(target.cmd), "AttachStdin": True, "AttachStdout": True,
                              "AttachStderr": True, "Tty": tty, "DetachKeys": keys}
    config |= {k: v for k, v in (("User", target.user), ("WorkingDir", target.workdir)) if v}
    if target.env:
        config["Env"] = list(target.env)
    if tty and size and version_key(c.api_version) >= (1, 42):
        config["ConsoleSize"] = list(size)
    created = docker.invoke(c, {"op": "ContainerExec", "params": {"id": target.container, "execConfig": config},
                                "throw": True})
    exec_id = created["Id"]
    sock = docker.invoke(c, {"op": "ExecStart", "as": "socket", "throw": True, "params": {
        "id": exec_id, "execStartConfig": {"Detach": False, "Tty": tty}}})

    def call(op: str, **params: Any) -> Any:
        return docker.invoke(c, {"op": op, "params": {"id": exec_id, **params}, "throw": True})

    def state() -> tuple[bool, int | None]:
        try:
            now = call("ExecInspect")
        except docker.DockerError as exc:
            if exc.status == 404:  # the container went, and its execs with it: ended, code unknown
                return False, None
            raise
        return bool(now["Running"]), now.get("ExitCode")

    return _Connection(sock, tty, True, lambda h, w: call("ExecResize", h=h, w=w), state, {"exec_id": exec_id})


def _write(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _initial_resize(conn: _Connection, size: tuple[int, int]) -> None:
    """Resize once the process exists (an exec may not have started yet: retry briefly, like docker)."""
    for attempt in range(10):
        try:
            conn.resize(*size)
            return
        except docker.DockerError:
            time.sleep(0.01 * (attempt + 1))


class _Relay:
    """The select() loop: keys to the socket, output to the screen, resizes to the daemon."""

    def __init__(self, conn: _Connection, keys: str, fds: tuple[int, int, int]) -> None:
        self.conn = conn
        self.keys = keys
        self.stdin, self.stdout, self.stderr = fds
        interactive = os.isatty(self.stdin)
        self.detach = DetachFilter(parse_detach_keys(keys) if interactive else b"")
        self.editor = LineEditor() if interactive and not conn.tty else None
        self.frames = None if conn.tty else docker.FrameDecoder()
        self.reading = True  # the user's stdin is still read (even when not forwarded: for the detach keys)
        self.detached = ""

    def hint(self) -> str:
        """Which keys do what, for the line shown when the session starts."""
        keys = describe_keys(self.keys)
        if not self.conn.stdin:
            return f"its stdin is closed; {keys} detaches"
        return f"ctrl-d sends EOF, ctrl-c or {keys} detaches" if self.editor else f"{keys} detaches"

    def run(self, winch: ResizeSignal) -> None:
        """Relay until the stream ends or the user detaches."""
        sock = self.conn.sock
        while True:
            ready = [sock] if sock.pending() else self._wait(winch)
            if sock in ready and not self._output(sock.recv(262144)):
                return
            if self.stdin in ready and not self._input(os.read(self.stdin, 65536)):
                return
            if winch in ready:
                winch.drain()
                size = terminal_size(self.stdin)
                if size and self.conn.tty:
                    with contextlib.suppress(docker.DockerError):
                        self.conn.resize(*size)

    def _wait(self, winch: ResizeSignal) -> list[Any]:
        watched: list[Any] = [self.conn.sock, winch]
        if self.reading:
            watched.append(self.stdin)
        return select.select(watched, [], [])[0]

    def _output(self, data: bytes) -> bool:
        if not data:
            return False
        if self.frames is None:
            _write(self.stdout, data)
        else:
            for stream, payload in self.frames.feed(data):
                _write(self.stderr if stream == 2 else self.stdout, payload)
        return True

    def _input(self, data: bytes) -> bool:
        if not data:
            self._end_stdin()
            return True
        data, done = self.detach.feed(data)
        if done:
            self.detached = describe_keys(self.keys)
        eof = False
        if self.editor is not None:
            edit = self.editor.feed(data)
            _write(self.stdout, edit.echo)
            data, eof = edit.send, edit.eof
            if edit.interrupt:
                self.detached = "ctrl-c"
        self._send(data)
        if eof:
            self._end_stdin()
        return not self.detached

    def _send(self, data: bytes) -> None:
        if data and self.conn.stdin:
            self.conn.sock.sendall(data)

    def _end_stdin(self) -> None:
        """The user's input ended: tell the process (stdin EOF), keep showing its output."""
        self.reading = False
        if self.conn.stdin:
            with contextlib.suppress(OSError):
                self.conn.sock.shutdown(socket.SHUT_WR)


def _outcome(target: Target, conn: _Connection, relay: _Relay) -> Outcome:
    if relay.detached:
        return Outcome(target, detached=True, how=relay.detached, data=conn.data)
    deadline = time.monotonic() + EXIT_WAIT
    while True:
        try:
            running, code = conn.state()
        except docker.ConnectionError as exc:
            return Outcome(target, error=f"the connection to the daemon was lost ({exc})", data=conn.data)
        if not running:
            return Outcome(target, exit_code=code, data=conn.data)
        if time.monotonic() > deadline:
            return Outcome(target, detached=True, how="the stream ended", data=conn.data)
        time.sleep(0.02)


def run(c: docker.Client, target: Target, fds: tuple[int, int, int] = (0, 1, 2)) -> Outcome:
    """Connect the terminal on ``fds`` (stdin, stdout, stderr) to ``target`` until its process ends, the
    user detaches, or the connection breaks; the terminal is restored whatever happens."""
    stdin, stdout, stderr = fds
    conn: _Connection | None = None
    try:
        keys = detach_keys(target.detach_keys)
        parse_detach_keys(keys)  # a bad setting is reported before anything starts
        size = terminal_size(stdin)
        conn = _open_attach(c, target, keys) if target.kind == "attach" else _open_exec(c, target, keys, size)
        relay = _Relay(conn, keys, fds)
        if os.isatty(stdin):
            _write(stderr, f"[{target.kind} {target.label}{' (tty)' if conn.tty else ''}: {relay.hint()}]\r\n".encode())
        with ResizeSignal() as winch, terminal_mode(stdin, "raw" if conn.tty else "keys"):
            if conn.tty and size:
                _initial_resize(conn, size)
            relay.run(winch)
        if os.isatty(stdout):
            _write(stdout, b"\r\n")
        return _outcome(target, conn, relay)
    except docker.DockerError as exc:
        return Outcome(target, error=exc.message)
    except (docker.DshellError, OSError, ValueError) as exc:
        return Outcome(target, error=one_line(exc))
    finally:
        if conn is not None:
            conn.sock.close()
            conn.close()


def command(session: Session, cmd: Stream) -> Reply:
    """``attach``/``exec`` typed at the prompt: run the session, keep its outcome as a numbered result."""
    try:
        target = parse_target(cmd.name, cmd.args)
    except ValueError as exc:
        return Reply(error=str(exc))
    c = session.require_client()
    started = time.perf_counter()
    outcome = run(c, target)
    params = {k: v for k, v in asdict(target).items() if v not in (None, (), "") and k != "kind"}
    result = session.store(target.kind, params, (None, time.perf_counter() - started, outcome.as_dict(),
                                                 outcome.error), c)
    text = f"{outcome.message()}  (_{result.n})"
    return Reply(error=text, result=result) if outcome.error else Reply(text, result=result)
