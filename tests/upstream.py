"""The upstream Engine API specs (with their prose and examples), read from ``shared/specs/upstream`` beside the
checkout, as CI lays it out; answers of an API version no engine here serves, made from its spec's examples."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

UPSTREAM = next((p / "shared" / "specs" / "upstream" for p in Path(__file__).resolve().parents
                 if (p / "shared" / "specs" / "upstream").is_dir()), None)


def upstream_dir() -> Path:
    """The folder of the upstream specs; a missing one fails the test in one line saying where it belongs."""
    if UPSTREAM is None:
        pytest.fail("shared/specs/upstream is missing: this test reads the upstream Engine API specs from the "
                    "shared/ folder beside the checkout (as CI lays it out); copy it there", pytrace=False)
    return UPSTREAM


def upstream_spec(version: str) -> dict[str, Any]:
    """The upstream spec of ``version`` (``"v1.52"``) as parsed YAML."""
    return dict(yaml.safe_load((upstream_dir() / f"{version}.yaml").read_text()))


def example(spec: dict[str, Any], schema: dict[str, Any]) -> Any:
    """A value of ``schema`` made of the spec's own examples: each property's example where it has one, else a
    value of its type built the same way (``{"$ref": "#/definitions/EventMessage"}`` works as a schema)."""
    while "$ref" in schema:
        schema = spec["definitions"][schema["$ref"].rsplit("/", 1)[1]]
    if "example" in schema:
        value = schema["example"]
        if schema.get("type") == "integer" and isinstance(value, str) and value.isdigit():
            return int(value)  # some examples quote a number ("Created": "1739811096"); daemons send numbers
        return value
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            merged.update(example(spec, part))
        return merged
    kind = schema.get("type", "object")
    if kind == "object":
        if "properties" in schema:
            return {name: example(spec, prop) for name, prop in schema["properties"].items()}
        extra = schema.get("additionalProperties")
        return {"example": example(spec, extra)} if isinstance(extra, dict) else {}
    if kind == "array":
        return [example(spec, schema.get("items", {}))]
    if "enum" in schema:
        return schema["enum"][0]
    return {"string": "", "integer": 0, "number": 0, "boolean": False}.get(kind)
