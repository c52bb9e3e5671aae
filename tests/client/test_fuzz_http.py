"""Property tests of the HTTP response parser, through the public Pool over a real unix socket.

Responses are generated (status, headers, a Content-Length or chunked body), sent in pieces cut anywhere,
and must read back whole; garbage must give ConnectionError (a DshellError) and nothing else. A fixed seed
(derandomize) and a small budget keep it fast and the same on every run.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dshell.client as docker
from dshell.client._endpoint import Endpoint
from dshell.client._transport import Pool

FUZZ = settings(max_examples=60, derandomize=True, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
HEAD = b"GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n"


class Peer:
    """A unix-socket server: each connection gets the next script's pieces, 1 ms apart, then is closed."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.scripts: list[list[bytes]] = []
        self.server = socket.socket(socket.AF_UNIX)
        self.server.bind(path)
        self.server.listen(8)
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                data = b""
                while b"\r\n\r\n" not in data and (piece := conn.recv(65536)):
                    data += piece
                for piece in self.scripts.pop(0):
                    try:
                        conn.sendall(piece)
                    except OSError:
                        break
                    time.sleep(0.001)

    def ask(self, pieces: list[bytes]) -> tuple[int, dict[str, str], bytes]:
        self.scripts.append(pieces)
        pool = Pool(Endpoint.parse({"uri": f"unix://{self.path}", "timeouts": {"read": 10}}))
        try:
            _, status, headers, body = pool.request(HEAD, None, "GET")
            return status, headers, body.read_all()
        finally:
            pool.close()


@pytest.fixture(scope="module")
def peer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Peer]:
    server = Peer(str(tmp_path_factory.mktemp("http") / "s.sock"))
    yield server
    server.server.close()


def cut(data: bytes, at: list[int]) -> list[bytes]:
    points = sorted({min(i, len(data)) for i in at} - {0, len(data)})
    return [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]


header_names = st.from_regex(r"X-[A-Za-z][A-Za-z0-9-]{0,10}", fullmatch=True)
header_values = st.from_regex(r"[!-~]([ -~]{0,20}[!-~])?", fullmatch=True)
bodies = st.binary(max_size=3000)
cuts = st.lists(st.integers(min_value=0, max_value=3500), max_size=6)


def chunked(body: bytes, sizes: list[int]) -> bytes:
    out, pos = [], 0
    for size in [*sizes, len(body)]:
        part = body[pos:pos + max(size, 1)]
        if not part:
            break
        out.append(b"%x\r\n%s\r\n" % (len(part), part))
        pos += len(part)
    return b"".join(out) + b"0\r\n\r\n"


@FUZZ
@given(status=st.sampled_from([200, 201, 204, 304, 404, 500]), extra=st.dictionaries(header_names, header_values,
       max_size=4), body=bodies, use_chunks=st.booleans(), sizes=st.lists(st.integers(1, 700), max_size=5),
       at=cuts)
def test_responses_round_trip_split_anywhere(peer, status, extra, body, use_chunks, sizes, at):
    if status in (204, 304):
        body = b""
    framing = (b"Transfer-Encoding: chunked\r\n" if use_chunks and body
               else b"Content-Length: %d\r\n" % len(body))
    head = b"HTTP/1.1 %d X\r\n" % status + framing + b"".join(
        f"{k}: {v}\r\n".encode() for k, v in extra.items()) + b"\r\n"
    wire = head + (chunked(body, sizes) if use_chunks and body else body)
    got_status, headers, got_body = peer.ask(cut(wire, at))
    assert (got_status, got_body) == (status, body)
    assert all(headers[k.lower()] == v for k, v in extra.items())


near_http = st.builds(lambda status, lines, tail: b"HTTP/1.1 " + status + b"\r\n" + b"\r\n".join(lines) + b"\r\n\r\n"
                      + tail, st.binary(max_size=12) | st.sampled_from([b"200 OK", b"99", b"-1 X", b"200"]),
                      st.lists(st.binary(max_size=30) | st.sampled_from([
                          b"Content-Length: x", b"Content-Length: -5", b"Content-Length: 99999999999999999999",
                          b"Transfer-Encoding: chunked", b"Content-Length: 3", b": v", b"Bad header"]),
                          max_size=4), st.binary(max_size=60) | st.sampled_from([b"zz\r\n", b"5\r\nab"]))


@FUZZ
@given(garbage=st.binary(min_size=1, max_size=400) | near_http, at=cuts)
def test_garbage_gives_a_connection_error_only(peer, garbage, at):
    with contextlib.suppress(docker.ConnectionError):
        peer.ask(cut(garbage, at))
