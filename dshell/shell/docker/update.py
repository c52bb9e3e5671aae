"""``service update``, ``service scale`` and ``node update`` as the docker CLI runs them: the object's current spec
and version read (ServiceInspect, NodeInspect), the flags' changes made to the spec (pure: ``changed``), the spec
sent back with that version (ServiceUpdate, NodeUpdate)."""

from __future__ import annotations

import copy
import shlex
from typing import Any

from .plan import PlanError

_LISTS = {  # flag param -> (where in a service spec, how an item is keyed)
    "env-add": ("TaskTemplate.ContainerSpec.Env", "env"), "env-rm": ("TaskTemplate.ContainerSpec.Env", "env"),
    "constraint-add": ("TaskTemplate.Placement.Constraints", "same"),
    "constraint-rm": ("TaskTemplate.Placement.Constraints", "same"),
}
_MAPS = {"label-add": "Labels", "label-rm": "Labels", "container-label-add": "TaskTemplate.ContainerSpec.Labels",
         "container-label-rm": "TaskTemplate.ContainerSpec.Labels"}
SPECIAL = {*_LISTS, *_MAPS, "id"}


def _at(spec: dict[str, Any], path: str, default: Any) -> Any:
    here = spec
    steps = path.split(".")
    for step in steps[:-1]:
        here = here.setdefault(step, {})
    return here.setdefault(steps[-1], default)


def _merge(into: dict[str, Any], changes: dict[str, Any]) -> None:
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def changed(spec: dict[str, Any], params: dict[str, Any], force: bool = False, node: bool = False) -> dict[str, Any]:
    """``spec`` with the changes the flags made (``params`` as planned); ``force``: a new ForceUpdate, so the tasks
    are redeployed even with nothing changed (service update --force)."""
    out = copy.deepcopy(spec)
    plain = {k: v for k, v in params.items() if k not in SPECIAL}
    if isinstance(plain.get("TaskTemplate", {}).get("ContainerSpec", {}).get("Args"), str):
        plain["TaskTemplate"]["ContainerSpec"]["Args"] = shlex.split(plain["TaskTemplate"]["ContainerSpec"]["Args"])
    _merge(out, plain)
    for name, items in params.items():
        if name in _MAPS:
            labels = _at(out, "Labels" if node else _MAPS[name], {})
            for item in items:
                key, _, value = str(item).partition("=")
                if name.endswith("-add"):
                    labels[key] = value
                else:
                    labels.pop(key, None)
        elif name in _LISTS:
            path, keyed = _LISTS[name]
            present = _at(out, path, [])
            drop = {_item_key(item, keyed) for item in items}
            present[:] = [item for item in present if _item_key(item, keyed) not in drop]
            if name.endswith("-add"):
                present += list(items)
    if force:
        template = out.setdefault("TaskTemplate", {})
        template["ForceUpdate"] = int(template.get("ForceUpdate") or 0) + 1
    return out


def _item_key(item: Any, keyed: str) -> str:
    """What an env entry is known by (its name), or a constraint (all of it)."""
    return str(item).partition("=")[0] if keyed == "env" else str(item)


def scaled(spec: dict[str, Any], name: str, replicas: int) -> dict[str, Any]:
    """``spec`` with ``replicas`` tasks; PlanError for a global service, as docker says."""
    mode = spec.get("Mode") or {}
    if "Replicated" not in mode:
        raise PlanError(f"{name}: scale can only be used with replicated mode")
    out = copy.deepcopy(spec)
    out["Mode"]["Replicated"]["Replicas"] = replicas
    return out


def scale_target(word: str) -> tuple[str, int]:
    """``web=3`` → ("web", 3); PlanError in docker's words otherwise."""
    name, eq, count = word.partition("=")
    if not eq or not name:
        raise PlanError(f"invalid scale specifier '{word}': expected SERVICE=REPLICAS, e.g. {word or 'web'}=3")
    if not count.isdigit():
        raise PlanError(f"invalid replicas value {count}: must be a non-negative integer")
    return name, int(count)
