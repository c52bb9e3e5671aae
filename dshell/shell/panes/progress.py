"""Progress streams (image pull/push/import/build): one line per layer, updated in place; a BuildKit build's
``moby.buildkit.trace`` messages as buildx's ``#N`` lines, a step's own line updated in place (``BuildLines``)."""

from __future__ import annotations

from typing import Any

from .jsonlines import error_line
from .logs import clean
from .model import Line

DONE = ("Pull complete", "Already exists", "Download complete", "Pushed", "Layer already exists", "Mounted from")


def progress_lines(value: Any) -> list[Line]:
    """``id: status progress`` keyed by the layer id; build output as text lines; errors in red."""
    error = error_line(value)
    if error is not None or not isinstance(value, dict):
        return [error or Line(str(value), data=value)]
    if "stream" in value:
        text = str(value["stream"]).rstrip("\n")
        return [Line(clean(t), data=value) for t in text.split("\n")] if text else []
    status = str(value.get("status") or "")
    if not status:
        return []  # aux records (digests, build ids) say nothing to read
    ident = value.get("id")
    if not ident:
        return [Line(status, data=value)]
    style = "class:pane.good" if status.startswith(DONE) else ""
    text = f"{ident}: {status} {value.get('progress') or ''}".rstrip()
    return [Line(text, style, value, key=f"layer:{ident}")]


class BuildLines:
    """A build stream's lines: BuildKit's progress decoded (one keyed line per step: ``#N name`` then its state and
    time; its log lines as ``#N text``), anything else as ``progress_lines`` has it."""

    def __init__(self) -> None:
        from dshell.buildkit import Progress

        self.progress = Progress()
        self.partial: dict[str, str] = {}
        self.said: dict[str, str] = {}  # each step's line as last given (an unchanged one is not given again)

    def __call__(self, value: Any) -> list[Line]:
        from dshell.buildkit.progress import event, warning_line

        if not isinstance(value, dict):
            return progress_lines(value)
        changes = self.progress.feed(event(value))  # an error in the stream too: the build's outcome says it
        if value.get("id") not in ("moby.buildkit.trace", "moby.image.id"):
            return progress_lines(value)
        out: list[Line] = []
        for kind, step, detail in changes:
            if kind == "warning":
                out.append(Line(clean(warning_line(detail)), "class:pane.warn", value))
                continue
            if step is None:
                if kind == "image":
                    out.append(Line(f"writing image {detail}", "class:pane.good", value))
                elif kind == "error":
                    out.append(Line(str(detail), "class:pane.bad", value))
                continue
            if kind == "log":
                text = self.partial.pop(step.digest, "") + detail[1].decode("utf-8", "replace")
                *lines, rest = text.split("\n")
                if rest:
                    self.partial[step.digest] = rest
                out += [Line(clean(f"#{step.number} {line}"), data=value) for line in lines]
            elif kind in ("vertex", "end") and (step.started or step.cached or step.error):
                line = self._step_line(step, value)
                if self.said.get(step.digest) != line.text:
                    self.said[step.digest] = line.text
                    out.append(line)
        return out

    @staticmethod
    def _step_line(step: Any, value: Any) -> Line:
        state, style = ("ERROR", "class:pane.bad") if step.error else ("CACHED", "class:pane.good") if step.cached \
            else (f"DONE {step.duration or 0.0:.1f}s", "class:pane.good") if step.completed else ("…", "")
        return Line(clean(f"#{step.number} {step.name}  {state}"), style, value, key=f"step:{step.digest}")
