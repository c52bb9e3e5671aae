"""Path expressions over results: `_` (last), `_3`, then `.Key`, `[0]`, `[-1]`, `["key with spaces"]`."""

from __future__ import annotations

import re
from collections.abc import Iterable

from dshell._checking import TYPE_CHECKING
from dshell._frozen import Frozen

from ._format import type_label

if TYPE_CHECKING:
    from typing import Any, Protocol

    from ._results import Result

    class ResultSource(Protocol):
        """What paths need from a history: lookup by number, the newest result, the numbers, the newest few."""

        def __getitem__(self, n: int) -> Result: ...

        def numbers(self) -> list[int]: ...

        def recent(self, limit: int | None = None) -> list[Result]: ...

        @property
        def last(self) -> Result | None: ...

        def __iter__(self) -> Any: ...

Step = str | int
"""A dict key (str) or a list index (int)."""

_HEAD = re.compile(r"_(\d*)")
_BARE = re.compile(r"[A-Za-z0-9_\-]+")
_STEP = re.compile(
    r"""\.(?P<key>[A-Za-z0-9_\-]+)
      | \[\s*(?P<index>-?\d+)\s*\]
      | \[\s*(?P<quoted>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\s*\]""",
    re.VERBOSE,
)
_ESCAPE = re.compile(r"\\(.)")
REF_RE = re.compile(rf"_\d*(?:{_STEP.pattern})*", re.VERBOSE)
"""A whole reference as `parse_ref` reads it (for telling a reference from other words)."""


class PathError(ValueError):
    """A path that does not parse or leads nowhere; the message is one line naming the failing part."""


class Ref(Frozen):
    """A result selector (`None` means the last result) and the steps into its data."""

    __slots__ = ("result", "steps")
    result: int | None
    steps: tuple[Step, ...]

    def __init__(self, result: int | None, steps: tuple[Step, ...] = ()) -> None:
        self._set(result=result, steps=steps)

    def __str__(self) -> str:
        return ("_" if self.result is None else f"_{self.result}") + "".join(map(format_step, self.steps))

    def child(self, *steps: Step) -> Ref:
        """This ref extended by `steps`."""
        return Ref(self.result, self.steps + steps)


def format_step(step: Step) -> str:
    """A step as typed: `.Key`, `[0]`, or `["key with spaces"]`."""
    if isinstance(step, int):
        return f"[{step}]"
    if _BARE.fullmatch(step):
        return "." + step
    return '["' + step.replace("\\", "\\\\").replace('"', '\\"') + '"]'


def parse_ref(text: str) -> Ref:
    """Parse `_`, `_3`, `_3.Config.Env[0]`, `_["a b"]` … into a `Ref`."""
    text = text.strip()
    head = _HEAD.match(text)
    if head is None:
        raise PathError(f"{text or '(empty)'}: a path starts with _ (last result) or _N (result N)")
    return Ref(int(head[1]) if head[1] else None, parse_steps(text, head.end()))


def parse_steps(text: str, pos: int = 0, *, bare_first: bool = False) -> tuple[Step, ...]:
    """Parse the steps in `text` from `pos`; `bare_first` allows a leading key without a dot (`Env[0]`)."""
    steps: list[Step] = []
    if bare_first and (bare := _BARE.match(text, pos)):
        steps.append(bare[0])
        pos = bare.end()
    while pos < len(text):
        match = _STEP.match(text, pos)
        if match is None:
            raise PathError(f"{text}: cannot read {text[pos:]!r} (column {pos + 1})")
        if match["key"] is not None:
            steps.append(match["key"])
        elif match["index"] is not None:
            steps.append(int(match["index"]))
        else:
            steps.append(_ESCAPE.sub(r"\1", match["quoted"][1:-1]))
        pos = match.end()
    return tuple(steps)


def select(ref: Ref, history: ResultSource) -> Result:
    """The result `ref` points at, or PathError naming which numbers exist."""
    if ref.result is None:
        if (last := history.last) is None:
            raise PathError("_: no results yet")
        return last
    try:
        return history[ref.result]
    except KeyError:
        raise PathError(f"_{ref.result}: no result {ref.result} ({_available(history)})") from None


def _available(history: ResultSource) -> str:
    numbers = history.numbers()
    if not numbers:
        return "no results yet"
    return f"have {numbers[0]}" if len(numbers) == 1 else f"have {numbers[0]}-{numbers[-1]}"


def walk(data: Any, ref: Ref) -> Any:
    """Follow `ref.steps` into `data`; a failing step raises PathError labelled with the path so far."""
    value = data
    for depth, step in enumerate(ref.steps, 1):
        value = _step(value, step, Ref(ref.result, ref.steps[:depth]))
    return value


def resolve(ref: Ref, history: ResultSource) -> Any:
    """The value `ref` designates in `history`."""
    return walk(select(ref, history).data, ref)


def _step(value: Any, step: Step, where: Ref) -> Any:
    if isinstance(step, int):
        if not isinstance(value, list | tuple):
            hint = " (use .Key)" if isinstance(value, dict) else ""
            raise PathError(f"{where}: cannot index a {type_label(value)} by position{hint}")
        try:
            return value[step]
        except IndexError:
            raise PathError(f"{where}: index out of range (length {len(value)})") from None
    if not isinstance(value, dict):
        hint = " (use [0])" if isinstance(value, list | tuple) else ""
        raise PathError(f"{where}: a {type_label(value)} has no key {step!r}{hint}")
    if step in value:
        return value[step]
    suggestion = _suggest(step, (key for key in value if isinstance(key, str)))
    raise PathError(f"{where}: no key {step!r}" + (f" (did you mean {suggestion!r}?)" if suggestion else ""))


def _suggest(word: str, keys: Iterable[str]) -> str | None:
    import difflib

    keys = list(keys)
    same_case = [key for key in keys if key.lower() == word.lower()]
    close = same_case or difflib.get_close_matches(word, keys, n=1)
    return close[0] if close else None
