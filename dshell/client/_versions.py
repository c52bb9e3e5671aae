"""Choose the API version: a pin, or negotiation with the daemon's /_ping like Docker's Go client."""

from __future__ import annotations

from dshell._checking import TYPE_CHECKING

from ._errors import DockerConnectionError, VersionError
from ._request import Request
from ._specs import NEWEST, version_key, versions

if TYPE_CHECKING:
    from ._seam import Transport


def choose(server: str | None) -> str:
    """The newest spec version not above the daemon's ``server`` API version (never above v1.56)."""
    have = versions()
    if not server:
        return NEWEST if NEWEST in have else have[-1]
    try:
        limit = version_key(server)
    except ValueError:
        raise VersionError(f"the daemon reports an unreadable API version {server!r}") from None
    fitting = [v for v in have if version_key(v) <= limit]
    if not fitting:
        raise VersionError(f"the daemon speaks API v{server.lstrip('v')}, older than every spec dshell has "
                           f"({have[0]}–{have[-1]})")
    return fitting[-1]


def ping_version(transport: Transport) -> str | None:
    """The ``Api-Version`` the daemon reports on /_ping (None if it reports none)."""
    head = Request("GET", "/_ping", {}).head(transport.endpoint.host_header)
    _, status, headers, body = transport.request(head, None, "GET")
    text = body.read_all()
    if status != 200 and "api-version" not in headers:
        hint = ("it speaks TLS: use https://… with the CA, cert and key"
                if b"HTTPS" in text else "is it a Docker daemon?")
        raise DockerConnectionError(f"{transport.endpoint.uri} answered /_ping with {status}: {hint}")
    return headers.get("api-version")


def negotiate(transport: Transport) -> str:
    """Ask the daemon and choose the version to speak."""
    return choose(ping_version(transport))
