"""An OpCall -> the op's params, by its spec: each word typed once, by the param it goes to (a string param
keeps the text: ``id=010``, ``name=true``; an integer or a boolean param reads a number or true/false), refs
resolved, positional values placed. Pure: the spec and the ref resolver are given."""

from __future__ import annotations

import math
import os
from collections.abc import Callable

from dshell._checking import TYPE_CHECKING

from .grammar import OpCall
from .values import parse_value, word_text

if TYPE_CHECKING:
    from typing import Any

    from dshell.client import Operation, Param, SpecIndex

_BOOLS = {"true": True, "1": True, "false": False, "0": False}
_EXPECTED = {"integer": "an integer (like 10)", "number": "a number (like 1.5)",
             "boolean": "true or false (or 1 / 0)"}


def bind(cmd: OpCall, spec: SpecIndex, resolve: Callable[[Any], Any]) -> dict[str, Any]:
    """The params of ``cmd`` for ``spec``; ``resolve`` replaces the Refs in a value by what they point at."""
    import dshell.client as docker

    op = spec.ops.get(cmd.op)
    if op is not None and cmd.category and op.category != cmd.category:
        raise docker.ValidationError(f"op {cmd.op!r} is in category {op.category!r}, not {cmd.category!r}")
    params = {name: resolve(typed(cmd.op, name, value, op.params.get(name) if op else None))
              for name, value in cmd.params.items()}
    if op is None:
        return params
    for value in cmd.args:
        if not isinstance(value, str):  # a collection, a Ref, @path: placed by what it is
            value = resolve(value)
            params[slot(op, params, value)] = value
        else:
            name = slot(op, params, value)
            params[name] = resolve(typed(cmd.op, name, value, op.params[name]))
    return params


def typed(op: str, name: str, value: Any, param: Param | None) -> Any:
    """A value of an OpCall as the param ``name`` of ``op`` takes it: a word (text, as typed) by the param's
    type (an array param: a list of that one item); no param known (an unknown op or param): read as a literal
    alone says; any other value as it is."""
    if name == "filters" and isinstance(value, list) and all(isinstance(v, str) for v in value):
        return filters_map(op, value)
    if not isinstance(value, str):
        return value
    from .since import TIME_PARAMS, timestamp  # here: an op call without words to read does not import it

    if name in TIME_PARAMS and param is not None:  # since=10m, until=2024-05-01T10:00: as the docker CLI reads them
        value = timestamp(word_text(value), whole=param.type == "integer")
    if name == "filters" and param is not None and param.type == "string":
        return filters_map(op, word_text(value))
    if param is not None and param.type == "array":
        return [_scalar(op, name, value, (param.items or {}).get("type"))]
    return _scalar(op, name, value, param.type if param is not None else None)


def filters_map(op: str, value: str | list[str]) -> Any:
    """A ``filters`` value in docker's ``k=v`` form (``label=app=web``; several: ``[label=a, status=exited]``) as
    the API's map of lists; a map (``{...}``, JSON or YAML) as it is."""
    if isinstance(value, str) and value.lstrip().startswith(("{", "[")):
        value = parse_value(value)
        if isinstance(value, dict):
            return value
    items = value if isinstance(value, list) else [value]
    out: dict[str, list[str]] = {}
    for item in items:
        key, eq, val = str(item).partition("=")
        if not eq or not key:
            import dshell.client as docker

            raise docker.ValidationError(f"{op}: filters wants key=value (filters=label=app, or several: "
                                         f"filters=[label=app, status=exited]), got {str(item)!r}")
        out.setdefault(key.strip(), []).append(val.strip())
    return out


def _scalar(op: str, name: str, word: str, kind: str | None) -> Any:
    if kind == "string":
        return word_text(word)
    if kind not in _EXPECTED:
        return parse_value(word)
    text = word_text(word)
    if text == "null":
        return None
    found = _BOOLS.get(text.lower()) if kind == "boolean" else _number(text, integer=kind == "integer")
    if found is None:
        import dshell.client as docker

        raise docker.ValidationError(f"{op}: param {name!r} must be {_EXPECTED[kind]}, got {text!r}")
    return found


def _number(text: str, integer: bool) -> int | float | None:
    """``text`` as an int (decimal, also 010 and 1_000; or 0x/0o/0b), else (unless ``integer``) a finite
    float; None when it is neither."""
    for base in (10, 0):
        try:
            return int(text, base)
        except ValueError:
            pass
    if integer:
        return None
    try:
        found = float(text)
    except ValueError:
        return None
    return found if math.isfinite(found) else None


def slot(op: Operation, params: dict[str, Any], value: Any) -> str:
    """Where a positional value goes: the body for {...}/[...], a binary body for @path, else the next path
    param."""
    import dshell.client as docker

    body = op.body_param
    if isinstance(value, dict | list) and body is not None and body.name not in params:
        return body.name
    if isinstance(value, os.PathLike) or hasattr(value, "read"):  # @path (a pathlib.Path), @-
        from .bodies import binary_body

        name = binary_body(op)
        if name is None or name in params:
            raise docker.ValidationError(f"{op.name}: @path is for a binary body (inputStream of "
                                         "PutContainerArchive, ImageBuild, ImageLoad, ...); this op has none free")
        return name
    for param in op.params.values():
        if param.location == "path" and param.name not in params:
            return param.name
    raise docker.ValidationError(f"{op.name}: no place for the positional value {value!r}; give name=value")
