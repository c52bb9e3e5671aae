"""Parsed op words -> the op's params, by its spec: refs resolved, positional values placed, a number typed
for a string param kept as the text typed. Pure: the spec and the ref resolver are given."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from dshell.explorer import Ref

from .parse import OpCall

if TYPE_CHECKING:
    from dshell.client import Operation, SpecIndex


def bind(cmd: OpCall, spec: SpecIndex, resolve: Callable[[Any], Any]) -> dict[str, Any]:
    """The params of ``cmd`` for ``spec``; ``resolve`` replaces the Refs in a value by what they point at."""
    import dshell.client as docker

    op = spec.ops.get(cmd.op)
    if op is not None and cmd.category and op.category != cmd.category:
        raise docker.ValidationError(f"op {cmd.op!r} is in category {op.category!r}, not {cmd.category!r}")
    params = {name: resolve(value) for name, value in cmd.params.items()}
    if op is None:
        return params
    raw = {name: text for name, text in cmd.raw.items() if not isinstance(cmd.params[name], Ref)}
    for typed, text in zip(cmd.args, cmd.raw_args, strict=True):
        value = resolve(typed)
        name = slot(op, params, value)
        params[name] = value
        if not isinstance(typed, Ref):
            raw[name] = text
    for name, value in params.items():
        param = op.params.get(name)
        if param is not None and param.type == "string" and isinstance(value, int | float | bool) and name in raw:
            params[name] = raw[name]  # `id=010` or `ContainerInspect 12345` mean text
    return params


def slot(op: Operation, params: dict[str, Any], value: Any) -> str:
    """Where a positional value goes: the body for {...}/[...], a binary body for @path, else the next path
    param."""
    import dshell.client as docker

    body = op.body_param
    if isinstance(value, dict | list) and body is not None and body.name not in params:
        return body.name
    if isinstance(value, PurePath) or hasattr(value, "read"):  # @path, @-
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
