"""Literal values typed at the prompt: JSON/YAML-flow collections, scalars and result references."""

from __future__ import annotations

import json
import re
from functools import cache

from dshell._checking import TYPE_CHECKING
from dshell._frozen import Frozen
from dshell.explorer import REF_RE, parse_ref

from .words import QUOTES

if TYPE_CHECKING:
    from typing import Any

_INT_RE = re.compile(r"[-+]?(?:0|[1-9][0-9]*)|[-+]?0[xX][0-9a-fA-F]+|[-+]?0[oO][0-7]+|[-+]?0[bB][01]+")
_FLOAT_RE = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)(?:[eE][-+]?[0-9]+)?")
_KEY_BEFORE = re.compile(r"""("(?:[^"\\]|\\.)*"|'[^']*'|[^\s,{}\[\]:]+)\s*\Z""")
MAX_DEPTH = 100
"""How deep a literal typed at the prompt may nest (an API body needs far fewer)."""
MAX_VALUES = 100_000
"""How many values a literal's YAML aliases may expand to."""
_BOOLS = {"true": True, "false": False}
_NULLS = {"null"}


class LocalPath(Frozen):
    """``@path``: a local file (streamed) or folder (sent as a tar) as a binary body; ``@-`` is stdin."""

    __slots__ = ("text",)
    text: str

    def __init__(self, text: str) -> None:
        self._set(text=text)


class ValueSyntaxError(ValueError):
    """A literal that cannot be read; the message is one line."""


def parse_scalar(text: str) -> Any:
    """A bare word: true/false/null, an int (also 0x/0o/0b), a float (also 1e3; not 010), a ref, ``@path``,
    else text."""
    low = text.lower()
    if low in _BOOLS:
        return _BOOLS[low]
    if low in _NULLS:
        return None
    if _INT_RE.fullmatch(text):
        return int(text, 0)
    if _FLOAT_RE.fullmatch(text) and not re.match(r"[-+]?0\d", text):
        return float(text)
    if text.startswith("@") and len(text) > 1:
        return LocalPath(text[1:])
    return parse_ref(text) if REF_RE.fullmatch(text) else text


def _construct_scalar(loader: Any, node: Any) -> Any:
    return parse_scalar(loader.construct_scalar(node))


@cache
def _loader() -> Any:
    """A YAML safe loader whose plain scalars follow ``parse_scalar`` (no YAML 1.1 yes/no, dates, octals)."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader: Any = type("ValueLoader", (base,), {"yaml_implicit_resolvers": {}})
    tag = "tag:dshell,2024:plain"
    loader.add_implicit_resolver(tag, re.compile(r"(?s).*"), None)
    loader.add_constructor(tag, _construct_scalar)
    return loader


def _collection(text: str) -> Any:
    import yaml

    _check_shape(text)
    try:
        return json.loads(text)
    except ValueError:
        pass
    try:
        value = yaml.load(text, Loader=_loader())  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ValueSyntaxError(f"cannot read {text[:40]!r}: {problem}{where}") from None
    _check_expansion(value, text)
    return value


def _check_shape(text: str) -> None:
    """Refuse, before any parser sees it, a literal nested deeper than MAX_DEPTH (parsers recurse: Python's
    overflows, libyaml's crashes) and a flow key with nothing after its colon (`{"Name": }` would be null,
    where a value was clearly meant). One linear pass, skipped when the text has few brackets."""
    if text.count("[") + text.count("{") <= MAX_DEPTH and ":" not in text:
        return
    depth, quote, last, i, n = 0, "", "", 0, len(text)
    while i < n:
        ch = text[i]
        if quote:
            if ch == "\\" and quote == '"':
                i += 1
            elif ch == quote:
                quote, last = "", ch
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise ValueSyntaxError(f"cannot read {text[:40]!r}...: nested deeper than {MAX_DEPTH} levels")
        elif ch in "]},":
            if last == ":" and depth:
                key = _KEY_BEFORE.search(text, 0, text.rindex(":", 0, i))
                name = key[1].strip("\"'") if key else "a key"
                raise ValueSyntaxError(f"{name}: has no value (write {name}: null for none, {name}: '' for "
                                       "empty text)")
            depth -= ch != ","
        if not ch.isspace() and not quote:
            last = ch
        i += 1


def _check_expansion(value: Any, text: str) -> None:
    """Refuse YAML aliases that refer to themselves or expand beyond MAX_VALUES values ("billion laughs"):
    the size is counted over the shared nodes once each, so the check itself stays small and fast."""
    if not isinstance(value, dict | list):
        return
    sizes: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[Any, bool]] = [(value, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        children = [c for c in (node.values() if isinstance(node, dict) else node) if isinstance(c, dict | list)]
        if finished:
            open_.discard(key)
            sizes[key] = len(node) + 1 + sum(sizes[id(c)] for c in children)
            if sizes[key] > MAX_VALUES:
                raise ValueSyntaxError(f"cannot read {text[:40]!r}...: its aliases expand to more than "
                                       f"{MAX_VALUES} values")
        elif key in open_:
            raise ValueSyntaxError(f"cannot read {text[:40]!r}...: an alias refers to itself")
        elif key not in sizes:
            open_.add(key)
            stack.append((node, True))
            stack.extend((c, False) for c in children)


def parse_value(text: str) -> Any:
    """Read one typed value: ``{...}``/``[...]`` (JSON or YAML flow), a quoted string, or a bare word."""
    if not text:
        return ""
    if text[0] in "{[":
        return _collection(text)
    if text[:2] in ('@"', "@'"):  # @"a path with spaces"
        return LocalPath(str(parse_value(text[1:])))
    if text[0] == '"':
        try:
            return json.loads(text)
        except ValueError:
            raise ValueSyntaxError(f"unterminated or bad string {text[:40]}") from None
    if text[0] == "'":
        if len(text) < 2 or text[-1] != "'":
            raise ValueSyntaxError(f"unterminated string {text[:40]}")
        return text[1:-1].replace("''", "'")
    return parse_scalar(text)


def read_word(word: str) -> Any:
    """A word of an op call as its syntax alone reads it: ``{...}``/``[...]`` (a collection), ``@path`` and a
    result reference; any other word (bare or quoted) stays the text as typed, for the op's spec to type
    (``shell.bind``)."""
    if word[:1] in "{[" or (word.startswith("@") and len(word) > 1) or REF_RE.fullmatch(word):
        return parse_value(word)
    return word


def word_text(word: str) -> str:
    """The text a scalar word stands for: a quoted string without its quotes, a bare word as it is."""
    if word[:1] in QUOTES:
        text: str = parse_value(word)
        return text
    return word


def parse_body(text: str) -> Any:
    """A body written out on its own (the rest of a ``%%docker`` cell): JSON, or YAML read like values."""
    return _collection(text)

