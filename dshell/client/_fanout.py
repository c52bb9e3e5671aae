"""`fanout`: one op over several clients at once, an outcome (or the error that stopped it) per endpoint."""

from __future__ import annotations

import select
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from ._client import Client, Pending, start
from ._errors import DshellError, ValidationError
from ._response import Outcome

FanoutRequest = dict[str, Any] | Callable[[str, Client], dict[str, Any]]


def fanout(clients: Mapping[str, Client], request: FanoutRequest) -> dict[str, Outcome | DshellError]:
    """Run ``request`` (an ``invoke`` map, or a function of a host's name and client making that host's map) on
    every client concurrently; each host's answer, in the given order.

    A host whose connection is warm gets its request sent from this thread before any answer is read (then
    read as they come), so that the daemons work at the same time without a thread each; a host that must first
    be dialed or asked its API version (seconds over ssh, or a connect timeout) gets a thread of its own.

    A host that cannot be reached, or refuses the call's params, gives its ``DshellError`` (ConnectionError,
    ValidationError, ...) in place of an outcome while the others still answer; each host keeps its own
    timeouts. ``"throw"`` applies per host: a status >= 400 becomes that host's DockerError.
    """
    if not clients:
        raise ValidationError("fanout needs at least one client: {name: client, ...}")
    answers: dict[str, Outcome | DshellError] = {}
    bugs: list[BaseException] = []

    def begin(name: str, c: Client) -> tuple[dict[str, Any], Pending] | None:
        """The host's request, sent now; None when it failed (its error recorded)."""
        try:
            mine = request(name, c) if callable(request) else request
            return mine, start(c, mine)
        except DshellError as exc:
            answers[name] = exc
        except Exception as exc:  # noqa: BLE001 - not a host's answer: raised in the caller's thread below
            bugs.append(exc)
        return None

    def finish(name: str, begun: tuple[dict[str, Any], Pending] | None) -> None:
        if begun is None:
            return
        mine, pending = begun
        try:
            outcome = pending.read()
            answers[name] = outcome.error if mine.get("throw") and outcome.error is not None else outcome
        except DshellError as exc:
            answers[name] = exc
        except Exception as exc:  # noqa: BLE001 - as above
            bugs.append(exc)

    warm = {name: c.warm for name, c in clients.items()}
    threads = [threading.Thread(target=lambda n=name, c=c: finish(n, begin(n, c)), name=f"dshell-fanout-{name}",
                                daemon=True) for name, c in clients.items() if not warm[name]]
    for thread in threads:
        thread.start()
    sent = {name: begin(name, c) for name, c in clients.items() if warm[name]}  # all on their way, then read
    for name in _by_readiness({name: begun[1] for name, begun in sent.items() if begun is not None}):
        finish(name, sent[name])
    for thread in threads:
        thread.join()
    if bugs:
        raise bugs[0]
    return {name: answers[name] for name in clients}


READY_WAIT = 1.0  # seconds to wait for any answer to begin before reading the next in order (its timeouts apply)


def _by_readiness(pending: dict[str, Pending]) -> Iterator[str]:
    """The names of ``pending`` as their answers begin (so each host's elapsed time is its own); when none has
    begun within READY_WAIT, the next in order, whose read then waits under its own timeouts."""
    left = dict(pending)
    while left:
        poller = select.poll()
        by_fd = {}
        closed = []  # by a cancel meanwhile: reading it says so at once
        for name, item in left.items():
            fd = item.fileno()
            if fd < 0:
                closed.append(name)
                continue
            by_fd[fd] = name
            poller.register(fd, select.POLLIN)
        ready = closed or [by_fd[fd] for fd, _ in poller.poll(READY_WAIT * 1000)] or [next(iter(left))]
        for name in ready:
            del left[name]
            yield name
