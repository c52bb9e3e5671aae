"""A mock daemon for offline session and magic tests: /_ping (API 1.43 unless told) plus the answers a test gives
by path ending; records every request; anything else is the daemon's 404 'No such container'."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dshell.client as docker

Answer = docker.MockResponse | Callable[[docker.MockRequest], docker.MockResponse]


class Daemon:
    """Answers ``/_ping`` and each path ending in ``routes`` (in order); ``seen`` holds every request."""

    def __init__(self, routes: dict[str, Answer], api_version: str = "1.43") -> None:
        self.routes = routes
        self.api_version = api_version
        self.seen: list[docker.MockRequest] = []

    def __call__(self, req: docker.MockRequest) -> docker.MockResponse:
        self.seen.append(req)
        if req.path == "/_ping":
            return docker.MockResponse(200, b"OK", {"Api-Version": self.api_version})
        for ending, answer in self.routes.items():
            if req.path.endswith(ending):
                return answer(req) if callable(answer) else answer
        return docker.MockResponse.json({"message": f"No such container: {req.path.split('/')[-2]}"}, 404)

    def paths(self) -> list[str]:
        """The targets asked for (the live names' prefetch asks for some too, in the background)."""
        return [req.target for req in self.seen]

    def clients(self, conn: dict[str, Any], api_version: str | None) -> docker.Client:
        """The Session's client factory: every endpoint's client talks to this daemon."""
        return docker.client(conn=conn, api_version=api_version, transport=docker.MockTransport(self))
