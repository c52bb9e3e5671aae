"""Small immutable values without dataclasses, whose import (inspect, ast, tokenize, ...) would cost every
start-up more than the rest of the shell's value types together."""

from __future__ import annotations

from typing import Any


class Frozen:
    """A value whose fields are its ``__slots__``: set once by the subclass's ``__init__`` (``_set``), then
    immutable; equal to a value of the same type with equal fields, hashable when they are, shown with them."""

    __slots__ = ()

    def _set(self, **fields: Any) -> None:
        for name, value in fields.items():
            object.__setattr__(self, name, value)

    def _names(self) -> tuple[str, ...]:
        return type(self).__slots__  # a subclass's: a tuple of names

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._names())

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"a {type(self).__name__} is immutable: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a {type(self).__name__} is immutable: cannot delete {name!r}")

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and isinstance(other, Frozen) and other._values() == self._values()

    def __hash__(self) -> int:
        return hash((type(self), self._values()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{n}={getattr(self, n)!r}' for n in self._names())})"

    def __reduce__(self) -> tuple[type[Frozen], tuple[Any, ...]]:
        """Made again from its fields: copy, deepcopy and pickle work."""
        return type(self), self._values()
