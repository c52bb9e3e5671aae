"""Where and how to reach a daemon: a ``conn`` map -> an Endpoint (unix, tcp/http, https with mTLS, ssh); the
TLS context; the wording of a refused connection and of TLS failures."""

from __future__ import annotations

from dshell._checking import TYPE_CHECKING
from dshell._frozen import Record

from ._errors import ConnectionError

if TYPE_CHECKING:
    import ssl
    from typing import Any

DEFAULT_CONNECT_TIMEOUT = 10.0  # seconds, for a daemon over the network (tcp, https, ssh), as the docker CLI's
_SERVER_CERT = {  # OpenSSL verify codes -> what is wrong with the daemon's certificate, and the fix
    9: "is not valid yet (check the clocks of both machines)",
    10: "has expired: renew it on the daemon (or check this machine's clock)",
    18: "is self-signed and not the CA given: give the daemon's CA (mtls ca, --tlscacert)",
    19: "is signed by a CA that was not given: give the daemon's CA (mtls ca, --tlscacert)",
    20: "is not signed by the CA given: give the daemon's CA (mtls ca, --tlscacert)",
    21: "is not signed by the CA given: give the daemon's CA (mtls ca, --tlscacert)",
    62: "is not for this host name: connect by a name the certificate holds, or fix the certificate",
    64: "is not for this IP address: connect by a name or address the certificate holds, or fix the certificate",
}


class Timeouts(Record):
    """Seconds; None means no limit."""

    connect: float | None = None
    read: float | None = None
    write: float | None = None
    call: float | None = None


class Endpoint(Record):
    """Where and how to connect: ``scheme`` is unix, http, https or ssh."""

    uri: str
    scheme: str
    address: str | tuple[str, int]
    host_header: str
    mtls: dict[str, Any]
    timeouts: Timeouts

    @classmethod
    def parse(cls, conn: dict[str, Any]) -> Endpoint:
        """Build an endpoint from a ``conn`` map: {"uri", "mtls": {ca, cert, key, password}, "timeouts"}."""
        uri = without_password(conn.get("uri") or "")  # shown, logged and stored: never the password
        mtls = dict(conn.get("mtls") or {})
        given = {k: v for k, v in (conn.get("timeouts") or {}).items() if k in Timeouts._fields}
        if (path := unix_path(conn.get("uri") or "")) is not None:
            return cls(uri, "unix", path, "docker", mtls, Timeouts(**given))
        from urllib.parse import urlsplit  # here: its import (and ipaddress's) costs a one-shot call on a socket

        parts = urlsplit(conn.get("uri") or "")
        scheme = parts.scheme
        given.setdefault("connect", DEFAULT_CONNECT_TIMEOUT)  # a network dial that hangs must end
        timeouts = Timeouts(**given)
        if scheme == "unix":
            return cls(uri, "unix", parts.path or parts.netloc, "docker", mtls, timeouts)
        if scheme in ("tcp", "http", "https"):
            if scheme == "tcp":
                scheme = "https" if mtls else "http"
            try:
                port = parts.port or (2376 if scheme == "https" else 2375)
            except ValueError:
                raise ConnectionError(f"bad port in docker endpoint {uri!r}: expected e.g. tcp://HOST:2376") from None
            host = parts.hostname or "127.0.0.1"
            return cls(uri, scheme, (host, port), f"{host}:{port}", mtls, timeouts)
        if scheme == "ssh":
            from ._ssh import Target

            target = Target.parse(uri)
            return cls(uri, "ssh", (target.host, target.port or 22), "docker", mtls, timeouts)
        raise ConnectionError(f"unsupported docker endpoint {uri!r}: use unix://PATH, tcp://HOST:PORT, "
                              "http://HOST:PORT, https://HOST:PORT or ssh://[USER@]HOST[:PORT]")

    def ssl_context(self) -> ssl.SSLContext:
        """The TLS context: server verification with ``ca`` (or system roots), client cert when given. OpenSSL never
        asks for a key's password on the terminal: a protected key without ``password`` is a ConnectionError."""
        import ssl

        mtls = self.mtls
        try:
            ctx = ssl.create_default_context(cafile=mtls.get("ca"))
        except (OSError, ssl.SSLError) as exc:
            raise ConnectionError(f"cannot load the CA certificate {mtls.get('ca')}: {_os_reason(exc)}") from None
        if mtls.get("verify") is False:
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        if mtls.get("cert"):
            cert, key = mtls["cert"], mtls.get("key") or mtls["cert"]
            password = mtls.get("password")
            protected = key_needs_password(key)

            def give_password() -> str:
                if not password:
                    raise ConnectionError(f"the TLS key {key} is password-protected: give its password (mtls "
                                          "password; in the shell --tlspass, the tlspass setting or "
                                          "DSHELL_TLS_PASSWORD)")
                return str(password)

            try:
                ctx.load_cert_chain(cert, mtls.get("key"), password=give_password)
            except (ssl.SSLError, OSError) as exc:
                reason = str(getattr(exc, "reason", None) or "")
                if protected and password and not reason:
                    why = f"wrong key password for {key}"
                elif "KEY_VALUES_MISMATCH" in reason:
                    why = f"the key {key} does not belong to the certificate {cert}"
                else:
                    why = f"{_os_reason(exc)} (not PEM files?)"
                raise ConnectionError(f"cannot load the client certificate {cert} and key {key}: {why}") from None
        return ctx


