"""``build --progress rawjson`` against ``docker buildx build --progress rawjson`` on the same engine, and the
Go encoding rules it follows (without an engine).

Compared between the two: the set of keys of each kind of object (vertexes, statuses, logs, warnings and what a
warning nests: sourceInfo, its definition, range, positions), each key's JSON types, the raw text of every
``name`` (Go's escaping of ``<&>``), the vertex names, each vertex's cached flag on an uncached build and on a
cached rebuild, each vertex's error, the log bytes per vertex and stream, the warnings' decoded content. Not
compared: digests (the Dockerfile's source carries the session's id, so its vertex digests differ; every input
must name a vertex of the same build), times (each build has its own; all must be RFC 3339 with nanoseconds),
how statuses and logs are split into documents (timing)."""

from __future__ import annotations

import base64
import json
import re
from collections import defaultdict
from typing import Any

import pytest

from dshell.buildkit import rawjson
from dshell.buildkit._proto import put_bytes, put_message, put_varint

from .conftest import write
from .test_shell_build import _dshell

TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$")
DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
NAME = re.compile(r'"name":"((?:[^"\\]|\\.)*)"')
DOCKERFILE = ("FROM busybox as base\n"  # 'as': Docker 28's frontend warns (FromAsCasing); 20.10's has no checks
              "RUN echo \"rawjson-<&>\" && printf '\\377\\376\\n' && echo to-stderr >&2\n"
              "COPY a.txt /a\n")


