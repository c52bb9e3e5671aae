"""``compose up`` attached (without ``-d``), as docker compose runs it: after creating and starting, "Attaching
to web-1, db-1" and the merged logs of the attached services; it ends when every attached container has exited.
``interrupt()`` is docker compose's Ctrl-C (the project's containers stopped gracefully), ``close()`` a second
Ctrl-C or a detach; ``--abort-on-container-exit`` and ``--exit-code-from`` as docker compose has them."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import dshell.client as docker

from . import _state
from ._logs import LogLine, Logs

if TYPE_CHECKING:
    from ._project import Project
    from ._steps import Step

GRACEFUL = "Gracefully Stopping... press Ctrl+C again to force"
ABORTING = "Aborting on container exit..."
"""docker compose's words (2.40) when it stops an attached project."""


def attached_services(services: Sequence[str], every: Sequence[str], attach: Sequence[str] = (),
                      no_attach: Sequence[str] = ()) -> list[str]:
    """The services whose output ``up`` shows: ``attach`` if given, else those named (all when none), less
    ``no_attach``."""
    chosen = list(attach) or list(services) or list(every)
    return sorted(s for s in dict.fromkeys(chosen) if s not in no_attach)


class Attached:
    """The attached part of one ``up``: ``names`` (``Attaching to ...``), then iterate for the LogLines of the
    attached containers, exits as status lines and, when stopping, docker compose's notes and the stop's progress
    lines (LogLines with no name). ``code``: the exit code of ``exit_code_from``'s container once it exited."""

    def __init__(self, project: Project, logs: Logs, names: list[str], abort_on_exit: bool = False,
                 exit_code_from: str | None = None, timeout: int | None = None) -> None:
        self.project, self.logs, self.names = project, logs, names
        self.abort = abort_on_exit or exit_code_from is not None
        self.exit_code_from, self.timeout = exit_code_from, timeout
        self.code: int | None = None
        self.stopped = False  # the project's containers were stopped (Ctrl-C, or an abort)
        self._interrupted = threading.Event()
        self._stopper = project.client.copy()  # cancelled by close(): a second Ctrl-C ends the stop

    def __iter__(self) -> Iterator[LogLine]:
        note = None
        for line in self.logs:
            yield line
            if line.code is None or line.restarting:
                continue
            if line.service == self.exit_code_from and self.code is None:
                self.code = line.code
            if self.abort:
                note = LogLine("", ABORTING, False, "31;1")
                break
        if self._interrupted.is_set():
            note = LogLine("", GRACEFUL, False, "")
        if note is not None:
            self.logs.close()
            yield note
            yield from self._stop()

    def _stop(self) -> Iterator[LogLine]:
        from ._errors import ComposeError
        from ._project import Project

        lines: list[Step] = []
        try:
            Project(self._stopper, self.project.name, self.project.model, lines.append).stop(timeout=self.timeout)
        except ComposeError as exc:
            yield LogLine("", f"stop: {exc}", True, "31")
        except Exception:  # noqa: BLE001 - cancelled by a second Ctrl-C: what is not stopped yet stays up
            yield LogLine("", "stop cancelled: what was not stopped yet is still running", True, "33")
        finally:
            self.stopped = True
        for step in lines:
            if step.line:
                yield LogLine("", f" ✔ {step.line}" if step.outcome is not None and step.outcome.error is None
                              else f" ✘ {step.line}", False, "")

    def interrupt(self) -> None:
        """docker compose's Ctrl-C: stop following, then stop the project's containers (in the iterating
        thread, whose lines say so)."""
        self._interrupted.set()
        self.logs.close()

    def close(self) -> None:
        """End at once: the logs, and a stop under way (its containers left as they are)."""
        self.logs.close()
        self._stopper.cancel()


def attach(project: Project, own: docker.Client, events: docker.DockerStream, started: set[str],
           services: list[str], timestamps: bool = False, **options: Any) -> Attached:
    """The Attached of an ``up`` just done: ``events`` opened on ``own`` (a client for the logs alone) before
    it, ``started`` the ids and names of the containers it started (read from their start; the others from
    now on)."""
    rows = _state.containers(project.client, project.name, services, all=True) if services else []
    whole = frozenset(r["Id"] for r in rows if r["Id"] in started or _state.name_of(r) in started)
    logs = Logs(own, rows, True, "0", timestamps, events=events, services=services, whole=whole)
    return Attached(project, logs, [_state.short_name(r) for r in rows], **options)
