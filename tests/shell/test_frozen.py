"""The small immutable values made cheaply at start-up (``dshell._frozen``): ``Frozen`` values keep what their
dataclasses gave (equality and hashing by type and fields, immutability, repr, copy and pickle), a ``Record`` is
what ``typing.NamedTuple`` makes of the same class body."""

from __future__ import annotations

import copy
import pickle

import pytest

from dshell.explorer import Ref
from dshell.explorer._navigator import Listing
from dshell.shell.values import LocalPath


@pytest.mark.parametrize("value", [LocalPath("a/b"), Ref(3, ("Config", 0)), Ref(None), Listing([], 2, "/")])
def test_a_frozen_value_is_equal_to_its_copies_and_cannot_change(value: object) -> None:
    assert copy.copy(value) == value and copy.deepcopy(value) == value and pickle.loads(pickle.dumps(value)) == value
    name = type(value).__slots__[0]  # type: ignore[attr-defined]
    with pytest.raises(AttributeError, match="immutable"):
        setattr(value, name, None)
    with pytest.raises(AttributeError, match="immutable"):
        delattr(value, name)


def test_frozen_values_compare_and_hash_by_type_and_fields() -> None:
    assert Ref(3, ("a",)) == Ref(3, ("a",)) and hash(Ref(3, ("a",))) == hash(Ref(3, ("a",)))
    assert Ref(3, ("a",)) != Ref(3, ("b",)) and Ref(3) != Ref(None) and LocalPath("x") != "x"
    assert {LocalPath("x"): 1}[LocalPath("x")] == 1
    assert repr(Ref(3, ("a", 0))) == "Ref(result=3, steps=('a', 0))" and repr(LocalPath("x")) == "LocalPath(text='x')"


def test_a_record_is_what_typing_namedtuple_makes_of_the_same_body() -> None:
    from typing import NamedTuple

    from dshell._frozen import Record

    def body(base: type) -> type:
        class Point(base):  # type: ignore[valid-type,misc]
            """A point."""

            x: int
            y: int = 0
            label: str | None = None

            @property
            def norm(self) -> int:
                return abs(self.x) + abs(self.y)

            def moved(self, dx: int) -> Point:
                return self._replace(x=self.x + dx)  # type: ignore[no-any-return]

        return Point

    mine, theirs = body(Record), body(NamedTuple)
    a, b = mine(1, 2), theirs(1, 2)
    assert (mine._fields, mine._field_defaults, mine.__doc__) == (theirs._fields, theirs._field_defaults, "A point.")
    assert tuple(a) == tuple(b) and repr(a) == repr(b) and a._asdict() == b._asdict() and a.norm == b.norm == 3
    assert tuple(a.moved(2)) == (3, 2, None) and type(a.moved(2)) is mine and isinstance(a, tuple)
    assert mine.__annotations__ == {"x": "int", "y": "int", "label": "str | None"}  # as written: none compiled
    assert mine.__qualname__.endswith("Point") and mine.__module__ == __name__
    from dshell.shell.config import Config  # a module-level record: pickled and copied by name

    config = Config(endpoint="unix:///x.sock")
    assert pickle.loads(pickle.dumps(config)) == config and copy.deepcopy(config) == config


def test_a_record_refuses_what_typing_namedtuple_refuses() -> None:
    from dshell._frozen import Record

    with pytest.raises(TypeError, match="without a default follows one with a default"):
        class Bad(Record):
            x: int = 0
            y: int
    with pytest.raises(AttributeError, match="cannot overwrite"):
        class Worse(Record):
            x: int

            def _replace(self) -> None: ...
