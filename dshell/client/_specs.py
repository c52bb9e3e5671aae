"""Load the packaged API specs, index them, and cache the parsed index on disk (keyed by file hash): each op and
each definition marshalled apart and decoded when first asked for, as a call reads one op of a hundred."""

from __future__ import annotations

import contextlib
import marshal
import os
import zlib
from collections.abc import Callable, Iterator, Mapping
from functools import cache

from dshell._checking import TYPE_CHECKING
from dshell._frozen import Record

from ._errors import VersionError

if TYPE_CHECKING:
    from typing import Any, TypeVar

    from _typeshed import StrPath

    T = TypeVar("T")
    V = TypeVar("V")

SPEC_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(__file__))), "specs")
OLDEST, NEWEST = "v1.25", "v1.56"
CACHE_FORMAT = 10  # bumped whenever the shape of the cached index (or of its file) changes
_MAGIC = b"dshell-spec-cache\n"  # then the CRC-32 and length of the marshalled value, then that value
# Params the daemon reads on these ops (and the docker CLI sends) that no upstream spec version declares: (name,
# where, type). specs/ stay a faithful reduction of upstream; the index adds them, so validation, doc and
# completion know them.
UNDECLARED = {
    **{op: (("X-Registry-Auth", "header", "string"),) for op in
       ("DistributionInspect", "PluginPull", "PluginUpgrade", "PluginPush", "GetPluginPrivileges")},
    # the session's identity, which a build then names (BuildKit's session manager reads them), and the gRPC
    # methods it serves (the header repeated, one per method)
    "Session": (("X-Docker-Expose-Session-Uuid", "header", "string"),
                ("X-Docker-Expose-Session-Name", "header", "string"),
                ("X-Docker-Expose-Session-Sharedkey", "header", "string"),
                ("X-Docker-Expose-Session-Grpc-Method", "header", "array")),
    # a BuildKit build's session and its id (BuildCancel takes it)
    "ImageBuild": (("session", "query", "string"), ("buildid", "query", "string")),
}
# Query params the spec types as one string that the daemon reads as repeated (r.Form[name]): a list is sent as
# the param repeated, once per item (the docker CLI's --add-host).
REPEATED_QUERY = {"ImageBuild": ("extrahosts",)}
DOCS_URL = "https://docs.docker.com/reference/api/engine/version/{version}/#tag/{tag}/operation/{op}"


class Param(Record):
    """One parameter of an operation, as the spec names it."""

    name: str
    location: str  # path | query | header | body
    type: str | None = None
    format: str | None = None
    required: bool = False
    enum: tuple[Any, ...] | None = None
    default: Any = None
    items: dict[str, Any] | None = None
    schema: dict[str, Any] | None = None
    collection_format: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The param as plain data (what ``doc`` returns)."""
        out: dict[str, Any] = {"name": self.name, "in": self.location, "type": self.type,
                               "required": self.required}
        for key in ("format", "enum", "default", "items"):
            value = getattr(self, key)
            if value is not None:
                out[key] = list(value) if key == "enum" else value
        if self.schema is not None:
            out["schema"] = self.schema
        return out


class Operation(Record):
    """One operation (operationId) of the spec."""

    name: str
    category: str
    method: str
    path: str
    summary: str
    tags: tuple[str, ...]
    params: Mapping[str, Param]
    consumes: tuple[str, ...]
    produces: tuple[str, ...]
    responses: dict[int, Any]

    @property
    def body_param(self) -> Param | None:
        """The parameter that travels in the request body, if any."""
        return next((p for p in self.params.values() if p.location == "body"), None)


class SpecIndex(Record):
    """The parsed, indexed form of one spec version."""

    version: str
    ops: Mapping[str, Operation]
    definitions: Mapping[str, Any]

    @property
    def categories(self) -> frozenset[str]:
        """The categories: first path segments of the spec's paths."""
        return frozenset(op.category for op in self.ops.values())

    def resolve(self, schema: dict[str, Any] | None) -> dict[str, Any]:
        """Follow ``$ref`` (and merge ``allOf``) to the schema's own structure."""
        seen = 0
        while schema and "$ref" in schema and seen < 20:
            schema = self.definitions.get(schema["$ref"].rsplit("/", 1)[-1], {})
            seen += 1
        if schema and "allOf" in schema:
            merged: dict[str, Any] = {"type": "object", "properties": {}}
            for part in schema["allOf"]:
                merged["properties"].update(self.resolve(part).get("properties", {}))
            merged["properties"].update(schema.get("properties", {}))
            return merged
        return schema or {}


def version_key(version: str) -> tuple[int, int]:
    """``"v1.41"`` → ``(1, 41)``; accepts ``"1.41"`` too."""
    major, _, minor = version.lstrip("v").partition(".")
    return int(major), int(minor)


