"""A BuildKit build's progress as data: ``moby.buildkit.trace`` aux messages (the control API's StatusResponse,
protobuf in base64) decoded into events, and the events folded into steps as ``docker buildx build`` shows them.

``decode_status(raw)`` gives one StatusResponse as dicts; ``event(message)`` turns one JSON message of the build
stream into an event (``status``, ``image``, ``error``, ``stream``, ``aux``); ``Progress`` keeps the steps (numbered
in order of appearance, with timing, cached, logs, sub-statuses), the warnings and the image id, and says what
changed for a printer (``plain_lines`` prints buildx's ``#N`` lines).
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from typing import Any

from ._proto import ProtoError, fields, signed, text, timestamp

TRACE_ID, IMAGE_ID = "moby.buildkit.trace", "moby.image.id"
LOG_TAIL = 6  # log lines a failure and a live view show
MAX_LOG = 1 << 20  # log bytes kept per step (the rest is counted, as buildx caps what it prints)


def _vertex(raw: bytes) -> dict[str, Any]:
    out: dict[str, Any] = {"digest": "", "inputs": [], "name": "", "cached": False, "started": None,
                           "completed": None, "error": ""}
    for number, value in fields(raw):
        if number == 1:
            out["digest"] = text(value)
        elif number == 2:
            out["inputs"].append(text(value))
        elif number == 3:
            out["name"] = text(value)
        elif number == 4:
            out["cached"] = bool(value)
        elif number == 5:
            out["started"] = timestamp(value)
        elif number == 6:
            out["completed"] = timestamp(value)
        elif number == 7:
            out["error"] = text(value)
    return out


def _status(raw: bytes) -> dict[str, Any]:
    out: dict[str, Any] = {"id": "", "vertex": "", "name": "", "current": 0, "total": 0, "timestamp": None,
                           "started": None, "completed": None}
    names = {1: "id", 2: "vertex", 3: "name"}
    for number, value in fields(raw):
        if number in names:
            out[names[number]] = text(value)
        elif number in (4, 5) and isinstance(value, int):
            out["current" if number == 4 else "total"] = signed(value)
        elif number in (6, 7, 8):
            out[("timestamp", "started", "completed")[number - 6]] = timestamp(value)
    return out


def _log(raw: bytes) -> dict[str, Any]:
    out: dict[str, Any] = {"vertex": "", "timestamp": None, "stream": 1, "data": b""}
    for number, value in fields(raw):
        if number == 1:
            out["vertex"] = text(value)
        elif number == 2:
            out["timestamp"] = timestamp(value)
        elif number == 3 and isinstance(value, int):
            out["stream"] = signed(value)
        elif number == 4 and isinstance(value, bytes):
            out["data"] = value
    return out


def _warning(raw: bytes) -> dict[str, Any]:
    out: dict[str, Any] = {"vertex": "", "level": 0, "short": "", "detail": [], "url": "", "file": "",
                           "lines": []}
    for number, value in fields(raw):
        if number == 1:
            out["vertex"] = text(value)
        elif number == 2 and isinstance(value, int):
            out["level"] = signed(value)
        elif number == 3:
            out["short"] = text(value)
        elif number == 4:
            out["detail"].append(text(value))
        elif number == 5:
            out["url"] = text(value)
        elif number == 6 and isinstance(value, bytes):
            out["file"] = next((text(v) for n, v in fields(value) if n == 1), "")
        elif number == 7 and isinstance(value, bytes):
            for n, position in fields(value):
                if n == 1 and isinstance(position, bytes):
                    out["lines"].append(next((signed(v) for k, v in fields(position)
                                              if k == 1 and isinstance(v, int)), 0))
    return out


def decode_status(raw: bytes) -> dict[str, list[dict[str, Any]]]:
    """One StatusResponse: its ``vertexes``, ``statuses``, ``logs`` and ``warnings`` as dicts."""
    out: dict[str, list[dict[str, Any]]] = {"vertexes": [], "statuses": [], "logs": [], "warnings": []}
    decoders = {1: ("vertexes", _vertex), 2: ("statuses", _status), 3: ("logs", _log), 4: ("warnings", _warning)}
    for number, value in fields(raw):
        if number in decoders and isinstance(value, bytes):
            key, decode = decoders[number]
            out[key].append(decode(value))
    return out


def event(message: dict[str, Any]) -> dict[str, Any]:
    """One JSON message of a BuildKit build's stream as an event: ``{"type": "status", **StatusResponse}``,
    ``{"type": "image", "id"}``, ``{"type": "error", "message"}``, ``{"type": "stream", "text"}`` or
    ``{"type": "aux", "id", "aux"}``. A trace that does not decode is an ``error`` event naming it."""
    ident = message.get("id")
    if ident == TRACE_ID and isinstance(message.get("aux"), str):
        try:
            return {"type": "status", **decode_status(base64.b64decode(message["aux"], validate=True))}
        except (ValueError, ProtoError) as exc:
            return {"type": "error", "message": f"undecodable BuildKit progress ({exc})"}
    if ident == IMAGE_ID:
        aux = message.get("aux")
        return {"type": "image", "id": str(aux.get("ID", "")) if isinstance(aux, dict) else str(aux or "")}
    if "error" in message or "errorDetail" in message:
        detail = message.get("errorDetail") or {}
        text_ = message.get("error") or (detail.get("message") if isinstance(detail, dict) else "") or ""
        return {"type": "error", "message": str(text_)}
    if "stream" in message:
        return {"type": "stream", "text": str(message["stream"])}
    return {"type": "aux", "id": ident, "aux": message.get("aux")}


@dataclass
class Step:
    """One vertex of the build: a line of ``docker buildx build``'s output."""

    number: int
    digest: str
    name: str = ""
    cached: bool = False
    started: float | None = None
    completed: float | None = None
    error: str = ""
    log: bytearray = field(default_factory=bytearray)
    log_dropped: int = 0
    statuses: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def duration(self) -> float | None:
        """Seconds it ran (None until it started and completed)."""
        if self.started is None or self.completed is None:
            return None
        return max(0.0, self.completed - self.started)

    def lines(self) -> list[str]:
        """Its log as lines."""
        return self.log.decode("utf-8", "replace").splitlines()

    def as_dict(self) -> dict[str, Any]:
        """The step as plain data."""
        return {"number": self.number, "name": self.name, "digest": self.digest, "cached": self.cached,
                "started": self.started, "completed": self.completed, "duration": self.duration,
                "error": self.error or None, "log": self.log.decode("utf-8", "replace"),
                "statuses": [dict(s) for s in self.statuses.values()]}


