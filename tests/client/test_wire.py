"""HTTP/1.1 on the wire against a scripted peer: lengths, chunks, close-delimited bodies, upgrades."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import dshell.client as docker
from dshell.client._endpoint import Endpoint
from dshell.client._transport import Pool


@pytest.fixture
def peer(tmp_path: Path) -> Iterator:
    """A unix-socket server answering each connection's requests with scripted bytes."""
    path = str(tmp_path / "s.sock")
    server = socket.socket(socket.AF_UNIX)
    server.bind(path)
    server.listen(8)
    scripts: list[list[bytes]] = []
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
    with pytest.raises(docker.ConnectionError, match="closed mid-stream"):
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
