"""A replaying daemon on a unix socket: fixed answers by path ending, served over HTTP/1.1 to any client (dshell
as a subprocess, the docker CLI). For answers no real engine gives cheaply (200,000 containers, JSON nested
9,000 deep); never the only proof of what a real engine shows.

    with ReplayDaemon(tmp_path / "d.sock", {"/containers/json": (200, body)}) as daemon:
        subprocess.run(["docker", "-H", daemon.uri, "ps", "-a"])
"""

from __future__ import annotations

import socketserver
import threading
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from types import TracebackType
from typing import Any

API_VERSION = "1.41"
_VERSION = (b'{"Version":"20.10.24","ApiVersion":"1.41","MinAPIVersion":"1.12","Os":"linux","Arch":"amd64",'
            b'"GitCommit":"replay","GoVersion":"go1.19","KernelVersion":"6","BuildTime":"2023-01-01T00:00:00Z"}')


class ReplayDaemon:
    """Serves ``routes`` (path ending -> (status, JSON body bytes)) plus ``/_ping`` and ``/version``; ``seen``
    holds each request's method and target."""

    def __init__(self, path: Path, routes: dict[str, tuple[int, bytes]]) -> None:
        self.seen: list[str] = []
        self.path = path
        self.routes = {"/version": (200, _VERSION), **routes}
        self.uri = f"unix://{path}"
        self._server: socketserver.UnixStreamServer | None = None

    def __enter__(self) -> ReplayDaemon:
        routes, seen = self.routes, self.seen

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self, with_body: bool) -> None:
                seen.append(f"{self.command} {self.path}")
                path = self.path.split("?", 1)[0]
                if path.endswith("/_ping"):
                    status, body, ctype = 200, b"OK", "text/plain; charset=utf-8"
                else:
                    status, body = next((answer for end, answer in routes.items() if path.endswith(end)),
                                        (404, b'{"message":"page not found"}'))
                    ctype = "application/json"
                self.send_response(status)
                self.send_header("Api-Version", API_VERSION)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if with_body:
                    self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                self._answer(True)

            def do_HEAD(self) -> None:  # noqa: N802
                self._answer(False)

            def address_string(self) -> str:
                return "replay"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (http.server's name)
                pass

        class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
            daemon_threads = True

        self.path.unlink(missing_ok=True)
        self._server = Server(str(self.path), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        self.path.unlink(missing_ok=True)
