"""The ops a compose command sends, kept in order: each its request and Outcome, or only its request in a dry run."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import dshell.client as docker

from ._errors import ComposeError


@dataclass(frozen=True)
class Step:
    """One op: the request sent (or, in a dry run, that would be), its Outcome when sent, and the progress line
    docker compose prints for it (``Container p-web-1  Started``)."""

    request: dict[str, Any]
    outcome: docker.Outcome | None
    line: str = ""


class Steps:
    """The ops of one command, in the order sent (safe across threads); writes go out unless ``dry_run``."""

    def __init__(self, c: docker.Client, dry_run: bool = False,
                 on_step: Callable[[Step], None] | None = None) -> None:
        self.client = c
        self.dry_run = dry_run
        self.on_step = on_step
        self.done: list[Step] = []
        self._lock = threading.Lock()

    def write(self, op: str, params: dict[str, Any], line: str = "", ok: tuple[int, ...] = ()) -> Any:
        """Send a write op (not in a dry run: then recorded only, and None returned); its data. A daemon error
        (unless its status is in ``ok``) is one line naming the op."""
        request = {"op": op, "params": params}
        if self.dry_run:
            self._keep(Step(request, None, line))
            return None
        outcome = docker.call(self.client, request)
        self._keep(Step(request, outcome, line if outcome.error is None else ""))
        if outcome.error is not None and outcome.error.status not in ok:
            raise ComposeError(f"{op}: {outcome.error.message}")
        return outcome.data

    def read(self, op: str, params: dict[str, Any], ok: tuple[int, ...] = ()) -> docker.Outcome:
        """Send a read op (also in a dry run); its Outcome. A daemon error not in ``ok`` is one line."""
        outcome = docker.call(self.client, {"op": op, "params": params})
        self._keep(Step({"op": op, "params": params}, outcome))
        if outcome.error is not None and outcome.error.status not in ok:
            raise ComposeError(f"{op}: {outcome.error.message}")
        return outcome

    def note(self, line: str) -> None:
        """A progress line that is no op of its own (``Container p-db-1  Healthy``)."""
        self._keep(Step({}, None, line))

    def _keep(self, step: Step) -> None:
        with self._lock:
            self.done.append(step)
        if self.on_step is not None:
            self.on_step(step)

    @property
    def lines(self) -> list[str]:
        """The progress lines so far."""
        return [s.line for s in self.done if s.line]

    @property
    def requests(self) -> list[dict[str, Any]]:
        """The ops sent (or, in a dry run, to be sent), reads included."""
        return [s.request for s in self.done if s.request]
