"""Masking of secrets (registry credentials, auth headers, tokens, keys, secret-looking variables) before
anything is shown or stored.

What is secret follows the API's meaning (`_secrets`): the fields the API documents as credentials or keys,
whatever nests them, `Env` entries whose names look secret, and a secret's `Data` (not a config's). A raw
request (`fetch POST /secrets/create`) is masked as the op its method and path name.

Params (small, typed by the user) are walked whole. A daemon's answer to an op is walked only along the
paths its response schema says can hold a secret (ContainerList has none: nothing is walked), so that
masking a 200,000-container list costs nothing. Walks use a stack, not recursion: a document nested 10,000
deep is masked like a flat one. What holds no secret is returned as it is (no copy).
"""

from __future__ import annotations

import re
from functools import cache

from dshell._checking import TYPE_CHECKING
from dshell._frozen import Record

from ._secrets import (
    ARGV_KEY,
    BUILD_ARGS_KEY,
    ENV_KEY,
    MASK,
    OP_SECRET_KEYS,
    SECRET_KEYS,
    WORDS_KEY,
    mask_assignment,
    mask_build_args,
    mask_env,
    mask_words,
    normalized,
)

if TYPE_CHECKING:
    from typing import Any

    from dshell.client import SpecIndex

_Path = tuple["Any", ...] | None  # a linked path: (parent path, key), None at the top
_Hit = tuple[_Path, "Any"]  # where, and the masked value to put there


def keys_for(op: str | None) -> frozenset[str]:
    """The normalized keys that are secret in the params of ``op``."""
    return SECRET_KEYS | OP_SECRET_KEYS.get(op or "", frozenset())


def redact(value: Any, op: str | None = None) -> Any:
    """Params (or data of no op of the API) with the secrets at any depth masked: credential fields '***',
    secret `Env` entries and build args, passwords in URLs (a copy where any is; ``value`` itself when none
    is); ``op`` names the op whose params these are (SecretCreate's `Data` is masked too; for "fetch", the
    op its method and url name)."""
    if op == "fetch" and isinstance(value, dict):
        op = fetched_op(str(value.get("method", "GET")), str(value.get("url", "")))
    return _apply(value, _scan(value, keys_for(op)))


def redact_answer(data: Any, op: str | None, version: str = "") -> Any:
    """A daemon's answer to ``op`` with its secrets masked, looked for only where the op's response schema
    (in the spec of ``version``, else the newest) can hold them; an op the spec does not know (a raw fetch,
    a command's own data) is walked whole, as `redact` walks params."""
    plan = _plan(_spec_version(version), op or "")
    if plan is None:
        return _apply(data, _scan(data, SECRET_KEYS, words=False))
    if plan is _NOTHING:
        return data
    return _apply(data, _follow(data, plan))


def fetched_op(method: str, url: str) -> str | None:
    """The op a raw request's method and path name in the newest spec (`POST /v1.41/secrets/create` →
    SecretCreate), or None."""
    path = re.sub(r"^/v\d+\.\d+(?=/)", "", url.split("?", 1)[0]).rstrip("/") or "/"
    for pattern, verb, name in _routes():
        if verb == method.upper() and pattern.fullmatch(path):
            return name
    return None


@cache
def _routes() -> tuple[tuple[re.Pattern[str], str, str], ...]:
    from dshell.client import spec

    return tuple((re.compile(re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(op.path.rstrip("/") or "/"))),
                  op.method, op.name) for op in spec().ops.values())