def normalize_version(version: str) -> str:
    """``"1.41"`` → ``"v1.41"``; raises VersionError for a malformed version."""
    try:
        major, minor = version_key(version)
    except ValueError:
        raise VersionError(f"malformed API version {version!r}: expected like v1.41") from None
    return f"v{major}.{minor}"


@cache
def versions() -> tuple[str, ...]:
    """Every API version dshell has a spec for, oldest first."""
    names = (name[:-len(".yaml")] for name in os.listdir(SPEC_DIR) if name.startswith("v1.") and name.endswith(".yaml"))
    return tuple(sorted(names, key=version_key))


def check_version(version: str) -> str:
    """Return the normalized version, or raise VersionError listing the versions we have."""
    version = normalize_version(version)
    have = versions()
    if version not in have:
        raise VersionError(f"no spec for API version {version}: have {have[0]}–{have[-1]}")
    return version


def _cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "dshell", "specs")


def _category(path: str) -> str:
    return path.strip("/").split("/", 1)[0]


def _param(raw: dict[str, Any]) -> Param:
    enum = raw.get("enum")
    return Param(
        name=raw["name"], location=raw["in"],
        type=raw.get("type") or (raw.get("schema") or {}).get("type") or ("object" if "schema" in raw else None),
        format=raw.get("format"), required=bool(raw.get("required", False)),
        enum=tuple(enum) if enum else None, default=raw.get("default"), items=raw.get("items"),
        schema=raw.get("schema"), collection_format=raw.get("collectionFormat"),
    )


def build_index(spec: dict[str, Any], version: str) -> SpecIndex:
    """Index a parsed (reduced or upstream) spec by operationId."""
    root_consumes = tuple(spec.get("consumes") or ())
    root_produces = tuple(spec.get("produces") or ())
    ops: dict[str, Operation] = {}
    for path, methods in spec["paths"].items():
        for method, raw in methods.items():
            if method == "parameters" or not isinstance(raw, dict) or "operationId" not in raw:
                continue
            params = {p["name"]: _param(p) for p in raw.get("parameters") or ()}
            for name, where, kind in UNDECLARED.get(raw["operationId"], ()):
                params.setdefault(name, Param(name, where, kind, items={"type": "string"} if kind == "array" else None))
            for name in REPEATED_QUERY.get(raw["operationId"], ()):
                if name in params:
                    params[name] = params[name]._replace(collection_format="multi")
            ops[raw["operationId"]] = Operation(
                name=raw["operationId"], category=_category(path), method=method.upper(), path=path,
                summary=raw.get("summary", ""), tags=tuple(raw.get("tags") or ()), params=params,
                consumes=tuple(raw.get("consumes") or root_consumes),
                produces=tuple(raw.get("produces") or root_produces),
                responses={int(k): (v or {}).get("schema") for k, v in (raw.get("responses") or {}).items()
                           if str(k).isdigit()},
            )
    return SpecIndex(version=version, ops=ops, definitions=spec.get("definitions") or {})


def _load_yaml(path: StrPath) -> dict[str, Any]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(path, "rb") as file:
        data: dict[str, Any] = yaml.load(file.read(), Loader=loader)
    return data


def cached_yaml(path: StrPath, kind: str) -> dict[str, Any]:
    """The YAML file ``path`` parsed, memoized on disk as the specs are (``kind`` names the cache files)."""
    return _cached(path, kind, _load_yaml, dict)


class Decoded(Mapping[str, "V"]):
    """A mapping whose values are kept marshalled and decoded (by ``decode``) when first asked for."""

    __slots__ = ("_raw", "_decode", "_done")

    def __init__(self, raw: dict[str, bytes], decode: Callable[[Any], V]) -> None:
        self._raw, self._decode = raw, decode
        self._done: dict[str, V] = {}

    def __getitem__(self, key: str) -> V:
        try:
            return self._done[key]
        except KeyError:
            value = self._done[key] = self._decode(marshal.loads(self._raw[key]))
            return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def __contains__(self, key: object) -> bool:
        return key in self._raw

    def __repr__(self) -> str:
        return f"<{len(self)} decoded when asked: {', '.join(list(self._raw)[:3])}, ...>"


def _plain(index: SpecIndex) -> tuple[str, dict[str, bytes], dict[str, bytes]]:
    """``index`` as the cache keeps it: each op (its params as tuples) and each definition marshalled apart."""
    ops = {name: marshal.dumps({**op._asdict(), "params": {k: tuple(p) for k, p in op.params.items()}})
           for name, op in index.ops.items()}
    return index.version, ops, {name: marshal.dumps(schema) for name, schema in index.definitions.items()}


def _operation(plain: dict[str, Any]) -> Operation:
    return Operation(**{**plain, "params": {k: Param._make(p) for k, p in plain["params"].items()}})


