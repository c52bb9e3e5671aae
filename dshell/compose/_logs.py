"""``compose logs``: the logs of a project's containers as one stream, each line prefixed ``SERVICE-N  | ``
and coloured per container as docker compose colours them. Followed, it watches the project's container
events as docker compose's monitor does: a container of the watched services that starts later is read too,
an exit is a status line (``web-1 exited with code 0``), and the stream ends once every watched container has
exited."""

from __future__ import annotations

import datetime as dt
import queue
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import dshell.client as docker

from . import _labels as L
from . import _state

WAKE = 0.25
"""Seconds the merged stream waits for a line before it looks up (for an interrupt) and waits again."""
EXIT_WAIT = 2.0
"""Seconds an exit line waits for the container's last lines (its log stream ends as it exits)."""
RAINBOW = ("36", "33", "32", "35", "34", "36;1", "33;1", "32;1", "35;1", "34;1")
"""docker compose's colours, given to containers in turn (cyan, yellow, green, magenta, blue, then intense)."""


@dataclass(frozen=True)
class LogLine:
    """One line of one container: its ``SERVICE-N`` name, the text (no newline), whether stderr, its colour; a
    status line (``exited with code 3``) has ``code`` (and ``restarting``), its ``service`` named."""

    name: str
    text: str
    stderr: bool
    color: str
    code: int | None = None
    service: str = ""
    restarting: bool = False

    def format(self, width: int, ansi: bool = True, prefix: bool = True) -> str:
        """The line as docker compose prints it: the name padded to ``width`` + 1, `` | ``, the text (a status
        line: the name, then the text, all in the container's colour)."""
        if self.code is not None:
            status = f"{self.name} {self.text}"
            return f"\x1b[{self.color}m{status}\x1b[0m" if ansi else status
        if not self.name:  # a note of the command's own (Aborting on container exit...)
            return f"\x1b[{self.color}m{self.text}\x1b[0m" if ansi and self.color else self.text
        if not prefix:
            return self.text
        head = f"{self.name:<{width + 1}} | "
        return f"\x1b[{self.color}m{head}\x1b[0m{self.text}" if ansi else f"{head}{self.text}"


def watch_events(c: docker.Client, project: str) -> docker.DockerStream:
    """The project's container events from now on (one-offs left out), as docker compose's monitor asks them:
    open it before listing the containers, so that none starts or exits unseen."""
    filters = {"label": [f"{L.PROJECT}={project}", f"{L.ONEOFF}=False"], "type": ["container"]}
    outcome = docker.call(c, {"op": "SystemEvents", "params": {"filters": filters}, "as": "stream"})
    if outcome.error is not None or outcome.stream is None:
        from ._errors import ComposeError

        raise ComposeError(f"SystemEvents: {outcome.error}")
    return outcome.stream


def started_at(c: docker.Client, cid: str) -> int:
    """When the container's current run started (whole seconds: the API's ``since`` for logs), as docker
    compose reads a started container's logs from there (its first lines come before the start event)."""
    outcome = docker.call(c, {"op": "ContainerInspect", "params": {"id": cid}})
    text = str(((outcome.data or {}).get("State") or {}).get("StartedAt") or "") if outcome.error is None else ""
    try:
        return int(dt.datetime.fromisoformat(text[:19] + "+00:00").timestamp())
    except ValueError:
        return 0


def _short(cid: str, attrs: dict[str, Any]) -> str:
    """``SERVICE-N`` of an event's container (its attributes carry its labels and name)."""
    return _state.short_name({"Id": cid, "Names": [f"/{attrs.get('name', cid[:12])}"], "Labels": attrs})


