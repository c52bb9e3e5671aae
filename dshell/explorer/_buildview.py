"""A BuildKit build's live view on a terminal, as ``docker buildx build --progress tty`` draws it: a
``[+] Building 3.4s (6/8)`` line, one line per step that began (``CACHED``/``ERROR`` marks, its time right
aligned), the last log lines of a running or failed step under it; the block redrawn in place (cursor up, clear
below), at most every 0.1 s. What a build step printed is shown, never obeyed (control characters visible)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._visible import visible_line

if TYPE_CHECKING:
    from dshell.buildkit import Progress

TAIL = 6  # log lines shown under a running step
REDRAW = 0.1  # seconds between redraws


def live_lines(progress: Progress, now: float, width: int, done: bool = False) -> list[str]:
    """The view's lines for the build so far (``done``: the last frame: no log tails but a failed step's)."""
    steps = list(progress.steps.values())
    began = [s for s in steps if s.started or s.cached or s.error]
    finished = sum(1 for s in steps if s.completed or s.cached)
    start = min((s.started for s in began if s.started), default=now)
    out = [f"[+] Building {max(0.0, now - start):.1f}s ({finished}/{len(steps)}){' FINISHED' if done else ''}"]
    for step in began:
        mark = "ERROR " if step.error else "CACHED " if step.cached else ""
        took = step.duration if step.completed else (now - step.started if step.started else 0.0)
        clock = f" {took or 0.0:.1f}s"
        name = visible_line(f" => {mark}{step.name}")
        room = max(10, width - len(clock) - 1)
        name = name if len(name) <= room else name[:room - 1] + "…"
        out.append(f"{name:<{room}}{clock}")
        running = not step.completed and not step.cached and not done
        if running or step.error:
            for line in step.lines()[-TAIL:]:
                text = visible_line(f" => => # {line}")
                out.append(text if len(text) <= width - 1 else text[:width - 2] + "…")
    return out


class TerminalBuild:
    """The live view's frames: ANSI text that moves the cursor up over the last frame and draws the new one."""

    def __init__(self) -> None:
        self.drawn = 0
        self.last = 0.0

    def frame(self, progress: Progress, now: float, width: int, done: bool = False) -> str:
        """The next frame ('' while the last one is younger than REDRAW seconds, unless ``done``)."""
        if not done and now - self.last < REDRAW:
            return ""
        self.last = now
        lines = live_lines(progress, now, width, done)
        up = f"\x1b[{self.drawn}A" if self.drawn else ""
        self.drawn = len(lines)
        return up + "\r\x1b[J" + "\n".join(lines) + "\n"
