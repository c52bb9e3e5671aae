"""The session's named endpoints: their connections, a client each (made when first needed), the default.

Names come from ``-H name=URI``, ``connect NAME URI``, or are made from the URI; a docker context is
addressable by its name and joins the endpoints when first used. Free of prompt_toolkit and the front ends.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

from dshell._checking import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

    from dshell.client import Client

ClientFactory = Callable[[dict[str, "Any"], "str | None"], "Client"]
"""Makes the client of a connection map and a pinned API version (None: negotiated)."""


def real_client(conn: dict[str, Any], api_version: str | None) -> Client:
    """The client of ``conn`` over its real transport."""
    import dshell.client as docker

    return docker.client(conn=conn, api_version=api_version)


def _stem(path: str) -> str:
    """A socket file's name without its extensions (``local`` for none)."""
    return path.rstrip("/").rsplit("/", 1)[-1].split(".", 1)[0] or "local"


def auto_name(uri: str, taken: Iterable[str]) -> str:
    """A name for an endpoint given without one: the host (tcp, https, ssh) or the socket file's stem (unix),
    with ``-2``, ``-3``, ... when already taken."""
    from dshell.client._endpoint import unix_path

    if (path := unix_path(uri)) is not None:
        base = _stem(path or uri)
    else:
        from urllib.parse import urlsplit

        parts = urlsplit(uri)
        base = _stem(parts.path or uri) if parts.scheme == "unix" or not parts.hostname else parts.hostname
    base = "".join(ch if ch.isalnum() or ch in "_.-" else "-" for ch in base).strip("-") or "host"
    taken = set(taken) | {"all"}
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}-{n}"
    return name


def split_named(text: str) -> tuple[str | None, str]:
    """``name=URI`` → (name, URI); a plain URI → (None, URI)."""
    name, eq, uri = text.partition("=")
    if eq and "://" in uri and "/" not in name and ":" not in name:
        return name, uri
    return None, text


class Endpoints:
    """Endpoints by name, in the order added, and which one is the default. Thread-safe."""

    def __init__(self, factory: ClientFactory = real_client) -> None:
        self.factory = factory
        self._conns: dict[str, dict[str, Any]] = {}
        self._pins: dict[str, str | None] = {}
        self._clients: dict[str, Client] = {}
        self.named: set[str] = set()  # the names given (-H NAME=URI, connect NAME, a docker context), not made
        self.default: str | None = None
        self.timeouts: dict[str, float] = {}  # the settings' timeouts, for docker contexts added by name
        self._lock = threading.Lock()

    def check(self, conn: dict[str, Any], api_version: str | None = None) -> None:
        """Make and close a client of ``conn``: a bad URI or version fails here, before anything is kept."""
        self.factory(conn, api_version).close()

    def names(self) -> list[str]:
        """The endpoints' names, in the order added."""
        return list(self._conns)

    def conn(self, name: str) -> dict[str, Any]:
        """The connection map of ``name``."""
        return self._conns[name]

    def add(self, name: str | None, conn: dict[str, Any], api_version: str | None = None) -> str:
        """Add (or replace) an endpoint; its name (made from the URI when None). A replaced one's client is
        closed."""
        with self._lock:
            if name and name not in self._conns:  # re-adding a made name (connect URI) keeps it made
                self.named.add(name)
            name = name or auto_name(str(conn.get("uri", "")), self._conns)
            self._conns[name] = conn
            self._pins[name] = api_version
            old = self._clients.pop(name, None)
            if self.default is None:
                self.default = name
        if old is not None:
            old.close()
        return name

    def remove(self, name: str) -> None:
        """Forget the endpoint ``name`` (not the default) and close its client (over ssh: its processes end)."""
        if name == self.default:
            raise ValueError(f"{name} is the default endpoint: use another first (use NAME)")
        with self._lock:
            del self._conns[name], self._pins[name]
            self.named.discard(name)
            old = self._clients.pop(name, None)
        if old is not None:
            old.close()

    def find(self, name: str) -> str:
        """``name`` if it is an endpoint, else the docker context of that name added as one; ValidationError
        naming the endpoints there are when neither."""
        import dshell.client as docker

        if name in self._conns:
            return name
        conn = docker.context_conn(name)
        if conn is None:
            have = ", ".join(self._conns) or "none yet"
            hint = docker.did_you_mean(name, list(self._conns))
            raise docker.ValidationError(f"no endpoint or docker context {name!r}{hint} (endpoints: {have}; add "
                                         f"one with connect {name} URI)")
        return self.add(name, {**conn, "timeouts": self.timeouts} if self.timeouts else conn)

    def contexts(self) -> list[str]:
        """The docker contexts that are no endpoint (yet): ``use NAME`` or ``@NAME`` connects one."""
        import dshell.client as docker

        return [name for name in docker.contexts() if name not in self._conns]

    def select(self, names: Iterable[str]) -> list[str]:
        """The endpoints ``names`` mean (``all``: every one), each once, checked."""
        out: list[str] = []
        for name in names:
            out += self.names() if name == "all" else [self.find(name)]
        return list(dict.fromkeys(out))

    def client(self, name: str) -> Client:
        """The client of ``name``, made on first use (it negotiates its own API version unless pinned)."""
        with self._lock:
            c = self._clients.get(name)
            if c is None:
                c = self._clients[name] = self.factory(self._conns[name], self._pins[name])
            return c

    def pinned(self, name: str) -> str | None:
        """The API version pinned for ``name`` (None: negotiated)."""
        return self._pins[name]

    def pin(self, name: str, version: str | None) -> None:
        """Pin (None: negotiate) the API version of ``name``, also for its client made later."""
        self._pins[name] = version
        c = self._clients.get(name)
        if c is not None:
            c.pin(version)

    def cancel(self) -> None:
        """Abort the calls in flight on every endpoint."""
        for c in list(self._clients.values()):
            c.cancel()

    def close(self) -> None:
        """Close every client's connections."""
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for c in clients:
            c.close()
