"""The small immutable values made at start-up without dataclasses (``dshell._frozen``) keep what their
dataclasses gave: equality and hashing by type and fields, immutability, repr, copy and pickle."""

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
