"""HTTP/1.1 on the wire against a scripted peer: lengths, chunks, close-delimited bodies, upgrades, what goes back to
the pool, what is never sent twice, limits and deadlines."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import dshell.client as docker
from dshell.client._endpoint import Endpoint
from dshell.client._transport import Connection, Pool


@pytest.fixture
def peer(tmp_path: Path) -> Iterator:
    """A unix-socket server answering each connection's requests with scripted bytes."""
    path = str(tmp_path / "s.sock")
    server = socket.socket(socket.AF_UNIX)
    server.bind(path)
    server.listen(8)
    scripts: list[list[bytes | Callable[[socket.socket], None] | None]] = []
    received: list[bytes] = []
    held: list[socket.socket] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            answers = scripts.pop(0)
            for answer in answers:
                if answer is None:  # hang up without waiting for another request
                    conn.close()
                    break
                data = b""
                while b"\r\n\r\n" not in data:
                    piece = conn.recv(65536)
                    if not piece:
                        break
                    data += piece
                received.append(data)
                if callable(answer):  # it answers by itself (slowly, partly, ...)
                    answer(conn)
                else:
                    conn.sendall(answer)
            else:
                held.append(conn)  # the peer keeps its side open, like an idle daemon

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield path, scripts, received
    server.close()
    for conn in held:
        conn.close()


def pool(path: str, **timeouts: float) -> Pool:
    return Pool(Endpoint.parse({"uri": f"unix://{path}", "timeouts": timeouts}))


def test_keep_alive_reuses_one_connection(peer):
    path, scripts, received = peer
    ok = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK"
    scripts.append([ok, ok, ok])
    p = pool(path)
    for _ in range(3):
        _, status, _, body = p.request(b"GET /_ping HTTP/1.1\r\nHost: d\r\n\r\n", None, "GET")
        assert (status, body.read_all()) == (200, b"OK")
    assert len(received) == 3 and scripts == []


def test_chunked_body_split_into_tiny_writes(peer):
    path, scripts, _ = peer
    chunks = b"5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n"
    scripts.append([b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks])
    _, _, _, body = pool(path).request(b"GET / HTTP/1.1\r\n\r\n", None, "GET")
    assert b"".join(body.iter_chunks()) == b"hello world"


def test_one_read_takes_every_chunk_that_came_a_log_line_each(peer):
    """A daemon sends each log line as a chunk: a read takes all that arrived, not one line (work per read)."""
    path, scripts, _ = peer
    lines = [f"line {i}\n".encode() for i in range(2000)]
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(line), line) for line in lines)
    scripts.append([b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks + b"0\r\n\r\n"])
    _, _, _, body = pool(path).request(b"GET / HTTP/1.1\r\n\r\n", None, "GET")
    pieces = list(body.iter_chunks())
    assert b"".join(pieces) == b"".join(lines)
    assert len(pieces) < 50  # 2,000 chunks came in a few reads (262,144-byte receive buffer)
    assert body.done


def test_a_batched_read_stops_at_its_limit_and_at_a_bad_chunk(peer):
    path, scripts, _ = peer
    scripts.append([b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    b"3\r\nabc\r\n3\r\ndef\r\n3;x=y\r\nghi\r\n3\r\njklXX0\r\n\r\n"])
    _, _, _, body = pool(path).request(b"GET / HTTP/1.1\r\n\r\n", None, "GET")
    assert body.read1(4) == b"abcd"  # the next chunk does not fit whole: the careful path takes its start
    assert body.read1(100) == b"efghijkl"  # an extension ends the fast run; what precedes the damage comes
    with pytest.raises(docker.ProtocolError, match="a chunk does not end with CRLF"):
        body.read1(100)


def test_close_delimited_body_reads_to_eof(peer):
    path, scripts, _ = peer
    scripts.append([b"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\nall of it", None])
    _, _, _, body = pool(path).request(b"POST / HTTP/1.1\r\n\r\n", None, "POST")
    assert body.read_all() == b"all of it" and not body.keep_alive


def test_upgrade_keeps_bytes_sent_right_after_the_101(peer):
    path, scripts, _ = peer
    scripts.append([b"HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\nearly bytes", None])
    conn, status, _, _ = pool(path).request(b"POST / HTTP/1.1\r\n\r\n", None, "POST")
    sock = docker.HijackedSocket(conn, tty=True)
    assert status == 101 and sock.pending() == 11
    assert sock.recv(5) == b"early" and sock.recv(100) == b" bytes" and sock.recv(100) == b""


