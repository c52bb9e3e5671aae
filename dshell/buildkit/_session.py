"""A BuildKit session of dshell's own: the services a build calls back, served over a connection to the daemon.

``Session(...).open(client)`` upgrades ``POST /session`` to h2c and serves gRPC on it in a thread; the build
then names the session's id. The gRPC side (``_grpc.Server``) takes any socket-like object, so a daemon that
serves sessions elsewhere (API v1.53+) needs only another way to open the stream.
"""

from __future__ import annotations

import hashlib
import os
import secrets as _random
import string
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import _services
from ._grpc import Handler, Server

HEALTH = "/grpc.health.v1.Health/Check"
DIFF_COPY = "/moby.filesync.v1.FileSync/DiffCopy"
FILE_SEND = "/moby.filesync.v1.FileSend/DiffCopy"
CREDENTIALS = "/moby.filesync.v1.Auth/Credentials"
GET_SECRET = "/moby.buildkit.secrets.v1.Secrets/GetSecret"
SSH_CHECK = "/moby.sshforward.v1.SSH/CheckAgent"
SSH_FORWARD = "/moby.sshforward.v1.SSH/ForwardAgent"
_ALPHABET = string.ascii_lowercase + string.digits


def new_id() -> str:
    """A random id as BuildKit makes them (25 characters of [a-z0-9])."""
    return "".join(_random.choice(_ALPHABET) for _ in range(25))


class Session:
    """The session of one build.

    ``dirs``: the folders the daemon may read, by name (``context``, ``dockerfile``); ``secrets``: id → how to
    read it; ``ssh``: id → an agent's socket; ``output``: ("local", folder) or ("tar", file or "-") for ``-o``;
    ``lookup``: registry host → login (the docker config's, by default); ``cleanup``: run when it closes.
    """

    def __init__(self, dirs: dict[str, _services.Dir], secrets: dict[str, Callable[[], bytes]] | None = None,
                 ssh: dict[str, str] | None = None, output: tuple[str, Any] | None = None,
                 lookup: Callable[[str], dict[str, Any] | None] | None = None,
                 cleanup: list[Callable[[], None]] | None = None) -> None:
        from dshell.client import _auth

        self.id = new_id()
        context = dirs.get("context")
        root = os.path.realpath(context.path) if context else ""
        self.name = os.path.basename(root) or "dshell"
        # the same folder gets the same key, so the daemon diffs against what it kept from the last build
        self.shared_key = hashlib.sha256(f"dshell:{root}".encode()).hexdigest()
        self.sent = 0  # bytes of files sent so far
        self.handlers: dict[str, Handler] = {
            HEALTH: _services.health,
            DIFF_COPY: _services.file_sync(dirs, self._count),
            CREDENTIALS: _services.credentials(lookup or _auth.lookup),
        }
        if secrets:
            self.handlers[GET_SECRET] = _services.secrets(secrets)
        if ssh:
            self.handlers[SSH_CHECK] = _services.ssh_check(ssh)
            self.handlers[SSH_FORWARD] = _services.ssh_forward(ssh)
        if output:
            self.handlers[FILE_SEND] = _services.file_send(output)
        self.server: Server | None = None
        self._thread: threading.Thread | None = None
        self._cleanup = list(cleanup or ())  # run once at close (a key agent started for the build)
        self.agents = dict(ssh or {})  # the agents' sockets by id

    def _count(self, sent: int) -> None:
        self.sent = sent

    def headers(self) -> dict[str, Any]:
        """The Session op's params: who this session is and which methods it serves."""
        return {"X-Docker-Expose-Session-Uuid": self.id, "X-Docker-Expose-Session-Name": self.name,
                "X-Docker-Expose-Session-Sharedkey": self.shared_key,
                "X-Docker-Expose-Session-Grpc-Method": sorted(self.handlers)}

    def serve(self, sock: Any) -> None:
        """Serve the session's gRPC services on ``sock`` (any socket-like object) in a thread."""
        self.server = Server(sock, self.handlers)
        self._thread = threading.Thread(target=self.server.serve, name="dshell-session", daemon=True)
        self._thread.start()

    def open(self, client: Any) -> Session:
        """Open the session on the daemon of ``client`` (``POST /session`` upgraded to h2c) and serve it."""
        from dshell.client import invoke

        sock = invoke(client, {"op": "Session", "as": "socket", "params": self.headers(), "throw": True})
        self.serve(sock)
        return self

    @property
    def errors(self) -> list[BaseException]:
        """What went wrong in the services (a handler's failure the daemon saw as an error)."""
        return list(self.server.errors) if self.server else []

    def close(self) -> None:
        """End the session (the daemon then forgets it) and what it started."""
        if self.server is not None:
            self.server.close()
        if self._thread is not None:
            self._thread.join(5)
        while self._cleanup:
            self._cleanup.pop()()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def context_dirs(context: str | Path, dockerfile: str | Path | None) -> tuple[dict[str, _services.Dir], str]:
    """The session's folders for a build of ``context`` and the Dockerfile's name in its own folder.

    A ``Path`` Dockerfile is a local file (inside or outside the context); a string is a name inside the
    context, as the API has it. The context's ``.dockerignore`` applies with the docker CLI's rules."""
    from dshell.client._context import DEFAULT_DOCKERFILE
    from dshell.client._dockerignore import load
    from dshell.client._errors import ValidationError

    root = Path(os.path.realpath(context))
    if not root.is_dir():
        raise ValidationError(f"{context}: the build context must be a folder")
    if dockerfile is None:
        name = DEFAULT_DOCKERFILE
        if not (root / name).exists() and (root / "dockerfile").exists():
            name = "dockerfile"
        file = root / name
    elif isinstance(dockerfile, Path):
        file = Path(os.path.realpath(dockerfile))
    else:
        file = root / str(dockerfile)
    if not file.is_file():
        raise ValidationError(f"cannot locate Dockerfile: {dockerfile or file} (no such file)")
    return ({"context": _services.Dir(str(root), load(root) or None),
             "dockerfile": _services.Dir(str(file.parent))}, file.name)
