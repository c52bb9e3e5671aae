"""Raw ops that would otherwise bite: logs without a stream asked for, and ops that stream until stopped
(``follow=true``, ``stream=true``, events without ``until``) typed as plain ops.

A streaming op is shown inline, line by line as it arrives (the panes' formatters, free of prompt_toolkit),
until it ends or Ctrl-C stops it; either way what arrived is stored as the result.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dshell.client import Client, Outcome

    from .reply import Reply
    from .session import Runner, Session

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


def say(session: Session, body: Any) -> None:
    """Show ``body`` now, on the front end's output (the terminal when it set none)."""
    if session.say is not None:
        session.say(body)
        return
    from rich.console import Console

    Console(soft_wrap=True).print(body)


def note(session: Session, text: str) -> None:
    """One dim line."""
    from rich.text import Text

    say(session, Text(text, style="dim"))


def follow(session: Session, op: str, params: dict[str, Any], c: Client, run: Runner) -> Reply:
    """Stream ``op`` inline until it ends or Ctrl-C; what arrived is the stored result either way."""
    from rich.text import Text

    import dshell.client as docker

    from .panes.model import StreamPane
    from .panes.sources import formatter
    from .reply import Reply
    from .worker import Cancelled

    client, pane, shown = c.copy(), StreamPane(op), threading.Event()
    shown.set()  # cleared once stopped: a line read after that is kept but not printed
    note(session, f"{op} streams until it ends: Ctrl-C stops it and keeps what arrived")
    started = time.perf_counter()

    def pump() -> tuple[int, str | None]:
        opened = docker.call(client, {"op": op, "params": params, "as": "stream"})
        if opened.stream is None:
            return opened.status, opened.error.message if opened.error else f"{op} gave no stream"
        fmt = formatter(op, opened.stream)
        with opened.stream as stream:
            for chunk in stream.chunks():
                lines = fmt.feed(chunk)
                pane.add(lines)
                for line in lines if shown.is_set() else ():
                    say(session, Text(line.text, style="red" if "stderr" in line.style else ""))
            pane.add(fmt.close())
        return opened.status, None

    stopped = False
    try:
        status, error = run(pump)
    except (Cancelled, KeyboardInterrupt):
        shown.clear()
        client.cancel()
        status, error, stopped = 200, None, True
    except docker.DockerError as exc:  # inside the stream
        status, error = exc.status, exc.message
    finally:
        client.close()
    result = session.keep(op, params, pane.kept(), status=status, elapsed=time.perf_counter() - started,
                          error=error, endpoint=c.uri)
    if error:
        return Reply(error=f"[{result.n}] {status} {error}", result=result)
    how = "stopped by Ctrl-C" if stopped else "the stream ended"
    return Reply(Text(f"[{result.n}] {op}: {how}; {pane.total} lines kept as _{result.n}", style="dim"),
                 result=result)
