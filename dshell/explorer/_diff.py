"""`diff`: a structural diff of two values — the paths added, removed and changed, with old and new values.

Lists of objects that carry an identity (`Id`, `ID`, `Name`, ...) are matched by it, so two ContainerLists
compare container by container whatever their order; other lists are aligned like lines of text, so one
variable inserted into `Env` is one addition, not a change at every later index.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ._paths import Step, format_step

IDENTITY_KEYS = ("Id", "ID", "Name", "HOST")
"""Keys that name the object a list item is, tried in order; the first that every item has (uniquely) wins."""

Kind = Literal["added", "removed", "changed"]


@dataclass(frozen=True, slots=True)
class Change:
    """One difference: at `path`, `old` became `new` (`old` absent when added, `new` absent when removed)."""

    kind: Kind
    path: tuple[Step, ...]
    old: Any = None
    new: Any = None

    def as_row(self) -> dict[str, Any]:
        """The change as a table row: Change, Path (as typed after `_N`), Old (not when added), New (not when
        removed): a null that was there is `"Old": None`, nothing there no Old at all."""
        row = {"Change": self.kind, "Path": format_path(self.path)}
        if self.kind != "added":
            row["Old"] = self.old
        if self.kind != "removed":
            row["New"] = self.new
        return row


def format_path(path: Sequence[Step]) -> str:
    """A path as typed after a result: `.Config.Env[0]`; the root itself is `.`."""
    return "".join(map(format_step, path)) or "."


def diff(old: Any, new: Any) -> list[Change]:
    """Every difference between `old` and `new`, in document order."""
    return list(_walk(old, new, ()))


def _walk(old: Any, new: Any, path: tuple[Step, ...]) -> Iterator[Change]:
    if isinstance(old, dict) and isinstance(new, dict):
        yield from _dicts(old, new, path)
    elif isinstance(old, list) and isinstance(new, list):
        key = _identity(old, new)
        yield from _keyed(old, new, path, key) if key else _aligned(old, new, path)
    elif type(old) is not type(new) or old != new:
        yield Change("changed", path, old, new)


def _dicts(old: dict[Any, Any], new: dict[Any, Any], path: tuple[Step, ...]) -> Iterator[Change]:
    for key, value in old.items():
        step = _step(key)
        if key not in new:
            yield Change("removed", (*path, step), old=value)
        else:
            yield from _walk(value, new[key], (*path, step))
    for key, value in new.items():
        if key not in old:
            yield Change("added", (*path, _step(key)), new=value)


def _step(key: Any) -> Step:
    return key if isinstance(key, str) else str(key)


def _identity(old: list[Any], new: list[Any]) -> str | None:
    """The identity key every item of both lists has, unique within each list; None when there is none."""
    items = old + new
    if not items or not all(isinstance(item, dict) for item in items):
        return None
    for key in IDENTITY_KEYS:
        if all(isinstance(item.get(key), str | int) for item in items) and all(
            len({item[key] for item in side}) == len(side) for side in (old, new)
        ):
            return key
    return None


def _keyed(old: list[Any], new: list[Any], path: tuple[Step, ...], key: str) -> Iterator[Change]:
    """Items matched by `key`, in the new list's order, then the removed ones; an index is the item's place in
    the list it is in (the new one, the old one for removals)."""
    old_by = {item[key]: item for item in old}
    new_ids = {item[key] for item in new}
    for i, item in enumerate(new):
        if item[key] in old_by:
            yield from _walk(old_by[item[key]], item, (*path, i))
        else:
            yield Change("added", (*path, i), new=item)
    for i, item in enumerate(old):
        if item[key] not in new_ids:
            yield Change("removed", (*path, i), old=item)


def _aligned(old: list[Any], new: list[Any], path: tuple[Step, ...]) -> Iterator[Change]:
    """Lists aligned as sequences; a replaced run of equal length compares item by item."""
    matcher = difflib.SequenceMatcher(None, [_hashable(v) for v in old], [_hashable(v) for v in new],
                                      autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:
            for offset in range(i2 - i1):
                yield from _walk(old[i1 + offset], new[j1 + offset], (*path, j1 + offset))
            continue
        for i in range(i1, i2):
            yield Change("removed", (*path, i), old=old[i])
        for j in range(j1, j2):
            yield Change("added", (*path, j), new=new[j])


def _hashable(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=repr)