def unix_path(uri: str) -> str | None:
    """The socket of a plain ``unix://`` URI, read as urlsplit reads it (its netloc, else its path); None for any
    other URI, or one with characters urlsplit treats apart (``?``, ``#``, brackets, spaces, controls)."""
    if not uri.startswith("unix://") or not uri.isprintable() or any(c in uri for c in " ?#[]"):
        return None
    netloc, slash, tail = uri[len("unix://"):].partition("/")
    return (slash + tail) or netloc


def key_needs_password(path: str) -> bool:
    """Whether the PEM key at ``path`` is encrypted (False when it cannot be read: loading it will say why)."""
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    return b"-----BEGIN ENCRYPTED PRIVATE KEY-----" in head or b"Proc-Type: 4,ENCRYPTED" in head


def _os_reason(exc: OSError) -> str:
    return str(getattr(exc, "reason", None) or exc.strerror or exc)


def tls_reason(exc: OSError) -> str | None:
    """The OpenSSL reason of an ssl.SSLError (without importing ssl), else None."""
    return str(getattr(exc, "reason", None) or exc) if type(exc).__module__ == "ssl" else None


def without_password(uri: str) -> str:
    """``uri`` with the password of its user part as ``***`` (``https://me:***@host``); the rest as it is."""
    if "@" not in uri:  # no user part
        return uri
    from urllib.parse import urlsplit

    parts = urlsplit(uri)
    if parts.password is None:
        return uri
    user, _, host = parts.netloc.rpartition("@")
    return uri.replace(parts.netloc, f"{user.partition(':')[0]}:***@{host}", 1)


def tls_failure(endpoint: Endpoint, exc: OSError) -> str | None:
    """What a TLS error means, naming the cause and the fix (None when ``exc`` is not one)."""
    reason = tls_reason(exc)
    if reason is None:
        return None
    uri = endpoint.uri
    code, message = getattr(exc, "verify_code", None), getattr(exc, "verify_message", None)
    if code in _SERVER_CERT:
        return f"TLS handshake with {uri} failed: the daemon's certificate {_SERVER_CERT[code]} ({message})"
    if "ALERT" in reason and ("CERTIFICATE" in reason or "UNKNOWN_CA" in reason):
        return (f"{uri}: the daemon rejected the TLS client certificate ({reason}); give mtls cert and key signed "
                "by its CA")
    if reason in ("WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE", "PACKET_LENGTH_TOO_LONG"):
        return f"{uri} does not answer in TLS ({reason}): is it a plain-HTTP daemon? Use http:// or tcp:// without TLS"
    return f"TLS handshake with {uri} failed: {message or reason}"


def refused(endpoint: Endpoint, exc: OSError) -> ConnectionError:
    """The error for a connection attempt that failed with ``exc``, naming the URI and the fix."""
    if isinstance(exc, FileNotFoundError):
        return ConnectionError(f"cannot connect to {endpoint.uri}: no such socket; is the Docker daemon "
                               "running? Start it, or set DOCKER_HOST to the right endpoint")
    tls = tls_failure(endpoint, exc)
    if tls is not None:
        return ConnectionError(tls)
    if isinstance(exc, TimeoutError):
        return ConnectionError(f"cannot connect to {endpoint.uri}: no answer within {endpoint.timeouts.connect:g} s "
                               "(the connect timeout); is the daemon up and reachable?")
    reason = exc.strerror or str(exc) or type(exc).__name__
    return ConnectionError(f"cannot connect to {endpoint.uri}: {reason}; is the Docker daemon running? "
                           "Start it, or set DOCKER_HOST to the right endpoint")
