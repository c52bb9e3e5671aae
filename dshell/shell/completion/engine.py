"""Completion candidates for the input up to the cursor; front-end free (prompt_toolkit or IPython)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from ..commands import at_commands, commands, find
from ..commands.endpoints import TLS_FLAGS
from ..config import SETTINGS
from . import context as C
from .live import NAMED_KIND, kind_for
from .matching import Candidate, rank
from .paths import local_paths

if TYPE_CHECKING:
    from dshell.client import Operation, Param, SpecIndex

MAX_CANDIDATES = 200
_LOCATION_ORDER = {"path": 0, "query": 1, "body": 2, "header": 3}
_METHODS = ("GET", "POST", "PUT", "DELETE", "HEAD")


class Sources(Protocol):
    """What completion reads; every method answers at once (from memory, never from the daemon)."""

    def spec(self) -> SpecIndex | None:
        """The spec of the API version in use, or None while it loads."""

    def versions(self) -> Sequence[str]:
        """The API versions dshell has specs for."""

    def live(self, kind: str) -> Sequence[tuple[str, str]]:
        """Cached (name, meta) of a kind of daemon object (containers, images, ...)."""

    def refs(self, word: str) -> Sequence[str]:
        """Whole references extending ``word`` (``_3.Con`` → ``_3.Config``)."""

    def here(self) -> Sequence[str]:
        """The keys (or indices) where ``cd`` went."""


def complete(text: str, sources: Sources) -> tuple[C.Context, list[Candidate]]:
    """The context at the end of ``text`` and its candidates, best first; each replaces ``context.word``."""
    ctx = C.analyze(text)
    on_hosts = getattr(sources, "on_hosts", None)  # a session's sources: live names of those endpoints
    if ctx.hosts and on_hosts is not None:
        sources = on_hosts(ctx.hosts)
    spec = sources.spec()
    paths = _paths(ctx)
    found = _CANDIDATES[ctx.kind](ctx, spec, sources) if paths is None else paths
    return ctx, rank(ctx.word, found)[:MAX_CANDIDATES]


def _paths(ctx: C.Context) -> list[Candidate] | None:
    """Local paths where one is typed: ``@path`` values, cp's arguments, build's folder; None elsewhere."""
    if ctx.kind in (C.PARAM, C.VALUE) and ctx.word.startswith("@"):
        return local_paths(ctx.word, "@")
    declared = find(ctx.command) if ctx.kind == C.ARG and ctx.command else None
    if declared is not None and declared.args[:1] in (("path",), ("folder",)) and not ctx.word.startswith("-"):
        folder = declared.args[:1] == ("folder",)
        if folder and ctx.prior[-1:] and ctx.prior[-1] in ("-t", "--tag", "--target", "--build-arg"):
            return []
        return local_paths(ctx.word, folders_only=folder and ctx.prior[-1:] != ("-f",))
    return None


_BY_VERSION: dict[tuple[str, str], tuple[Candidate, ...]] = {}


def _op_candidates(spec: SpecIndex) -> tuple[Candidate, ...]:
    key = ("ops", spec.version)
    if key not in _BY_VERSION:
        _BY_VERSION[key] = tuple(Candidate(op.name, f"{op.category} · {op.summary}") for op in spec.ops.values())
    return _BY_VERSION[key]


def _category_candidates(spec: SpecIndex) -> tuple[Candidate, ...]:
    key = ("categories", spec.version)
    if key not in _BY_VERSION:
        _BY_VERSION[key] = tuple(Candidate(cat, "category") for cat in sorted(spec.categories))
    return _BY_VERSION[key]


def _command_candidates() -> tuple[Candidate, ...]:
    """Every command name (aliases too) with its summary: what a line may start with."""
    if not _BY_VERSION.get(("commands", "")):
        _BY_VERSION[("commands", "")] = tuple(Candidate(name, c.summary) for c in commands()
                                              for name in (c.name, *c.aliases))
    return _BY_VERSION[("commands", "")]


def _ops(spec: SpecIndex | None) -> tuple[Candidate, ...]:
    return _op_candidates(spec) if spec is not None else ()


def _head(ctx: C.Context, spec: SpecIndex | None, sources: Sources) -> Iterable[Candidate]:
    categories = _category_candidates(spec) if spec is not None else ()
    found = _command_candidates()
    if ctx.hosts:  # `@b exec`, `@b run`, ... on one endpoint; on several (`@a,b`) the panes
        allowed = at_commands(len(ctx.hosts) > 1 or "all" in ctx.hosts)
        found = tuple(c for c in found if c.text in allowed)
        return (*found, *_ops(spec), *categories)
    from .docker import head_candidates

    known = {c.text for c in (*found, *categories)}
    return (*found, *(c for c in head_candidates() if c.text not in known), *_ops(spec), *categories)


def _op_in_category(ctx: C.Context, spec: SpecIndex | None, sources: Sources) -> Iterable[Candidate]:
    if ctx.category is None:
        return _ops(spec)
    return [c for c in _ops(spec) if spec and spec.ops[c.text].category == ctx.category]


def _operation(ctx: C.Context, spec: SpecIndex | None) -> Operation | None:
    return spec.ops.get(ctx.op or "") if spec is not None else None


def param_meta(param: Param) -> str:
    """``string · query · required`` (the type, where it travels, whether it must be given)."""
    kind = param.type or "any"
    if param.type == "array" and param.items:
        kind = f"{param.items.get('type', 'any')}[]"
    return " · ".join([kind, param.location] + (["required"] if param.required else []))


def _live(sources: Sources, kind: str | None) -> list[Candidate]:
    return [Candidate(name, meta) for name, meta in sources.live(kind)] if kind else []


def _params(ctx: C.Context, spec: SpecIndex | None, sources: Sources) -> Iterable[Candidate]:
    op = _operation(ctx, spec)
    if op is None:
        return []
    order = sorted(op.params.values(), key=lambda p: (not p.required, _LOCATION_ORDER.get(p.location, 9)))
    found = [Candidate(f"{p.name}=", param_meta(p), p.name) for p in order if p.name not in ctx.used]
    open_path = [p for p in op.params.values() if p.location == "path" and p.name not in ctx.used]
    if ctx.positional < len(open_path):
        found += _live(sources, kind_for(op.category, open_path[ctx.positional].name, "path"))
    return found


def _scalar_values(schema: dict[str, Any], kind: str | None, sources: Sources) -> list[Candidate]:
    found = [Candidate(_literal(v), "enum") for v in schema.get("enum") or ()]
    if schema.get("type") == "boolean":
        found += [Candidate("true", "boolean"), Candidate("false", "boolean")]
    if schema.get("default") is not None and not found:
        found.append(Candidate(_literal(schema["default"]), "default"))
    return found + _live(sources, kind)


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    text = str(value)
    return text if text and not any(ch.isspace() or ch in "{}[],'\"" for ch in text) else f'"{text}"'


def _value(ctx: C.Context, spec: SpecIndex | None, sources: Sources) -> Iterable[Candidate]:
    op = _operation(ctx, spec)
    param = op.params.get(ctx.param or "") if op else None
    if op is None or param is None:
        return []
    schema = {"type": param.type, "enum": param.enum, "default": param.default}
    return _scalar_values(schema, kind_for(op.category, param.name, param.location), sources)


def _body_schema(ctx: C.Context, spec: SpecIndex | None) -> dict[str, Any]:
    """The schema at ``ctx.path`` inside the op's body param ({} when unknown)."""
    op = _operation(ctx, spec)
    if op is None or spec is None:
        return {}
    param = op.params.get(ctx.param) if ctx.param else op.body_param
    if param is None or param.location != "body":
        return {}
    schema = spec.resolve(param.schema)
    for step in ctx.path:
        if step == "[]":
            schema = spec.resolve(schema.get("items"))
        else:
            schema = spec.resolve((schema.get("properties") or {}).get(step))
    return schema


