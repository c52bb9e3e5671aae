"""The transport and h11 fed the same bytes: the same status, headers, body and keep-alive decision, or both refuse.

Our side reads from a real socket (a socketpair written by a thread, then half-closed), through Connection and Body
as a call does; h11's gets the same bytes in 4 KiB pieces (so that its size limit applies as ours does).
"""

from __future__ import annotations

import socket
import threading
from typing import Any

import h11
import pytest

import dshell.client as docker
from dshell.client._endpoint import Endpoint
from dshell.client._http11 import MAX_HEAD
from dshell.client._transport import Body, Connection

ENDPOINT = Endpoint.parse({"uri": "unix:///conformance.sock", "timeouts": {"read": 10}})
OK = b"HTTP/1.1 200 OK\r\n"


def ours(raw: bytes, method: str) -> Any:
    mine, peer = socket.socketpair()

    def write() -> None:
        try:
            peer.sendall(raw)
            peer.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass  # our side refused the answer before it was all sent (a head over the limit): closed early

    writer = threading.Thread(target=write)
    writer.start()
    conn = Connection(mine, ENDPOINT)
    try:
        head = conn.read_head()
        body = Body(conn, head, method)
        data = body.read_all()
        return head.status, head.headers, data if head.status != 101 else bytes(conn.buf), body.keep_alive
    except docker.ProtocolError as exc:
        return "refused", str(exc)
    finally:
        mine.close()
        writer.join()
        peer.close()


def theirs(raw: bytes, method: str) -> Any:
    upgrade = [("Connection", "Upgrade"), ("Upgrade", "tcp")] if method == "UPGRADE" else []
    c = h11.Connection(h11.CLIENT, max_incomplete_event_size=MAX_HEAD)
    c.send(h11.Request(method="POST" if upgrade else method, target="/", headers=[("Host", "docker"), *upgrade,
                                                                                   ("Content-Length", "0")]))
    c.send(h11.EndOfMessage())
    pieces = [raw[i:i + 4096] for i in range(0, len(raw), 4096)] + [b""]
    status, headers, data = 0, {}, b""
    try:
        while True:
            event = c.next_event()
            if event is h11.NEED_DATA:
                c.receive_data(pieces.pop(0))
            elif event is h11.PAUSED:  # switched protocols: the rest is the upgraded stream's
                return 101, headers, c.trailing_data[0], False
            elif isinstance(event, h11.InformationalResponse | h11.Response):
                status, headers = event.status_code, {}
                for name, value in event.headers:
                    key, text = name.decode(), value.decode("latin-1")
                    headers[key] = f"{headers[key]}, {text}" if key in headers else text
            elif isinstance(event, h11.Data):
                data += event.data
            elif isinstance(event, h11.EndOfMessage):  # reusable: done, and not by the connection's end
                return status, headers, data, c.their_state is h11.DONE and bool(pieces)
    except h11.RemoteProtocolError as exc:
        return "refused", str(exc)


def chunked(*parts: bytes) -> bytes:
    return OK + b"Transfer-Encoding: chunked\r\n\r\n" + b"".join(parts)


