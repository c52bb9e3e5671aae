"""The services a BuildKit session serves back to the daemon: health, files (context, Dockerfile, exports),
registry logins, secrets and SSH agent forwarding."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import _fsync
from ._grpc import NOT_FOUND, Call, GrpcError, Handler
from ._proto import fields, put_bytes, text

SSH_ID_KEY = "buildkit.ssh.id"


def _first(message: bytes | None, number: int = 1) -> str:
    """A string field of a request (its first field by default)."""
    for n, value in fields(message or b""):
        if n == number:
            return text(value)
    return ""


def health(call: Call) -> None:
    """grpc.health.v1.Health/Check: SERVING."""
    call.recv()
    call.send(b"\x08\x01")


class Dir:
    """A local folder the daemon may ask for by name (``context``, ``dockerfile``), with the .dockerignore
    patterns that apply to it (they take the place of the ones the frontend sends, as the docker CLI does)."""

    def __init__(self, path: str, excludes: list[str] | None = None) -> None:
        self.path = path
        self.excludes = excludes


def file_sync(dirs: dict[str, Dir], sent: Callable[[int], None] | None = None) -> Handler:
    """moby.filesync.v1.FileSync/DiffCopy: the named folder, filtered as the call's metadata asks."""

    def serve(call: Call) -> None:
        name = (call.meta("dir-name") or [""])[0]
        folder = dirs.get(name)
        if folder is None:
            raise GrpcError(NOT_FOUND, f"no access allowed to dir {name!r}")
        excludes = folder.excludes if folder.excludes else call.meta("exclude-patterns")
        walk = _fsync.Walk(folder.path, call.meta("include-patterns"), excludes, call.meta("followpaths"))
        _fsync.send(call, walk, sent)

    return serve


def file_send(output: tuple[str, Any]) -> Handler:
    """moby.filesync.v1.FileSend/DiffCopy: an export, into a folder (``local``) or a tar file (``tar``)."""
    kind, dest = output

    def serve(call: Call) -> None:
        if kind == "local":
            _fsync.receive(call, dest)
        elif dest == "-" or hasattr(dest, "write"):
            import sys

            _fsync.receive_tar(call, dest if hasattr(dest, "write") else sys.stdout.buffer)
        else:
            fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            with os.fdopen(fd, "wb") as fh:
                _fsync.receive_tar(call, fh)

    return serve


_HUB_HOSTS = {"registry-1.docker.io", "docker.io", "index.docker.io"}


def credentials(lookup: Callable[[str], dict[str, Any] | None]) -> Handler:
    """moby.filesync.v1.Auth/Credentials: the login for a registry host, from the docker config and credential
    helpers (``lookup``); none gives an empty answer (an anonymous pull)."""

    def serve(call: Call) -> None:
        host = _first(call.recv())
        from dshell.client._auth import INDEX_SERVER

        found = lookup(INDEX_SERVER if host in _HUB_HOSTS else host) or {}
        if found.get("identitytoken"):
            call.send(put_bytes(2, found["identitytoken"]))
        else:
            call.send(put_bytes(1, found.get("username") or "") + put_bytes(2, found.get("password") or ""))

    return serve


def secrets(values: dict[str, Callable[[], bytes]]) -> Handler:
    """moby.buildkit.secrets.v1.Secrets/GetSecret: a secret's bytes, read when the build asks for them."""

    def serve(call: Call) -> None:
        ident = _first(call.recv())
        read = values.get(ident)
        if read is None:
            raise GrpcError(NOT_FOUND, f"secret {ident} not found")
        try:
            data = read()
        except OSError as exc:
            raise GrpcError(NOT_FOUND, f"secret {ident}: {exc.strerror or exc}") from None
        call.send(put_bytes(1, data))

    return serve


def ssh_check(agents: dict[str, str]) -> Handler:
    """moby.sshforward.v1.SSH/CheckAgent: whether an agent is forwarded under the id."""

    def serve(call: Call) -> None:
        ident = _first(call.recv()) or "default"
        if ident not in agents:
            raise GrpcError(NOT_FOUND, f"unset ssh forward key {ident}")
        call.send(b"")

    return serve


def ssh_forward(agents: dict[str, str]) -> Handler:
    """moby.sshforward.v1.SSH/ForwardAgent: one connection to the user's agent, bytes copied both ways."""

    def serve(call: Call) -> None:
        ident = (call.meta(SSH_ID_KEY) or ["default"])[0]
        path = agents.get(ident)
        if path is None:
            raise GrpcError(NOT_FOUND, f"unset ssh forward key {ident}")
        agent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            agent.connect(path)
        except OSError as exc:
            agent.close()
            raise GrpcError(NOT_FOUND, f"ssh agent {ident}: {exc.strerror or exc}") from None

        def answers() -> None:
            try:
                while data := agent.recv(65536):
                    call.send(put_bytes(1, data))
            except (OSError, GrpcError, ConnectionError):
                pass

        reader = threading.Thread(target=answers, name="dshell-ssh-agent", daemon=True)
        reader.start()
        try:
            while (message := call.recv()) is not None:
                for number, value in fields(message):
                    if number == 1 and isinstance(value, bytes):
                        agent.sendall(value)
        finally:
            with contextlib.suppress(OSError):
                agent.shutdown(socket.SHUT_RDWR)
            agent.close()
            reader.join(5)

    return serve


def secret_source(spec: str | bytes | Path) -> Callable[[], bytes]:
    """How to read a secret: bytes as they are, a Path's file (read when asked)."""
    if isinstance(spec, bytes):
        return lambda: spec
    path = Path(spec)
    return path.read_bytes
