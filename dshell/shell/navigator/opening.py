"""What `open _N[.path]` opens: the result (or the value at the path in it) as a Browser, and its title."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dshell.explorer import Browser, History


def browser_for(history: History, text: str) -> tuple[Browser, str]:
    """The Browser over what `text` (`_7`, `_`, `_7.Config`) points at, and its title (`_7 ContainerList`);
    PathError (one line) when it points nowhere, ValueError when the result failed or holds nothing."""
    from dshell.explorer import Browser, parse_ref
    from dshell.explorer._paths import select, walk

    ref = parse_ref(text or "_")
    result = select(ref, history)
    if result.failed:
        raise ValueError(f"open: _{result.n} is a failed {result.op} ({result.status}): nothing to open")
    if result.data is None:
        raise ValueError(f"open: _{result.n} ({result.op}) holds no data")
    value = walk(result.data, ref)
    return Browser(result.n, value, result.op, path=ref.steps), f"_{result.n} {result.op}"