CASES: dict[str, tuple[bytes, str]] = {
    "content-length": (OK + b"Content-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello", "GET"),
    "content-length zero": (OK + b"Content-Length: 0\r\n\r\n", "GET"),
    "content-length repeated, same": (OK + b"Content-Length: 2\r\nContent-Length: 2\r\n\r\nok", "GET"),
    "content-length list, same": (OK + b"Content-Length: 2, 2\r\n\r\nok", "GET"),
    "content-length repeated, different": (OK + b"Content-Length: 2\r\nContent-Length: 3\r\n\r\nokk", "GET"),
    "content-length list, different": (OK + b"Content-Length: 2, 3\r\n\r\nokk", "GET"),
    "content-length negative": (OK + b"Content-Length: -1\r\n\r\nok", "GET"),
    "content-length signed": (OK + b"Content-Length: +2\r\n\r\nok", "GET"),
    "content-length not a number": (OK + b"Content-Length: two\r\n\r\nok", "GET"),
    "content-length with a space inside": (OK + b"Content-Length: 1 2\r\n\r\nok", "GET"),
    "content-length empty": (OK + b"Content-Length:\r\n\r\nok", "GET"),
    "content-length of 21 digits": (OK + b"Content-Length: 100000000000000000000\r\n\r\nok", "GET"),
    "content-length, unicode digit": (OK + b"Content-Length: \xb2\r\n\r\nok", "GET"),
    "content-length, body cut short": (OK + b"Content-Length: 10\r\n\r\nshort", "GET"),
    "chunked": (chunked(b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"), "GET"),
    "chunked, upper-case hex and extensions": (chunked(b"A;name=value\r\n0123456789\r\n1;x\r\n!\r\n0;end\r\n\r\n"),
                                               "GET"),
    "chunked, trailing whitespace on a size line": (chunked(b"2 \t\r\nok\r\n0\r\n\r\n"), "GET"),
    "chunked with trailers": (chunked(b"2\r\nok\r\n0\r\nX-Checksum: abc\r\nX-More: 1\r\n\r\n"), "GET"),
    "chunked with a bad trailer": (chunked(b"2\r\nok\r\n0\r\nnot a trailer\r\n\r\n"), "GET"),
    "chunked, a bad size": (chunked(b"zz\r\nok\r\n0\r\n\r\n"), "GET"),
    "chunked, a negative size": (chunked(b"-2\r\nok\r\n0\r\n\r\n"), "GET"),
    "chunked, a space before the size": (chunked(b" 2\r\nok\r\n0\r\n\r\n"), "GET"),
    "chunked, 21 hex digits": (chunked(b"000000000000000000002\r\nok\r\n0\r\n\r\n"), "GET"),
    "chunked, no CRLF after the data": (chunked(b"2\r\nokXX0\r\n\r\n"), "GET"),
    "chunked, cut short": (chunked(b"5\r\nhel"), "GET"),
    "chunked, no last chunk": (chunked(b"2\r\nok\r\n"), "GET"),
    "chunked, an endless size line": (chunked(b"2;" + b"x" * (2 * MAX_HEAD) + b"\r\nok\r\n0\r\n\r\n"), "GET"),
    "chunked wins over content-length": (OK + b"Content-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n"
                                         b"2\r\nok\r\n0\r\n\r\n", "GET"),
    "chunked, a bad content-length beside": (OK + b"Content-Length: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                                             b"0\r\n\r\n", "GET"),
    "transfer-encoding gzip": (OK + b"Transfer-Encoding: gzip\r\n\r\nok", "GET"),
    "transfer-encoding twice": (OK + b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                                "GET"),
    "transfer-encoding list": (OK + b"Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", "GET"),
    "transfer-encoding in capitals": (OK + b"Transfer-Encoding: CHUNKED\r\n\r\n0\r\n\r\n", "GET"),
    "100 continue first": (b"HTTP/1.1 100 Continue\r\n\r\n" + OK + b"Content-Length: 2\r\n\r\nok", "GET"),
    "102 and 103 first": (b"HTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                          + OK + b"Content-Length: 2\r\n\r\nok", "GET"),
    "5000 100 continues": (b"HTTP/1.1 100 Continue\r\n\r\n" * 5000 + OK + b"Content-Length: 2\r\n\r\nok", "GET"),
    "a 1xx with a bad header": (b"HTTP/1.1 103 Early Hints\r\nbad header\r\n\r\n" + OK + b"Content-Length: 0\r\n\r\n",
                                "GET"),
    "101 switching protocols with early bytes": (b"HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n"
                                                 b"\r\nearly bytes", "UPGRADE"),
    "HTTP/1.0 with a length": (b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", "GET"),
    "HTTP/1.0 until close": (b"HTTP/1.0 200 OK\r\n\r\nall of it", "GET"),
    "HTTP/1.0 keep-alive asked": (b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok", "GET"),
    "connection close": (OK + b"Connection: close\r\nContent-Length: 2\r\n\r\nok", "GET"),
    "connection close among tokens": (OK + b"Connection: keep-alive, Close\r\nContent-Length: 2\r\n\r\nok", "GET"),
    "connection keep-alive": (OK + b"Connection: keep-alive\r\nContent-Length: 2\r\n\r\nok", "GET"),
    "HTTP/1.1 until close": (OK + b"Content-Type: application/vnd.docker.raw-stream\r\n\r\nall of it", "GET"),
    "204 without a body": (b"HTTP/1.1 204 No Content\r\n\r\n", "POST"),
    "304 with a length but no body": (b"HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n", "GET"),
    "HEAD with a length but no body": (OK + b"Content-Length: 50\r\n\r\n", "HEAD"),
    "HEAD chunked but no body": (OK + b"Transfer-Encoding: chunked\r\n\r\n", "HEAD"),
    "status line without a reason": (b"HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nok", "GET"),
    "status line with an empty reason": (b"HTTP/1.1 200 \r\nContent-Length: 2\r\n\r\nok", "GET"),
    "status line, latin-1 reason": (b"HTTP/1.1 200 Tr\xe8s bien\r\nContent-Length: 2\r\n\r\nok", "GET"),
    "status line FOO 200": (b"FOO 200 OK\r\nContent-Length: 2\r\n\r\nok", "GET"),
    "status line in lower case": (b"http/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", "GET"),
    "status line with 4 digits": (b"HTTP/1.1 2000 OK\r\nContent-Length: 2\r\n\r\nok", "GET"),
    "status line with 2 digits": (b"HTTP/1.1 20 OK\r\nContent-Length: 2\r\n\r\nok", "GET"),
    "status line, code glued to reason": (b"HTTP/1.1 200OK\r\nContent-Length: 2\r\n\r\nok", "GET"),
    "status line, status 099": (b"HTTP/1.1 099 Low\r\nContent-Length: 2\r\n\r\nok", "GET"),
    "status line, version only": (b"HTTP/1.1\r\n\r\n", "GET"),
    "status line, version 1.10": (b"HTTP/1.10 200 OK\r\nContent-Length: 2\r\n\r\nok", "GET"),
    "status line, HTTP/2.0": (b"HTTP/2.0 200 OK\r\nContent-Length: 2\r\n\r\nok", "GET"),
    "an empty line before the status": (b"\r\n" + OK + b"Content-Length: 2\r\n\r\nok", "GET"),
    "bare LF line ends": (b"HTTP/1.1 200 OK\nContent-Length: 2\nX-A: b\n\nok", "GET"),
    "bare LF line ends, no headers": (b"HTTP/1.1 200 OK\n\nuntil close", "GET"),
    "mixed line ends": (b"HTTP/1.1 200 OK\r\nContent-Length: 2\nX-A: b\r\n\nok", "GET"),
    "a folded header": (OK + b"X-Long: one\r\n  two\r\n\tthree\r\nContent-Length: 2\r\n\r\nok", "GET"),
    "a folded line first": (OK + b" X-Long: one\r\nContent-Length: 2\r\n\r\nok", "GET"),
    "a header without a colon": (OK + b"Content-Length 2\r\n\r\nok", "GET"),
    "a space before the colon": (OK + b"Content-Length : 2\r\n\r\nok", "GET"),
    "a bad character in a name": (OK + b"X(A): 1\r\nContent-Length: 2\r\n\r\nok", "GET"),
    "an empty name": (OK + b": 1\r\nContent-Length: 2\r\n\r\nok", "GET"),
    "a NUL in a value": (OK + b"X-A: a\x00b\r\nContent-Length: 2\r\n\r\nok", "GET"),
    "a vertical tab in a value": (OK + b"X-A: a\x0bb\r\nContent-Length: 2\r\n\r\nok", "GET"),
    "a bare CR in a value": (OK + b"X-A: a\rb\r\nContent-Length: 2\r\n\r\nok", "GET"),
    "values with spaces, tabs and obs-text": (OK + b"X-A:  a \t b\t \r\nX-B: caf\xe9\r\nX-C:\r\nContent-Length: 0\r\n"
                                              b"\r\n", "GET"),
    "repeated headers joined": (OK + b"X-A: 1\r\nx-a: 2\r\nX-A: 3\r\nContent-Length: 0\r\n\r\n", "GET"),
    "a head of 30 KiB": (OK + b"X-Big: " + b"x" * 30000 + b"\r\nContent-Length: 2\r\n\r\nok", "GET"),
    "a head of 100 KiB": (OK + b"X-Big: " + b"x" * 100000 + b"\r\nContent-Length: 2\r\n\r\nok", "GET"),
    "an endless head": (OK + b"X-Big: " + b"x" * (2 * MAX_HEAD), "GET"),
    "closed mid-head": (OK + b"Content-Len", "GET"),
    "garbage": (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" * 10, "GET"),
}


@pytest.mark.parametrize("name", CASES)
def test_same_answer_as_h11(name):
    raw, method = CASES[name]
    reference = theirs(raw, method)
    for _ in range(2):  # the second time, a head already seen is remembered, not parsed: the same answer
        mine = ours(raw, method)
        if reference[0] == "refused":
            assert mine[0] == "refused", f"h11 refuses ({reference[1]}); we took {mine!r}"[:400]
            assert "\n" not in mine[1] and mine[1].startswith("unix:///conformance.sock: ")
        else:
            assert mine == reference


def test_a_remembered_head_gives_each_answer_its_own_headers():
    first, second = ours(OK + b"Content-Length: 0\r\n\r\n", "GET"), ours(OK + b"Content-Length: 0\r\n\r\n", "GET")
    assert first == second and first[1] is not second[1]


def test_closed_before_anything_is_the_peer_closing_not_a_protocol_error():
    mine, peer = socket.socketpair()
    peer.close()
    with pytest.raises(docker.ConnectionError, match="closed the connection") as err:
        Connection(mine, ENDPOINT).read_head()
    assert not isinstance(err.value, docker.ProtocolError)
