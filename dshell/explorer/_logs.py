"""Log text: the stderr marker of kept logs, timestamps as people read them, and its renderable."""

from __future__ import annotations

import re
from functools import cached_property

from dshell._checking import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

LOG_OPS = ("ContainerLogs", "ContainerAttach", "ServiceLogs", "TaskLogs")
"""Ops whose body is a container's stdout and stderr."""
STDERR_MARK = "[stderr] "
"""How a stderr line starts in a kept logs result (and in a pane)."""
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_STAMP = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) ")


def readable_stamp(line: str) -> tuple[str, str, str]:
    """(the RFC 3339 stamp a line starts with, as people read it in local time, the rest); ("", "", line)
    when it has none (``timestamps=true`` adds them)."""
    match = _STAMP.match(line)
    if match is None:
        return "", "", line
    stamp = match.group(1)
    from datetime import datetime  # here: showing what has no stamp does not import it

    try:
        when = datetime.fromisoformat(stamp).astimezone()
    except ValueError:
        return "", "", line
    return stamp, when.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3], line[match.end():]


_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # where str.splitlines splits ("\r\n" once)


def _line_count(text: str) -> int:
    """``len(text.splitlines())`` without making the lines."""
    breaks = sum(text.count(ch) for ch in _BREAKS) - text.count("\r\n")
    return breaks + (1 if text and text[-1] not in _BREAKS else 0)


def _last_lines(text: str, limit: int) -> list[str]:
    """``text.splitlines()[-limit:]``, splitting only as much of the end of the text as they take."""
    if limit <= 0:
        return []
    size = limit * 128
    while True:
        lines = text[-size:].splitlines()
        if size >= len(text):
            return lines[-limit:]
        if len(lines) > limit:  # the first line of a cut may be cut: one more than needed is there
            return lines[-limit:]
        size *= 4


class LogText:
    """Log lines, the last ``limit`` of them (None: all), as ``docker logs`` ends with the newest: how many came
    before is said first; stderr lines red and marked, stamps readable."""

    def __init__(self, text: str, limit: int | None = None) -> None:
        self.text = text
        self.limit = limit

    @cached_property
    def lines(self) -> list[str]:
        """The lines shown (split when first rendered: a pipe gets ``plain_text`` without them)."""
        return self.text.splitlines() if self.limit is None else _last_lines(self.text, self.limit)

    @cached_property
    def before(self) -> int:
        """How many lines come before those shown (counted, not split: a 200 MB log stays one string)."""
        return 0 if self.limit is None else _line_count(self.text) - len(self.lines)

    def plain_text(self) -> str:
        """All of the log for a pipe or a file, as ``docker logs web 2>&1`` gives it (stderr lines unmarked;
        control characters made visible)."""
        from ._visible import visible

        return visible(self.text.replace(STDERR_MARK, "").rstrip("\n"))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.text import Text

        if self.before:
            yield Text(f"… {self.before} earlier lines (the result holds them all; show it with --full)", style="dim")
        for line in self.lines:
            yield Text.from_ansi(line, style="red" if line.startswith(STDERR_MARK) else "")

    def __html__(self) -> str:
        from . import _html as H  # here: a terminal's logs load no HTML

        rows = [f'<div style="{H.DIM}">… {self.before:,} earlier lines</div>'] if self.before else []
        for line in self.lines:
            stderr = line.startswith(STDERR_MARK)
            stamp, readable, rest = readable_stamp(_ANSI.sub("", line).removeprefix(STDERR_MARK))
            when = f'<span style="{H.DIM}" title="{stamp}">{readable}</span> ' if stamp else ""
            mark = f'<span style="{H.BADGE}">stderr</span> ' if stderr else ""
            rows.append(f'<div style="{H.STDERR if stderr else H.STDOUT}">{mark}{when}{H.escape(rest)}</div>')
        return f'<div style="{H.MONO};white-space:pre-wrap">{"".join(rows)}</div>'
