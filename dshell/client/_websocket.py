"""RFC 6455 over a hijacked connection: the client handshake and a socket that frames and unframes.

``ContainerAttachWebsocket`` as ``"as": "socket"`` gives a :class:`WebSocket`: the same calls as the plain
hijacked socket (``recv``, ``sendall``, ``shutdown``, ``chunks``, ``frames``), but ``recv`` returns message
payloads and ``sendall`` sends one masked binary message. The daemon sends the container's output (raw, never
multiplexed) as text messages of arbitrary bytes; pings are answered, a close message ends ``recv`` with b"".
"""

from __future__ import annotations

import contextlib
import os
import socket
import struct
from collections.abc import Callable

from ._errors import ConnectionError
from ._hijack import HijackedSocket
from ._request import Request
from ._transport import Connection

_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
CONT, TEXT, BINARY, CLOSE, PING, PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA


def handshake() -> tuple[str, dict[str, str]]:
    """A fresh ``Sec-WebSocket-Key`` and the request headers of the opening handshake."""
    import base64

    key = base64.b64encode(os.urandom(16)).decode()
    return key, {"Sec-WebSocket-Key": key, "Sec-WebSocket-Version": "13"}


def accept_for(key: str) -> str:
    """The ``Sec-WebSocket-Accept`` a server must answer to ``key``."""
    import base64
    import hashlib  # here: a start-up that opens no websocket loads no OpenSSL

    return base64.b64encode(hashlib.sha1(key.encode() + _GUID).digest()).decode()


def _masked(data: bytes, mask: bytes) -> bytes:
    n = len(data)
    if not n:
        return data
    stream = (mask * (n // 4 + 1))[:n]
    return (int.from_bytes(data, "big") ^ int.from_bytes(stream, "big")).to_bytes(n, "big")


def frame(opcode: int, payload: bytes = b"") -> bytes:
    """One final, client-masked frame."""
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
    elif n < 1 << 16:
        head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
    mask = os.urandom(4)
    return head + mask + _masked(payload, mask)


class WebSocket(HijackedSocket):
    """A hijacked connection speaking RFC 6455 (see the module docstring).

    ``shutdown(SHUT_WR)`` sends a close message: a websocket has no half-close, but the daemon then closes
    the container's stdin and keeps sending output until it ends.
    """

    def __init__(self, conn: Connection, key: str, headers: dict[str, str], op: str | None = None,
                 tty: Callable[[], bool] | bool | None = None) -> None:
        if headers.get("sec-websocket-accept") != accept_for(key):
            conn.close()
            raise ConnectionError(f"{op or 'websocket'}: the daemon's answer is not a websocket handshake "
                                  "(wrong or missing Sec-WebSocket-Accept)")
        super().__init__(conn, op, tty)
        self._raw = b""
        self._payload = b""
        self._closed_by_us = False
        self._ended = False

    def _read_raw(self, n: int) -> bytes | None:
        while len(self._raw) < n:
            data = HijackedSocket.recv(self, 65536)
            if not data:
                return None
            self._raw += data
        out, self._raw = self._raw[:n], self._raw[n:]
        return out

    def _next_frame(self) -> tuple[bool, int, bytes] | None:
        head = self._read_raw(2)
        if head is None:
            return None
        fin, opcode, masked, size = head[0] & 0x80, head[0] & 0x0F, head[1] & 0x80, head[1] & 0x7F
        if size >= 126:
            ext = self._read_raw(2 if size == 126 else 8)
            if ext is None:
                return None
            size = int.from_bytes(ext, "big")
        mask = self._read_raw(4) if masked else b""
        payload = self._read_raw(size) if size else b""
        if mask is None or payload is None:
            return None
        return bool(fin), opcode, _masked(payload, mask) if mask else payload

    def recv(self, size: int = 65536) -> bytes:
        """Up to ``size`` bytes of message payload (b"" once the daemon closed or sent a close message)."""
        while not self._payload and not self._ended:
            got = self._next_frame()
            if got is None:
                self._ended = True
                break
            _, opcode, payload = got
            if opcode in (TEXT, BINARY, CONT):
                self._payload = payload
            elif opcode == PING:
                self._send_frame(PONG, payload)
            elif opcode == CLOSE:
                self._ended = True
                self._send_close(payload[:2])
        data, self._payload = self._payload[:size], self._payload[size:]
        return data

    def pending(self) -> int:
        """Payload bytes already unframed (plus raw bytes received and not yet unframed)."""
        return len(self._payload) + len(self._raw) + super().pending()

    def _send_frame(self, opcode: int, payload: bytes) -> None:
        self._sock.sendall(frame(opcode, payload))

    def _send_close(self, code: bytes = b"\x03\xe8") -> None:
        if not self._closed_by_us:
            self._closed_by_us = True
            with contextlib.suppress(OSError):
                self._send_frame(CLOSE, code or b"\x03\xe8")

    def sendall(self, data: bytes) -> None:
        """Send ``data`` (stdin) as one binary message."""
        self._send_frame(BINARY, bytes(data))

    send = sendall

    def shutdown(self, how: int = socket.SHUT_WR) -> None:
        """``SHUT_WR``: send a close message (stdin ends); ``SHUT_RD``/``SHUT_RDWR`` also shut the socket."""
        self._send_close()
        if how != socket.SHUT_WR:
            super().shutdown(how)

    def close(self) -> None:
        """Send a close message (best effort) and close the connection."""
        self._send_close()
        super().close()

    def __enter__(self) -> WebSocket:
        return self


# The protocol each op's connection upgrades to as "as": "socket" (every other op: tcp, the raw stream).
UPGRADES = {"Session": "h2c", "ContainerAttachWebsocket": "websocket"}


def upgraded_request(req: Request, op: str | None, mode: str) -> tuple[Request, str | None, str | None]:
    """``req`` with what its upgrade needs, the protocol asked for (None unless a socket), the websocket key."""
    if mode != "socket":
        return req, None, None
    upgrade = UPGRADES.get(op or "", "tcp")
    if upgrade != "websocket":
        return req, upgrade, None
    key, extra = handshake()
    return req._replace(headers={**req.headers, **extra}), upgrade, key


def socket_for(conn: Connection, op: str | None, tty: Callable[[], bool] | bool | None, headers: dict[str, str],
               key: str | None) -> HijackedSocket:
    """The object an upgraded connection is handed out as: a WebSocket when ``key`` opened a handshake."""
    if key is None:
        return HijackedSocket(conn, op, tty)
    return WebSocket(conn, key, headers, op, True)  # websocket output is never multiplexed