def test_stale_keep_alive_connection_is_retried_on_a_fresh_one(peer):
    path, scripts, received = peer
    ok = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK"
    scripts.extend([[ok, None], [ok]])
    p = pool(path)
    for _ in range(2):
        _, _, _, body = p.request(b"GET / HTTP/1.1\r\n\r\n", None, "GET")
        assert body.read_all() == b"OK"


def test_a_connection_dropped_mid_body_is_an_error_not_a_hang(peer):
    path, scripts, _ = peer
    scripts.append([b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly some", None])
    _, _, _, body = pool(path, read=5).request(b"GET / HTTP/1.1\r\n\r\n", None, "GET")
    with pytest.raises(docker.ConnectionError, match="closed mid-response"):
        body.read_all()


def test_read_timeout(peer):
    path, scripts, _ = peer
    scripts.append([b""])  # answers nothing, keeps the connection open until the test ends
    with pytest.raises(docker.ConnectionError, match="read timed out"):
        pool(path, read=0.2).request(b"GET / HTTP/1.1\r\n\r\n", None, "GET")


def test_a_daemon_that_is_down_names_the_uri_and_the_fix(tmp_path):
    c = docker.client(conn={"uri": f"unix://{tmp_path}/none.sock"})
    with pytest.raises(docker.ConnectionError) as err:
        docker.invoke(c, {"op": "SystemPing"})
    assert f"unix://{tmp_path}/none.sock" in str(err.value) and "DOCKER_HOST" in str(err.value)


def test_unsupported_endpoints_say_what_is_supported():
    with pytest.raises(docker.ConnectionError, match="unix://PATH, tcp://HOST:PORT"):
        docker.client(conn={"uri": "ftp://x"})


def test_a_stream_whose_connection_drops_mid_chunk_ends_with_an_error(peer):
    path, scripts, _ = peer
    scripts.append([b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nline1\n\r\n10\r\npart", None])
    _, status, headers, body = pool(path).request(b"GET / HTTP/1.1\r\n\r\n", None, "GET")
    stream = docker.DockerStream(body, status=status, headers=headers)
    assert stream.readline() == b"line1\n"
    with pytest.raises(docker.ConnectionError, match="closed mid-response"):
        stream.readline()


def test_a_timeout_is_never_retried_so_nothing_is_sent_twice(peer):
    path, scripts, received = peer
    scripts.extend([[b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK", b""], [b"unexpected"]])
    p = pool(path, read=0.3)
    _, _, _, body = p.request(b"GET / HTTP/1.1\r\n\r\n", None, "GET")
    assert body.read_all() == b"OK"
    with pytest.raises(docker.ConnectionError, match="read timed out"):
        p.request(b"POST /containers/create HTTP/1.1\r\n\r\n", b"", "POST")  # reused, the peer says nothing
    assert [r.split(b" ")[1] for r in received] == [b"/", b"/containers/create"] and len(scripts) == 1


def test_the_call_deadline_holds_across_a_write_timeout_setting(peer):
    path, scripts, _ = peer
    scripts.append([b""])
    p = Pool(Endpoint.parse({"uri": f"unix://{path}", "timeouts": {"call": 0.3, "write": 5}}))
    with pytest.raises(docker.ConnectionError, match="read timed out"):
        p.request(b"GET / HTTP/1.1\r\n\r\n", None, "GET")


def test_a_204_in_stream_or_socket_mode_leaves_the_pooled_connection_alone(peer):
    path, scripts, _ = peer
    no_content = b"HTTP/1.1 204 No Content\r\n\r\n"
    ok = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nOK"
    scripts.append([no_content, no_content, ok, b""])  # one connection; then it answers nothing
    c = docker.client(conn={"uri": f"unix://{path}", "timeouts": {"read": 0.5}}, api_version="v1.41")
    stream = docker.invoke(c, {"op": "ContainerStart", "params": {"id": "x"}, "as": "stream"})
    assert stream.read() == b""
    assert docker.invoke(c, {"op": "ContainerStart", "params": {"id": "x"}, "as": "socket"}) is None
    assert docker.invoke(c, {"op": "SystemPing"}) == "OK"  # the same connection: the pool has it back
    with pytest.raises(docker.ConnectionError, match="read timed out"):  # still with its read timeout
        docker.invoke(c, {"op": "SystemPing"})
    assert scripts == []


def test_endpoint_mistakes_are_connection_errors_naming_them(tmp_path):
    with pytest.raises(docker.ConnectionError, match="bad port in docker endpoint 'tcp://h:abc'"):
        docker.client(conn={"uri": "tcp://h:abc"})
    c = docker.client(conn={"uri": "https://127.0.0.1:1", "mtls": {"ca": str(tmp_path / "none.pem")}})
    with pytest.raises(docker.ConnectionError, match="cannot load the CA certificate .*none.pem"):
        docker.invoke(c, {"op": "SystemPing"})


OK2 = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK"
GET = b"GET / HTTP/1.1\r\nHost: d\r\n\r\n"


def test_informational_answers_are_skipped_but_not_a_101(peer):
    path, scripts, _ = peer
    scripts.append([b"HTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n" + OK2])
    _, status, headers, body = pool(path).request(GET, None, "GET")
    assert (status, headers, body.read_all()) == (200, {"content-length": "2"}, b"OK")


def test_5000_continues_are_read_in_a_loop(peer):
    path, scripts, _ = peer
    scripts.append([b"HTTP/1.1 100 Continue\r\n\r\n" * 5000 + OK2])
    _, status, _, body = pool(path).request(GET, None, "GET")
    assert (status, body.read_all()) == (200, b"OK")


@pytest.mark.parametrize("answer", [b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nOK",
                                    b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nOK",
                                    b"HTTP/1.1 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 2\r\n\r\nOK"])
def test_http10_and_connection_close_never_go_back_to_the_pool(peer, answer):
    path, scripts, received = peer
    scripts.extend([[answer], [OK2]])  # the peer would even keep the first connection open
    p = pool(path)
    for _ in range(2):
        _, _, _, body = p.request(GET, None, "GET")
        assert body.read_all() == b"OK"
    assert scripts == [] and len(received) == 2  # the second request came on a second connection


def test_chunked_trailers_leave_the_connection_reusable(peer):
    path, scripts, received = peer
    scripts.append([b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nOK\r\n0\r\nX-Sum: 1\r\n\r\n", OK2])
    p = pool(path)
    for _ in range(2):
        _, _, _, body = p.request(GET, None, "GET")
        assert body.read_all() == b"OK"
    assert len(received) == 2 and len(p._idle) == 1


@pytest.mark.parametrize("answer", [
    b"FOO 200 OK\r\nContent-Length: 2\r\n\r\nOK",
    b"HTTP/1.1 200 OK\r\nContent-Length: -2\r\n\r\nOK",
    b"HTTP/1.1 200 OK\r\nContent-Length: two\r\n\r\nOK",
    b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 1\r\n\r\nOK",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nOK\r\n0\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nOKOK\r\n0\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nX-Evil\r\n\r\nOK",
], ids=["status line", "negative length", "length not a number", "two lengths", "chunk size", "chunk end",
        "header line"])
def test_a_malformed_answer_is_one_protocol_error(peer, answer):
    path, scripts, _ = peer
    scripts.append([answer])
    p = pool(path)
    with pytest.raises(docker.ProtocolError) as err:
        _, _, _, body = p.request(GET, None, "GET")
        body.read_all()
    assert isinstance(err.value, docker.ConnectionError) and "\n" not in str(err.value)
    assert str(err.value).startswith(f"unix://{path}: ") and not p._idle


def test_an_endless_header_is_cut_at_the_limit(peer):
    path, scripts, _ = peer

    def endless(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nX-Big: ")
        with contextlib.suppress(OSError):
            for _ in range(4096):  # 256 MB unless the client stops reading
                conn.sendall(b"x" * 65536)

    scripts.append([endless])
    with pytest.raises(docker.ProtocolError, match="response head exceeds 64 KiB"):
        pool(path).request(GET, None, "GET")


def test_the_call_timeout_bounds_a_trickled_body(peer):
    path, scripts, _ = peer

    def trickle(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n")
        with contextlib.suppress(OSError):
            for _ in range(40):
                conn.sendall(b"x")
                time.sleep(0.05)

    scripts.append([trickle])
    started = time.monotonic()
    with pytest.raises(docker.ConnectionError, match="timed out .*0.5 s"):
        _, _, _, body = pool(path, call=0.5, read=1).request(GET, None, "GET")
        body.read_all()
    assert time.monotonic() - started < 1.5  # the body would take 2 s


def test_a_post_whose_connection_drops_is_not_sent_again(peer, monkeypatch):
    path, scripts, received = peer
    scripts.extend([[OK2, lambda conn: conn.close()], [OK2]])  # the peer reads the POST, hangs up, no answer
    p = pool(path)
    _, _, _, body = p.request(GET, None, "GET")
    assert body.read_all() == b"OK"
    time.sleep(0.1)
    monkeypatch.setattr(Connection, "dropped", lambda self: False)  # the hang-up comes after the reuse check
    with pytest.raises(docker.ConnectionError, match="closed the connection"):
        p.request(b"POST /containers/x/stop HTTP/1.1\r\nContent-Length: 0\r\n\r\n", b"", "POST")
    assert [r.split(b" ")[:2] for r in received] == [[b"GET", b"/"], [b"POST", b"/containers/x/stop"]]


def test_an_idle_connection_the_daemon_closed_is_not_reused(peer):
    path, scripts, received = peer
    scripts.extend([[OK2, None], [OK2]])
    p = pool(path)
    _, _, _, body = p.request(GET, None, "GET")
    assert body.read_all() == b"OK"
    time.sleep(0.1)  # the peer hangs up: the idle connection reads as closed
    _, _, _, body = p.request(b"POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n", b"", "POST")
    assert body.read_all() == b"OK" and len(received) == 2


def test_a_cancelled_call_is_never_sent_again(peer):
    path, scripts, received = peer
    scripts.extend([[OK2, b""], [b""]])  # the second request is held unanswered; a resend would get a new connection
    p = pool(path)
    _, _, _, body = p.request(GET, None, "GET")
    assert body.read_all() == b"OK"
    outcome: list[BaseException] = []

    def call() -> None:
        try:
            p.request(GET, None, "GET")
        except docker.ConnectionError as exc:
            outcome.append(exc)

    worker = threading.Thread(target=call)
    worker.start()
    time.sleep(0.3)
    assert p.cancel() == 1
    worker.join(3)
    assert not worker.is_alive() and "cancelled" in str(outcome[0])
    assert len(received) == 2 and len(scripts) == 1


def test_an_early_answer_to_a_large_upload_is_read(peer):
    path, scripts, _ = peer
    scripts.append([b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nno such x", None])
    p = pool(path, read=5)
    _, status, _, body = p.request(b"PUT /x HTTP/1.1\r\nContent-Length: 8388608\r\n\r\n", b"x" * 8388608, "PUT")
    assert (status, body.read_all()) == (404, b"no such x") and not p._idle


@pytest.mark.parametrize("header", [{"X-Registry-Auth": "a\r\nX-Evil: 1"}, {"X-A": "line\nbreak"},
                                    {"X A": "1"}, {"X-A": "\u4e2d"}])
def test_header_injection_and_unsendable_values_are_refused(peer, header):
    path, scripts, received = peer
    c = docker.client(conn={"uri": f"unix://{path}"}, api_version="v1.41")
    with pytest.raises(docker.ValidationError) as err:
        docker.fetch({"conn": c, "url": "/_ping", "header": header})
    assert "\n" not in str(err.value) and received == []


@pytest.mark.parametrize("url", ["/_ping\r\nX-Evil: 1", "/_ping HTTP/1.1\r\n\r\nGET /x", "/a b", "/caf\u00e9"])
def test_request_splitting_in_a_fetch_url_is_refused(peer, url):
    path, _, received = peer
    c = docker.client(conn={"uri": f"unix://{path}"}, api_version="v1.41")
    with pytest.raises(docker.ValidationError, match="percent-encode") as err:
        docker.fetch({"conn": c, "url": url})
    assert "\n" not in str(err.value) and received == []


@pytest.mark.parametrize("uri", [
    "unix:///var/run/docker.sock", "unix://relative.sock", "unix://host/p.sock", "unix:///", "unix://", "unix:///a b",
    "unix:///a?b", "unix:///a#b", "unix:///a\tb", "unix:///[x]", "UNIX:///x.sock", "unix:/x.sock", "unix:x",
    "tcp://h:1", "ssh://u@h", "https://me:pw@h:2376", "unix:///tmp/é.sock", "unix:///a\x00b",
])
def test_a_unix_uri_is_read_as_urlsplit_reads_it(uri):
    """``unix_path`` reads a plain unix:// URI without urllib (its import costs a one-shot call): the socket
    urlsplit gives, or None to leave the URI to urlsplit; the endpoint made is the same either way."""
    from urllib.parse import urlsplit

    from dshell.client._endpoint import Endpoint, unix_path

    parts = urlsplit(uri)
    fast = unix_path(uri)
    assert fast is None or (parts.scheme == "unix" and fast == (parts.path or parts.netloc))
    if parts.scheme == "unix":
        assert Endpoint.parse({"uri": uri}).address == (parts.path or parts.netloc)