def _docs(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def _shape(value: Any, path: str, keys: dict[str, set[str]], types: dict[str, set[str]]) -> None:
    """The keys of each kind of object (a map keyed by digests counts as one kind: ``*``) and each key's types."""
    if isinstance(value, dict):
        mapped = bool(value) and all(DIGEST.match(k) for k in value)
        keys[path].update({"*"} if mapped else value)
        for key, item in value.items():
            where = f"{path}.{'*' if mapped else key}"
            types[where].add(type(item).__name__)
            _shape(item, where, keys, types)
    elif isinstance(value, list):
        for item in value:
            _shape(item, path, keys, types)


def _summary(text: str) -> dict[str, Any]:
    docs = _docs(text)
    assert docs, text
    keys: dict[str, set[str]] = defaultdict(set)
    types: dict[str, set[str]] = defaultdict(set)
    vertexes: dict[str, dict[str, Any]] = {}
    logs: dict[tuple[str, int], bytes] = defaultdict(bytes)
    for doc in docs:
        _shape(doc, "", keys, types)
        for v in doc.get("vertexes", []):
            assert DIGEST.match(v["digest"]) and all(DIGEST.match(i) for i in v.get("inputs", []))
            vertexes.setdefault(v["digest"], {}).update(v)
        for kind in ("vertexes", "statuses", "logs"):
            for item in doc.get(kind, []):
                assert all(TIME.match(item[k]) for k in ("started", "completed", "timestamp") if k in item), item
    names = {v["digest"]: v["name"] for v in vertexes.values()}
    for v in vertexes.values():
        assert set(v.get("inputs", [])) <= set(names), v  # inputs name vertexes of the same build
    for doc in docs:
        for entry in doc.get("logs", []):
            logs[(names[entry["vertex"]], entry.get("stream", 0))] += base64.b64decode(entry["data"])
    warnings = [{k: (base64.b64decode(w[k]) if k == "short" else [base64.b64decode(d) for d in w[k]]
                     if k == "detail" else w[k]) for k in ("level", "short", "detail", "url", "range")}
                | {"file": w["sourceInfo"]["filename"], "source": base64.b64decode(w["sourceInfo"]["data"])}
                for doc in docs for w in doc.get("warnings", [])]
    return {"keys": {k: sorted(v) for k, v in keys.items()}, "types": {k: sorted(v) for k, v in types.items()},
            "names": sorted(set(NAME.findall(text))), "vertex names": sorted(names.values()),
            "cached": sorted((v["name"], v.get("cached", False)) for v in vertexes.values()),
            "errors": sorted((v["name"], v["error"]) for v in vertexes.values() if "error" in v),
            "logs": dict(logs), "warnings": sorted(warnings, key=repr)}


@pytest.mark.engine
def test_rawjson_is_what_buildx_prints(engine, shell_home, buildx, tmp_path, images):
    ctx = write(tmp_path / "ctx", {"Dockerfile": DOCKERFILE, "a.txt": tmp_path.name})
    bad = write(tmp_path / "bad", {"Dockerfile": "FROM busybox\nRUN echo \"rawjson-failing-<step>\" && exit 3\n"})
    runs: dict[str, dict[str, Any]] = {}
    for label, flags, context in (("uncached", "--no-cache", ctx), ("cached", "", ctx), ("failing", "", bad)):
        tag = images(f"rawjson-{label}")
        for _ in range(2):  # a cached rebuild again when the engine's cache lost the step meanwhile (its GC, a prune)
            theirs = buildx(context, "--progress", "rawjson", "-t", tag, *flags.split(), check=label != "failing")
            ours = _dshell(engine, f"build --progress rawjson -t {tag} {flags} {context}")
            assert (ours.returncode, theirs.returncode) == ((1, 1) if label == "failing" else (0, 0)), \
                (ours.stderr[-1500:], theirs.stderr[-1500:])
            assert not any(line.startswith("{") for line in ours.stdout.splitlines())  # on stderr, as buildx's
            runs[label] = {"ours": _summary(ours.stderr), "theirs": _summary(theirs.stderr)}
            if label != "cached" or all(cached for side in runs[label].values()
                                        for name, cached in side["cached"] if "RUN echo" in name):
                break
        assert runs[label]["ours"] == runs[label]["theirs"], label
    uncached, cached = runs["uncached"]["ours"], runs["cached"]["ours"]
    run = next(name for name in uncached["vertex names"] if "RUN echo" in name)
    assert (run, False) in uncached["cached"] and (run, True) in cached["cached"]
    assert uncached["logs"][(run, 1)] == b"rawjson-<&>\n\xff\xfe\n" and uncached["logs"][(run, 2)] == b"to-stderr\n"
    assert any("\\u003c\\u0026\\u003e" in name for name in uncached["names"])  # Go's HTML escapes
    failing = runs["failing"]["ours"]["errors"]
    assert len(failing) == 1 and "exit code: 3" in failing[0][1] and "rawjson-failing-" in failing[0][0]
    assert {"vertexes", "statuses", "logs"} <= set(uncached["keys"][""])
    if uncached["warnings"]:  # Docker 28's frontend: the lint warning, its source and its range
        assert uncached["warnings"][0]["short"].startswith(b"FromAsCasing")
        assert uncached["keys"][".warnings.sourceInfo"] == ["data", "definition", "filename", "language"] or \
            uncached["keys"][".warnings.sourceInfo"] == ["data", "definition", "filename"]
    else:
        assert engine.get("engine", "main") == "main"  # 20.10's built-in frontend has no checks


def _ts(seconds: int, nanos: int = 0) -> bytes:
    return put_varint(1, seconds) + put_varint(2, nanos)


def test_the_documents_follow_gos_encoding():
    vertex = put_bytes(1, "sha256:" + "a" * 64) + put_bytes(3, "RUN x <&> \u2028 \xe9".encode() + b"\xff") + \
        put_message(5, _ts(1_700_000_000, 120_000_000)) + put_varint(4, 1)
    status = put_bytes(1, "pull") + put_message(8, _ts(0))
    log = put_bytes(1, "sha256:" + "b" * 64) + put_varint(3, 1)
    metadata = put_message(2, put_bytes(1, "sha256:" + "d" * 64) + put_message(2, put_message(5, put_bytes(1, "b")
                                                                                       + put_varint(2, 1)))) + \
        put_message(2, put_bytes(1, "sha256:" + "c" * 64))
    warning = put_varint(2, 1) + put_bytes(3, b"short") + put_message(4, b"") + \
        put_message(6, put_bytes(1, "Dockerfile") + put_message(3, metadata)) + \
        put_message(7, put_message(1, put_varint(1, 3)) + put_message(2, put_varint(1, (1 << 64) - 1)))
    raw = put_message(1, vertex) + put_message(2, status) + put_message(3, log) + put_message(4, warning) + \
        put_message(9, b"unknown")
    line = rawjson.dumps(rawjson.solve_status(raw))
    assert line == (
        '{"vertexes":[{"digest":"sha256:' + "a" * 64 + '","name":"RUN x \\u003c\\u0026\\u003e \\u2028 \u00e9\\ufffd",'
        '"started":"2023-11-14T22:13:20.12Z","cached":true}],'
        '"statuses":[{"id":"pull","current":0,"timestamp":"1970-01-01T00:00:00Z","completed":"1970-01-01T00:00:00Z"}],'
        '"logs":[{"vertex":"sha256:' + "b" * 64 + '","stream":1,"data":null,"timestamp":"1970-01-01T00:00:00Z"}],'
        '"warnings":[{"level":1,"short":"c2hvcnQ=","detail":[""],"sourceInfo":{"filename":"Dockerfile",'
        '"definition":{"metadata":{"sha256:' + "c" * 64 + '":null,"sha256:' + "d" * 64 + '":{"caps":{"b":true}}}}},'
        '"range":[{"start":{"line":3},"end":{"line":-1}}]}]}')
    message = {"id": "moby.buildkit.trace", "aux": base64.b64encode(raw).decode()}
    assert rawjson.document(message) == line
    assert rawjson.document({"id": "moby.buildkit.trace", "aux": "not base64!"}) is None
    assert rawjson.document({"id": "moby.image.id", "aux": {"ID": "sha256:1"}}) is None
    assert rawjson.document({"id": "moby.buildkit.trace",
                             "aux": base64.b64encode(put_message(1, put_bytes(1, b"\x00"))[:-1]).decode()}) is None
    assert rawjson.dumps(rawjson.solve_status(b"")) == "{}"
