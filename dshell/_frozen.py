"""Small immutable values made cheaply at start-up: ``Frozen`` without dataclasses, whose import (inspect, ast,
tokenize, ...) would cost every start-up more than the rest of the shell's value types together, and ``Record``,
``typing.NamedTuple`` without its check of each field's annotation: under ``from __future__ import annotations``
each is a string that check compiles, which was a tenth of a ``dshell -c`` (141 fields on its path)."""

from __future__ import annotations

from dshell._checking import TYPE_CHECKING

__all__ = ["Frozen", "Record"]


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


if TYPE_CHECKING:
    from typing import Any
    from typing import NamedTuple as Record
else:
    import collections

    _KEPT = frozenset({"__module__", "__annotations__"})  # typing.NamedTuple's own, not set again
    _PROHIBITED = frozenset({"__new__", "__init__", "__slots__", "__getnewargs__", "_fields", "_field_defaults",
                             "_make", "_replace", "_asdict", "_source"})

    class _RecordType(type):
        """What ``typing.NamedTuple`` makes of a class body (a ``collections.namedtuple`` with the body's
        defaults, docstring, methods and properties), its annotations kept as written."""

        def __new__(cls, name: str, bases: tuple[type, ...], ns: dict[str, Any]) -> type:
            if not bases:
                return super().__new__(cls, name, bases, ns)
            fields = list(ns.get("__annotations__", {}))
            defaulted = [field for field in fields if field in ns]
            if defaulted != fields[len(fields) - len(defaulted):]:
                raise TypeError(f"{name}: a field without a default follows one with a default")
            made = collections.namedtuple(name, fields, defaults=[ns[f] for f in defaulted], module=ns["__module__"])
            made.__annotations__ = dict(ns.get("__annotations__", {}))
            for key, value in ns.items():
                if key in _PROHIBITED:
                    raise AttributeError(f"{name}: cannot overwrite the NamedTuple attribute {key}")
                if key not in _KEPT and key not in fields:
                    setattr(made, key, value)
            return made

    class Record(metaclass=_RecordType):
        """Subclassed as ``typing.NamedTuple`` is (and seen as it by type checkers)."""
