"""Run a blocking call in a worker thread so that Ctrl-C in the calling thread can abandon it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class Cancelled(Exception):
    """The user pressed Ctrl-C while a call ran; the call was abandoned."""


def run_cancellable(fn: Callable[[], T], poll: float = 0.05) -> T:
    """Call ``fn`` in a daemon thread and wait; Ctrl-C (KeyboardInterrupt) abandons it with Cancelled.

    The abandoned call finishes (or not) on its own; its outcome is dropped.
    """
    outcome: dict[str, object] = {}
    done = threading.Event()

    def work() -> None:
        try:
            outcome["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
            outcome["error"] = exc
        finally:
            done.set()

    threading.Thread(target=work, name="dshell-call", daemon=True).start()
    try:
        while not done.wait(poll):
            pass
    except KeyboardInterrupt:
        raise Cancelled("cancelled") from None
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]
