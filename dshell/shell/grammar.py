"""The input language's values and the small rules every command's grammar shares: a parse error, an op call's
words, result references, endpoint names. Free of prompt_toolkit, the client and the command registry."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from types import MappingProxyType

from dshell._checking import TYPE_CHECKING
from dshell._frozen import Record
from dshell.explorer import PathError, Ref, parse_ref

from .values import ValueSyntaxError, parse_value, read_word
from .words import name_value

if TYPE_CHECKING:
    from typing import Any, TypeVar

    _C = TypeVar("_C", bound=type)

OP_RE = re.compile(r"[A-Z][A-Za-z0-9]*")
CATEGORY_RE = re.compile(r"_?[a-z]+")
FULL_FLAGS = ("--full", "all")
HOST_NAME_RE = re.compile(r"[A-Za-z0-9][\w.-]*")
NO_VALUES: Mapping[str, Any] = MappingProxyType({})  # the params, query or TLS files of a command without any


class ParseError(ValueError):
    """Input that is not a command; the message is one line and says what was expected."""


def command_value(cls: _C) -> _C:
    """A parsed command's type (a NamedTuple, cheap to define at start-up, unlike a dataclass) that equals only
    values of its own type and is always true: as bare tuples ``Pwd() == Exit()`` would hold and ``Pwd()`` be
    false."""
    def eq(self: tuple[Any, ...], other: object) -> bool:
        return type(self) is type(other) and tuple.__eq__(self, other)

    def ne(self: tuple[Any, ...], other: object) -> bool:
        return not eq(self, other)

    cls.__eq__ = eq  # type: ignore[assignment]
    cls.__ne__ = ne  # type: ignore[assignment]
    cls.__hash__ = tuple.__hash__  # type: ignore[assignment]
    cls.__bool__ = lambda self: True  # type: ignore[attr-defined]
    return cls


@command_value
class OpCall(Record):
    """``[category] Op name=value ... [positional ...]``. A value is the word as typed (text: ``shell.bind``
    types it by the op's spec) or what its syntax alone decides: a collection, a Ref (resolved at run time),
    ``@path``, or a value a command's flag gave (``logs -n 5``: ``tail``); a front end may add a value itself
    (the body of a ``%%docker`` cell)."""

    op: str
    params: Mapping[str, Any] = NO_VALUES
    args: tuple[Any, ...] = ()
    category: str | None = None
    query: str | None = None  # ``Op ... | expr``: a JMESPath query shown over the (stored) result


@command_value
class Show(Record):
    """A reference typed alone (``_3.Config``), maybe piped into a JMESPath query, maybe in full; ``show``."""

    ref: Ref | None  # None: where ``cd`` went (or ``path`` from there)
    query: str | None = None
    full: bool = False
    path: str | None = None  # a path relative to where ``cd`` went: ``Networks.bridge.Gateway``
    gestures: tuple[str, ...] = ()  # ``--sort NAMES --reverse``, ``--filter ...`` as typed: a new result of it


@command_value
class FanOut(Record):
    """``@a,b Op ...`` / ``@all Op ...``: one op call on several endpoints at once."""

    hosts: tuple[str, ...]
    call: OpCall


@command_value
class OnHost(Record):
    """``@NAME CMD ...``: a command that uses an endpoint (``exec``, ``run``, ``cp``, ``fetch``, ...) run on the
    endpoint (or docker context) NAME for this one command, as ``docker --context NAME`` runs one; the default
    endpoint stays what it was."""

    host: str
    command: Any  # a parsed command whose declaration allows @NAME


def value(text: str) -> Any:
    """A literal word's value; ParseError (one line) when it is malformed."""
    try:
        return parse_value(text)
    except ValueSyntaxError as exc:
        raise ParseError(str(exc)) from None


def arity(args: list[str], lo: int, hi: int, usage: str) -> None:
    """ParseError with the usage unless there are ``lo`` to ``hi`` arguments."""
    if not lo <= len(args) <= hi:
        raise ParseError(f"usage: {usage}")


def ref(text: str, usage: str) -> Ref:
    """``text`` as a result reference, or ParseError naming it."""
    try:
        return parse_ref(text)
    except PathError:
        raise ParseError(f"{text!r} is not a result reference (like _, _3 or _3.Config): usage: {usage}") from None


def one(cls: Callable[..., Any], optional: bool = False) -> Callable[[list[str], str], Any]:
    """The grammar ``NAME ARG`` (``optional``: ``NAME [ARG]``) building ``cls(ARG)``."""
    def build(args: list[str], usage: str) -> Any:
        arity(args, 0 if optional else 1, 1, usage)
        return cls(*args)
    return build


def none(cls: Callable[[], Any]) -> Callable[[list[str], str], Any]:
    """The grammar ``NAME`` alone, building ``cls()``."""
    def build(args: list[str], usage: str) -> Any:
        arity(args, 0, 0, usage)
        return cls()
    return build


def host_name(text: str) -> str:
    """``text`` as an endpoint's name (letters, digits, ``_.-``; not ``all``), or ParseError."""
    if not HOST_NAME_RE.fullmatch(text) or text == "all":
        raise ParseError(f"{text!r} is no endpoint name: use letters, digits and _.- (and not 'all'), e.g. web1")
    return text


def host_names(word: str, usage: str) -> tuple[str, ...]:
    """The endpoints of ``@a,b`` / ``@all`` (each checked, each once), or ParseError."""
    names = tuple(dict.fromkeys(n for n in word[1:].split(",") if n))
    if not names:
        raise ParseError(f"'@' needs endpoint names: usage: {usage}")
    if "all" not in names:
        for name in names:
            host_name(name)
    return names


def op_call(words: list[str], category: str | None = None, given: Mapping[str, Any] = NO_VALUES) -> OpCall:
    """``Op name=value ... [positional ...]`` (words as scanned, quotes kept; ``category`` already taken off) →
    the OpCall, each value as ``read_word`` reads it; ``given`` are params already typed (a flag's). The op word
    is not checked here (``parse_line`` does, the spec later)."""
    params: dict[str, Any] = dict(given)
    args: list[Any] = []
    for word in words[1:]:
        pair = name_value(word)
        try:
            if pair:
                params[pair[0]] = read_word(pair[1])
            else:
                args.append(read_word(word))
        except ValueSyntaxError as exc:
            raise ParseError(str(exc)) from None
    return OpCall(words[0], params, tuple(args), category)
