"""The ops of a workflow, in order: each an ordinary call whose outcome is stored and announced at once."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dshell.client import Client, DockerStream, Outcome
    from dshell.explorer import Result

    from ..session import Session
    from ..worker import Runner


class Steps:
    """Runs ops for a workflow on ``session``'s client: every outcome becomes the next numbered result, and
    its header line (``[4] ContainerCreate  201  9 ms``) is shown before the next op starts."""

    def __init__(self, session: Session, run: Runner) -> None:
        self.session = session
        self.client: Client = session.require_client()
        self.run = run
        self.results: list[Result] = []
        self.started = time.perf_counter()
        self.announcing = True  # False: the outcomes are stored, not said (a workflow ending in a pane's thread)

    def call(self, op: str, params: dict[str, Any]) -> Result:
        """Run ``op`` (in the runner: Ctrl-C cancels it), store and announce its outcome."""
        import dshell.client as docker

        c = self.client
        return self._announce(self.session.store(op, params, self.run(lambda: docker.call(c, {"op": op,
                                                                                              "params": params}))))

    def stream(self, op: str, params: dict[str, Any], each: Callable[[Any], None]) -> Result:
        """Run a JSON-lines op (pull, push, build), handing each value to ``each`` as it arrives; the values
        are the stored result, an error inside the stream its error."""
        import dshell.client as docker

        c = self.client
        values: list[Any] = []

        def send() -> Outcome:
            opened = docker.call(c, {"op": op, "params": params, "as": "stream"})
            if opened.stream is not None:
                with opened.stream as stream:
                    for value in stream.json():
                        values.append(value)
                        each(value)
            return opened

        started = time.perf_counter()
        opened = self.run(send)
        if opened.stream is None:
            return self._announce(self.session.store(op, params, opened))
        failed = next((e for e in map(docker.stream_error, values) if e), None)
        return self._announce(self.session.keep(op, params, values, status=opened.status, error=failed,
                                                elapsed=time.perf_counter() - started, endpoint=opened.endpoint))

    def pipe(self, op: str, params: dict[str, Any], use: Callable[[DockerStream], Any]) -> Result:
        """Run ``op`` as a stream handed to ``use`` (which reads what it needs: an archive unpacked as it comes,
        a header); what ``use`` returns is the stored result, a ValueError or OSError it raises its error."""
        import dshell.client as docker

        from ..reply import one_line

        c = self.client
        used: list[Any] = [None]
        problem: list[str] = []

        def send() -> Outcome:
            opened = docker.call(c, {"op": op, "params": params, "as": "stream"})
            if opened.stream is not None:
                with opened.stream as stream:
                    try:
                        used[0] = use(stream)
                    except (ValueError, OSError) as exc:
                        problem.append(one_line(exc))
            return opened

        started = time.perf_counter()
        opened = self.run(send)
        if opened.stream is None:
            return self._announce(self.session.store(op, params, opened))
        return self._announce(self.session.keep(op, params, used[0], status=opened.status,
                                                error=problem[0] if problem else None,
                                                elapsed=time.perf_counter() - started, endpoint=opened.endpoint))

    def record(self, op: str, params: dict[str, Any], data: Any, status: int, error: str | None,
               endpoint: str, announce: bool = True) -> Result:
        """Store (and announce) an op the workflow ran itself (a BuildKit build: its decoded progress as data)."""
        result = self.session.keep(op, params, data, status=status, error=error, endpoint=endpoint,
                                   elapsed=time.perf_counter() - self.started)
        if not announce:
            self.results.append(result)
            return result
        return self._announce(result)

    def keep(self, op: str, params: dict[str, Any], data: Any, error: str | None = None) -> Result:
        """Store what the workflow itself found out (``run``'s exit code, ...) as a result, unannounced."""
        return self.session.keep(op, params, data, status=None, elapsed=time.perf_counter() - self.started,
                                 error=error, endpoint=self.client.uri)

    def _announce(self, result: Result) -> Result:
        from dshell.explorer import header

        self.results.append(result)
        if self.announcing:
            self.session.say(header(result))
        return result

    def refs(self) -> list[str]:
        """``_4``, ``_5``, ...: the results the ops made."""
        return [f"_{r.n}" for r in self.results]