def _identity(value: Any) -> Any:
    return value


def _index(plain: tuple[str, dict[str, bytes], dict[str, bytes]]) -> SpecIndex:
    """The index the cache's ``_plain`` form holds."""
    version, ops, definitions = plain
    return SpecIndex(version, Decoded(ops, _operation), Decoded(definitions, _identity))


def _cached(path: StrPath, kind: str, build: Callable[[StrPath], T], want: type[T]) -> T:
    """Return ``build(path)`` (a value marshal keeps), memoized on disk under a hash (CRC-32 and size) of the
    file's bytes.

    The cache file carries a CRC-32 and the length of what it holds (a check against damage, as the file is
    the owner's alone; zlib's, where hashlib would load OpenSSL at every start): one that does not verify (a
    flipped byte, a write cut short) or does not hold a ``want`` is built again and replaced, never trusted."""
    with open(path, "rb") as file:
        data = file.read()
    digest = f"{zlib.crc32(data):08x}{len(data):x}"
    stem = os.path.splitext(os.path.basename(path))[0]
    cache_file = os.path.join(_cache_dir(), f"{kind}{CACHE_FORMAT}-{stem}-{digest}.marshal")
    value = _read_cache(cache_file, want)
    if value is None:
        value = build(path)
        _write_cache(cache_file, value)
    return value


def _read_cache(cache_file: str, want: type[T]) -> T | None:
    try:
        with open(cache_file, "rb") as file:
            raw = file.read()
    except OSError:
        return None
    head, payload = raw[:len(_MAGIC) + 12], raw[len(_MAGIC) + 12:]
    if head != _check(payload):
        return None
    try:
        value = marshal.loads(payload)  # our own file, verified by its hash
    except Exception:  # noqa: BLE001 - a cache from another dshell: built again
        return None
    return value if isinstance(value, want) else None


def _write_cache(cache_file: str, value: Any) -> None:
    """Write to a temporary, then rename (a killed write leaves no half file under the real name); sweep
    the temporaries of writers that were killed."""
    try:
        payload = marshal.dumps(value)
        folder = os.path.dirname(cache_file)
        os.makedirs(folder, mode=0o700, exist_ok=True)
        _sweep(folder)
        tmp = f"{os.path.splitext(cache_file)[0]}.{os.getpid()}.tmp"
        with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as fh:
            fh.write(_check(payload) + payload)
        os.replace(tmp, cache_file)
    except (OSError, ValueError):
        pass  # a read-only cache (or a value marshal cannot keep) costs speed, not correctness


def _check(payload: bytes) -> bytes:
    """The head of a cache file holding ``payload``: the magic, the payload's CRC-32 and length."""
    return _MAGIC + zlib.crc32(payload).to_bytes(4, "big") + len(payload).to_bytes(8, "big")


def _sweep(folder: str) -> None:
    """Remove temporaries (``NAME.PID.tmp``) whose writer is gone (its pid no longer runs)."""
    for name in os.listdir(folder):
        pid = name[:-len(".tmp")].rpartition(".")[2] if name.endswith(".tmp") else ""
        if pid.isdigit() and int(pid) != os.getpid() and not _running(int(pid)):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(os.path.join(folder, name))


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


@cache
def load(version: str = NEWEST) -> SpecIndex:
    """The indexed spec of ``version`` (parsed once, then read from the on-disk cache)."""
    version = check_version(version)
    path = os.path.join(SPEC_DIR, f"{version}.yaml")
    built = _cached(path, "index", lambda p: _plain(build_index(_load_yaml(p), version)), tuple)
    return _index(built)


def _extract_descriptions(path: StrPath) -> dict[str, dict[str, Any]]:
    spec = _load_yaml(path)
    out: dict[str, dict[str, Any]] = {}
    for methods in spec["paths"].values():
        for raw in methods.values():
            if isinstance(raw, dict) and "operationId" in raw:
                out[raw["operationId"]] = {
                    "doc": raw.get("description", ""),
                    "params": {p["name"]: p.get("description", "") for p in raw.get("parameters") or ()},
                }
    return out


@cache
def descriptions(version: str, folder: str | None = None) -> dict[str, dict[str, Any]]:
    """Upstream prose per op from ``<folder>/<version>.yaml`` (default ``$DSHELL_SPECS``), or {} when there
    is no such file."""
    folder = folder or os.environ.get("DSHELL_SPECS")
    if not folder:
        return {}
    path = os.path.join(folder, f"{version}.yaml")
    if not os.path.isfile(path):
        return {}
    return _cached(path, "prose", _extract_descriptions, dict)


def doc_url(op: Operation, version: str) -> str:
    """The operation's page in Docker's online API reference."""
    return DOCS_URL.format(version=version, tag=op.tags[0] if op.tags else op.category, op=op.name)
