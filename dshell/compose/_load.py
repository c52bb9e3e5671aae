"""A project's model from its files: read, interpolate, check, expand, extend, merge, resolve."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import _files, _interp, _normalize, _order, _schema
from ._errors import ComposeError
from ._merge import merge


@dataclass(frozen=True)
class Model:
    """A resolved project: what ``docker compose config`` prints, plus where it came from."""

    name: str
    working_dir: str
    files: tuple[str, ...]
    services: dict[str, dict[str, Any]]
    networks: dict[str, dict[str, Any]]
    volumes: dict[str, dict[str, Any]]
    env_file: str | None = None
    warnings: tuple[str, ...] = field(default=())

    def config(self) -> dict[str, Any]:
        """The resolved model as data (``compose config``)."""
        return {"name": self.name, "services": self.services, "networks": self.networks, "volumes": self.volumes}

    def graph(self) -> dict[str, list[str]]:
        """Service name -> the services it needs."""
        return {name: _order.needs(svc) for name, svc in self.services.items()}


def load(files: Sequence[str] = (), workdir: str | None = None, name: str | None = None,
         env: Mapping[str, str] | None = None, env_file: str | None = None,
         profiles: Sequence[str] = ()) -> Model:
    """The model of the project in ``files`` (default: found from ``workdir`` as docker compose finds them),
    with variables from ``env`` (default: this process's) over the project's ``.env`` (or ``env_file``)."""
    workdir = os.path.abspath(workdir or os.getcwd())
    outer = dict(os.environ if env is None else env)
    paths = [os.path.abspath(os.path.join(workdir, f)) for f in files] or _files.find(workdir, outer)
    project_dir = os.path.dirname(paths[0])
    dotenv = os.path.abspath(os.path.join(workdir, env_file)) if env_file else os.path.join(project_dir, ".env")
    values = _interp.read_env_file(dotenv, outer) if env_file or os.path.isfile(dotenv) else {}
    variables = {**values, **outer}
    warnings: list[str] = []
    unset: list[str] = []

    def missing(var: str) -> None:
        if var not in unset:
            unset.append(var)

    merged: dict[str, Any] = {}
    for path in paths:
        doc = _read(path, variables, missing)
        if "version" in doc:
            warnings.append(f"{path}: the attribute `version` is obsolete, it is ignored")
        merged = merge(merged, _file_model(doc, path, project_dir, variables, missing))
    warnings += [f'the "{var}" variable is not set: defaulting to a blank string' for var in unset]
    project = _files.project_name(name, variables, merged.get("name"), project_dir)
    active = set(profiles) | {p for p in variables.get("COMPOSE_PROFILES", "").split(",") if p}
    services = {k: v for k, v in (merged.get("services") or {}).items()
                if not v.get("profiles") or active & set(v["profiles"])}
    model = _resolve(project, services, merged.get("networks") or {}, merged.get("volumes") or {}, variables,
                     paths[0])
    return Model(project, project_dir, tuple(paths), model[0], model[1], model[2],
                 os.path.abspath(env_file) if env_file else None, tuple(warnings))


def _read(path: str, variables: Mapping[str, str], missing: Any) -> dict[str, Any]:
    """One file loaded, interpolated and checked against the schema."""
    import yaml

    try:
        with open(path, encoding="utf-8") as f:
            doc = yaml.safe_load(f)
    except OSError as e:
        raise ComposeError(f"cannot read the compose file: {e.strerror}", path) from None
    except UnicodeDecodeError:
        raise ComposeError("the compose file is not UTF-8 text", path) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else None
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise ComposeError(f"not valid YAML: {problem}", path, where) from None
    if doc is None:
        raise ComposeError("the compose file is empty", path)
    return _schema.check(_interp.interpolate(doc, variables, path, "", missing), path)


def _file_model(doc: dict[str, Any], path: str, base_dir: str, variables: Mapping[str, str], missing: Any,
                seen: tuple[tuple[str, str], ...] = ()) -> dict[str, Any]:
    """One file's name, services (extends resolved), networks and volumes in long form."""
    raw = doc.get("services") or {}
    services = {k: _normalize.service(v or {}, base_dir, path, f"services.{k}") for k, v in raw.items()}
    resolved = {k: _extends(k, services, path, base_dir, variables, missing, seen) for k in services}
    out: dict[str, Any] = {"services": resolved}
    if doc.get("name"):
        out["name"] = doc["name"]
    for kind in ("networks", "volumes"):
        if kind in doc:
            out[kind] = {k: _normalize.resource(v) for k, v in (doc[kind] or {}).items()}
    return out


def _extends(name: str, services: dict[str, dict[str, Any]], path: str, base_dir: str,
             variables: Mapping[str, str], missing: Any, seen: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    svc = services[name]
    spec = svc.get("extends")
    if spec is None:
        return svc
    if (path, name) in seen:
        chain = " -> ".join(f"{n}" for _, n in (*seen, (path, name)))
        raise ComposeError(f"extends cycle: {chain}", path, f"services.{name}.extends")
    target = spec.get("service")
    if not target:
        raise ComposeError("extends needs a service", path, f"services.{name}.extends")
    if spec.get("file"):
        other = os.path.normpath(os.path.join(os.path.dirname(path), spec["file"]))
        doc = _read(other, variables, missing)
        pool = {k: _normalize.service(v or {}, os.path.dirname(other), other, f"services.{k}")
                for k, v in (doc.get("services") or {}).items()}
        where = other
    else:
        pool, where = services, path
    if target not in pool:
        raise ComposeError(f"extends names service {target!r}, which {os.path.basename(where)} does not define",
                           path, f"services.{name}.extends")
    base = _extends(target, pool, where, os.path.dirname(where), variables, missing, (*seen, (path, name)))
    own = {k: v for k, v in svc.items() if k != "extends"}
    result: dict[str, Any] = merge(base, own)
    return result


def _resolve(project: str, services: dict[str, dict[str, Any]], networks: dict[str, dict[str, Any]],
             volumes: dict[str, dict[str, Any]], variables: Mapping[str, str], file: str
             ) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """Services with their env files read, default network, scale and checked references; networks and volumes
    named as on the engine."""
    out: dict[str, dict[str, Any]] = {}
    used_networks: set[str] = set()
    for name, raw in sorted(services.items()):
        svc = dict(raw)
        where = f"services.{name}"
        if not svc.get("image") and not svc.get("build"):
            raise ComposeError("has neither an image nor a build context", file, where)
        svc["environment"] = _environment(svc, variables, file, where)
        svc.pop("env_file", None)
        if "network_mode" not in svc:
            svc["networks"] = svc.get("networks") or {"default": None}
            for net in svc["networks"]:
                if net != "default" and net not in networks:
                    raise ComposeError(f"refers to undefined network {net}", file, f"{where}.networks.{net}")
                used_networks.add(net)
        for n, vol in enumerate(svc.get("volumes") or []):
            if vol["type"] == "volume" and vol.get("source") and vol["source"] not in volumes:
                raise ComposeError(f"refers to undefined volume {vol['source']}", file, f"{where}.volumes[{n}]")
        for dep, cfg in (svc.get("depends_on") or {}).items():
            if dep not in services and cfg.get("required", True):
                raise ComposeError(f"depends on undefined service {dep}", file, f"{where}.depends_on.{dep}")
        scale = (svc.get("deploy") or {}).get("replicas", svc.get("scale", 1))
        if scale > 1 and svc.get("container_name"):
            raise ComposeError(f"container_name {svc['container_name']!r} cannot be shared by {scale} replicas",
                               file, f"{where}.container_name")
        svc["scale"] = scale
        svc.pop("deploy", None)
        out[name] = svc
    _order.levels({k: _order.needs(v) for k, v in out.items()}, file)
    nets = {k: _named(project, k, v) for k, v in networks.items()}
    if "default" in used_networks and "default" not in nets:
        nets["default"] = {"name": f"{project}_default"}
    vols = {k: _named(project, k, v) for k, v in volumes.items()}
    return out, nets, vols


def _named(project: str, key: str, entry: dict[str, Any]) -> dict[str, Any]:
    named = dict(entry)
    named["name"] = entry.get("name") or (key if entry.get("external") else f"{project}_{key}")
    return named


def _environment(svc: dict[str, Any], variables: Mapping[str, str], file: str, where: str) -> dict[str, str]:
    """env_file values under the service's environment; a name given without a value takes the variable's."""
    merged: dict[str, str | None] = {}
    for entry in svc.get("env_file") or []:
        if not os.path.isfile(entry["path"]):
            if entry["required"]:
                raise ComposeError(f"env file {entry['path']} not found", file, f"{where}.env_file")
            continue
        merged.update(_interp.read_env_file(entry["path"], variables))
    merged.update(svc.get("environment") or {})
    return {k: v if v is not None else variables[k] for k, v in merged.items() if v is not None or k in variables}
