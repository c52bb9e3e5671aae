"""``compose logs -f``, ``compose events`` and attached ``compose up``: a project's live stream, shown as every
stream is (a pane beside the prompt, printed under ``dshell -c``, a live display in the magic; no front end:
said line by line), its lines kept as a numbered result. An attached ``up``'s pane: ^W s (or Ctrl-C under
``-c``) stops the project's containers as docker compose's Ctrl-C does; ^W x closes the pane and leaves them
running, as docker compose's detach does."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from dshell._frozen import Record

if TYPE_CHECKING:
    from dshell.compose import Attached, Logs, Project

    from ..commands.streams import Stream
    from ..panes.model import Line
    from ..reply import Reply
    from ..session import Session
    from .compose import ComposeOptions


class Live(Record):
    """A stream to show, and what gives the exit status once it ended (``up --exit-code-from``)."""

    cmd: Stream
    status: Callable[[], int | None] = lambda: None


def _ansi(session: Session, opts: ComposeOptions) -> bool:
    """Colours as docker compose gives them: not with --no-color, under ``-c`` only on a terminal."""
    return not opts.flags.get("no_color") and (session.front != "script" or sys.stdout.isatty())


def _stream(opts: ComposeOptions, p: Project, lines: Callable[[], Iterator[list[Line]]],
            stop: Callable[[], None] | None, close: Callable[[], None]) -> Stream:
    from ..commands.streams import Stream
    from ..panes.sources import Produced

    typed = ["compose", *(["-p", p.name]), opts.sub, *(f"{k}={v}" for k, v in opts.flags.items()), *opts.words]
    params = {"project": p.name, "flags": opts.flags, "args": opts.words}
    title = " ".join(["compose", "-p", p.name, opts.sub, *opts.words])
    return Stream("compose", tuple(typed), source=Produced(title, f"compose {opts.sub}", params, lines, stop, close))


def _log_lines(session: Session, opts: ComposeOptions, logs: Logs | Attached,
               merged: Logs) -> Iterator[list[Line]]:
    from ..panes.model import Line

    ansi, prefix = _ansi(session, opts), not opts.flags.get("no_log_prefix")
    for line in logs:
        data: dict[str, Any] = {"name": line.name, "text": line.text, "stderr": line.stderr}
        if line.code is not None:
            data["exit_code"] = line.code
        yield [Line(line.format(merged.width, ansi, prefix), data=data)]


def logs(session: Session, opts: ComposeOptions, p: Project) -> Live:
    """``compose logs -f``: the merged, followed logs."""
    merged = p.logs(opts.words, True, opts.flags.get("tail"), bool(opts.flags.get("timestamps")))
    return Live(_stream(opts, p, lambda: _log_lines(session, opts, merged, merged), None, merged.close))


def events(opts: ComposeOptions, p: Project) -> Live:
    """``compose events [--json] [SERVICE...]``: docker compose's event lines (objects with --json), live."""
    from dshell.compose import event_line

    from ..panes.model import Line

    followed = p.event_stream(opts.words, opts.flags.get("since"), opts.flags.get("until"))
    as_json = bool(opts.flags.get("json"))

    def lines() -> Iterator[list[Line]]:
        for event in followed:
            text = json.dumps(event, sort_keys=True, separators=(",", ":")) if as_json else event_line(event)
            yield [Line(text, data=event)]

    return Live(_stream(opts, p, lines, None, followed.close))


def up(session: Session, opts: ComposeOptions, p: Project) -> Live:
    """``compose up`` attached: create and start (each op announced and kept, as for ``up -d``), then a stream
    of ``Attaching to ...`` and the attached services' logs."""
    from ..panes.model import Line
    from .compose import _int

    flags = opts.flags
    _, attached = p.up_attached(opts.words, bool(flags.get("build")), flags.get("attach", []),
                                flags.get("no_attach", []), bool(flags.get("timestamps")),
                                bool(flags.get("abort_on_exit")), flags.get("exit_code_from"), _int(opts, "timeout"))
    def lines() -> Iterator[list[Line]]:
        yield [Line(f"Attaching to {', '.join(attached.names)}", data={"name": "", "text": "Attaching to",
                                                                        "attached": attached.names})]
        yield from _log_lines(session, opts, attached, attached.logs)

    return Live(_stream(opts, p, lines, attached.interrupt, attached.close), lambda: attached.code)


def show(session: Session, live: Live) -> Reply:
    """Show the stream as the front end shows streams (none plugged: said line by line until it ends)."""
    from ..printed import Said, stream

    handler = session.plugs.get("pane")
    reply = handler(live.cmd) if handler is not None else stream(session, Said(session), Said(session), live.cmd)
    code = live.status()
    return reply if code is None else reply._replace(status=code)