def _body_key(ctx: C.Context, spec: SpecIndex | None, sources: Sources) -> Iterable[Candidate]:
    props = _body_schema(ctx, spec).get("properties") or {}
    resolve = spec.resolve if spec is not None else dict
    return [Candidate(f"{key}: ", resolve(sub).get("type") or "object", key) for key, sub in props.items()]


def _body_value(ctx: C.Context, spec: SpecIndex | None, sources: Sources) -> Iterable[Candidate]:
    key = next((step for step in reversed(ctx.path) if step != "[]"), "")
    return _scalar_values(_body_schema(ctx, spec), NAMED_KIND.get(key), sources)


def _refs(ctx: C.Context, spec: SpecIndex | None, sources: Sources) -> Iterable[Candidate]:
    return [Candidate(text) for text in sources.refs(ctx.word)]


def _arg(ctx: C.Context, spec: SpecIndex | None, sources: Sources) -> Iterable[Candidate]:
    """A command's argument, by what its declaration says the word at this position names."""
    declared = find(ctx.command or "")
    if declared is None:
        return []
    if declared.split and ctx.hosts and ctx.word.startswith("-"):
        return [Candidate(C.SPLIT, "a pane per endpoint (else one, each line tagged [host])")]
    every = next((kind for kind in declared.args if kind in _ANY_POSITION), None)  # flags may come before
    kind = every or (declared.args[ctx.position] if ctx.position < len(declared.args) else "")
    found = _ARGS.get(kind)
    return found(ctx, spec, sources) if found is not None else _live(sources, _LIVE_ARGS.get(kind))


def _more(ctx: C.Context, spec: SpecIndex | None, sources: Sources) -> Iterable[Candidate]:
    return [Candidate("--full", "show everything"), Candidate("|", "a JMESPath query")]


