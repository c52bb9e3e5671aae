"""TLS failures named by their cause, a connect timeout by default, and a protected key that never makes OpenSSL
read the terminal: against the engine's mTLS listener, and TLS servers of the wrong kind made here."""

from __future__ import annotations

import contextlib
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

import dshell.client as docker
from dshell.client._endpoint import DEFAULT_CONNECT_TIMEOUT, Endpoint

pytestmark = pytest.mark.engine
REPO = Path(__file__).resolve().parents[2]


def openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def expired(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CA, and a server certificate for 127.0.0.1 it signed that expired yesterday."""
    d = tmp_path_factory.mktemp("expired")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca-key.pem", "-out", "ca.pem", "-days", "2",
            "-subj", "/CN=dsh-test-ca", cwd=d)
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "req.csr", "-subj", "/CN=localhost",
            cwd=d)
    (d / "ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    openssl("x509", "-req", "-in", "req.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial",
            "-out", "cert.pem", "-days", "-1", "-extfile", "ext", cwd=d)
    return d


def serve(listener: socket.socket, wrap: ssl.SSLContext | None) -> None:
    """Accept connections; with ``wrap``, do the TLS handshake (which fails on the client's side); else stall."""
    held = []
    while True:
        try:
            conn, _ = listener.accept()
        except OSError:
            break
        held.append(conn)
        if wrap is not None:
            with contextlib.suppress(OSError):
                wrap.wrap_socket(conn, server_side=True).close()
    for conn in held:
        conn.close()


@contextlib.contextmanager
def tls_server(host: str, wrap: ssl.SSLContext | None) -> Iterator[int]:
    listener = socket.create_server((host, 0))
    thread = threading.Thread(target=serve, args=(listener, wrap), daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


def test_an_expired_server_certificate_says_so(expired):
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(expired / "cert.pem", expired / "key.pem")
    with tls_server("127.0.0.1", server) as port:
        c = docker.client(conn={"uri": f"https://127.0.0.1:{port}", "mtls": {"ca": str(expired / "ca.pem")}})
        with pytest.raises(docker.ConnectionError, match=r"the daemon's certificate has expired: renew it") as err:
            docker.invoke(c, {"op": "SystemPing"})
    assert "\n" not in str(err.value)


@contextlib.contextmanager
def relay(host: str, target: tuple[str, int]) -> Iterator[int]:
    """A TCP relay on ``host`` to the engine's mTLS listener (the same daemon, reached by another address)."""
    listener = socket.create_server((host, 0))

    def pump(src: socket.socket, dst: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := src.recv(65536):
                dst.sendall(data)
        for sock in (src, dst):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def accept() -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(target)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=pump, args=(a, b), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


def test_a_certificate_for_another_address_says_so(engine):
    host, port = engine["tls_host"].removeprefix("tcp://").rsplit(":", 1)
    with relay("127.0.0.2", (host, int(port))) as via:
        conn = {"uri": f"https://127.0.0.2:{via}", "mtls": {"ca": engine["ca"], "cert": engine["cert"],
                                                            "key": engine["key"]}}
        with pytest.raises(docker.ConnectionError, match=r"certificate is not for this IP address.*127\.0\.0\.2"):
            docker.invoke(docker.client(conn=conn), {"op": "SystemPing"})
        conn["mtls"]["verify"] = False  # the same relay, once the name is not checked: the real daemon answers
        assert docker.invoke(docker.client(conn=conn), {"op": "SystemPing"}) == "OK"


def test_a_ca_that_did_not_sign_the_daemons_certificate_says_so(engine, expired):
    conn = {"uri": engine["tls_uri"], "mtls": {"ca": str(expired / "ca.pem"), "cert": engine["cert"],
                                               "key": engine["key"]}}
    with pytest.raises(docker.ConnectionError, match="not signed by the CA given: give the daemon's CA"):
        docker.invoke(docker.client(conn=conn), {"op": "SystemPing"})


def test_a_wrong_key_password_and_a_missing_one_say_so(engine):
    def ping(**mtls: str) -> None:
        conn = {"uri": engine["tls_uri"], "mtls": {"ca": engine["ca"], "cert": engine["cert"], **mtls}}
        docker.invoke(docker.client(conn=conn), {"op": "SystemPing"})

    with pytest.raises(docker.ConnectionError, match=f"wrong key password for {engine['key_enc']}$"):
        ping(key=engine["key_enc"], password="not it")
    with pytest.raises(docker.ConnectionError, match="is password-protected: give its password"):
        ping(key=engine["key_enc"])
    with pytest.raises(docker.ConnectionError, match="does not belong to the certificate"):
        ping(key=str(Path(engine["certs"]) / "server-key.pem"))
    ping(key=engine["key_enc"], password=engine["key_password"])


def test_openssl_never_reads_the_terminal_for_a_protected_key(engine):
    code = ("import dshell.client as d, sys; "
            f"c = d.client(conn={{'uri': {engine['tls_uri']!r}, 'mtls': {{'ca': {engine['ca']!r}, "
            f"'cert': {engine['cert']!r}, 'key': {engine['key_enc']!r}}}}})\n"
            "try: d.invoke(c, {'op': 'SystemPing'})\n"
            "except d.ConnectionError as e: print('ERROR', e)")
    child = pexpect.spawn(sys.executable, ["-c", code], cwd=str(REPO), env={**os.environ, "PYTHONPATH": str(REPO)},
                          encoding="utf-8", timeout=20)
    index = child.expect(["Enter PEM pass phrase", "ERROR .*password-protected"])
    child.close(force=True)
    assert index == 1, "OpenSSL asked for the password on the terminal"


def test_network_endpoints_have_a_connect_timeout_by_default():
    for uri in ("tcp://127.0.0.1:2375", "https://127.0.0.1:2376", "http://h:1"):
        assert Endpoint.parse({"uri": uri}).timeouts.connect == DEFAULT_CONNECT_TIMEOUT == 10
    assert Endpoint.parse({"uri": "unix:///x.sock"}).timeouts.connect is None
    assert Endpoint.parse({"uri": "tcp://h:1", "timeouts": {"connect": None}}).timeouts.connect is None


def test_a_stalled_tls_handshake_ends_at_the_connect_timeout():
    with tls_server("127.0.0.1", None) as port:  # accepts, never answers
        c = docker.client(conn={"uri": f"https://127.0.0.1:{port}", "timeouts": {"connect": 0.5}})
        started = time.monotonic()
        with pytest.raises(docker.ConnectionError, match=r"no answer within 0.5 s \(the connect timeout\)"):
            docker.invoke(c, {"op": "SystemPing"})
        assert time.monotonic() - started < 3
