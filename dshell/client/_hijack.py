"""The raw connection of an upgraded (hijacked) request: attach and exec streams."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable, Iterator

from ._streams import StdioFrames
from ._transport import Connection


class HijackedSocket(StdioFrames):
    """A socket-like object over a hijacked connection.

    Bytes the daemon sent right after its 101 answer (already read while parsing the head) are returned
    first by ``recv``; ``shutdown(socket.SHUT_WR)`` sends stdin EOF while output keeps coming. No timeout.
    """

    def __init__(self, conn: Connection, op: str | None = None, tty: Callable[[], bool] | bool | None = None) -> None:
        self._sock = conn.sock
        self._pending = bytes(conn.buf)
        conn.buf.clear()
        self._sock.settimeout(None)
        self._tty = tty
        self.op = op

    def recv(self, size: int = 65536) -> bytes:
        """Up to ``size`` bytes (b"" when the daemon closed its side)."""
        if self._pending:
            data, self._pending = self._pending[:size], self._pending[size:]
            return data
        try:
            return self._sock.recv(size)
        except ConnectionResetError:
            return b""

    def pending(self) -> int:
        """Bytes already received and not yet returned by ``recv`` (select() on fileno cannot see them),
        including what TLS decrypted ahead."""
        tls_pending = getattr(self._sock, "pending", None)
        return len(self._pending) + (tls_pending() if tls_pending else 0)

    def sendall(self, data: bytes) -> None:
        """Send ``data`` (stdin) to the process."""
        self._sock.sendall(data)

    send = sendall

    def shutdown(self, how: int = socket.SHUT_WR) -> None:
        """Half-close: ``SHUT_WR`` tells the process its stdin ended."""
        socket.socket.shutdown(self._sock, how)  # under TLS too: TCP half-close, the TLS session stays usable

    def fileno(self) -> int:
        """The socket's file descriptor (for select; check ``pending()`` first)."""
        return self._sock.fileno()

    def settimeout(self, value: float | None) -> None:
        """Set the socket's timeout (None: block)."""
        self._sock.settimeout(value)

    def setblocking(self, flag: bool) -> None:
        """Set the socket blocking or not."""
        self._sock.setblocking(flag)

    def chunks(self) -> Iterator[bytes]:
        """Output piece by piece until the daemon closes its side."""
        while data := self.recv(262144):
            yield data

    def close(self) -> None:
        """Close the connection (a thread blocked in ``recv`` wakes up with b"")."""
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            self._sock.close()

    def __enter__(self) -> HijackedSocket:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
