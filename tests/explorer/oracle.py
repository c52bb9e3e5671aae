"""The docker CLI as an oracle for recorded answers: a tiny daemon on a unix socket serving given JSON by path
ending (after /_ping and /version), so ``docker top``, ``system df``, ``search``... print what they print for
exactly that answer."""

from __future__ import annotations

import json
import os
import shutil
import socketserver
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

VERSION = {"Version": "20.10.24", "ApiVersion": "1.41", "MinAPIVersion": "1.12", "Os": "linux", "Arch": "amd64",
           "Components": [{"Name": "Engine", "Version": "20.10.24", "Details": {"ApiVersion": "1.41"}}]}


def docker_binary() -> str:
    """The docker CLI (scripts/engine installs it); an error, not a skip, when missing."""
    found = shutil.which("docker")
    if found is None:
        raise RuntimeError("the docker CLI is not on PATH: run scripts/engine up (it installs docker.io)")
    return found


class _Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    routes: dict[str, Any]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self) -> None:
        path = self.path.split("?")[0]
        body: Any = None
        status = 404
        if path == "/_ping":
            body, status = "OK", 200
        else:
            for ending, answer in {"/version": VERSION, **self.server.routes}.items():
                if path.endswith(ending):
                    body, status = answer, 200
                    break
        raw = body.encode() if isinstance(body, str) else json.dumps(body or {"message": "not recorded"}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain" if isinstance(body, str) else "application/json")
        self.send_header("Api-Version", "1.41")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(raw)

    do_GET = do_POST = do_DELETE = do_HEAD = _answer


@contextmanager
def serving(routes: dict[str, Any]) -> Iterator[str]:
    """The DOCKER_HOST of a daemon answering with ``routes`` (path ending -> JSON) while inside."""
    with tempfile.TemporaryDirectory(prefix="dsh-oracle-") as tmp:
        sock = str(Path(tmp) / "d.sock")
        server = _Server(sock, _Handler)
        server.routes = routes
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"unix://{sock}"
        finally:
            server.shutdown()
            server.server_close()


def run_cli(host: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``docker ARGS`` on ``host`` (a config of its own): what it prints on stdout and stderr, its status."""
    with tempfile.TemporaryDirectory(prefix="dsh-oracle-") as tmp:
        env = {"PATH": os.environ.get("PATH", ""), "HOME": tmp, "DOCKER_CONFIG": tmp, "DOCKER_HOST": host,
               "DOCKER_API_VERSION": "1.41"}
        return subprocess.run([docker_binary(), *args], env=env, capture_output=True, text=True, timeout=60,
                              check=False, stdin=subprocess.DEVNULL)


def cli(routes: dict[str, Any], *args: str) -> str:
    """What ``docker ARGS`` prints (stdout) when the daemon answers with `routes` (path ending -> JSON)."""
    with serving(routes) as host:
        proc = run_cli(host, *args)
    if proc.returncode != 0:
        raise RuntimeError(f"docker {' '.join(args)} -> exit {proc.returncode}: {proc.stderr.strip()}")
    return proc.stdout