def _keys(ctx: C.Context, spec: SpecIndex | None, sources: Sources) -> Iterable[Candidate]:
    return [Candidate(".."), *(Candidate(key) for key in sources.here()), *_refs(ctx, spec, sources)]


def _versions(ctx: C.Context, spec: SpecIndex | None, sources: Sources) -> Iterable[Candidate]:
    return [Candidate("auto", "negotiate with the daemon"), *(Candidate(v) for v in sources.versions()),
            *_endpoints(sources)]


_LIVE_ARGS = {"container": "containers", "image": "images", "network": "networks", "volume": "volumes"}
_ANY_POSITION = ("connect", "setting", "run")  # the kinds that read the whole line themselves
_ARGS: dict[str, Callable[[C.Context, SpecIndex | None, Sources], Iterable[Candidate]]] = {
    "op": lambda ctx, spec, sources: _ops(spec),
    "--full": lambda ctx, spec, sources: [Candidate("--full", "with the upstream descriptions (downloaded once)")],
    "command": lambda ctx, spec, sources: (*_command_candidates(), *_ops(spec)),
    "category": lambda ctx, spec, sources: _category_candidates(spec) if spec is not None else (),
    "version": _versions,
    "endpoint": lambda ctx, spec, sources: [Candidate(h, "endpoint") for h in getattr(sources, "hosts", tuple)()],
    "setting": lambda ctx, spec, sources: _setting(ctx),
    "key": _keys,
    "ref": lambda ctx, spec, sources: [Candidate(text) for text in sources.refs("_")],
    "more": _more,
    "connect": lambda ctx, spec, sources: [Candidate(flag) for flag in (*TLS_FLAGS, "--api-version")],
    "method": lambda ctx, spec, sources: [Candidate(m) for m in _METHODS],
    "run": lambda ctx, spec, sources: _run_words(ctx, sources),
}


def _run_words(ctx: C.Context, sources: Sources) -> Iterable[Candidate]:
    """``run``: its flags, then an image; nothing once the image is given (the command is the container's)."""
    from ..workflows.run import FLAG_HELP, takes_value

    words = list(ctx.prior)
    while words and words[0].startswith("-"):
        flag = words.pop(0)
        if takes_value(flag) and words:
            words.pop(0)
    if words:
        return []
    if ctx.prior and takes_value(ctx.prior[-1]):
        return _live(sources, "networks") if ctx.prior[-1] in ("--network", "--net") else []
    flags = [Candidate(flag, meta) for flag, meta in FLAG_HELP.items()]
    return flags + _live(sources, "images") if ctx.word.startswith("-") or not ctx.word else _live(sources, "images")


def _setting(ctx: C.Context) -> Iterable[Candidate]:
    if ctx.position == 0:
        return [Candidate("vi", "vi key bindings"), Candidate("emacs", "emacs key bindings"),
                *(Candidate(key, "setting") for key in SETTINGS)]
    allowed = SETTINGS.get(ctx.prior[0]) if ctx.position == 1 else None
    return [Candidate(value) for value in allowed or ()]


def _endpoints(sources: Sources) -> list[Candidate]:
    """The endpoints, then the docker contexts not connected yet (a session's sources have them)."""
    return [*(Candidate(name, "endpoint") for name in getattr(sources, "hosts", lambda: ())()),
            *(Candidate(name, "docker context") for name in getattr(sources, "contexts", lambda: ())())]


def _hosts(ctx: C.Context, spec: SpecIndex | None, sources: Sources) -> Iterable[Candidate]:
    done = ctx.word[: ctx.word.rfind(",") + 1] or "@"
    return [Candidate(done + "all", "endpoint"), *(c._replace(text=done + c.text) for c in _endpoints(sources))]


def _docker(ctx: C.Context, spec: SpecIndex | None, sources: Sources) -> Iterable[Candidate]:
    from .docker import candidates

    found = list(candidates(ctx.prior, ctx.word, sources.live))
    category = next((c for c in (ctx.prior[0], ctx.prior[0] + "s") if spec is not None and c in spec.categories), None)
    if len(ctx.prior) == 1 and spec is not None and category is not None:  # `network Net...`: its category's ops
        found += [c for c in _ops(spec) if spec.ops[c.text].category == category]
    return found


def _nothing(ctx: C.Context, spec: SpecIndex | None, sources: Sources) -> Iterable[Candidate]:
    return []


_CANDIDATES = {
    C.HEAD: _head, C.OP_IN_CATEGORY: _op_in_category, C.PARAM: _params, C.VALUE: _value,
    C.BODY_KEY: _body_key, C.BODY_VALUE: _body_value, C.REF: _refs, C.ARG: _arg, C.QUERY: _nothing,
    C.HOSTS: _hosts, C.DOCKER: _docker,
}