_EXIT = re.compile(r"exit code: (\d+)")


class Progress:
    """The state of a build, fed event by event."""

    def __init__(self) -> None:
        self.steps: dict[str, Step] = {}
        self.warnings: list[dict[str, Any]] = []
        self.image_id: str | None = None
        self.error: str | None = None
        self.cause: str | None = None  # a failure on dshell's side of the session (an unreadable file)
        self.stream: list[str] = []

    def step(self, digest: str) -> Step:
        """The step of a vertex (numbered when first seen)."""
        found = self.steps.get(digest)
        if found is None:
            found = self.steps[digest] = Step(len(self.steps) + 1, digest)
        return found

    def feed(self, ev: dict[str, Any]) -> list[tuple[str, Step | None, Any]]:
        """Take one event; what changed, for a printer: ("vertex", step, None), ("status", step, status),
        ("log", step, (stream, bytes, timestamp)), ("warning", step or None, warning), ("end", step, None) when a
        step completed, was cached or failed, ("image", None, id), ("error", None, message), ("stream", None,
        text)."""
        kind = ev.get("type")
        changes: list[tuple[str, Step | None, Any]] = []
        if kind == "status":
            for v in ev["vertexes"]:
                step = self.step(v["digest"])
                step.name = v["name"] or step.name
                step.cached = step.cached or v["cached"]
                step.started = v["started"] or step.started
                step.completed = v["completed"] or step.completed
                step.error = v["error"] or step.error
                changes.append(("vertex", step, None))
            for s in ev["statuses"]:
                step = self.step(s["vertex"])
                step.statuses[s["id"]] = s
                changes.append(("status", step, s))
            for entry in ev["logs"]:
                step = self.step(entry["vertex"])
                data = entry["data"]
                room = MAX_LOG - len(step.log)
                step.log += data[:max(room, 0)]
                step.log_dropped += max(0, len(data) - max(room, 0))
                changes.append(("log", step, (entry["stream"], data, entry["timestamp"])))
            for w in ev["warnings"]:
                self.warnings.append(w)
                changes.append(("warning", self.steps.get(w["vertex"]), w))
            for v in ev["vertexes"]:  # a step's end is said after what it printed in the same message
                step = self.steps[v["digest"]]
                if step.cached or step.error or step.completed:
                    changes.append(("end", step, None))
        elif kind == "image":
            self.image_id = ev["id"]
            changes.append(("image", None, ev["id"]))
        elif kind == "error":
            self.error = ev["message"]
            changes.append(("error", None, ev["message"]))
        elif kind == "stream":
            self.stream.append(ev["text"])
            changes.append(("stream", None, ev["text"]))
        return changes

    def failed_step(self) -> Step | None:
        """The step that failed (the last one with an error, not a cancelled one)."""
        failed = [s for s in self.steps.values() if s.error and "context canceled" not in s.error]
        return failed[-1] if failed else None

    def failure(self) -> str | None:
        """The build's failure in one line: the step, its exit code and its last log lines (None: it worked)."""
        if self.error is None and self.failed_step() is None:
            return None
        step = self.failed_step()
        if self.cause is not None:
            where = f" at step #{step.number} {step.name}" if step else ""
            return f"build failed{where}: {self.cause}"
        if step is None:
            return f"build failed: {self.error}"
        code = _EXIT.search(step.error)
        tail = [line for line in step.lines() if line.strip()][-3:]
        said = f"; last output: {' | '.join(tail)}" if tail else ""
        exit_code = f" with exit code {code.group(1)}" if code else f": {step.error}"
        return f"build failed at step #{step.number} {step.name}{exit_code}{said}"

    def result(self) -> dict[str, Any]:
        """The build as data: image id, steps, warnings, error."""
        out: dict[str, Any] = {"image_id": self.image_id, "steps": [s.as_dict() for s in self.steps.values()],
                               "warnings": [_warning_data(w) for w in self.warnings]}
        failure = self.failure()
        if failure:
            out["error"] = failure
        return out


