"""ssh:// endpoints as the docker CLI does them: the system's ``ssh`` runs ``docker system dial-stdio`` on the
remote host, and HTTP goes over its stdin/stdout.

The ssh process gets one end of a socketpair as stdin and stdout, so the transport sees an ordinary socket and
``shutdown(SHUT_WR)`` gives the remote stdin its EOF. One connection is one process: closing the socket ends
it, and so do the socket's garbage collection, the interpreter's exit and (Linux) the death of the process.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import IO, Any
from urllib.parse import urlsplit

from dshell._frozen import Record

from ._endpoint import Endpoint, without_password
from ._errors import ConnectionError

PROBE_TIMEOUT = 60.0  # seconds for ssh to log in and the daemon to answer, when the endpoint sets none
_EXIT_WAIT = 2.0


class Target(Record):
    """The parts of ``ssh://[user@]host[:port][/socket/path]``."""

    user: str | None
    host: str
    port: int | None
    path: str

    @classmethod
    def parse(cls, uri: str) -> Target:
        """Check ``uri`` as the docker CLI does (no password, query or fragment); ConnectionError if wrong."""
        parts = urlsplit(uri)
        wrong = ("a password (use a key or an agent)" if parts.password is not None
                 else "no host" if not parts.hostname
                 else "a query" if parts.query
                 else "a fragment" if parts.fragment else None)
        try:
            port = parts.port
        except ValueError:
            wrong = "a bad port"
        if wrong:
            raise ConnectionError(f"the ssh endpoint {without_password(uri)!r} has {wrong}: expected ssh://[USER@]HOST[:PORT]")
        return cls(parts.username, str(parts.hostname), port, parts.path.rstrip("/"))

    def argv(self, connect_timeout: float | None) -> list[str]:
        """The command line: ``ssh -o ConnectTimeout=… -T [-l USER] [-p PORT] -- HOST docker … dial-stdio``."""
        remote = ["docker", "system", "dial-stdio"]
        if self.path:
            remote[1:1] = [f"--host=unix://{self.path}"]
        args = ["ssh", "-o", f"ConnectTimeout={max(1, round(connect_timeout or 30))}", "-T"]
        if self.user:
            args += ["-l", self.user]
        if self.port:
            args += ["-p", str(self.port)]
        return [*args, "--", self.host, shlex.join(remote)]

    def command(self) -> str:
        """How to try the same login by hand."""
        return shlex.join(["ssh", *(["-p", str(self.port)] if self.port else []),
                           f"{self.user}@{self.host}" if self.user else self.host])


class SshSocket(socket.socket):
    """Our end of the socketpair; ``close`` also ends the ssh process behind it."""

    __slots__ = ("process", "stderr", "_end", "_ending")

    process: subprocess.Popen[bytes]
    stderr: IO[bytes]
    _end: weakref.finalize[Any, Any]
    _ending: threading.Lock

    @classmethod
    def around(cls, ours: socket.socket, process: subprocess.Popen[bytes], stderr: IO[bytes]) -> SshSocket:
        """``ours`` (our end of the socketpair), owning ``process`` and its ``stderr`` file from now on."""
        sock = cls(fileno=ours.detach())
        sock.process, sock.stderr = process, stderr
        sock._end = weakref.finalize(sock, _end, process, stderr)
        sock._ending = threading.Lock()
        return sock

    def close(self) -> None:
        """Close the socket and end (and reap) the ssh process; a second closer (the reader a cancel woke) waits
        until the first has reaped it, so that neither returns with the process still there."""
        with self._ending:
            self._end()
        super().close()


