"""One docker-style option word read onto a workflow's options object (``run``, ``build``): a switch, or a flag
with its value inline (``--tag=x``, ``-tx``) or in the next word; a flag named in ``lists`` gathers every value."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any


def take_option(opts: Any, word: str, words: list[str], switches: Mapping[str, str], values: Mapping[str, str],
                lists: Collection[str], usage: str) -> bool:
    """Set what ``word`` (popping its value from ``words``) says on ``opts``; False when it is no known option;
    ValueError (one line ending in ``usage``) when its value is missing."""
    name, eq, inline = word.partition("=") if word.startswith("--") else (word[:2], "", word[2:])
    if word in switches:
        setattr(opts, switches[word], True)
        return True
    if name not in values:
        return False
    value = inline if (eq or inline) else (words.pop(0) if words else None)
    if value is None:
        raise ValueError(f"{name} needs a value: usage: {usage}")
    key = values[name]
    if key in lists:
        getattr(opts, key).append(value)
    else:
        setattr(opts, key, value)
    return True
