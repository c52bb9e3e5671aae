"""A gRPC server over one HTTP/2 connection, on any socket-like object (``recv``, ``sendall``, ``close``).

BuildKit's session turns the usual roles around: the client opens the connection (``POST /session`` upgraded to
h2c, or a stream of the API socket on API v1.53+), then the *daemon* speaks HTTP/2 as the client and calls the
services dshell serves. This module knows nothing of how the connection was opened. Each call runs in a thread
of its own with a :class:`Call`: ``recv()`` the next request message (None once the daemon closed its side),
``send(message)`` an answer. Data the daemon sends is acknowledged as it arrives, unless its call holds
BUFFERED bytes its handler has not taken (an export written out slower than it comes): then when it catches up.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from ._proto import ProtoError

# gRPC status codes
OK, CANCELLED, UNKNOWN, INVALID_ARGUMENT, NOT_FOUND, UNIMPLEMENTED, INTERNAL, UNAVAILABLE = 0, 1, 2, 3, 5, 12, 13, 14
MAX_MESSAGE = 64 << 20  # a request message larger than this ends the call
BUFFERED = 4 << 20  # bytes a call holds before the daemon must wait for its handler (an export written out)
_log = logging.getLogger(__name__)


class GrpcError(Exception):
    """A call's failure as the daemon gets it: a gRPC status code and message."""

    def __init__(self, code: int, message: str, local: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.local = local  # a failure on this side (an unreadable file): the build reports it as its cause


class Call:
    """One call (an HTTP/2 stream): its method, metadata, the request messages and the way to answer."""

    def __init__(self, server: Server, stream_id: int, method: str, metadata: dict[str, list[str]]) -> None:
        self.server = server
        self.stream_id = stream_id
        self.method = method
        self.metadata = metadata
        self._buf = bytearray()
        self._messages: deque[bytes] = deque()
        self.held = 0  # bytes received and not yet taken by the handler
        self.owed = 0  # of them, the stream window not given back yet (the handler is behind: BUFFERED)
        self._ended = False  # the daemon sent END_STREAM or reset the stream
        self.cancelled = False
        self._started = False
        self._wake = threading.Condition(server.lock)
        self._send_lock = threading.Lock()

    def meta(self, key: str) -> list[str]:
        """The values of a metadata key (BuildKit's ``-encoded`` companion key decoded)."""
        values = self.metadata.get(key, [])
        if self.metadata.get(key + "-encoded", ["0"])[0].lower() in ("1", "true"):
            from urllib.parse import unquote_plus

            values = [unquote_plus(v) for v in values]
        return values

    # called by the server's reader, its lock held
    def _feed(self, data: bytes) -> None:
        self._buf += data
        self.held += len(data)
        while len(self._buf) >= 5:
            size = int.from_bytes(self._buf[1:5], "big")
            if self._buf[0] != 0:
                raise GrpcError(UNIMPLEMENTED, "compressed messages are not supported")
            if size > MAX_MESSAGE:
                raise GrpcError(INVALID_ARGUMENT, f"message of {size} bytes is too large")
            if len(self._buf) < 5 + size:
                break
            self._messages.append(bytes(self._buf[5:5 + size]))
            del self._buf[:5 + size]
        self._wake.notify_all()

    def _end(self, cancelled: bool = False) -> None:
        self._ended = True
        self.cancelled = self.cancelled or cancelled
        self._wake.notify_all()

    def recv(self) -> bytes | None:
        """The next request message; None when the daemon has sent its last one (or the call was cancelled)."""
        with self.server.lock:
            while not self._messages and not self._ended and not self.server.closed:
                self._wake.wait()
            if not self._messages:
                return None
            message = self._messages.popleft()
            self._taken(len(message) + 5)
            return message

    def recv_ready(self) -> list[bytes]:
        """Every request message that has come (waits for one); [] when the daemon has sent its last one."""
        first = self.recv()
        if first is None:
            return []
        with self.server.lock:
            out = [first, *self._messages]
            self._messages.clear()
            self._taken(sum(len(m) + 5 for m in out[1:]))
        return out

    def _taken(self, size: int) -> None:
        """The handler took ``size`` bytes (the lock held): the window held back is given back once it caught up."""
        self.held -= size
        if self.owed and self.held < BUFFERED:
            self.server.give_window(self.stream_id, self.owed)
            self.owed = 0

    def send(self, *messages: bytes) -> None:
        """Send answer messages, in one write (the response headers first, once)."""
        framed = b"".join(b"\x00" + len(m).to_bytes(4, "big") + m for m in messages)
        with self._send_lock:
            if not self._started:
                self.server.send_headers(self.stream_id, [(":status", "200"), ("content-type", "application/grpc")])
                self._started = True
            self.server.send_data(self.stream_id, framed, self)

    def finish(self, code: int = OK, message: str = "") -> None:
        """End the call with its status (trailers; the headers too when nothing was sent)."""
        trailers = [("grpc-status", str(code))]
        if message:
            trailers.append(("grpc-message", quote(message, safe=" !#$&'()*+,/:;=?@[]~")))
        with self._send_lock:
            if not self._started:
                trailers = [(":status", "200"), ("content-type", "application/grpc"), *trailers]
                self._started = True
            self.server.send_headers(self.stream_id, trailers, end=True)


Handler = Callable[[Call], None]


class Server:
    """Serves ``handlers`` (by full method name, ``/package.Service/Method``) on an HTTP/2 connection over
    ``sock`` until the daemon ends it or ``close()`` is called. ``serve()`` blocks: run it in a thread."""

    def __init__(self, sock: Any, handlers: dict[str, Handler]) -> None:
        import h2.config
        import h2.connection

        self.sock = sock
        self.handlers = handlers
        self.lock = threading.Lock()
        self._window = threading.Condition(self.lock)
        self.closed = False
        self.calls: dict[int, Call] = {}
        self.errors: list[BaseException] = []  # a handler's unexpected failure, kept for the build to report
        config = h2.config.H2Configuration(client_side=False, header_encoding="utf-8")
        self.h2 = h2.connection.H2Connection(config=config)
        with self.lock:
            self.h2.initiate_connection()
            self.h2.increment_flow_control_window(1 << 24)  # the connection's window: 16 MiB more
            self._flush()

    def _flush(self) -> None:
        """Send what h2 has queued (the lock held: bytes leave in the order h2 made them)."""
        data = self.h2.data_to_send()
        if data:
            self.sock.sendall(data)

    def serve(self) -> None:
        """Read and dispatch until the connection ends."""
        import h2.events
        import h2.exceptions

        try:
            while not self.closed:
                try:
                    data = self.sock.recv(1 << 16)
                except OSError:
                    data = b""
                if not data:
                    break
                with self.lock:
                    try:
                        events = self.h2.receive_data(data)
                    except h2.exceptions.ProtocolError as exc:
                        _log.debug("session: HTTP/2 protocol error: %s", exc)
                        with contextlib.suppress(OSError):
                            self._flush()
                        break
                    for event in events:
                        self._dispatch(event, h2.events)
                    with contextlib.suppress(OSError):
                        self._flush()
        finally:
            self.close()

    def _dispatch(self, event: Any, ev: Any) -> None:
        if isinstance(event, ev.RequestReceived):
            self._start_call(event.stream_id, event.headers)
        elif isinstance(event, ev.DataReceived):
            call = self.calls.get(event.stream_id)
            size = event.flow_controlled_length
            if size:  # windows given back explicitly, whatever h2's thresholds (they stalled a 64 KiB stream)
                self.h2.increment_flow_control_window(size)  # the connection's at once: other calls go on
                if call is not None and call.held + len(event.data) >= BUFFERED:
                    call.owed += size  # the stream's when its handler has caught up: memory stays bounded
                else:
                    self.give_window(event.stream_id, size)
            if call is not None:
                try:
                    call._feed(event.data)
                except GrpcError as exc:
                    call._end(cancelled=True)
                    self.h2.reset_stream(event.stream_id, error_code=0x1)
                    self.errors.append(exc)
        elif isinstance(event, ev.StreamEnded):
            if (call := self.calls.get(event.stream_id)) is not None:
                call._end()
        elif isinstance(event, ev.StreamReset):
            if (call := self.calls.pop(event.stream_id, None)) is not None:
                call._end(cancelled=True)
            self._window.notify_all()
        elif isinstance(event, ev.WindowUpdated | ev.RemoteSettingsChanged):
            self._window.notify_all()
        elif isinstance(event, ev.ConnectionTerminated):
            self.closed = True
            self._window.notify_all()

    def _start_call(self, stream_id: int, headers: list[tuple[str, str]]) -> None:
        method = ""
        metadata: dict[str, list[str]] = {}
        for name, value in headers:
            if name == ":path":
                method = value
            elif not name.startswith(":"):
                metadata.setdefault(name, []).append(value)
        call = Call(self, stream_id, method, metadata)
        self.calls[stream_id] = call
        handler = self.handlers.get(method)
        threading.Thread(target=self._run, args=(call, handler), name=f"dshell-grpc{method}", daemon=True).start()

    def _run(self, call: Call, handler: Handler | None) -> None:
        try:
            if handler is None:
                raise GrpcError(UNIMPLEMENTED, f"unknown method {call.method}")
            handler(call)
            call.finish()
        except GrpcError as exc:
            if exc.local:
                self.errors.append(exc)
            self._finish_quietly(call, exc.code, exc.message)
        except ProtoError as exc:
            self._finish_quietly(call, INVALID_ARGUMENT, f"malformed message: {exc}")
        except (ConnectionError, OSError) as exc:
            if not self.closed:
                self.errors.append(exc)
                self._finish_quietly(call, UNAVAILABLE, str(exc))
        except Exception as exc:  # noqa: BLE001 - a handler's bug is the daemon's INTERNAL error and the build's report
            self.errors.append(exc)
            self._finish_quietly(call, INTERNAL, f"{type(exc).__name__}: {exc}")
        finally:
            with self.lock:
                self.calls.pop(call.stream_id, None)

    def _finish_quietly(self, call: Call, code: int, message: str) -> None:
        with contextlib.suppress(Exception):
            call.finish(code, message)

    def give_window(self, stream_id: int, size: int) -> None:
        """Let the daemon send ``size`` more bytes on a stream (the lock held; flushed by the caller or here)."""
        import h2.exceptions

        with contextlib.suppress(h2.exceptions.StreamClosedError, h2.exceptions.ProtocolError):
            self.h2.increment_flow_control_window(size, stream_id)
            with contextlib.suppress(OSError):
                self._flush()

    def send_headers(self, stream_id: int, headers: list[tuple[str, str]], end: bool = False) -> None:
        """Send headers (or trailers, with ``end``) on a stream."""
        import h2.exceptions

        with self.lock:
            if self.closed:
                raise ConnectionError("the session ended")
            try:
                self.h2.send_headers(stream_id, headers, end_stream=end)
            except h2.exceptions.StreamClosedError:
                raise GrpcError(CANCELLED, "the daemon cancelled the call") from None
            self._flush()

    def send_data(self, stream_id: int, data: bytes, call: Call) -> None:
        """Send ``data`` on a stream as the flow-control windows allow (waits for the daemon's updates)."""
        import h2.exceptions

        view = memoryview(data)
        queued = 0
        with self.lock:
            while view:
                if self.closed:
                    raise ConnectionError("the session ended")
                if call.cancelled:
                    raise GrpcError(CANCELLED, "the daemon cancelled the call")
                try:
                    room = min(self.h2.local_flow_control_window(stream_id), self.h2.max_outbound_frame_size)
                except h2.exceptions.StreamClosedError:
                    raise GrpcError(CANCELLED, "the daemon cancelled the call") from None
                if room <= 0:
                    self._flush()
                    queued = 0
                    self._window.wait(5)
                    continue
                self.h2.send_data(stream_id, view[:room].tobytes())
                view = view[room:]
                queued += room
                if queued >= 1 << 18 or not view:  # frames batched into fewer sendall calls
                    self._flush()
                    queued = 0

    def close(self) -> None:
        """End the connection: every call's ``recv`` gives None, its sends fail."""
        with self.lock:
            if self.closed and not self.calls:
                return
            self.closed = True
            for call in list(self.calls.values()):
                call._end(cancelled=True)
            self._window.notify_all()
        with contextlib.suppress(OSError):
            self.sock.close()
