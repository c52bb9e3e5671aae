"""Connections to the daemon and their keep-alive pool: dialling (unix, tcp/http, https with mTLS), sending a request,
reading its answer under the call's deadline, cancelling calls in flight. The HTTP/1.1 framing is ``_http11``'s.

One small HTTP/1.1 client serves every mode (data, stream, hijacked socket): the daemon's API needs connection
upgrades and half-closes that general-purpose clients hide, and a lean hot path keeps a call close to the cost of a
raw request.
"""

from __future__ import annotations

import contextlib
import functools
import select
import socket
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator

from dshell._checking import TYPE_CHECKING

from ._endpoint import Endpoint, refused, tls_failure
from ._errors import ConnectionError
from ._http11 import BodyReader, Head, ProtocolError, take_head

if TYPE_CHECKING:
    import ssl

RECV_SIZE = 65536  # larger reads cost more in allocation than they save in calls
SEND_SLICE = 256 * 1024  # a larger body goes in slices, looking for an early answer between them
_BIG_CHUNK = 1 << 16  # body chunks this large are sent as they are, their framing apart
SAFE_METHODS = frozenset({"GET", "HEAD"})  # the only ones ever sent again (a DELETE twice would answer 404)


class PeerClosed(ConnectionError):
    """The daemon closed the connection before answering (an idle keep-alive connection, typically)."""


class Cancelled(ConnectionError):
    """The call was cancelled (``client.cancel()``) while in flight."""


Dialer = Callable[[Endpoint, "ssl.SSLContext | None"], socket.socket]


