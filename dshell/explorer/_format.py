"""Short human strings for values: relative times, sizes, ids, one-line previews."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

from dshell._checking import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

_SIZE_UNITS = ("B", "kB", "MB", "GB", "TB", "PB", "EB")
_HOUR = 3600.0


def ellipsis(text: str, width: int) -> str:
    """Cut `text` to at most `width` characters, ending in '…' when cut."""
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def short_id(value: Any, width: int = 12) -> str:
    """A docker-style short id: no `sha256:` prefix, first `width` characters."""
    return str(value or "").removeprefix("sha256:")[:width]


def human_size(size: Any, digits: int = 3) -> str:
    """Decimal size with three significant `digits`, like `docker images` ("72.8MB"); `docker system df` and the
    prunes' totals show four ("1.982MB")."""
    if not isinstance(size, int | float) or isinstance(size, bool) or size < 0:
        return ""
    value = float(size)
    for unit in _SIZE_UNITS:
        text = f"{value:.{digits}g}"
        if float(text) < 1000 or unit == _SIZE_UNITS[-1]:
            return f"{text}{unit}"
        value /= 1000
    raise AssertionError("unreachable")


def to_epoch(value: Any) -> float | None:
    """Seconds since the epoch from an epoch number or an RFC 3339 string; None if neither."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str) and value:
        from datetime import datetime  # here: a start-up that shows no time does not import it

        try:
            return datetime.fromisoformat(value).timestamp()
        except ValueError:
            return None
    return None


def human_duration(seconds: float) -> str:
    """Docker's wording for a duration: "Less than a second", "About a minute", "3 days"."""
    if seconds < 1:
        return "Less than a second"
    if seconds < 60:
        return "1 second" if int(seconds) == 1 else f"{int(seconds)} seconds"
    minutes = int(seconds / 60)
    if minutes == 1:
        return "About a minute"
    if minutes < 60:
        return f"{minutes} minutes"
    hours = int(seconds / _HOUR + 0.5)
    if hours == 1:
        return "About an hour"
    for limit, divisor, unit in (
        (48, 1, "hours"),
        (24 * 14, 24, "days"),
        (24 * 60, 24 * 7, "weeks"),
        (24 * 730, 24 * 30, "months"),
    ):
        if hours < limit:
            return f"{hours // divisor} {unit}"
    return f"{int(seconds / _HOUR / 24 / 365)} years"


def time_ago(value: Any, now: float | None = None) -> str:
    """'5 minutes ago' for an epoch or RFC 3339 timestamp; '' for missing or unparseable values."""
    epoch = to_epoch(value)
    if epoch is None or epoch <= 0:
        return ""
    return human_duration((time.time() if now is None else now) - epoch) + " ago"


def type_label(value: Any) -> str:
    """A short type description: 'dict{3}', 'list[12]', 'str', 'bytes[40]', 'null'."""
    if value is None:
        return "null"
    if isinstance(value, dict):
        return f"dict{{{len(value)}}}"
    if isinstance(value, list | tuple):
        return f"list[{len(value)}]"
    if isinstance(value, bytes | bytearray):
        return f"bytes[{len(value)}]"
    return type(value).__name__


def compact(value: Any, width: int = 60) -> str:
    """A one-line preview of any value, at most `width` characters."""
    return ellipsis(_flat(value, width), width)


def _flat(value: Any, budget: int) -> str:
    if isinstance(value, str):
        return value.replace("\n", "⏎")
    if isinstance(value, dict):
        return ", ".join(_parts(((f"{key}=", item) for key, item in value.items()), budget))
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_parts((("", item) for item in value), budget)) + "]"
    if isinstance(value, bytes | bytearray):
        return f"<{len(value)} bytes>"
    return json.dumps(value, default=str)


def _parts(items: Iterator[tuple[str, Any]], budget: int) -> Iterator[str]:
    for prefix, item in items:
        if budget <= 0:
            yield "…"
            return
        part = prefix + _flat(item, budget)
        budget -= len(part) + 2
        yield part
