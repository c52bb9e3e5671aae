"""Completion of path expressions for the shell's completer; in memory only, never reads side files."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ._paths import PathError, format_step, parse_ref, select, walk

if TYPE_CHECKING:
    from ._paths import ResultSource

MAX_CANDIDATES = 200
_NUMBER = re.compile(r"_\d*")
_TAIL = re.compile(r"""(?:\.(?P<key>[A-Za-z0-9_\-]*)|\[(?P<bracket>[^\]]*))\Z""")


def path_completions(prefix_text: str, history: ResultSource) -> list[str]:
    """Whole path expressions extending `prefix_text` by one step (`_3.Config.En` → `_3.Config.Env`, …).

    Each candidate replaces the whole of `prefix_text`; `_` or `_1` alone complete to result numbers.
    """
    text = prefix_text.lstrip()
    if _NUMBER.fullmatch(text):
        return [name for n in reversed(history.numbers()) if (name := f"_{n}").startswith(text)][
            :MAX_CANDIDATES
        ]
    tail = _TAIL.search(text)
    if tail is None:
        return []
    base = text[: tail.start()]
    try:
        ref = parse_ref(base)
        result = select(ref, history)
        if not result.data_loaded:
            return []
        value = walk(result.data, ref)
    except PathError:
        return []
    partial = tail["key"] if tail["key"] is not None else tail["bracket"].lstrip("\"'")
    return [base + step for step in _next_steps(value, partial)][:MAX_CANDIDATES]


def _next_steps(value: Any, partial: str) -> list[str]:
    if isinstance(value, dict):
        keys = [key for key in value if isinstance(key, str)]
        exact = [key for key in keys if key.startswith(partial)]
        folded = [key for key in keys if key.lower().startswith(partial.lower()) and key not in exact]
        return [format_step(key) for key in exact + folded]
    if isinstance(value, list | tuple) and value:
        indices = [f"[{i}]" for i in range(min(len(value), MAX_CANDIDATES))] + ["[-1]"]
        return [step for step in indices if step[1:].startswith(partial)]
    return []
