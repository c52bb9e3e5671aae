"""Connections to the daemon: unix, tcp/http, https with mTLS; a keep-alive pool; HTTP/1.1 on the wire.

One small HTTP/1.1 implementation serves every mode (data, stream, hijacked socket): the daemon's API needs
connection upgrades and half-closes that general-purpose clients hide, and a lean hot path keeps a call close
to the cost of a raw request.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import weakref
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, cast

from ._endpoint import Endpoint, refused, tls_reason
from ._errors import ConnectionError

if TYPE_CHECKING:
    import ssl

RECV_SIZE = 65536  # larger reads cost more in allocation than they save in calls
_CRLF2 = b"\r\n\r\n"
_BIG_CHUNK = 1 << 16  # body chunks this large are sent as they are, their framing apart


class PeerClosed(ConnectionError):
    """The daemon closed the connection before answering (an idle keep-alive connection, typically)."""


class Connection:
    """One HTTP/1.1 connection with a read buffer that survives an upgrade."""

    __slots__ = ("sock", "buf", "endpoint", "reused", "__weakref__")

    def __init__(self, sock: socket.socket, endpoint: Endpoint) -> None:
        self.sock = sock
        self.buf = bytearray()
        self.endpoint = endpoint
        self.reused = False

    @classmethod
    def open(cls, endpoint: Endpoint, tls: ssl.SSLContext | None = None) -> Connection:
        """Connect to ``endpoint`` (over ``tls`` for https); a refusal becomes ConnectionError naming the fix."""
        sock: socket.socket | None = None
        try:
            if endpoint.scheme == "ssh":
                from ._ssh import dial

                sock = dial(endpoint)  # raises its own one-line errors
            elif endpoint.scheme == "unix":
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                sock.settimeout(endpoint.timeouts.connect)
                sock.connect(endpoint.address)
            else:
                address = cast("tuple[str, int]", endpoint.address)
                sock = socket.create_connection(address, timeout=endpoint.timeouts.connect)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                if tls is not None:
                    sock = tls.wrap_socket(sock, server_hostname=endpoint.address[0])
        except OSError as exc:
            if sock is not None:
                sock.close()
            if isinstance(exc, ConnectionError):  # already says what failed (the ssh dialer's one line)
                raise
            raise refused(endpoint, exc) from None
        sock.settimeout(endpoint.timeouts.read)
        return cls(sock, endpoint)

    def fill(self) -> bool:
        """Read what the peer sent into the buffer; False at EOF."""
        try:
            data = self.sock.recv(RECV_SIZE)
        except TimeoutError:
            raise ConnectionError(f"{self.endpoint.uri}: read timed out") from None
        except ConnectionResetError:
            raise PeerClosed(f"{self.endpoint.uri}: the daemon reset the connection") from None
        except OSError as exc:
            raise self.lost(exc) from None
        if not data:
            return False
        self.buf += data
        return True

    def lost(self, exc: OSError) -> ConnectionError:
        """The error for a connection that broke with ``exc``."""
        reason = tls_reason(exc)
        if reason and "CERTIFICATE" in reason:
            return ConnectionError(f"{self.endpoint.uri}: the daemon rejected the TLS client certificate "
                                   f"({reason}); give mtls cert and key signed by its CA")
        return ConnectionError(f"{self.endpoint.uri}: connection lost ({reason or exc.strerror or exc})")

    def send(self, head: bytes, body: bytes | Iterable[bytes] | None) -> None:
        """Send a request head and its body (bytes, or chunks sent with chunked encoding)."""
        t = self.endpoint.timeouts
        before = self.sock.gettimeout()
        if t.write != before:
            self.sock.settimeout(t.write)
        try:
            if body is None or isinstance(body, bytes | bytearray):
                self.sock.sendall(head + body if body else head)
            else:
                self.sock.sendall(head)
                for chunk in body:
                    if len(chunk) >= _BIG_CHUNK:  # framed without copying a large piece (a file being sent)
                        self.sock.sendall(b"%x\r\n" % len(chunk))
                        self.sock.sendall(chunk)
                        self.sock.sendall(b"\r\n")
                    elif chunk:
                        self.sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.sock.sendall(b"0\r\n\r\n")
        except TimeoutError:
            raise ConnectionError(f"{self.endpoint.uri}: write timed out") from None
        except (BrokenPipeError, ConnectionResetError):
            raise PeerClosed(f"{self.endpoint.uri}: the daemon closed the connection") from None
        except OSError as exc:
            raise self.lost(exc) from None
        finally:
            if t.write != before:
                self.sock.settimeout(before)

    def read_head(self) -> tuple[int, dict[str, str]]:
        """Read the status line and headers (lower-cased names)."""
        buf = self.buf
        while True:
            end = buf.find(_CRLF2)
            if end >= 0:
                break
            if not self.fill():
                closed = PeerClosed if not buf else ConnectionError
                raise closed(f"{self.endpoint.uri}: the daemon closed the connection")
        lines = bytes(buf[:end]).decode("latin-1").split("\r\n")
        del buf[: end + 4]
        try:
            status = int(lines[0].split(" ", 2)[1])
        except (IndexError, ValueError):
            raise ConnectionError(f"{self.endpoint.uri}: not an HTTP response: {lines[0][:60]!r}") from None
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name = name.strip().lower()
            headers[name] = f"{headers[name]}, {value.strip()}" if name in headers else value.strip()
        if status == 100:
            return self.read_head()
        return status, headers

    def close(self) -> None:
        """Shut the socket down (waking a thread blocked reading it) and close it."""
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            self.sock.close()


class Body:
    """The body of one response: Content-Length, chunked, or read-until-close."""

    __slots__ = ("conn", "remaining", "chunked", "chunk_left", "done", "on_done", "keep_alive")

    def __init__(self, conn: Connection, status: int, headers: dict[str, str], method: str,
                 on_done: Any = None) -> None:
        self.conn = conn
        self.on_done = None if status == 101 else on_done  # an upgraded connection never goes back to the pool
        self.chunked = "chunked" in headers.get("transfer-encoding", "").lower()
        self.chunk_left = 0
        self.keep_alive = headers.get("connection", "").lower() != "close"
        length = headers.get("content-length")
        self.remaining: int | None = None
        if method == "HEAD" or status in (204, 304) or status < 200:
            self.remaining = 0
        elif not self.chunked:
            if length is not None:
                self.remaining = int(length)
            else:
                self.keep_alive = False
        self.done = self.remaining == 0 and not self.chunked
        if self.done:
            self._finish()

    def _finish(self) -> None:
        self.done = True
        if self.on_done is not None:
            on_done, self.on_done = self.on_done, None
            on_done(self.conn, self.keep_alive)

    def read_all(self) -> bytes:
        """The whole (remaining) body."""
        if self.done:
            return b""
        conn = self.conn
        if self.remaining is not None and not self.chunked:
            need = self.remaining
            while len(conn.buf) < need:
                if not conn.fill():
                    raise ConnectionError(f"{conn.endpoint.uri}: connection closed mid-response")
            data = bytes(conn.buf[:need])
            del conn.buf[:need]
            self.remaining = 0
            self._finish()
            return data
        parts: list[bytes] = []
        while True:
            chunk = self.read1()
            if not chunk:
                return b"".join(parts)
            parts.append(chunk)

    def read1(self, limit: int = RECV_SIZE) -> bytes:
        """Up to ``limit`` bytes as soon as any are available; b"" at the end of the body."""
        if self.done:
            return b""
        conn = self.conn
        buf = conn.buf
        if self.chunked:
            if self.chunk_left == 0 and not self._next_chunk():
                return b""
            while not buf:
                if not conn.fill():
                    raise ConnectionError(f"{conn.endpoint.uri}: connection closed mid-stream")
            n = min(limit, self.chunk_left, len(buf))
            data = bytes(buf[:n])
            del buf[:n]
            self.chunk_left -= n
            return data
        if self.remaining is None:  # until close
            if not buf and not conn.fill():
                self.keep_alive = False
                self._finish()
                return b""
            n = min(limit, len(buf))
        else:
            while not buf:
                if not conn.fill():
                    raise ConnectionError(f"{conn.endpoint.uri}: connection closed mid-response")
            n = min(limit, len(buf), self.remaining)
            self.remaining -= n
        data = bytes(buf[:n])
        del buf[:n]
        if self.remaining == 0:
            self._finish()
        return data

    def _next_chunk(self) -> bool:
        conn = self.conn
        buf = conn.buf
        while True:
            if buf[:2] == b"\r\n":  # the CRLF that ends the previous chunk
                del buf[:2]
            end = buf.find(b"\r\n")
            if end > 0:
                break
            if not conn.fill():
                raise ConnectionError(f"{conn.endpoint.uri}: connection closed mid-stream")
        size = int(bytes(buf[:end]).split(b";", 1)[0], 16)
        del buf[: end + 2]
        if size == 0:
            while buf.find(b"\r\n") < 0:  # trailers end with an empty line
                if not conn.fill():
                    break
            end = buf.find(b"\r\n")
            del buf[: end + 2]
            self._finish()
            return False
        self.chunk_left = size
        return True

    def iter_chunks(self) -> Iterator[bytes]:
        """The body piece by piece, as it arrives."""
        while chunk := self.read1():
            yield chunk

    def close(self) -> None:
        """Abandon the body: unless it was read to its end (then its connection is back in the pool), the
        connection is closed, not reused."""
        if not self.done:
            self.keep_alive = False
            self._finish()
            self.conn.close()


class Pool:
    """Keep-alive connections to one endpoint, safe across threads."""

    def __init__(self, endpoint: Endpoint, size: int = 8) -> None:
        self.endpoint = endpoint
        self.size = size
        self._idle: list[Connection] = []
        self._lock = threading.Lock()
        self._tls: ssl.SSLContext | None = None
        self._busy: weakref.WeakSet[Connection] = weakref.WeakSet()  # handed out: in a call, stream or socket

    def acquire(self) -> Connection:
        """An idle connection, or a new one."""
        with self._lock:
            if self._idle:
                conn = self._idle.pop()
                conn.reused = True
                self._busy.add(conn)
                return conn
        if self.endpoint.scheme == "https" and self._tls is None:
            self._tls = self.endpoint.ssl_context()
        conn = Connection.open(self.endpoint, self._tls)
        with self._lock:
            self._busy.add(conn)
        return conn

    def release(self, conn: Connection, keep_alive: bool) -> None:
        """Give a connection back after its response was read in full."""
        with self._lock:
            self._busy.discard(conn)
        if keep_alive and not conn.buf:
            if conn.sock.gettimeout() != self.endpoint.timeouts.read:
                conn.sock.settimeout(self.endpoint.timeouts.read)
            with self._lock:
                if len(self._idle) < self.size:
                    self._idle.append(conn)
                    return
        conn.close()

    def request(self, head: bytes, body: bytes | Iterable[bytes] | None,
                method: str) -> tuple[Connection, int, dict[str, str], Body]:
        """Send one request and read its head.

        A keep-alive connection the daemon closed while idle (no byte of an answer came) is retried once on a
        fresh one; a timeout never is, so nothing is sent twice."""
        deadline = self.endpoint.timeouts.call
        started = time.monotonic()
        for attempt in (0, 1):
            conn = self.acquire()
            try:
                if deadline is not None:
                    conn.sock.settimeout(self._read_timeout(started))
                conn.send(head, body)
                status, headers = conn.read_head()
            except PeerClosed:
                conn.close()
                if attempt == 0 and conn.reused and (body is None or isinstance(body, bytes | bytearray)):
                    continue
                raise
            except BaseException:
                conn.close()
                raise
            return conn, status, headers, Body(conn, status, headers, method, self.release)
        raise AssertionError("unreachable")

    def _read_timeout(self, started: float) -> float | None:
        t = self.endpoint.timeouts
        if t.call is None:
            return t.read
        left = max(0.001, t.call - (time.monotonic() - started))
        return left if t.read is None else min(left, t.read)

    def cancel(self) -> int:
        """Break every connection in use (calls, streams, sockets) so their readers stop; how many."""
        with self._lock:
            busy = list(self._busy)
            self._busy.clear()
        for conn in busy:
            conn.close()
        return len(busy)

    def close(self) -> None:
        """Close every idle connection."""
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()
