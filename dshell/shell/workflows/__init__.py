"""Workflow commands (``run``, ...): short, visible compositions of spec ops, each op's outcome stored.

Each workflow is a module with ``command(session, cmd, run) -> Reply``, imported when first used; the ops it
runs go through ``Steps``, which stores every outcome as a numbered result and shows its header at once.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..parse import Workflow
    from ..reply import Reply
    from ..session import Runner, Session

WORKFLOWS = {  # command name → its module
    "run": "dshell.shell.workflows.run", "cp": "dshell.shell.workflows.cp", "build": "dshell.shell.workflows.build",
    "login": "dshell.shell.workflows.login", "logout": "dshell.shell.workflows.login",
    "diff": "dshell.shell.workflows.diff",
}


def command(session: Session, cmd: Workflow, run: Runner) -> Reply:
    """Run the workflow ``cmd`` names."""
    module = importlib.import_module(WORKFLOWS[cmd.name])
    reply: Reply = module.command(session, cmd, run)
    return reply
