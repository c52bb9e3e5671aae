"""``diff _A _B``: a structural diff of two results (or paths into them), stored as a result of its own.

The rows (Change, Path, Old, New) are data like any other result's: ``_9 | [?Change=='changed']`` queries
them. Paths are as typed after a result (``.State.Status``), so ``_B.State.Status`` is the new value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..reply import Reply
    from ..session import Session

USAGE = "diff _A _B   (two results or paths into them, e.g. diff _3.Config _7.Config)"


def command(session: Session, args: tuple[str, ...]) -> Reply:
    """Diff the two values ``args`` point at; the diff is the next numbered result."""
    from dshell.explorer import PathError, diff, parse_ref, render, resolve

    from ..reply import Reply

    if len(args) != 2:
        return Reply(error=f"diff takes two results: {USAGE}")
    if session.history is None:
        return Reply(error="the results history is not open yet")
    try:
        old, new = (resolve(parse_ref(word), session.history) for word in args)
    except PathError as exc:
        return Reply(error=str(exc))
    rows = [change.as_row() for change in diff(old, new)]
    result = session.history.add("diff", {"old": args[0], "new": args[1]}, None, 0.0, rows)
    if not rows:
        return Reply(f"[{result.n}] no differences between {args[0]} and {args[1]}", result=result)
    return Reply(render(result), result=result)