def _end(process: subprocess.Popen[bytes], stderr: IO[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(_EXIT_WAIT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    stderr.close()


def _die_with_parent() -> Callable[[], None] | None:
    """A preexec_fn that makes the kernel kill the child when its parent thread dies (Linux), else None."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    prctl = ctypes.CDLL(None, use_errno=True).prctl
    parent = os.getpid()

    def preexec() -> None:
        prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:
            os._exit(1)

    return preexec


_spawner = ThreadPoolExecutor(1, thread_name_prefix="dshell-ssh")  # its thread starts on first use


def _spawn(argv: list[str], child: socket.socket, stderr: IO[bytes]) -> subprocess.Popen[bytes]:
    """Start ssh from one long-lived thread: the parent-death signal fires when the forking *thread* ends."""
    fd = child.fileno()

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen(argv, stdin=fd, stdout=fd, stderr=stderr, start_new_session=True,
                                preexec_fn=_die_with_parent())

    return _spawner.submit(start).result()


def dial(endpoint: Endpoint) -> SshSocket:
    """Start ssh for ``endpoint`` and check the daemon answers /_ping through it; the socket to speak HTTP on.

    A failure is one ConnectionError line telling which: no ssh, host unreachable, host key unknown,
    authentication refused, no docker CLI there, or its daemon down."""
    target = Target.parse(endpoint.uri)
    ours, theirs = socket.socketpair()
    stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed with the process, in _end
    try:
        process = _spawn(target.argv(endpoint.timeouts.connect), theirs, stderr)
    except OSError as exc:
        ours.close()
        stderr.close()
        if isinstance(exc, FileNotFoundError):
            raise ConnectionError(f"cannot connect to {endpoint.uri}: no `ssh` program on PATH; install the "
                                  "OpenSSH client (e.g. apt-get install openssh-client)") from None
        raise ConnectionError(f"cannot connect to {endpoint.uri}: cannot run ssh: {exc.strerror or exc}") from None
    finally:
        theirs.close()
    sock = SshSocket.around(ours, process, stderr)
    try:
        _probe(sock, endpoint)
    except ConnectionError as exc:
        timed_out = "timed out" in str(exc)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(0 if timed_out else _EXIT_WAIT)
        said = _read(stderr)
        sock.close()
        raise ConnectionError(diagnose(endpoint.uri, target, process.returncode, said, timed_out)) from None
    except BaseException:
        sock.close()
        raise
    return sock


def _read(stderr: IO[bytes]) -> str:
    stderr.seek(0)
    return stderr.read()[-8192:].decode(errors="replace")


def _probe(sock: SshSocket, endpoint: Endpoint) -> None:
    """GET /_ping through the new connection: every way ssh can fail shows here, not in the first call."""
    from ._request import Request
    from ._transport import Body, Connection

    conn = Connection(sock, endpoint)
    sock.settimeout(endpoint.timeouts.connect or PROBE_TIMEOUT)
    conn.send(Request("GET", "/_ping", {}).head(endpoint.host_header), None)
    Body(conn, conn.read_head(), "GET").read_all()
    if conn.buf:
        raise ConnectionError(f"{endpoint.uri}: more than one answer to one /_ping")


# (cause, stderr fragments (lower case), what to say); the first cause with a fragment in stderr wins
_CAUSES = (
    ("host key", ("host key verification failed", "remote host identification has changed"),
     "the host key of {host} is unknown to ssh (or changed): check it, then accept it with `{cmd}` once "
     "or add it to known_hosts"),
    ("daemon", ("failed to open the raw stream connection", "cannot connect to the docker daemon",
                "error during connect", "while trying to connect to the docker daemon"),
     "the Docker daemon on {host} does not answer ({detail}): start it there, or fix DOCKER_HOST on that host"),
    ("docker cli", ("docker: command not found", "docker: not found", "docker: no such file"),
     "no docker CLI on {host} ({detail}): dshell runs `docker system dial-stdio` there; install the docker "
     "CLI on that host (on the PATH of non-interactive ssh sessions)"),
    ("authentication", ("permission denied", "too many authentication failures", "no more authentication"),
     "ssh authentication refused by {host} ({detail}): add your key to ssh-agent or name it with "
     "IdentityFile in ~/.ssh/config, and check the user name"),
    ("unreachable", ("could not resolve hostname", "connection refused", "no route to host", "timed out",
                     "network is unreachable", "connection closed by", "kex_exchange_identification",
                     "connection reset"),
     "cannot reach {host} over ssh ({detail}): check the host name and port, e.g. with `{cmd}`"),
)


def diagnose(uri: str, target: Target, returncode: int | None, stderr: str, timed_out: bool = False) -> str:
    """One line saying why ssh gave no HTTP connection, from ssh's exit code and its stderr."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for _, fragments, text in _CAUSES:
        for line in lines:
            if any(f in line.lower() for f in fragments):
                return f"{uri}: " + text.format(host=target.host, cmd=target.command(), detail=line.rstrip("."))
    if timed_out:
        return (f"{uri}: no answer through ssh within the connect timeout: is `{target.command()}` waiting for "
                "something (a password, a host key prompt)? Use a key from ssh-agent")
    detail = lines[-1] if lines else "no message"
    status = f"exit {returncode}" if returncode is not None else "no answer"
    return f"{uri}: ssh to {target.host} gave no Docker connection ({status}: {detail})"