def dial_unix(endpoint: Endpoint, tls: ssl.SSLContext | None) -> socket.socket:
    """A connected unix socket."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(endpoint.timeouts.connect)
        sock.connect(endpoint.address)
    except BaseException:
        sock.close()
        raise
    return sock


def dial_tcp(endpoint: Endpoint, tls: ssl.SSLContext | None) -> socket.socket:
    """A connected TCP socket, TLS-wrapped when ``tls`` is given (the connect timeout covers the handshake)."""
    assert isinstance(endpoint.address, tuple)
    sock = socket.create_connection(endpoint.address, timeout=endpoint.timeouts.connect)
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return tls.wrap_socket(sock, server_hostname=endpoint.address[0]) if tls is not None else sock
    except BaseException:
        sock.close()
        raise


def dial_ssh(endpoint: Endpoint, tls: ssl.SSLContext | None) -> socket.socket:
    """An ssh process running ``docker system dial-stdio`` on the host, spoken to over a socketpair."""
    from ._ssh import dial

    return dial(endpoint)  # raises its own one-line errors


DIALERS: dict[str, Dialer] = {"unix": dial_unix, "http": dial_tcp, "https": dial_tcp, "ssh": dial_ssh}


class Connection:
    """One HTTP/1.1 connection with a read buffer that survives an upgrade."""

    __slots__ = ("sock", "buf", "endpoint", "reused", "deadline", "cancelled", "poll", "__weakref__")

    def __init__(self, sock: socket.socket, endpoint: Endpoint) -> None:
        self.sock = sock
        self.buf = bytearray()
        self.endpoint = endpoint
        self.reused = False
        self.deadline: float | None = None  # time.monotonic() by which the call must be over
        self.cancelled = False
        self.poll: select.poll | None = None  # made on first use: is there something to read?

    @classmethod
    def open(cls, endpoint: Endpoint, tls: ssl.SSLContext | None = None) -> Connection:
        """Connect to ``endpoint`` with the dialer of its scheme; a failure becomes ConnectionError naming the fix."""
        try:
            sock = DIALERS[endpoint.scheme](endpoint, tls)
        except ConnectionError:
            raise  # a dialer's own line (ssh's)
        except OSError as exc:
            raise refused(endpoint, exc) from None
        sock.settimeout(endpoint.timeouts.read)
        return cls(sock, endpoint)

    def fill(self) -> bool:
        """Read what the peer sent into the buffer; False at EOF."""
        if self.deadline is not None:
            self._arm(self.endpoint.timeouts.read)
        try:
            data = self.sock.recv(RECV_SIZE)
        except TimeoutError:
            raise self._timed_out("read") from None
        except OSError as exc:
            raise self._broken(exc) from None
        if data:
            self.buf += data
            return True
        if self.cancelled:
            raise Cancelled(f"{self.endpoint.uri}: cancelled")
        return False

    def _arm(self, limit: float | None) -> None:
        """Set the socket's timeout to ``limit`` or what is left of the call's deadline, whichever is shorter."""
        assert self.deadline is not None
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise self._timed_out("read")
        self.sock.settimeout(left if limit is None or left < limit else limit)

    def _timed_out(self, what: str) -> ConnectionError:
        t = self.endpoint.timeouts
        if self.deadline is not None and self.deadline - time.monotonic() < 0.01:
            return ConnectionError(f"{self.endpoint.uri}: {what} timed out (the call took its {t.call:g} s)")
        return ConnectionError(f"{self.endpoint.uri}: {what} timed out")

    def _broken(self, exc: OSError) -> ConnectionError:
        """The error for a connection that broke with ``exc``."""
        if self.cancelled:
            return Cancelled(f"{self.endpoint.uri}: cancelled")
        if isinstance(exc, ConnectionResetError | BrokenPipeError):
            return PeerClosed(f"{self.endpoint.uri}: the daemon closed the connection")
        tls = tls_failure(self.endpoint, exc)  # TLS 1.3 tells of a refused client certificate at the first read
        return ConnectionError(tls or f"{self.endpoint.uri}: connection lost ({exc.strerror or exc})")

    def send(self, head: bytes, body: bytes | Iterable[bytes] | None) -> bool:
        """Send a request head and its body (bytes, or chunks sent with chunked encoding). False when the daemon
        answered (or hung up) before the body was all sent: its early answer is there to read."""
        sock = self.sock
        write = self.endpoint.timeouts.write
        before = sock.gettimeout()
        changed = self.deadline is not None or write != before  # the read timeout is set back after
        if self.deadline is not None:
            self._arm(write)
        elif changed:
            sock.settimeout(write)
        try:
            if body is None or isinstance(body, bytes | bytearray):
                if not body or len(body) <= SEND_SLICE:
                    sock.sendall(head + body if body else head)
                    return True
                sock.sendall(head)
                view = memoryview(body)
                for at in range(0, len(view), SEND_SLICE):
                    if self._answered():
                        return False
                    sock.sendall(view[at:at + SEND_SLICE])
                return True
            sock.sendall(head)
            for chunk in body:
                if not chunk:
                    continue
                if self._answered():
                    return False
                if len(chunk) >= _BIG_CHUNK:  # framed without copying a large piece (a file being sent)
                    sock.sendall(b"%x\r\n" % len(chunk))
                    sock.sendall(chunk)
                    sock.sendall(b"\r\n")
                else:
                    sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sock.sendall(b"0\r\n\r\n")
            return True
        except TimeoutError:
            raise self._timed_out("write") from None
        except OSError as exc:
            error = self._broken(exc)
            if type(error) is PeerClosed:
                return False  # the daemon may have answered before it hung up: read_head tells
            raise error from None
        finally:
            if changed:
                sock.settimeout(before)

    def _answered(self) -> bool:
        """Whether the daemon has sent something (mid-request: an early answer, or its hang-up)."""
        poll = self.poll
        if poll is None:
            self.poll = poll = select.poll()
            try:
                poll.register(self.sock, select.POLLIN)
            except (OSError, ValueError):
                return True
        try:
            return bool(poll.poll(0))
        except (OSError, ValueError):
            return True

    dropped = _answered  # while idle, a readable connection is one the daemon closed (or misused): never reuse it

    def read_head(self) -> Head:
        """Read the response head, past every informational (1xx) answer but ``101 Switching Protocols``."""
        buf = self.buf
        try:
            while True:
                start = 0
                while (head := take_head(buf, start) if buf else None) is None:
                    start = max(0, len(buf) - 3)
                    if not self.fill():
                        if buf:
                            raise ProtocolError("the connection closed mid-head")
                        raise PeerClosed(f"{self.endpoint.uri}: the daemon closed the connection")
                if head.status >= 200 or head.status == 101:
                    return head
        except ProtocolError as exc:
            raise ProtocolError(f"{self.endpoint.uri}: not a valid HTTP/1.1 answer: {exc}") from None

    def no_timeouts(self) -> None:
        """No read timeout and no call deadline from now on: a stream lasts as long as its reader wants."""
        self.deadline = None
        self.sock.settimeout(None)

    def close(self) -> None:
        """Shut the socket down (waking a thread blocked reading it) and close it."""
        with contextlib.suppress(OSError):
            socket.socket.shutdown(self.sock, socket.SHUT_RDWR)  # TCP's, under TLS too: no TLS state touched
        with contextlib.suppress(OSError):
            self.sock.close()


class Body:
    """The body of one response as ``_http11`` frames it, read from its connection; at its end the connection goes
    back to the pool (``on_done``) unless it must close."""

    __slots__ = ("conn", "reader", "done", "on_done", "keep_alive")

    def __init__(self, conn: Connection, head: Head, method: str,
                 on_done: Callable[[Connection, bool], None] | None = None, reusable: bool = True) -> None:
        self.conn = conn
        self.reader = reader = BodyReader(method, head)  # a 101's: none (what follows is the upgraded stream's)
        self.on_done = None if head.status == 101 else on_done  # an upgraded connection never goes back
        self.keep_alive = reusable and head.keep_alive and reader.remaining is not None and head.status != 101
        self.done = False
        if self.reader.done:
            self._finish()

    def _finish(self) -> None:
        self.done = True
        if self.on_done is not None:
            on_done, self.on_done = self.on_done, None
            on_done(self.conn, self.keep_alive)

    def _more(self) -> None:
        """Read more into the buffer; at the connection's end the body ends too, or ProtocolError (cut short)."""
        if not self.conn.fill():
            self.reader.at_eof()

    def read_all(self) -> bytes:
        """The whole (remaining) body."""
        if self.done:
            return b""
        reader, buf = self.reader, self.conn.buf
        need = reader.remaining
        if need is None or need < 0:
            parts = []
            while chunk := self.read1(4 * RECV_SIZE):
                parts.append(chunk)
            return b"".join(parts)
        try:
            while len(buf) < need:
                self._more()
        except BaseException as exc:
            raise self._failed(exc) from None
        data = reader.take(buf, need) or b""
        self._finish()
        return data

    def read1(self, limit: int = RECV_SIZE) -> bytes:
        """Up to ``limit`` bytes as soon as any are available; b"" at the end of the body."""
        if self.done:
            return b""
        reader, buf = self.reader, self.conn.buf
        try:  # an empty buffer holds nothing to take (a read usually leaves none: it takes a cut chunk's start)
            while not buf or (data := reader.take(buf, limit)) is None:
                self._more()
                if reader.done:
                    data = b""
                    break
        except BaseException as exc:
            raise self._failed(exc) from None
        if reader.done:
            self._finish()
        return data

    def _failed(self, exc: BaseException) -> BaseException:
        """Close the connection of a body that cannot be read to its end; the error to raise."""
        self.close()
        if isinstance(exc, ProtocolError):
            return ProtocolError(f"{self.conn.endpoint.uri}: {exc}")
        return exc

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


