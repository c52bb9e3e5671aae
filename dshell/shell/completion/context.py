"""What is being typed at the cursor: which word, in which role (op, param, value, body key, ref, ...)."""

from __future__ import annotations

import re

from dshell._frozen import Record

from ..commands import find
from ..grammar import CATEGORY_RE, OP_RE
from ..words import name_value, scan

HEAD = "head"  # the first word: a command, an op, a category or a reference
OP_IN_CATEGORY = "op_in_category"  # the op after a category
PARAM = "param"  # a param name (or a positional value) after an op
VALUE = "value"  # the value after ``name=``
BODY_KEY = "body_key"  # a key inside ``{...}`` of a body
BODY_VALUE = "body_value"  # a value inside ``{...}`` of a body
REF = "ref"  # ``_``, ``_3`` or a path into a result
ARG = "arg"  # an argument of a built-in command
QUERY = "query"  # after a top-level ``|``
DOCKER = "docker"  # a word of a docker command (``ps -a``, ``network rm NAME``): shell.docker's table
HOSTS = "hosts"  # ``@a,b`` before an op (or after a stream command): endpoint names
SPLIT = "--split"  # a pane per endpoint: `logs @a,b NAME --split`
REF_START = re.compile(r"_\d*(?:[.\[].*)?", re.S)


class Context(Record):
    """The completion context: ``word`` is the text the completion replaces."""

    kind: str
    word: str
    command: str | None = None
    op: str | None = None
    category: str | None = None
    param: str | None = None
    path: tuple[str, ...] = ()  # inside a body: the keys walked into ("[]" for list items)
    used: frozenset[str] = frozenset()  # params already given
    position: int = 0  # which argument of the command (or positional value of the op) this is
    positional: int = 0  # how many positional values the op already has
    prior: tuple[str, ...] = ()  # the command's arguments before this one
    hosts: tuple[str, ...] = ()  # the endpoints of ``@a,b Op ...`` / ``logs @a,b ...`` (live names from there)


class _Frame:
    """An open collection of a body literal, while it is scanned."""

    __slots__ = ("opener", "elem", "key", "in_value")

    def __init__(self, opener: str, elem: str, in_value: bool = False) -> None:
        self.opener = opener
        self.elem = elem  # how the parent reaches this collection: a key or "[]"
        self.key: str | None = None
        self.in_value = in_value


def body_position(text: str) -> tuple[tuple[str, ...], bool, str] | None:
    """For an unfinished ``{...}``/``[...]`` literal: (key path, typing a key?, the typed part), or None
    when the literal is closed."""
    frames: list[_Frame] = []
    token, quote = 0, ""
    for i, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "{[":
            top = frames[-1] if frames else None
            elem = "" if top is None else (top.key or "") if top.opener == "{" else "[]"
            frames.append(_Frame(ch, elem, in_value=ch == "["))
            token = i + 1
        elif ch in "}]":
            if frames:
                frames.pop()
            token = i + 1
        elif ch == ":" and frames and frames[-1].opener == "{" and not frames[-1].in_value:
            frames[-1].key, frames[-1].in_value = text[token:i].strip().strip("\"'"), True
            token = i + 1
        elif ch == ",":
            if frames and frames[-1].opener == "{":
                frames[-1].key, frames[-1].in_value = None, False
            token = i + 1
    if not frames:
        return None
    path = tuple(f.elem for f in frames[1:])
    top, typed = frames[-1], text[token:].lstrip()
    if top.opener == "[":
        return path + ("[]",), False, typed
    if top.in_value:
        return path + (top.key or "",), False, typed
    return path, True, typed


def _value_context(value: str, where: Context) -> Context:
    """The context inside a value (``where`` has the op and param): a reference, a body literal, or a plain
    value."""
    if REF_START.fullmatch(value):
        return where._replace(kind=REF, word=value)
    if value.startswith(("{", "[")):
        found = body_position(value)
        if found is not None:
            path, is_key, typed = found
            return where._replace(kind=BODY_KEY if is_key else BODY_VALUE, word=typed, path=path)
    return where._replace(kind=VALUE, word=value)


def analyze(text: str) -> Context:
    """The context at the end of ``text`` (the input up to the cursor)."""
    found = scan(text)
    if found.pipe is not None:
        return Context(QUERY, text[found.pipe + 1:].lstrip())
    words = [w.text for w in found.words]
    if not words or text[-1:].isspace() and not found.pending:
        words.append("")
    *before, current = words
    declared = find(before[0]) if before else None
    after = declared is not None and declared.at == "several"  # `logs @a,b NAME`: hosts after the name
    if after and SPLIT in before:  # `logs --split @a,b NAME`
        return analyze(" ".join([*(w for w in before if w != SPLIT), current]))
    at = 1 if after else 0  # `@a,b Op ...` or `logs @a,b NAME`
    if declared is not None and declared.interval and len(before) > 1 and before[1][:1].isdigit():  # `watch 2 @a,b`
        at = 2
    if len(before) == at and current.startswith("@"):
        return Context(HOSTS, current)
    if len(before) > at and before[at].startswith("@"):
        rest = text.lstrip()
        for word in before[:at + 1]:
            rest = rest[rest.index(word) + len(word):]
        hosts = tuple(n for n in before[at][1:].split(",") if n)
        return analyze(" ".join(before[:at] + [rest.lstrip()]))._replace(hosts=hosts)
    if not before:
        return Context(REF if REF_START.fullmatch(current) else HEAD, current)
    head = before[0]
    if declared is not None and declared.interval and len(before) > 1 and before[1][:1].isdigit():
        before = before[1:]  # watch SECONDS Op ...: as watch Op ...
        before[0] = head
    if declared is not None and declared.args[:1] == ("call",):  # tail Op params...: an op, then its params
        if len(before) == 1:
            return Context(OP_IN_CATEGORY, current, command=head)
        return _op_context(before[1], before[2:], current, None)
    if _is_docker(head, before, current):
        return Context(DOCKER, current, command=head, position=len(before) - 1, prior=tuple(before))
    if (declared is None or declared.category) and CATEGORY_RE.fullmatch(head):
        if len(before) == 1 and not (declared is not None and not current[:1].isupper()):
            return Context(OP_IN_CATEGORY, current, category=head)
        if len(before) > 1 and OP_RE.fullmatch(before[1]):
            return _op_context(before[1], before[2:], current, head)
    if declared is not None:
        kind = REF if REF_START.fullmatch(current) and declared.args[:1] in (("ref",), ("key",)) else ARG
        return Context(kind, current, command=head, position=len(before) - 1, prior=tuple(before[1:]))
    if REF_START.fullmatch(head):
        return Context(ARG, current, command="show", position=len(before) - 1)
    return _op_context(head, before[1:], current, None)


def _is_docker(head: str, before: list[str], current: str) -> bool:
    """Whether the words are a docker command's (not a dshell command's, nor ``category Op ...``)."""
    from .docker import is_docker_head

    if find(head) is not None or not is_docker_head(head):
        return False
    if len(before) == 1 and current[:1].isupper():  # `images Im`: an op of the category
        return False
    return not (len(before) > 1 and OP_RE.fullmatch(before[1]))


def _op_context(op: str, given: list[str], current: str, category: str | None) -> Context:
    used = frozenset(pair[0] for w in given if (pair := name_value(w)))
    where = Context(PARAM, current, op=op, category=category, used=used, positional=len(given) - len(used))
    pair = name_value(current)
    if pair:
        return _value_context(pair[1], where._replace(param=pair[0]))
    if current.startswith(("{", "[")):
        return _value_context(current, where)
    return where
