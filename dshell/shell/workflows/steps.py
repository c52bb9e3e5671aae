"""The ops of a workflow, in order: each an ordinary call whose outcome is stored and announced at once."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dshell.client import Client, DockerStream
    from dshell.explorer import Result

    from ..session import Runner, Session


def _print(body: Any) -> None:
    from rich.console import Console

    Console(soft_wrap=True).print(body)


class Steps:
    """Runs ops for a workflow on ``session``'s client: every outcome becomes the next numbered result, and
    its header line (``[4] ContainerCreate  201  9 ms``) is shown before the next op starts."""

    def __init__(self, session: Session, run: Runner[Any]) -> None:
        self.session = session
        self.client: Client = session.require_client()
        self.run = run
        self.results: list[Result] = []
        self.started = time.perf_counter()

    def say(self, body: Any) -> None:
        """Show ``body`` now (a line of text or a rich renderable)."""
        (self.session.say or _print)(body)

    def note(self, text: str) -> None:
        """One dim line."""
        from rich.text import Text

        self.say(Text(text, style="dim"))

    def call(self, op: str, params: dict[str, Any]) -> Result:
        """Run ``op`` (in the runner: Ctrl-C cancels it), store and announce its outcome."""
        import dshell.client as docker

        c = self.client
        request = {"op": op, "params": params, "throw": True}
        return self._keep(op, params, self.run(lambda: self.session.call(c, lambda: docker.invoke(c, request))))

    def stream(self, op: str, params: dict[str, Any], each: Callable[[Any], None]) -> Result:
        """Run a JSON-lines op (pull, push, build), handing each value to ``each`` as it arrives; the values
        are the stored result, an error inside the stream its error."""
        import dshell.client as docker

        c = self.client
        values: list[Any] = []

        def send() -> list[Any]:
            stream = docker.invoke(c, {"op": op, "params": params, "as": "stream", "throw": True})
            with stream:
                for value in stream.json():
                    values.append(value)
                    each(value)
            return values

        status, duration, data, error = self.run(lambda: self.session.call(c, send))
        failed = next((e for e in map(docker.stream_error, values) if e), None) if error is None else error
        return self._keep(op, params, (status, duration, data, failed))

    def pipe(self, op: str, params: dict[str, Any], use: Callable[[DockerStream], Any]) -> Result:
        """Run ``op`` as a stream handed to ``use`` (which reads what it needs: an archive unpacked as it comes,
        a header); what ``use`` returns is the stored result, a ValueError or OSError it raises its error."""
        import dshell.client as docker

        from ..session import one_line

        c = self.client
        problem: list[str] = []

        def send() -> Any:
            stream = docker.invoke(c, {"op": op, "params": params, "as": "stream", "throw": True})
            with stream:
                try:
                    return use(stream)
                except (ValueError, OSError) as exc:
                    problem.append(one_line(exc))
                    return None

        status, duration, data, error = self.run(lambda: self.session.call(c, send))
        return self._keep(op, params, (status, duration, data, error or (problem[0] if problem else None)))

    def keep(self, op: str, params: dict[str, Any], data: Any, error: str | None = None) -> Result:
        """Store what the workflow itself found out (``run``'s exit code, ...) as a result, unannounced."""
        return self.session.store(op, params, (None, time.perf_counter() - self.started, data, error), self.client)

    def _keep(self, op: str, params: dict[str, Any], outcome: tuple[int | None, float, Any, str | None]) -> Result:
        from dshell.explorer import header

        result = self.session.store(op, params, outcome, self.client)
        self.results.append(result)
        self.say(header(result))
        return result

    def refs(self) -> list[str]:
        """``_4``, ``_5``, ...: the results the ops made."""
        return [f"_{r.n}" for r in self.results]
