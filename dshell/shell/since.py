"""``since=10m`` / ``until=2024-05-01T10:00`` as the docker CLI reads them (``docker logs --since``, ``docker
events --until``): a Go duration before now, an RFC 3339 date or time (local time when no zone is given), or a Unix
timestamp — made into the Unix timestamp the API takes. Anything else is left for the daemon to refuse."""

from __future__ import annotations

import math
import re
import time
from datetime import datetime

_DURATION = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h)")
_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_TIMESTAMP = re.compile(r"\d+(?:\.\d{1,9})?")
TIME_PARAMS = ("since", "until")


def timestamp(value: str, now: float | None = None, whole: bool = False) -> str:
    """``value`` as a Unix timestamp, as the docker CLI sends it: seconds with nanoseconds, or ``whole`` seconds
    (for the params the API types as integers: ContainerLogs', ServiceLogs')."""
    text = value.strip()
    if _TIMESTAMP.fullmatch(text):
        return text.split(".")[0] if whole else text
    seconds = _duration(text)
    if seconds is None:
        try:
            seconds = datetime.fromisoformat(text).timestamp()  # a naive time is local, as the docker CLI takes it
        except ValueError:
            return value
    else:
        seconds = (time.time() if now is None else now) - seconds
    if not math.isfinite(seconds):  # a duration of 500 digits: the daemon says what is wrong with it
        return value
    return str(int(seconds // 1)) if whole else _format(seconds)


def _duration(text: str) -> float | None:
    """Seconds in a Go duration (``1h30m``, ``90s``, ``1.5h``), else None."""
    if not text or _DURATION.sub("", text):
        return None
    total = 0.0
    for part in _DURATION.findall(text):
        unit = part.lstrip("0123456789.")
        total += float(part[:len(part) - len(unit)]) * _UNITS[unit]
    return total


def _format(seconds: float) -> str:
    whole = int(seconds // 1)
    nanos = round((seconds - whole) * 1e9)
    if nanos >= 1_000_000_000:
        whole, nanos = whole + 1, 0
    return f"{whole}.{nanos:09d}"


def time_words(words: list[str], whole: bool = False) -> list[str]:
    """``words`` with each ``since=``/``until=`` value made a Unix timestamp (``whole`` seconds), the others as
    they are."""
    out = []
    for word in words:
        name, eq, value = word.partition("=")
        if eq and name in TIME_PARAMS and value:
            quote = value[0] if value[0] == value[-1] and value[0] in "'\"" and len(value) > 1 else ""
            inner = value[1:-1] if quote else value
            word = f"{name}={timestamp(inner, whole=whole)}"
        out.append(word)
    return out
