"""Merging long-form services and resources: a later ``-f`` file over an earlier one, a service over the one it
``extends`` (the Compose Specification's merge rules)."""

from __future__ import annotations

from typing import Any

REPLACED = {"command", "entrypoint", "test"}
"""Sequences an override replaces whole (every other sequence is appended to, without repeats)."""


def merge(base: Any, over: Any, key: str = "") -> Any:
    """``over`` merged onto ``base``: mappings key by key, ``volumes`` by target, sequences appended (those of
    REPLACED replaced), anything else replaced."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            out[k] = merge(base[k], v, k) if k in base else v
        return out
    if isinstance(base, list) and isinstance(over, list) and key not in REPLACED:
        if key == "volumes":
            by_target = {v["target"]: v for v in base}
            by_target.update({v["target"]: v for v in over})
            return list(by_target.values())
        return base + [item for item in over if item not in base]
    return over
