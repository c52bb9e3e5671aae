"""`fanout`: one op over several clients at once, an outcome (or the error that stopped it) per endpoint."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

from ._client import Client, call
from ._errors import DshellError, ValidationError
from ._response import Outcome

FanoutRequest = dict[str, Any] | Callable[[str, Client], dict[str, Any]]


def fanout(clients: Mapping[str, Client], request: FanoutRequest) -> dict[str, Outcome | DshellError]:
    """Run ``request`` (an ``invoke`` map, or a function of a host's name and client making that host's map, run
    in the host's thread) on every client concurrently; each host's answer, in the given order.

    A host that cannot be reached, or refuses the call's params, gives its ``DshellError`` (ConnectionError,
    ValidationError, ...) in place of an outcome while the others still answer; each host keeps its own
    timeouts. ``"throw"`` applies per host: a status >= 400 becomes that host's DockerError.
    """
    if not clients:
        raise ValidationError("fanout needs at least one client: {name: client, ...}")
    answers: dict[str, Outcome | DshellError] = {}
    bugs: list[BaseException] = []

    def one(name: str, c: Client) -> None:
        try:
            mine = request(name, c) if callable(request) else request
            outcome = call(c, mine)
            if mine.get("throw") and outcome.error is not None:
                answers[name] = outcome.error
            else:
                answers[name] = outcome
        except DshellError as exc:
            answers[name] = exc
        except Exception as exc:  # noqa: BLE001 - not a host's answer: raised in the caller's thread below
            bugs.append(exc)

    threads = [threading.Thread(target=one, args=item, name=f"dshell-fanout-{item[0]}", daemon=True)
               for item in clients.items()]
    for thread in threads[1:]:
        thread.start()
    if threads:
        threads[0].run()  # the first host in this thread: one fewer thread to start
    for thread in threads[1:]:
        thread.join()
    if bugs:
        raise bugs[0]
    return {name: answers[name] for name in clients}
