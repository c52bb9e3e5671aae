"""Reduce upstream Docker Engine API Swagger files to their structural facts.

The upstream files carry prose (descriptions, examples) that dshell does not ship. This module keeps paths,
methods, operationIds, tags, summaries, parameters, consumes/produces, responses and the structure of the
definitions, and drops the rest. Regenerate ``specs/`` with::

    python -m dshell.client._reduce ../shared/specs/upstream specs
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

PROSE_KEYS = frozenset({"description", "example", "examples", "x-displayName", "x-logo"})
# Mappings whose keys are names chosen by the spec authors, not Swagger keywords.
NAME_MAPS = frozenset({"properties", "definitions", "paths", "responses", "headers"})


class _Name(str):
    """A property name that collides with a prose keyword: written quoted so it is never mistaken for prose."""


def reduce_spec(node: Any, parent: str | None = None) -> Any:
    """Return ``node`` without its prose keys (recursively)."""
    if isinstance(node, dict):
        if parent in NAME_MAPS:
            return {(_Name(k) if k in PROSE_KEYS else k): reduce_spec(v, k) for k, v in node.items()}
        return {
            k: reduce_spec(v, k)
            for k, v in node.items()
            if k not in PROSE_KEYS and not str(k).startswith("x-go-")
        }
    if isinstance(node, list):
        return [reduce_spec(v, parent) for v in node]
    return node


class _Dumper(yaml.CSafeDumper):
    pass


_Dumper.add_representer(_Name, lambda d, s: d.represent_scalar("tag:yaml.org,2002:str", str(s), style='"'))


def reduce_file(src: Path, dst: Path) -> None:
    """Write the reduced form of the upstream spec ``src`` to ``dst``."""
    spec = yaml.load(src.read_text(), Loader=yaml.CSafeLoader)
    reduced = reduce_spec(spec)
    dst.write_text(yaml.dump(reduced, Dumper=_Dumper, sort_keys=False, width=110, allow_unicode=True))


def main(argv: list[str]) -> int:
    """``python -m dshell.client._reduce UPSTREAM_DIR OUT_DIR``: reduce every ``v1.NN.yaml``."""
    if len(argv) != 2:
        print("usage: python -m dshell.client._reduce UPSTREAM_DIR OUT_DIR", file=sys.stderr)
        return 2
    src_dir, out_dir = Path(argv[0]), Path(argv[1])
    out_dir.mkdir(parents=True, exist_ok=True)
    for src in sorted(src_dir.glob("v1.*.yaml")):
        reduce_file(src, out_dir / src.name)
        print(f"{src.name}: reduced")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