class _Attempt:
    """One request as the pool sends it (again, once, when a reused connection turns out closed)."""

    __slots__ = ("epoch", "deadline", "head", "body", "method", "retry")

    def __init__(self, epoch: int, call: float | None, head: bytes, body: bytes | Iterable[bytes] | None,
                 method: str) -> None:
        self.epoch = epoch  # a cancel since then cancels it
        self.deadline = None if call is None else time.monotonic() + call
        self.head, self.body, self.method = head, body, method
        self.retry = method in SAFE_METHODS and (body is None or isinstance(body, bytes | bytearray))


class Pool:
    """Keep-alive connections to one endpoint, safe across threads."""

    def __init__(self, endpoint: Endpoint, size: int = 8) -> None:
        self.endpoint = endpoint
        self.size = size
        self._idle: list[Connection] = []
        self._lock = threading.Lock()
        self._tls: ssl.SSLContext | None = None
        self._busy: weakref.WeakSet[Connection] = weakref.WeakSet()  # handed out: in a call, stream or socket
        self._epoch = 0  # how many cancels so far: a call that began before the last one is cancelled
        self._closed = False  # from close() to the next call: a connection given back is closed, not kept

    def acquire(self, epoch: int | None = None) -> Connection:
        """An idle connection the daemon has not closed, or a new one; Cancelled when a cancel came since
        ``epoch``."""
        while True:
            with self._lock:
                if epoch is not None and epoch != self._epoch:
                    raise Cancelled(f"{self.endpoint.uri}: cancelled")
                self._closed = False  # used again after close(): connections are kept again
                conn = self._idle.pop() if self._idle else None
                if conn is not None:
                    self._busy.add(conn)
            if conn is None:
                break
            if not conn.dropped():
                conn.reused = True
                return conn
            self.release(conn, False)
        if self.endpoint.scheme == "https" and self._tls is None:
            self._tls = self.endpoint.ssl_context()
        conn = Connection.open(self.endpoint, self._tls)
        with self._lock:
            if epoch is None or epoch == self._epoch:
                self._busy.add(conn)
                return conn
        conn.close()
        raise Cancelled(f"{self.endpoint.uri}: cancelled")

    def release(self, conn: Connection, keep_alive: bool) -> None:
        """Give a connection back after its response was read in full."""
        conn.deadline = None
        keep = keep_alive and not conn.buf and not conn.cancelled
        if keep and conn.sock.gettimeout() != self.endpoint.timeouts.read:
            conn.sock.settimeout(self.endpoint.timeouts.read)
        with self._lock:
            self._busy.discard(conn)
            if keep and len(self._idle) < self.size and not self._closed:
                self._idle.append(conn)
                return
        conn.close()

    def request(self, head: bytes, body: bytes | Iterable[bytes] | None,
                method: str) -> tuple[Connection, int, dict[str, str], Body]:
        """Send one request and read its head, all within the call's timeout (which also bounds the body).

        Nothing is sent twice but a GET or HEAD (without a streamed body) whose reused connection turned out closed
        before any byte of an answer came; a cancel or a timeout is never retried."""
        attempt = _Attempt(self._epoch, self.endpoint.timeouts.call, head, body, method)
        return self._answer(attempt, *self._send(attempt))

    def has_idle(self) -> bool:
        """Whether a kept-alive connection is waiting: a request sent now needs no dial."""
        return bool(self._idle)

    def send(self, head: bytes, body: bytes | Iterable[bytes] | None,
             method: str) -> tuple[Connection, Callable[[], tuple[Connection, int, dict[str, str], Body]]]:
        """Send one request now: its connection (readable once the answer begins) and the function that reads the
        answer (as ``request`` does), so that requests to several daemons are all on their way before one is read."""
        attempt = _Attempt(self._epoch, self.endpoint.timeouts.call, head, body, method)
        conn, sent = self._send(attempt)
        return conn, functools.partial(self._answer, attempt, conn, sent)

    def _send(self, attempt: _Attempt) -> tuple[Connection, bool]:
        conn = self.acquire(attempt.epoch)
        conn.deadline = attempt.deadline
        try:
            return conn, conn.send(attempt.head, attempt.body)
        except BaseException:
            conn.close()
            raise

    def _answer(self, attempt: _Attempt, conn: Connection,
                sent: bool) -> tuple[Connection, int, dict[str, str], Body]:
        retry = attempt.retry
        while True:
            try:
                got = conn.read_head()
            except PeerClosed:
                conn.close()
                if retry and conn.reused and not conn.cancelled:
                    retry = False
                    conn, sent = self._send(attempt)
                    continue
                raise
            except BaseException:
                conn.close()
                raise
            return conn, got.status, got.headers, Body(conn, got, attempt.method, self.release, sent)

    def cancel(self) -> int:
        """Break every connection in use (calls, streams, sockets) so their readers stop; how many. A call still
        connecting is cancelled too, and none of them is sent again."""
        with self._lock:
            self._epoch += 1
            busy = list(self._busy)
            self._busy.clear()
        for conn in busy:
            conn.cancelled = True
            conn.close()
        return len(busy)

    def close(self) -> None:
        """Close every idle connection; one still in use (a stream being read) is closed when it is given back."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()
