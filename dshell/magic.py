"""``%docker`` and ``%%docker``: the dshell prompt inside IPython and Jupyter (``%load_ext dshell``).

The line is the shell's input (``%docker ContainerList all=true``); in a cell the first line is the op and the
rest its body, YAML or JSON. Commands run on the shell's Session, so results share its numbered history and
renderers. An op returns its ``Result`` (``.data``, ``.op``, ``.status``, ``.duration``); bad input raises
``CommandError``: an error the notebook sees (Run All stops there), shown as the shell's one-line message.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from IPython.core.magic import Magics, line_cell_magic, magics_class, needs_local_scope, no_var_expand

from dshell.shell.commands.dispatch import execute
from dshell.shell.commands.ops import Fetch
from dshell.shell.commands.spec import Help
from dshell.shell.grammar import OpCall, ParseError, Show
from dshell.shell.parse import parse_line
from dshell.shell.session import Session
from dshell.shell.values import parse_body
from dshell.shell.worker import Cancelled, run_cancellable

from ._magic.expand import expand_body, expand_line

if TYPE_CHECKING:
    from IPython.core.interactiveshell import InteractiveShell

    from dshell.explorer import Result
    from dshell.shell.reply import Reply


class CommandError(Exception):
    """A ``%docker`` line that could not run (bad input, no daemon, cancelled): its message is one line, and IPython
    shows that line alone, no traceback (a notebook gets an error output, as from any failing cell)."""

    def _render_traceback_(self) -> list[str]:
        from dshell.explorer import visible  # a daemon's words in it: shown, not obeyed by the terminal

        return [f"{type(self).__name__}: {visible(str(self))}"]


@magics_class
class DockerMagics(Magics):
    """``%docker`` / ``%%docker`` over one Session (started in the background when the extension loads)."""

    def __init__(self, shell: InteractiveShell, session: Session) -> None:
        super().__init__(shell)
        self.session = session

    @no_var_expand
    @needs_local_scope
    @line_cell_magic
    def docker(self, line: str, cell: str | None = None, local_ns: dict[str, Any] | None = None) -> Any:
        """Run a dshell input: ``%docker ContainerList all=true``; ``%%docker VolumeCreate`` + a YAML body.
        ``$name`` and ``{expr}`` read the user's namespace and the locals of a function running the magic."""
        shell = self.shell
        ns = {**(shell.user_ns if shell is not None else {}), **(local_ns or {})}
        try:
            parsed = parse_line(expand_line(line, ns))
            cmd = Help() if parsed is None else parsed
            if cell is not None:
                cmd = with_body(cmd, cell, ns)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        try:
            reply = execute(self.session, cmd, run_cancellable)
        except Cancelled:
            self.session.cancel()  # break the abandoned call's connection, as the shell does
            raise CommandError("cancelled") from None
        if isinstance(cmd, OpCall) and cmd.query is not None and not reply.error:
            reply = reply._replace(result=None)  # `Op ... | query` shows the query, as `_3 | query` does
        shown = outcome(reply)
        return self._stored(cmd) or shown

    def _stored(self, cmd: Any) -> Result | None:
        """For ``%docker _3`` (or ``_``): the stored Result itself, so that ``.data`` is at hand."""
        history = self.session.history
        if (not isinstance(cmd, Show) or cmd.ref is None or cmd.ref.steps or cmd.query or cmd.full or cmd.gestures
                or not history):
            return None
        return history.last if cmd.ref.result is None else history[cmd.ref.result]


def with_body(cmd: Any, cell: str, ns: dict[str, Any]) -> Any:
    """``cmd`` (an op call or ``fetch``) with the cell's YAML or JSON as its body."""
    if not isinstance(cmd, OpCall | Fetch):
        raise ParseError("%%docker: the first line is an op with its params (or fetch), the rest its body")
    body = expand_body(parse_body(cell), ns) if cell.strip() else None
    if body is None:
        return cmd
    if isinstance(cmd, Fetch):
        return cmd._replace(body=body)
    if not isinstance(body, dict | list):
        raise ParseError(f"%%docker {cmd.op}: the body must be a mapping or a list, not {body!r}")
    return cmd._replace(args=(*cmd.args, body))


def outcome(reply: Reply) -> Any:
    """What the magic returns: the Result an op made (failed ones too), else what to show; errors raise."""
    if reply.result is not None:
        return reply.result
    if reply.error:
        raise CommandError(reply.error)
    body = reply.body
    if body is None:
        return None
    from rich.text import Text

    from dshell.explorer import View

    return body if isinstance(body, View) else View(Text(body) if isinstance(body, str) else body)


def load_ipython_extension(ip: InteractiveShell) -> None:
    """Register the magics, completion and terminal colours on ``ip``; connect in the background."""
    from dshell.shell.config import load_config

    from ._magic.complete import register_completion
    from ._magic.display import register_terminal_display
    from ._magic.streams import register_streams

    config = load_config()
    for warning in config.warnings:
        print(warning, file=sys.stderr)
    session = Session(config)
    register_streams(session, ip)
    ip.register_magics(DockerMagics(ip, session))
    register_completion(ip, session)
    register_terminal_display(ip)
    session.start()
