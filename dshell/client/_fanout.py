"""`fanout`: one op over several clients at once, an outcome (or the error that stopped it) per endpoint."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from ._client import Client, call
from ._errors import DshellError, ValidationError
from ._response import Outcome


def fanout(clients: Mapping[str, Client], request: dict[str, Any]) -> dict[str, Outcome | DshellError]:
    """Run ``request`` (an ``invoke`` map) on every client concurrently; each host's answer, in the given order.

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
            outcome = call(c, request)
            if request.get("throw") and outcome.error is not None:
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
