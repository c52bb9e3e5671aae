"""A pull's, push's, load's or import's progress as the docker CLI shows it, as it comes: the events streamed, each
printed by the explorer's progress renderers (in place on a terminal, plain lines otherwise), kept as the result."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..reply import Reply
from .plan import Call
from .views import message, text_body

if TYPE_CHECKING:
    from ..session import Session


def progress(session: Session, op: str, params: dict[str, Any], quiet: bool = False,
             reference: str | None = None) -> Reply:
    """A pull, push, load or import with docker's progress as it comes (each layer's line updated in place on a
    terminal, plain lines otherwise), then the reference a pull pulled; the kept result holds the events. Ctrl-C
    stops it: what came is kept and said."""
    import sys
    import time

    import dshell.client as docker
    from dshell.client._streams import stream_error
    from dshell.explorer._progress import TerminalProgress, event_line, full_reference

    c = session.require_client()
    started = time.perf_counter()
    opened = docker.call(c, {"op": op, "params": params, "as": "stream"})
    if opened.stream is None:
        result = session.store(op, params, opened)
        return Reply(error=f"Error response from daemon: {message(result)}", result=result)
    out, board, events, how = sys.stdout, TerminalProgress(), [], None
    tty = _is_terminal(out)
    try:
        with opened.stream as stream:
            for event in stream.json():
                events.append(event)
                text = "" if quiet else board.chunk(event) if tty else (line + "\n" if (line := event_line(event))
                                                                         is not None else "")
                if text:
                    out.write(text)
                    out.flush()
    except KeyboardInterrupt:
        how = "stopped by Ctrl-C"
    except OSError as exc:
        how = f"the stream broke: {exc}"
    error = next((m for e in events if (m := stream_error(e)) is not None), None)
    result = session.keep(op, params, events, status=opened.status, elapsed=time.perf_counter() - started,
                          error=error or how, endpoint=opened.endpoint)
    if how is not None:
        layers = sum(1 for e in events if isinstance(e, dict) and e.get("status") in ("Pull complete", "Pushed",
                                                                                      "Already exists"))
        return Reply(error=f"{op}: {how}; {len(events)} events ({layers} layers done) kept as _{result.n}",
                     result=result)
    if error is not None:
        return Reply(error=error if op == "ImageLoad" else f"Error response from daemon: {error}", result=result)
    done = reference and op == "ImageCreate" and "fromImage" in params and any(
        isinstance(e, dict) and str(e.get("status", "")).startswith("Status:") for e in events)
    return Reply(text_body([full_reference(reference)]) if done and reference else None, result=result)


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def reference_of(call: Call) -> str | None:
    name = call.params.get("fromImage") or call.params.get("name")
    if not name:
        return None
    tag = call.params.get("tag")
    return f"{name}:{tag}" if tag else str(name)


