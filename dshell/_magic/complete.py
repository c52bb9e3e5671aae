"""Tab completion of ``%docker`` lines and ``%%docker`` first lines in IPython, by the shell's engine.

An IPython matcher (API v2) hands the text before the cursor to ``shell.completion.engine.complete`` over the
session's sources: ops, params, enum values, result paths and live names from the background snapshot. It
never waits on the daemon.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from IPython.core.completer import SimpleCompletion, completion_matcher

from dshell.shell.completion.engine import complete
from dshell.shell.completion.sources import SessionSources

if TYPE_CHECKING:
    from IPython.core.completer import CompletionContext
    from IPython.core.interactiveshell import InteractiveShell

    from dshell.shell.session import Session

LINE = re.compile(r"\s*%docker\s")
CELL = re.compile(r"\s*%%docker\s")
IDENTIFIER = "dshell.docker"


def docker_input(context: CompletionContext) -> str | None:
    """The dshell input before the cursor when it is on a ``%docker`` line or a ``%%docker`` first line."""
    before = context.text_until_cursor
    m = LINE.match(before) or (CELL.match(before) if context.cursor_line == 0 else None)
    return before[m.end():] if m else None


def register_completion(ip: InteractiveShell, session: Session) -> None:
    """Put the ``%docker`` matcher first among ``ip``'s completers (replacing one of an earlier load)."""
    sources = SessionSources(session)

    @completion_matcher(identifier=IDENTIFIER, priority=100, api_version=2)
    def docker_matcher(context: CompletionContext) -> dict[str, Any]:
        text = docker_input(context)
        if text is None:
            return {"completions": [], "suppress": False}
        ctx, found = complete(text, sources)
        return {"completions": [SimpleCompletion(c.text, type=c.meta or None) for c in found],
                "matched_fragment": ctx.word, "suppress": True, "ordered": True}

    matchers = ip.Completer.custom_matchers
    matchers[:] = [docker_matcher, *(m for m in matchers if getattr(m, "matcher_identifier", "") != IDENTIFIER)]
