"""The local side: ``!cmd`` runs a command of the local shell (as IPython's ``!``), ``LINE | !cmd`` gives it what a
dshell line prints (after a command that prints text, ``ps -a | grep web``, the ``!`` may go: only a result or an op
call takes a JMESPath query after ``|``), ``lcd`` sets the local working
directory that ``cp``, ``build``, ``save -o``, ``load -i`` and ``--env-file`` read relative paths from."""

from __future__ import annotations

from dshell._checking import TYPE_CHECKING
from dshell._frozen import Record

from ..grammar import command_value, one
from . import Command, form, register

if TYPE_CHECKING:
    from ..reply import Reply
    from ..session import Session
    from ..worker import Runner


@command_value
class Local(Record):
    """``!cmd``: a command for the local shell."""

    command: str


@command_value
class PipeLocal(Record):
    """``LINE | !cmd``: what the dshell line ``LINE`` prints, given to a local command (``ps -a | !grep web``, or
    ``ps -a | grep web`` as in a shell when ``LINE`` is no op call)."""

    line: str
    command: str


@command_value
class Lcd(Record):
    """``lcd [DIR]``: the local working directory."""

    target: str | None = None


def _local(session: Session, cmd: Local, run: Runner) -> Reply:
    from ..local import run_local

    return run_local(cmd.command)


def _pipe(session: Session, cmd: PipeLocal, run: Runner) -> Reply:
    from ..local import piped
    from .dispatch import execute

    return piped(execute(session, cmd.line, run), cmd.command)


def _lcd(session: Session, cmd: Lcd, run: Runner) -> Reply:
    from ..local import change_dir

    return change_dir(cmd.target)


register(Command("lcd", "lcd [DIR]", "the local working directory (where cp, build, save -o, load -i and --env-file "
                 "read relative paths; alone: say where it is); !cmd runs a local shell command",
                 one(Lcd, optional=True), _lcd, Lcd, args=("folder",)))
form(Local, _local)
form(PipeLocal, _pipe)
