"""`fanout`: one op over several clients at once, an outcome (or the error that stopped it) per endpoint."""

from __future__ import annotations

import select
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from functools import partial

from dshell._checking import TYPE_CHECKING

from ._client import Client, Pending, start
from ._errors import DockerConnectionError, DshellError, ValidationError
from ._response import Outcome
from ._transport import Cancelled

if TYPE_CHECKING:
    from typing import Any

FanoutRequest = dict[str, "Any"] | Callable[[str, "Client"], dict[str, "Any"]]
Answer = Outcome | DshellError
DEADLINE = 30.0  # seconds each host has to answer a fan-out, by default


class FanoutInterrupted(KeyboardInterrupt):
    """Ctrl-C during a fan-out: ``answers`` holds what came (the hosts still asked: their Cancelled error)."""

    def __init__(self, answers: dict[str, Answer]) -> None:
        super().__init__("fan-out interrupted")
        self.answers = answers


def fanout(clients: Mapping[str, Client], request: FanoutRequest, *, deadline: float | None = DEADLINE,
           on_answer: Callable[[str, Answer], None] | None = None) -> dict[str, Answer]:
    """Run ``request`` (an ``invoke`` map, or a function of a host's name and client making that host's map) on
    every client concurrently; each host's answer, in the given order.

    A host whose connection is warm gets its request sent from this thread before any answer is read (then
    read as they come), so that the daemons work at the same time without a thread each; a host that must first
    be dialed or asked its API version (seconds over ssh, or a connect timeout) gets a thread of its own.

    A host that cannot be reached, or refuses the call's params, gives its ``DshellError`` (ConnectionError,
    ValidationError, ...) in place of an outcome while the others still answer; each host keeps its own
    timeouts, and one that has not answered within ``deadline`` seconds (None: no limit) is cancelled and gives
    a ConnectionError saying so (a mute daemon cannot hold the others' answers). ``on_answer(name, answer)`` is
    called as each answer comes, one at a time, from the thread that read it. ``"throw"`` applies per host: a
    status >= 400 becomes that host's DockerError. Ctrl-C cancels the hosts still asked and raises
    FanoutInterrupted with what came.
    """
    if not clients:
        raise ValidationError("fanout needs at least one client: {name: client, ...}")
    run = _Run(clients, deadline, on_answer)
    try:
        return run.all(request)
    except KeyboardInterrupt:
        run.stop(lambda name: Cancelled(f"{clients[name].endpoint.uri}: cancelled"))
        raise FanoutInterrupted(run.ordered()) from None
    finally:
        run.end()


class _Run:
    """One fan-out's state: the answers so far (each settled once), the deadline's watchdog, the bugs seen."""

    def __init__(self, clients: Mapping[str, Client], deadline: float | None,
                 on_answer: Callable[[str, Answer], None] | None) -> None:
        self.clients = clients
        self.deadline = deadline
        self.on_answer = on_answer
        self.answers: dict[str, Answer] = {}
        self.bugs: list[BaseException] = []
        self.lock = threading.Lock()
        self.ends = None if deadline is None else time.monotonic() + deadline
        self.watchdog: threading.Timer | None = None
        if deadline is not None:
            self.watchdog = threading.Timer(deadline, self.stop, args=(self.too_late,))
            self.watchdog.daemon = True
            self.watchdog.start()

    def too_late(self, name: str) -> DshellError:
        return DockerConnectionError(f"{self.clients[name].endpoint.uri}: no answer within {self.deadline:g} s "
                                     "(the fan-out's deadline)")

    def settle(self, name: str, answer: Answer) -> bool:
        """Keep ``name``'s answer (the first one only: a call the deadline cancelled stays timed out)."""
        with self.lock:
            if name in self.answers:
                return False
            self.answers[name] = answer
            if self.on_answer is not None:
                self.on_answer(name, answer)
            return True

    def stop(self, why: Callable[[str], DshellError]) -> None:
        """Settle every host still asked with ``why``'s error and cancel its call."""
        for name in [n for n in self.clients if n not in self.answers]:
            if self.settle(name, why(name)):
                self.clients[name].cancel()

    def ordered(self) -> dict[str, Answer]:
        return {name: self.answers[name] for name in self.clients if name in self.answers}

    def end(self) -> None:
        if self.watchdog is not None:
            self.watchdog.cancel()

    def begin(self, name: str, c: Client, request: FanoutRequest) -> tuple[dict[str, Any], Pending] | None:
        """The host's request, sent now; None when it failed (its error settled)."""
        try:
            mine = request(name, c) if callable(request) else request
            return mine, start(c, mine)
        except DshellError as exc:
            self.settle(name, exc)
        except Exception as exc:  # noqa: BLE001 - not a host's answer: raised in the caller's thread below
            self.bugs.append(exc)
        return None

    def finish(self, name: str, begun: tuple[dict[str, Any], Pending] | None) -> None:
        if begun is None:
            return
        mine, pending = begun
        try:
            outcome = pending.read()
            self.settle(name, outcome.error if mine.get("throw") and outcome.error is not None else outcome)
        except DshellError as exc:
            self.settle(name, exc)
        except Exception as exc:  # noqa: BLE001 - as above
            self.bugs.append(exc)

    def begin_and_finish(self, name: str, c: Client, request: FanoutRequest) -> None:
        self.finish(name, self.begin(name, c, request))

    def thread(self, name: str, work: Callable[[], None]) -> threading.Thread:
        thread = threading.Thread(target=work, name=f"dshell-fanout-{name}", daemon=True)
        thread.start()
        return thread

    def all(self, request: FanoutRequest) -> dict[str, Answer]:
        warm = {name: c.warm for name, c in self.clients.items()}
        threads = [self.thread(name, partial(self.begin_and_finish, name, c, request))
                   for name, c in self.clients.items() if not warm[name]]
        sent = {name: self.begin(name, c, request) for name, c in self.clients.items() if warm[name]}
        pending = {name: begun[1] for name, begun in sent.items() if begun is not None}
        for name, ready in _by_readiness(pending):
            if ready:
                self.finish(name, sent[name])
            else:  # no answer has begun for a while: this one is read in a thread, the others still polled
                threads.append(self.thread(name, partial(self.finish, name, sent[name])))
        for thread in threads:
            thread.join(None if self.ends is None else max(0.0, self.ends - time.monotonic()) + 1.0)
        if self.bugs:
            raise self.bugs[0]
        if self.ends is not None:
            self.stop(self.too_late)  # a thread still dialing past the deadline
        return self.ordered()


READY_WAIT = 1.0  # seconds to wait for any answer to begin before reading the next in order in a thread


def _by_readiness(pending: dict[str, Pending]) -> Iterator[tuple[str, bool]]:
    """The names of ``pending`` as their answers begin, each with True (so each host's elapsed time is its
    own); when none has begun within READY_WAIT, the next in order with False (to be read apart, under its own
    timeouts and the deadline: a TLS record already buffered does not show as readable)."""
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
        ready = closed or [by_fd[fd] for fd, _ in poller.poll(READY_WAIT * 1000)]
        if not ready:
            name = next(iter(left))
            del left[name]
            yield name, False
        for name in ready:
            del left[name]
            yield name, True