def fold(messages: list[Any]) -> dict[str, Any]:
    """The result of a BuildKit build's JSON messages read whole (a build without a session: a tar context)."""
    state = Progress()
    for message in messages:
        if isinstance(message, dict):
            state.feed(event(message))
    return state.result()


def _warning_data(w: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in w.items() if v not in ("", [], None)}


def warning_line(warning: dict[str, Any]) -> str:
    """A warning as buildx prints it: ``WARNING: FromAsCasing: ... (Dockerfile:1)``."""
    where = f" ({warning['file']}:{warning['lines'][0]})" if warning.get("file") and warning.get("lines") else ""
    return f"WARNING: {warning['short']}{where}"


def plain_lines(progress: Progress, change: tuple[str, Step | None, Any], printed: dict[str, Any]) -> list[str]:
    """``docker buildx build --progress plain`` lines for one change (``printed``: what was already said): a
    step's ``#N name`` once it started, its statuses when done, its log lines with the seconds since it started,
    then ``DONE 0.4s``, ``CACHED`` or ``ERROR: ...``."""
    kind, step, value = change
    if kind in ("image", "stream"):
        return []
    if kind == "error":
        return [f"ERROR: {value}"]
    if kind == "warning":
        return [warning_line(value)]
    assert step is not None
    out: list[str] = []
    state = printed.get(step.digest)
    if state is None:
        if not step.name or not (step.started or step.cached or step.completed or step.error):
            return out  # not begun: said when it begins
        state = printed[step.digest] = {"statuses": set(), "end": False, "partial": ""}
        out += ["", f"#{step.number} {step.name}"]
    if kind == "log":  # a line may come in pieces: printed once whole
        _stream, data, stamp = value
        since = (stamp - step.started) if stamp and step.started else 0.0
        lines = (state["partial"] + data.decode("utf-8", "replace")).split("\n")
        state["partial"] = lines.pop()
        out += [f"#{step.number} {since:.3f} {line}" for line in lines]
    elif kind == "status" and value["completed"] is not None and value["id"] not in state["statuses"]:
        state["statuses"].add(value["id"])
        amount = "" if not value["current"] else (
            f" {_size(value['current'])}" if not value["total"] else
            f" {_size(value['current'])} / {_size(value['total'])}")
        took = value["completed"] - value["started"] if value["started"] else 0.0
        out.append(f"#{step.number} {value['id']}{amount}{f' {took:.1f}s' if took >= 0.05 else ''} done")
    elif kind == "end" and not state["end"]:
        state["end"] = True
        if state["partial"]:
            out.append(f"#{step.number} {state['partial']}")
        if step.error:
            out.append(f"#{step.number} ERROR: {step.error}")
        elif step.cached:
            out.append(f"#{step.number} CACHED")
        else:
            out.append(f"#{step.number} DONE {step.duration or 0.0:.1f}s")
    return out


def _size(n: int) -> str:
    """Bytes as buildx says them: 38B, 2.30kB, 200.05MB."""
    value = float(n)
    for unit in ("B", "kB", "MB", "GB"):
        if abs(value) < 1000 or unit == "GB":
            return f"{n}B" if unit == "B" else f"{value:.2f}{unit}"
        value /= 1000
    return f"{n}B"
