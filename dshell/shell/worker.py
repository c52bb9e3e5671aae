"""How a command runs its blocking calls: here, or in a worker thread so that Ctrl-C in the calling thread can
abandon it."""

from __future__ import annotations

import threading
from collections.abc import Callable

from dshell._checking import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Protocol, TypeVar

    T = TypeVar("T")

    class Runner(Protocol):
        """How a command runs its calls to the daemon: here (``run_here``), or in a worker it can abandon
        (``run_cancellable``)."""

        def __call__(self, fn: Callable[[], T], /) -> T: ...


def run_here(fn: Callable[[], T]) -> T:
    """The plain runner: call ``fn`` in this thread."""
    return fn()


class Cancelled(Exception):
    """The user pressed Ctrl-C while a call ran; the call was abandoned."""


def run_cancellable(fn: Callable[[], T], poll: float = 0.05) -> T:
    """Call ``fn`` in a daemon thread and wait; Ctrl-C (KeyboardInterrupt) abandons it with Cancelled.

    The abandoned call is stopped too: a KeyboardInterrupt is raised in its thread at its next Python step (a
    walk of a build context or a loop over an answer ends there; a blocked read ends when the caller cancels
    its connection). Its outcome is dropped.
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

    thread = threading.Thread(target=work, name="dshell-call", daemon=True)
    thread.start()
    try:
        while not done.wait(poll):
            pass
    except KeyboardInterrupt:
        if not done.is_set():  # still working: stop it (one that just ended keeps its outcome to itself)
            interrupt(thread)
        raise Cancelled("cancelled") from None
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


def interrupt(thread: threading.Thread) -> None:
    """Raise KeyboardInterrupt in ``thread`` (CPython's PyThreadState_SetAsyncExc); nothing once it has ended."""
    import ctypes  # lazily: only a Ctrl-C needs it

    if thread.ident is not None and thread.is_alive():
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident), ctypes.py_object(KeyboardInterrupt))
