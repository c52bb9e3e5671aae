"""``service update``, ``service scale`` and ``node update`` as the docker CLI runs them: the object's current spec
and version read (ServiceInspect, NodeInspect), the flags' changes made to the spec (pure: ``changed``), the spec
sent back with that version (ServiceUpdate, NodeUpdate)."""

from __future__ import annotations

import copy
from typing import Any

from .plan import PlanError, with_defaults
from .specopts import port_key

_LISTS = {  # flag param -> (where in a service spec, what an item is known by)
    "env-add": ("TaskTemplate.ContainerSpec.Env", "env"), "env-rm": ("TaskTemplate.ContainerSpec.Env", "env"),
    "constraint-add": ("TaskTemplate.Placement.Constraints", "same"),
    "constraint-rm": ("TaskTemplate.Placement.Constraints", "same"),
    "publish-add": ("EndpointSpec.Ports", "port"), "publish-rm": ("EndpointSpec.Ports", "port"),
    "mount-add": ("TaskTemplate.ContainerSpec.Mounts", "mount"),
    "mount-rm": ("TaskTemplate.ContainerSpec.Mounts", "mount"),
}
_MAPS = {"label-add": "Labels", "label-rm": "Labels", "container-label-add": "TaskTemplate.ContainerSpec.Labels",
         "container-label-rm": "TaskTemplate.ContainerSpec.Labels"}


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


def changed(spec: dict[str, Any], params: dict[str, Any], force: bool = False, node: bool = False,
            defaults: dict[str, Any] | None = None) -> dict[str, Any]:
    """``spec`` with the changes the flags made (``params`` as planned: ``body`` the keys set, ``env-add`` ... the
    edits of lists and maps, as the CLI makes them); ``force``: a new ForceUpdate, so the tasks are redeployed even
    with nothing changed (service update --force); ``defaults``: a part the spec lacks starts as docker's default
    when a flag sets one of its keys (the table's, by ``body.`` path)."""
    out = copy.deepcopy(spec)
    body = params.get("body") or {}
    with_defaults(out, body, {path.removeprefix("body."): value for path, value in (defaults or {}).items()})
    replicas = (body.get("Mode") or {}).get("Replicated")
    if replicas is not None and "Replicated" not in (out.get("Mode") or {}):
        raise PlanError("replicas can only be used with replicated mode")
    _merge(out, body)
    for name, items in sorted(params.items(), key=lambda item: not item[0].endswith("-rm")):
        if name in _MAPS:
            labels = _at(out, "Labels" if node else _MAPS[name], {})
            for item in items:
                key, _, value = str(item).partition("=")
                if name.endswith("-add"):
                    labels[key] = value
                else:
                    labels.pop(key, None)
        elif name in _LISTS:
            _edit(_at(out, _LISTS[name][0], []), name, items, _LISTS[name][1])
    if force:
        template = out.setdefault("TaskTemplate", {})
        template["ForceUpdate"] = int(template.get("ForceUpdate") or 0) + 1
    return out


def _edit(present: list[Any], name: str, items: list[Any], keyed: str) -> None:
    """A list of the spec edited as docker's ``--X-add``/``--X-rm`` edit it: an added item replaces the one known by
    the same key (an env variable by its name, a mount by its target); ports and mounts then sorted as docker
    sorts them; the removals first."""
    if name.endswith("-rm"):
        drop = {_item_key(item, keyed, removing=True) for item in items}
        present[:] = [item for item in present if _item_key(item, keyed, removing=True) not in drop]
    else:
        added = {_item_key(item, keyed) for item in items} if keyed != "same" else set()
        present[:] = [item for item in present if _item_key(item, keyed) not in added] + list(items)
    if keyed == "same":  # constraints, sorted "so that the result is predictable" (the CLI's words)
        present.sort()
    elif keyed == "port":
        present.sort(key=port_key)
    elif keyed == "mount":
        present.sort(key=lambda m: (m.get("Source") or "", m.get("Target") or ""))


def _item_key(item: Any, keyed: str, removing: bool = False) -> Any:
    """What an item is known by: an env entry by its name, a mount by its target (``--mount-rm`` names it), a port
    by all of it when added and by its target, protocol and mode when removed, as the CLI compares them."""
    if keyed == "env":
        return str(item).partition("=")[0]
    if keyed == "mount":
        return str(item) if isinstance(item, str) else item.get("Target")
    if keyed == "port":
        return port_key(item) if not removing else (item.get("TargetPort"), item.get("Protocol") or "tcp",
                                                    item.get("PublishMode") or "ingress")
    return str(item)


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
