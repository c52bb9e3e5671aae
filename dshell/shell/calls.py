"""How the shell calls an op where the API would bite: logs without a stream asked for get both, an op that
streams until stopped (``follow=true``, ``stream=true``, events without ``until``) is told apart, and logs read
as data say which stream said what."""

from __future__ import annotations

from dshell._checking import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

    from dshell.client import Client, Outcome

LOG_READS = ("ContainerLogs", "ServiceLogs", "TaskLogs")  # logs read back: stdout/stderr/follow params (not attach)
BOTH_STREAMS = "neither stdout nor stderr was asked for: showing both, as docker logs does"


def with_defaults(op: str, params: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """``params`` with what the daemon refuses to guess filled in, and a line saying so (or None)."""
    if op in LOG_READS and "stdout" not in params and "stderr" not in params:
        return {**params, "stdout": True, "stderr": True}, BOTH_STREAMS
    return params, None


def streams(op: str, params: dict[str, Any]) -> bool:
    """Whether ``op`` with ``params`` streams until it is stopped (so a plain call would never return)."""
    if op in LOG_READS:
        return params.get("follow") is True
    if op == "ContainerStats":
        return params.get("stream", True) is not False  # the API's default is to stream
    if op == "SystemEvents":
        return "until" not in params
    return False


def marked_logs(c: Client, op: str, params: dict[str, Any]) -> Outcome:
    """A logs op called as the API's data would be, but read frame by frame, so the stored text says which
    stream said what: each stderr line starts ``[stderr] `` as in a pane (a TTY's output is one stream)."""
    import codecs

    import dshell.client as docker
    from dshell.explorer import STDERR_MARK

    opened = docker.call(c, {"op": op, "params": params, "as": "stream"})
    if opened.stream is None:
        return opened
    decoders = {n: codecs.getincrementaldecoder("utf-8")("replace") for n in (1, 2)}
    parts: list[str] = []
    line_start = True  # whether stderr's next text begins a line
    with opened.stream as stream:
        for n, payload in stream.frames():
            text = decoders[n if n in decoders else 1].decode(payload)
            if n == 2 and text:
                marked = (STDERR_MARK if line_start else "") + text.replace("\n", "\n" + STDERR_MARK)
                line_start = text.endswith("\n")
                text = marked[:-len(STDERR_MARK)] if line_start else marked
            parts.append(text)
    parts += [decoder.decode(b"", final=True) for decoder in decoders.values()]
    return opened.replace(data="".join(parts))
