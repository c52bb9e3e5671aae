"""Where and how to reach a daemon: a ``conn`` map -> an Endpoint (unix, tcp/http, https with mTLS, ssh); the
TLS context; the wording of a refused connection."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import urlsplit

from ._errors import ConnectionError

if TYPE_CHECKING:
    import ssl


class Timeouts(NamedTuple):
    """Seconds; None means no limit."""

    connect: float | None = None
    read: float | None = None
    write: float | None = None
    call: float | None = None


class Endpoint(NamedTuple):
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
        uri = conn.get("uri") or ""
        parts = urlsplit(uri)
        mtls = dict(conn.get("mtls") or {})
        timeouts = Timeouts(**{k: v for k, v in (conn.get("timeouts") or {}).items()
                               if k in ("connect", "read", "write", "call")})
        scheme = parts.scheme
        if scheme == "unix":
            path = parts.path or parts.netloc
            return cls(uri, "unix", path, "docker", mtls, timeouts)
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
        """The TLS context: server verification with ``ca`` (or system roots), client cert when given."""
        import ssl

        try:
            ctx = ssl.create_default_context(cafile=self.mtls.get("ca"))
        except (OSError, ssl.SSLError) as exc:
            raise ConnectionError(f"cannot load the CA certificate {self.mtls.get('ca')}: "
                                  f"{exc.strerror or exc}") from None
        if self.mtls.get("verify") is False:
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        if self.mtls.get("cert"):
            try:
                ctx.load_cert_chain(self.mtls["cert"], self.mtls.get("key"), password=self.mtls.get("password"))
            except (ssl.SSLError, OSError) as exc:
                raise ConnectionError(f"cannot load the client certificate {self.mtls['cert']} and key "
                                      f"{self.mtls.get('key')}: {exc.strerror or getattr(exc, 'reason', None) or exc} "
                                      "(wrong key password, or not PEM files?)") from None
        return ctx


def tls_reason(exc: OSError) -> str | None:
    """The OpenSSL reason of an ssl.SSLError (without importing ssl), else None."""
    return str(getattr(exc, "reason", None) or exc) if type(exc).__module__ == "ssl" else None


def refused(endpoint: Endpoint, exc: OSError) -> ConnectionError:
    """The error for a connection attempt that failed with ``exc``, naming the URI and the fix."""
    if isinstance(exc, FileNotFoundError):
        return ConnectionError(f"cannot connect to {endpoint.uri}: no such socket; is the Docker daemon "
                               "running? Start it, or set DOCKER_HOST to the right endpoint")
    if tls_reason(exc):
        return ConnectionError(f"TLS handshake with {endpoint.uri} failed: {tls_reason(exc)}; "
                               "check the CA, client certificate and key")
    reason = exc.strerror or str(exc) or type(exc).__name__
    return ConnectionError(f"cannot connect to {endpoint.uri}: {reason}; is the Docker daemon running? "
                           "Start it, or set DOCKER_HOST to the right endpoint")
