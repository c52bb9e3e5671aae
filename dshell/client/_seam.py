"""The transport seam: what a Client needs from its connections (the keep-alive Pool's interface), and
MockTransport, a daemon played by a function in the same process, for fast tests without one.

    def daemon(req: docker.MockRequest) -> docker.MockResponse:
        return docker.MockResponse.json([{"Id": "abc"}]) if req.path.endswith("/containers/json") else ...
    c = docker.client(transport=docker.MockTransport(daemon), api_version="v1.41")

The answer goes over a real socket pair and is read by the real HTTP/1.1 code: data, streams (a body given as
an iterable of bytes is sent chunked, piece by piece) and hijacked sockets (``serve`` gets the daemon's end).
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

from dshell._frozen import Record

from ._endpoint import Endpoint
from ._transport import Body, Connection


class Transport(Protocol):
    """How a Client reaches its daemon: the interface of the keep-alive Pool."""

    endpoint: Endpoint

    def request(self, head: bytes, body: bytes | Iterable[bytes] | None,
                method: str) -> tuple[Connection, int, dict[str, str], Body]:
        """Send one request (head and body); its connection, status, lower-cased headers and body."""
        ...

    def send(self, head: bytes, body: bytes | Iterable[bytes] | None,
             method: str) -> tuple[Connection, Callable[[], tuple[Connection, int, dict[str, str], Body]]]:
        """Send one request now: its connection and the function that reads its answer (what ``request`` returns)."""
        ...

    def has_idle(self) -> bool:
        """Whether a request sent now goes out at once, on a connection already open."""
        ...

    def cancel(self) -> int:
        """Break every connection in use; how many."""
        ...

    def close(self) -> None:
        """Close the idle connections."""
        ...


class MockRequest(Record):
    """A request as the mock daemon sees it."""

    method: str
    target: str  # path and query, as sent
    headers: dict[str, str]  # lower-cased names
    body: bytes

    @property
    def path(self) -> str:
        """The target without its query."""
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, list[str]]:
        """The query's values by name."""
        return parse_qs(urlsplit(self.target).query)

    def json(self) -> Any:
        """The body read as JSON (None when empty)."""
        return json.loads(self.body) if self.body else None


@dataclass(frozen=True, slots=True)
class MockResponse:
    """What the mock daemon answers: bytes (sent with a Content-Length), or an iterable of bytes (sent
    chunked as it yields); ``serve`` plays the daemon's end of a hijacked connection after the head."""

    status: int = 200
    body: bytes | Iterable[bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)
    serve: Callable[[socket.socket], None] | None = None

    @classmethod
    def json(cls, data: Any, status: int = 200, headers: dict[str, str] | None = None) -> MockResponse:
        """A JSON answer."""
        return cls(status, json.dumps(data).encode(), {"Content-Type": "application/json", **(headers or {})})

    def head(self) -> bytes:
        """The status line, the headers and the framing."""
        try:
            reason = HTTPStatus(self.status).phrase
        except ValueError:
            reason = "Unknown"
        lines = [f"HTTP/1.1 {self.status} {reason}\r\n", *(f"{k}: {v}\r\n" for k, v in self.headers.items())]
        if self.serve is None and isinstance(self.body, bytes | bytearray):
            lines.append(f"Content-Length: {len(self.body)}\r\n")
        elif self.serve is None:
            lines.append("Transfer-Encoding: chunked\r\n")
        return "".join([*lines, "\r\n"]).encode("latin-1")


Handler = Callable[[MockRequest], MockResponse]


class MockTransport:
    """A Transport whose daemon is ``handler``: each request gets a fresh socket pair (nothing is pooled);
    ``cancel`` breaks the ones in use, as the Pool's does."""

    def __init__(self, handler: Handler, uri: str = "unix:///mock/docker.sock") -> None:
        self.handler = handler
        self.endpoint = Endpoint.parse({"uri": uri})
        self._busy: set[Connection] = set()
        self._lock = threading.Lock()

    def request(self, head: bytes, body: bytes | Iterable[bytes] | None,
                method: str) -> tuple[Connection, int, dict[str, str], Body]:
        """Hand the request to the handler; its answer read back by the real HTTP/1.1 code."""
        return self.send(head, body, method)[1]()

    def has_idle(self) -> bool:
        """Always: a mock never dials."""
        return True

    def send(self, head: bytes, body: bytes | Iterable[bytes] | None,
             method: str) -> tuple[Connection, Callable[[], tuple[Connection, int, dict[str, str], Body]]]:
        """Hand the request to the handler, in a thread of its own as a daemon works on its own: the connection its
        answer comes on and the function reading it (which raises what the handler raised, a test's assert)."""
        request = _parse(head, body)
        ours, theirs = socket.socketpair()
        conn = Connection(ours, self.endpoint)
        with self._lock:
            self._busy.add(conn)
        failed: list[BaseException] = []

        def serve() -> None:
            try:
                answer = self.handler(request)
            except BaseException as exc:
                failed.append(exc)
                theirs.close()
                return
            _answer(theirs, answer)

        threading.Thread(target=serve, name="dshell-mock", daemon=True).start()

        def read() -> tuple[Connection, int, dict[str, str], Body]:
            try:
                got = conn.read_head()
            except BaseException:
                self._release(conn, False)
                if failed:
                    raise failed[0] from None
                raise
            return conn, got.status, got.headers, Body(conn, got, method, self._release)

        return conn, read

    def _release(self, conn: Connection, keep_alive: bool) -> None:
        with self._lock:
            self._busy.discard(conn)
        conn.close()

    def cancel(self) -> int:
        """Break every connection in use; how many."""
        with self._lock:
            busy, self._busy = self._busy, set()
        for conn in busy:
            conn.cancelled = True  # its reader says "cancelled", as the Pool's does
            conn.close()
        return len(busy)

    def close(self) -> None:
        """Nothing is kept idle."""


def _parse(head: bytes, body: bytes | Iterable[bytes] | None) -> MockRequest:
    line, *rest = head.decode("latin-1").split("\r\n")
    method, target, _ = line.split(" ", 2)
    headers = {}
    for item in rest:
        name, sep, value = item.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    data = body if body is None or isinstance(body, bytes | bytearray) else b"".join(body)
    return MockRequest(method, target, headers, bytes(data or b""))


def _answer(sock: socket.socket, answer: MockResponse) -> None:
    """The daemon's side: the head, then the body or the hijacked conversation."""
    try:
        sock.sendall(answer.head())
        if answer.serve is not None:
            answer.serve(sock)
        elif isinstance(answer.body, bytes | bytearray):
            sock.sendall(answer.body)
        else:
            for chunk in answer.body:
                if chunk:
                    sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sock.sendall(b"0\r\n\r\n")
    except OSError:
        pass  # the client went away (closed or cancelled)
    finally:
        sock.close()