class Logs:
    """The merged logs of ``rows`` (ContainerList rows) read on ``c``, which ``close()`` cancels (give it a
    client of its own): iterate for LogLines as they come; ``width`` is the longest name so far. ``tail``
    applies to every container but those in ``whole`` (read from the start of their current run). With
    ``events`` (``watch_events``, opened before ``rows`` were listed) it follows as docker compose does:
    containers of ``services`` (None: all) starting later are read from their start, exits are status lines,
    and it ends when every watched container (``rows``, then those started) has exited."""

    def __init__(self, c: docker.Client, rows: Sequence[dict[str, Any]], follow: bool = False,
                 tail: str | None = None, timestamps: bool = False, *,
                 events: docker.DockerStream | None = None, services: Sequence[str] | None = None,
                 whole: frozenset[str] = frozenset()) -> None:
        self.client = c
        self.names: list[str] = []
        self.width = 0
        self._lines: queue.Queue[LogLine | None] = queue.Queue(maxsize=10000)
        self._params: dict[str, Any] = {"stdout": True, "stderr": True, "follow": follow, "timestamps": timestamps}
        self._lock = threading.Lock()
        self._producers = 0
        self._colors: dict[str, tuple[str, str]] = {}  # container id -> (name, colour)
        self._reading: set[str] = set()  # ids whose current run is being read
        self._readers: dict[str, threading.Thread] = {}  # id -> the thread reading its latest run
        self._watched = {row["Id"] for row in rows}
        self._services = None if services is None else set(services)
        for row in rows:
            own = {"since": started_at(c, row["Id"])} if row["Id"] in whole else {} if tail is None else {"tail": tail}
            self._read_from(row["Id"], _state.short_name(row), (row.get("Labels") or {}).get(L.SERVICE, ""), own,
                            row.get("State") == "running" or row["Id"] in whole)
        if events is not None:
            self._start(self._monitor, events)

    def _start(self, target: Any, *args: Any) -> threading.Thread:
        with self._lock:
            self._producers += 1
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        return thread

    def _name(self, cid: str, name: str) -> tuple[str, str]:
        with self._lock:
            if cid not in self._colors:
                self._colors[cid] = (name, RAINBOW[len(self._colors) % len(RAINBOW)])
                self.names.append(name)
                self.width = max(self.width, len(name))
            return self._colors[cid]

    def _read_from(self, cid: str, name: str, service: str, params: dict[str, Any], running: bool = True) -> None:
        """Read a container's run (``running``: a start event for it now is the one being read)."""
        self._name(cid, name)
        if running:
            self._reading.add(cid)
        self._readers[cid] = self._start(self._read, cid, service, {**self._params, **params})

    def _read(self, cid: str, service: str, params: dict[str, Any]) -> None:
        name, color = self._colors[cid]
        try:
            outcome = docker.call(self.client, {"op": "ContainerLogs", "params": {"id": cid, **params},
                                                "as": "stream"})
            if outcome.error is not None or outcome.stream is None:
                self._lines.put(LogLine(name, f"(logs: {outcome.error})", True, color, service=service))
                return
            partial = {1: "", 2: ""}
            for stream, chunk in outcome.stream.frames():
                text = partial.get(stream, "") + chunk.decode("utf-8", "replace")
                *whole, partial[stream] = text.split("\n")
                for line in whole:
                    self._lines.put(LogLine(name, line, stream == 2, color, service=service))
            for stream, rest in partial.items():
                if rest:
                    self._lines.put(LogLine(name, rest, stream == 2, color, service=service))
        except docker.DshellError:
            pass  # the stream was cancelled (close) or the connection broke: this container's lines end here
        finally:
            self._lines.put(None)

    def _monitor(self, events: docker.DockerStream) -> None:
        """docker compose's monitor: a start reads the new run, a die is a status line and ends the watch of a
        container that does not restart; done when nothing watched is left."""
        try:
            for event in events.json():
                if not self._watched:
                    break
                actor = event.get("Actor") or {}
                attrs, cid = actor.get("Attributes") or {}, str(actor.get("ID") or event.get("id") or "")
                service = str(attrs.get(L.SERVICE, ""))
                if self._services is not None and service not in self._services:
                    continue
                action = str(event.get("Action") or event.get("status") or "")
                if action == "start":
                    self._watched.add(cid)
                    if cid not in self._reading:  # a new run (the one running when listed is read already)
                        self._read_from(cid, _short(cid, attrs), service, {"since": started_at(self.client, cid)})
                elif action == "die" and cid in self._watched:
                    self._died(cid, service, attrs)
                    if not self._watched:
                        break
        except docker.DshellError:
            pass  # cancelled (close) or the connection broke
        finally:
            events.close()
            self._lines.put(None)

    def _died(self, cid: str, service: str, attrs: dict[str, Any]) -> None:
        self._reading.discard(cid)
        reader = self._readers.get(cid)
        if reader is not None:  # its last lines before its exit line, as docker compose prints them
            reader.join(EXIT_WAIT)
        state = docker.call(self.client, {"op": "ContainerInspect", "params": {"id": cid}})
        info = (state.data or {}).get("State") or {} if state.error is None else {}
        restarting = bool(info.get("Restarting") or info.get("Running"))
        if not restarting:
            self._watched.discard(cid)
        code = str(attrs.get("exitCode", info.get("ExitCode", 0)))
        name, color = self._name(cid, _short(cid, attrs))
        text = f"exited with code {code}" + (" (restarting)" if restarting else "")
        self._lines.put(LogLine(name, text, False, color, int(code) if code.lstrip("-").isdigit() else -1,
                                service, restarting))

    def __iter__(self) -> Iterator[LogLine]:
        while True:
            with self._lock:
                if self._producers == 0:
                    return
            try:
                item = self._lines.get(timeout=WAKE)
            except queue.Empty:  # wake now and then: an interrupt (Ctrl-C in the shell's worker) gets through
                continue
            if item is None:
                with self._lock:
                    self._producers -= 1
                continue
            yield item

    def close(self) -> None:
        """Stop following: cancel every container's stream and the watch of events."""
        self.client.cancel()
