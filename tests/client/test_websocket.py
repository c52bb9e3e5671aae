"""dshell.client's WebSocket over a socketpair: unframing (lengths, masks, pings, close), framing, handshake."""

from __future__ import annotations

import socket
import struct
from types import SimpleNamespace

import pytest

import dshell.client as docker
from dshell.client._websocket import BINARY, CLOSE, PING, PONG, TEXT, WebSocket, accept_for, frame

KEY = "dGhlIHNhbXBsZSBub25jZQ=="


def server_frame(opcode: int, payload: bytes) -> bytes:
    n = len(payload)
    head = struct.pack("!BB", 0x80 | opcode, n) if n < 126 else struct.pack("!BBH", 0x80 | opcode, 126, n)
    return head + payload


def read_client_frame(sock: socket.socket) -> tuple[int, bytes]:
    def exactly(n: int) -> bytes:
        data = b""
        while len(data) < n:
            data += sock.recv(n - len(data))
        return data

    b0, b1 = exactly(2)
    size = b1 & 0x7F
    if size == 126:
        size = int.from_bytes(exactly(2), "big")
    elif size == 127:
        size = int.from_bytes(exactly(8), "big")
    assert b1 & 0x80, "a client frame must be masked"
    mask = exactly(4)
    return b0 & 0x0F, bytes(c ^ mask[i % 4] for i, c in enumerate(exactly(size)))


def pair(early: bytes = b"") -> tuple[WebSocket, socket.socket]:
    ours, theirs = socket.socketpair()
    conn = SimpleNamespace(sock=ours, buf=bytearray(early), close=ours.close)
    return WebSocket(conn, KEY, {"sec-websocket-accept": accept_for(KEY)}, "ContainerAttachWebsocket"), theirs  # type: ignore[arg-type]


def test_messages_are_unframed_pings_answered_and_close_ends_recv():
    ws, daemon = pair(early=server_frame(TEXT, b"ab"))  # bytes read with the 101 head come first
    daemon.sendall(server_frame(PING, b"p") + server_frame(BINARY, b"x" * 300) + server_frame(CLOSE, b"\x03\xe8"))
    assert ws.recv() == b"ab"
    assert ws.recv(100) == b"x" * 100 and ws.pending() >= 200
    assert ws.recv() == b"x" * 200
    assert ws.recv() == b""  # the close message
    assert read_client_frame(daemon) == (PONG, b"p")
    assert read_client_frame(daemon) == (CLOSE, b"\x03\xe8")  # answered once
    ws.close()


def test_sendall_sends_one_masked_binary_message_and_shutdown_a_close():
    ws, daemon = pair()
    ws.sendall(b"hello")
    ws.sendall(b"y" * 70000)
    ws.shutdown(socket.SHUT_WR)
    assert read_client_frame(daemon) == (BINARY, b"hello")
    assert read_client_frame(daemon) == (BINARY, b"y" * 70000)
    assert read_client_frame(daemon) == (CLOSE, b"\x03\xe8")
    ws.close()
    assert frame(TEXT, b"")[:2] == b"\x81\x80"


def test_a_wrong_accept_is_refused_in_one_line():
    ours, _ = socket.socketpair()
    conn = SimpleNamespace(sock=ours, buf=bytearray(), close=ours.close)
    with pytest.raises(docker.ConnectionError, match="not a websocket handshake"):
        WebSocket(conn, KEY, {"sec-websocket-accept": "nope"})  # type: ignore[arg-type]