# ------------------------------------------------------------------ walking everything
def _scan(value: Any, keys: frozenset[str], words: bool = True) -> list[_Hit]:
    """Where ``value`` holds secrets at any depth, and what goes there; with ``words``, also every string
    that is a secret ``NAME=value`` (typed argv: ``-e DB_PASSWORD=...``) or holds a URL with a password."""
    hits: list[_Hit] = []
    kinds: dict[str, str] = {}  # key -> "secret", "env", "args" or "" (keys repeat: each normalized once)
    stack: list[tuple[_Path, Any]] = [(None, value)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            items: Any = node.items()
        elif isinstance(node, list | tuple):
            items = enumerate(node)
        else:
            continue
        for key, item in items:
            kind = _kind(key, keys, kinds) if isinstance(key, str) else ""
            if kind == "secret":
                hits.append(((path, key), MASK))
            elif kind and (masked := (mask_env if kind == "env" else mask_build_args)(item)) is not item:
                hits.append(((path, key), masked))
            elif isinstance(item, dict | list | tuple):
                stack.append(((path, key), item))
            elif words and isinstance(item, str) and (masked := mask_assignment(item)) is not item:
                hits.append(((path, key), masked))
    if words and isinstance(value, str) and (masked := mask_assignment(value)) is not value:
        hits.append((None, masked))
    return hits


def _kind(key: str, keys: frozenset[str], kinds: dict[str, str]) -> str:
    kind = kinds.get(key)
    if kind is None:
        name = normalized(key)
        kind = kinds[key] = ("secret" if name in keys else "env" if name == ENV_KEY
                             else "args" if name == BUILD_ARGS_KEY else "")
    return kind


def _apply(value: Any, hits: list[_Hit]) -> Any:
    """``value`` with each hit's value put at its path: the containers on the way copied (once each), the
    rest shared; ``value`` itself without hits."""
    if not hits:
        return value
    copies: dict[int, Any] = {}

    def copy(node: Any) -> Any:
        made = copies.get(id(node))
        if made is None:
            made = copies[id(node)] = dict(node) if isinstance(node, dict) else list(node)
        return made

    for path, new in hits:
        if path is None:
            return new  # the value itself was masked (a string)
        keys = []
        while path is not None:
            path, key = path
            keys.append(key)
        keys.reverse()
        old, made = value, copy(value)
        for key in keys[:-1]:
            old = old[key]
            made[key] = made = copy(old)
        made[keys[-1]] = new
    return copies[id(value)]


# ------------------------------------------------------------------ following the spec
class _Plan(Record):
    """Where secrets can be in a value of one schema."""

    secret: tuple[str, ...]  # properties masked whole
    env: tuple[str, ...]  # properties holding NAME=value lists (Env; an image's build step as Cmd)
    words: tuple[str, ...]  # properties holding a command line (ImageHistory's CreatedBy)
    props: tuple[tuple[str, _Plan], ...]  # properties leading to secrets deeper down
    items: _Plan | None  # an array's items
    values: _Plan | None  # the values of a map (additionalProperties)


_NOTHING = _Plan((), (), (), (), None, None)


def _follow(data: Any, plan: _Plan) -> list[_Hit]:
    """Where ``data`` holds secrets, looking only where ``plan`` says they can be."""
    hits: list[_Hit] = []
    stack: list[tuple[_Path, Any, _Plan]] = [(None, data, plan)]
    if isinstance(data, list) and plan.items is None:  # JSON lines: each value is one answer
        stack = [((None, i), item, plan) for i, item in enumerate(data)]
    while stack:
        path, node, at = stack.pop()
        if isinstance(node, dict):
            for key in at.secret:
                if key in node:
                    hits.append(((path, key), MASK))
            for key in at.env:
                if (masked := mask_env(node.get(key))) is not node.get(key):
                    hits.append(((path, key), masked))
            for key in at.words:
                if (masked := mask_words(node.get(key))) is not node.get(key):
                    hits.append(((path, key), masked))
            stack += [((path, key), node[key], sub) for key, sub in at.props if key in node]
            if at.values is not None:
                stack += [((path, key), item, at.values) for key, item in node.items()]
        elif isinstance(node, list) and at.items is not None:
            stack += [((path, i), item, at.items) for i, item in enumerate(node)]
    return hits


def _spec_version(version: str) -> str:
    from dshell.client import versions

    have = versions()
    return version if version in have else have[-1]


@cache
def _plan(version: str, op: str) -> _Plan | None:
    """Where the answers of ``op`` can hold secrets (`_NOTHING`: nowhere); None for an op the spec lacks."""
    from dshell.client import spec

    index = spec(version)
    found = index.ops.get(op)
    if found is None:
        return None
    schemas = [schema for status, schema in found.responses.items() if 200 <= status < 300 and schema]
    plans = [p for schema in schemas if (p := _Planner(index).plan(schema)) is not None]
    return plans[0] if len(plans) == 1 else _merge(plans) if plans else _NOTHING


def _merge(plans: list[_Plan]) -> _Plan:
    props: dict[str, _Plan] = {}
    for plan in plans:
        for key, sub in plan.props:
            props[key] = _merge([props[key], sub]) if key in props else sub
    items = [p.items for p in plans if p.items is not None]
    values = [p.values for p in plans if p.values is not None]
    return _Plan(tuple({k for p in plans for k in p.secret}), tuple({k for p in plans for k in p.env}),
                 tuple({k for p in plans for k in p.words}), tuple(props.items()), _merge(items) if items else None,
                 _merge(values) if values else None)


class _Planner:
    """Builds the plan of a schema, each definition once (a definition reached again inside itself leads
    nowhere new)."""

    def __init__(self, index: SpecIndex) -> None:
        self.index = index
        self.done: dict[str, _Plan | None] = {}
        self.open: set[str] = set()

    def plan(self, schema: Any) -> _Plan | None:
        if not isinstance(schema, dict):
            return None
        ref = schema.get("$ref")
        if isinstance(ref, str):
            name = ref.rsplit("/", 1)[-1]
            if name in self.done:
                return self.done[name]
            if name in self.open:
                return None
            self.open.add(name)
            made = self.plan(self.index.resolve(schema))
            self.open.discard(name)
            self.done[name] = made
            return made
        schema = self.index.resolve(schema)
        secret, env, words, props = [], [], [], []
        for key, sub in (schema.get("properties") or {}).items():
            name = normalized(key)
            if name in SECRET_KEYS:
                secret.append(key)
            elif name in (ENV_KEY, ARGV_KEY) and self._is_string_list(sub):
                env.append(key)
            elif name == WORDS_KEY:
                words.append(key)
            elif (found := self.plan(sub)) is not None:
                props.append((key, found))
        items = self.plan(schema.get("items"))
        values = self.plan(schema.get("additionalProperties"))
        if not (secret or env or words or props or items or values):
            return None
        return _Plan(tuple(secret), tuple(env), tuple(words), tuple(props), items, values)

    def _is_string_list(self, schema: Any) -> bool:
        resolved = self.index.resolve(schema) if isinstance(schema, dict) else {}
        items = resolved.get("items")
        return resolved.get("type") == "array" and isinstance(items, dict) and \
            self.index.resolve(items).get("type") == "string"
