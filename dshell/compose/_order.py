"""Dependency order: which services start before which (``depends_on``, ``network_mode: service:X``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._errors import ComposeError


def needs(service: Mapping[str, Any]) -> list[str]:
    """The services ``service`` depends on."""
    found = list(service.get("depends_on") or {})
    mode = service.get("network_mode") or ""
    if mode.startswith("service:") and mode[8:] not in found:
        found.append(mode[8:])
    return found


def levels(graph: Mapping[str, list[str]], file: str | None = None) -> list[list[str]]:
    """The services of ``graph`` (name -> the names it needs) in waves: each wave needs only earlier ones.
    A cycle is one line naming it."""
    placed: dict[str, int] = {}
    visiting: list[str] = []

    def depth(name: str) -> int:
        if name in placed:
            return placed[name]
        if name in visiting:
            cycle = visiting[visiting.index(name):] + [name]
            raise ComposeError(f"dependency cycle: {' -> '.join(cycle)}", file, f"services.{name}.depends_on")
        visiting.append(name)
        level = 1 + max((depth(dep) for dep in graph.get(name, []) if dep in graph), default=-1)
        visiting.pop()
        placed[name] = level
        return level

    for name in sorted(graph):
        depth(name)
    waves: list[list[str]] = [[] for _ in range(max(placed.values(), default=-1) + 1)]
    for name in sorted(placed):
        waves[placed[name]].append(name)
    return waves


def start_order(graph: Mapping[str, list[str]]) -> list[str]:
    """Every service, dependencies first."""
    return [name for wave in levels(graph) for name in wave]
