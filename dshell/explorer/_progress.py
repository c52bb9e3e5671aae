"""A pull's, push's or load's progress events as the docker CLI prints them: off a terminal (jsonmessage.Display)
``ID: Status`` per event, byte counts left out, a ``stream`` as it is; on a terminal each layer's line updated in
place with the daemon's bar (``TerminalProgress``); a pull ends with the reference it pulled, as ``docker pull``
does. What a daemon sent is shown, never obeyed (control characters made visible)."""

from __future__ import annotations

from typing import Any


def _counted(event: dict[str, Any]) -> bool:
    detail = event.get("progressDetail")
    return isinstance(detail, dict) and ((detail.get("current") or 0) > 0 or (detail.get("total") or 0) > 0)


def event_line(event: Any) -> str | None:
    """One event's line, or None for one docker leaves out (a byte count) or that is no event."""
    if not isinstance(event, dict) or "error" in event or "errorDetail" in event or _counted(event):
        return None
    from ._visible import visible_line

    if event.get("stream"):
        return visible_line(str(event["stream"]).rstrip("\n"))
    ident = f"{visible_line(str(event['id']))}: " if event.get("id") else ""
    status = visible_line(str(event.get("status") or ""))
    if event.get("progress") and not event.get("progressDetail"):
        status = f"{status} {event['progress']}"
    return f"{ident}{status}" if ident or status else None


def full_reference(reference: str) -> str:
    """``busybox`` → ``docker.io/library/busybox:latest``, as docker pull names what it pulled."""
    name, at, digest = reference.partition("@")
    first, slash, _ = name.partition("/")
    if not slash or ("." not in first and ":" not in first and first != "localhost"):
        name = f"docker.io/{name if slash else 'library/' + name}"
    if not at and ":" not in name.rsplit("/", 1)[-1]:
        name += ":latest"
    return f"{name}{at}{digest}"


class TerminalProgress:
    """docker's live progress on a terminal (jsonmessage.DisplayJSONMessagesStream): a layer's line is rewritten
    in place as its events come (the cursor moved up to it and back), any other line ends the block of layers."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def chunk(self, event: Any) -> str:
        """What to write to the terminal for ``event`` ("" for none)."""
        from ._visible import visible_line

        if not isinstance(event, dict) or "aux" in event or "error" in event or "errorDetail" in event:
            return ""
        ident = visible_line(str(event.get("id") or ""))
        progress = "progressDetail" in event or bool(event.get("progress"))
        out = []
        diff = 0
        if ident and progress:
            line = self.ids.get(ident)
            if line is None:
                line = self.ids[ident] = len(self.ids)
                out.append("\n")
            diff = len(self.ids) - line
            out.append(f"\x1b[{diff}A")
        else:
            self.ids = {}
        if event.get("stream"):
            out.append(visible_line(str(event["stream"]).rstrip("\n")) + "\n")
        else:
            text = (f"{ident}: " if ident else "") + visible_line(str(event.get("status") or ""))
            if progress:
                bar = visible_line(str(event.get("progress") or ""))
                out.append(f"\x1b[2K\r{text} {bar}\r" if bar else f"\x1b[2K\r{text} \r")
            else:
                out.append(text + "\n")
        if ident and progress:
            out.append(f"\x1b[{diff}B")
        return "".join(out)
