"""``attach NAME`` and ``exec NAME [CMD ...]``: the user's terminal wired to a container's or an exec's stdio.

What to connect to and how it ended live in ``targets``; the tty modes, keys and line editing in ``terminal``.

A raw session independent of prompt_toolkit: a select() loop between the tty and the hijacked socket,
the terminal always restored.
"""

from __future__ import annotations

import contextlib
import os
import select
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import dshell.client as docker
from dshell.client import version_key

from .reply import Reply, one_line
from .targets import Outcome, Target, detach_keys, parse_target
from .terminal import (
    DetachFilter,
    LineEditor,
    ResizeSignal,
    describe_keys,
    parse_detach_keys,
    terminal_mode,
    terminal_size,
)

if TYPE_CHECKING:
    from .commands.streams import Stream
    from .session import Session

EXIT_WAIT = 2.0  # seconds to wait for the process's state once its stream ended


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

    def __init__(self, c: docker.Client, container: str, condition: str | None = None) -> None:
        self.client = c.copy()
        self.code: int | None = None
        self.failed = False
        self.done = threading.Event()
        self.settle = EXIT_WAIT if condition == "removed" else 0.1  # how long the answer may take once it ended
        params = {"id": container, **({"condition": condition} if condition else {})}
        request = {"op": "ContainerWait", "params": params, "throw": True}
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


def _open_attach(c: docker.Client, target: Target, keys: str, start: Callable[[], None] | None = None,
                 condition: str | None = None) -> _Connection:
    """Attach to a running container, or (``start`` given) attach to a created one and then start it, as
    docker run does: nothing it prints is lost. ``condition`` is the ContainerWait condition."""
    def call(op: str, **params: Any) -> Any:
        return docker.invoke(c, {"op": op, "params": {"id": target.container, **params}, "throw": True})

    info = call("ContainerInspect")
    if start is None and not info["State"]["Running"]:
        raise docker.DshellError("the container is not running: start it first (ContainerStart)")
    config = info["Config"]
    stdin = bool(config.get("OpenStdin"))
    wait = _ExitWait(c, target.container, condition)
    sock = None
    try:
        sock = docker.invoke(c, {"op": "ContainerAttach", "as": "socket", "throw": True, "params": {
            "id": target.container, "stream": True, "stdin": stdin, "stdout": True, "stderr": True,
            "detachKeys": keys}})
        if start is not None:
            start()
    except BaseException:
        if sock is not None:
            sock.close()
        wait.close()
        raise

    def state() -> tuple[bool, int | None]:
        if wait.exited(wait.settle):
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
        except docker.DockerConnectionError as exc:
            return Outcome(target, error=f"the connection to the daemon was lost ({exc})", data=conn.data)
        if not running:
            return Outcome(target, exit_code=code, data=conn.data)
        if time.monotonic() > deadline:
            return Outcome(target, detached=True, how="the stream ended", data=conn.data)
        time.sleep(0.02)


def run(c: docker.Client, target: Target, fds: tuple[int, int, int] = (0, 1, 2), *,
        start: Callable[[], None] | None = None, condition: str | None = None) -> Outcome:
    """Connect the terminal on ``fds`` (stdin, stdout, stderr) to ``target`` until its process ends, the
    user detaches, or the connection breaks; the terminal is restored whatever happens. ``start`` (an
    attach only) starts the container once attached; ``condition`` is the exit wait's."""
    stdin, stdout, stderr = fds
    conn: _Connection | None = None
    try:
        keys = detach_keys(target.detach_keys)
        parse_detach_keys(keys)  # a bad setting is reported before anything starts
        size = terminal_size(stdin)
        if target.kind == "attach":
            conn = _open_attach(c, target, keys, start, condition)
        else:
            conn = _open_exec(c, target, keys, size)
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
        target = parse_target(cmd.verb, cmd.typed)
    except ValueError as exc:
        return Reply(error=str(exc))
    c = session.require_client()
    started = time.perf_counter()
    outcome = run(c, target)
    params = {k: v for k, v in asdict(target).items() if v not in (None, (), "") and k != "kind"}
    result = session.keep(target.kind, params, outcome.as_dict(), status=None,
                          elapsed=time.perf_counter() - started, error=outcome.error, endpoint=c.uri)
    text = f"{outcome.message()}  (_{result.n})"
    if outcome.error:
        return Reply(error=text, result=result)
    return Reply(result=result, status=outcome.exit_code or 0, note=text)
