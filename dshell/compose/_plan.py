"""A model made engine requests: network, volume and container bodies with docker compose's names and labels."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import dshell.client as docker

from . import _labels as L
from ._load import Model

HASH_LEFT_OUT = ("build", "pull_policy", "scale", "depends_on", "profiles")
"""Keys of a service that do not make its containers differ (docker compose's ServiceHash leaves them out too)."""


def config_hash(service: dict[str, Any]) -> str:
    """dshell's config hash of a service: SHA-256 of its long-form model (sorted JSON) without HASH_LEFT_OUT."""
    kept = {k: v for k, v in service.items() if k not in HASH_LEFT_OUT}
    return hashlib.sha256(json.dumps(kept, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def image_name(model: Model, name: str) -> str:
    """The service's image: ``image:``, else the one ``build`` makes, ``PROJECT-SERVICE``."""
    image: str = model.services[name].get("image") or f"{model.name}-{name}"
    return image


def container_name(model: Model, name: str, number: int) -> str:
    """``container_name:``, else ``PROJECT-SERVICE-N``."""
    custom: str | None = model.services[name].get("container_name")
    return custom or f"{model.name}-{name}-{number}"


def network_request(model: Model, key: str) -> dict[str, Any]:
    """NetworkCreate for a network of the project."""
    net = model.networks[key]
    labels = {**net.get("labels", {}), L.NETWORK: key, L.PROJECT: model.name, L.VERSION: L.COMPOSE_VERSION}
    body: dict[str, Any] = {"Name": net["name"], "Driver": net.get("driver", ""), "CheckDuplicate": True,
                            "Labels": labels, "Options": net.get("driver_opts", {})}
    for key_, field in (("internal", "Internal"), ("attachable", "Attachable"), ("enable_ipv6", "EnableIPv6")):
        if key_ in net:
            body[field] = net[key_]
    return {"op": "NetworkCreate", "params": {"networkConfig": body}}


def volume_request(model: Model, key: str) -> dict[str, Any]:
    """VolumeCreate for a volume of the project."""
    vol = model.volumes[key]
    labels = {**vol.get("labels", {}), L.VOLUME: key, L.PROJECT: model.name, L.VERSION: L.COMPOSE_VERSION}
    body = {"Name": vol["name"], "Driver": vol.get("driver", "local"), "DriverOpts": vol.get("driver_opts", {}),
            "Labels": labels}
    return {"op": "VolumeCreate", "params": {"volumeConfig": body}}


def labels(model: Model, name: str, number: int, image_id: str, oneoff: bool = False) -> dict[str, str]:
    """The labels of a container of service ``name``, as docker compose sets them."""
    svc = model.services[name]
    depends = ",".join(f"{dep}:{cfg['condition']}:{str(cfg['restart']).lower()}"
                       for dep, cfg in (svc.get("depends_on") or {}).items())
    out = {**svc.get("labels", {}), L.PROJECT: model.name, L.SERVICE: name, L.ONEOFF: "True" if oneoff else "False",
           L.CONFIG_HASH: config_hash(svc), L.DEPENDS_ON: depends, L.IMAGE: image_id,
           L.WORKING_DIR: model.working_dir, L.CONFIG_FILES: ",".join(model.files), L.VERSION: L.COMPOSE_VERSION}
    if not oneoff:
        out[L.NUMBER] = str(number)
    if model.env_file:
        out[L.ENVIRONMENT_FILE] = model.env_file
    return out


def networks_by_priority(service: dict[str, Any]) -> list[str]:
    """The service's networks, highest ``priority`` first, then by name (the first is the container's primary)."""
    nets = service.get("networks") or {}
    return sorted(nets, key=lambda k: (-((nets[k] or {}).get("priority") or 0), k))


def endpoint(model: Model, name: str, key: str, container: str) -> dict[str, Any]:
    """The endpoint settings of a container of ``name`` on network ``key``: its name, the service's name and the
    network's aliases as DNS aliases."""
    cfg = (model.services[name].get("networks") or {}).get(key) or {}
    settings: dict[str, Any] = {"Aliases": [container, name, *cfg.get("aliases", [])]}
    ipam = {k: cfg[c] for c, k in (("ipv4_address", "IPv4Address"), ("ipv6_address", "IPv6Address")) if c in cfg}
    if ipam:
        settings["IPAMConfig"] = ipam
    return settings


def container_request(model: Model, name: str, number: int, image_id: str, api_version: str,
                      container_ids: dict[str, str] | None = None, oneoff: bool = False,
                      command: list[str] | None = None, container: str | None = None) -> dict[str, Any]:
    """ContainerCreate for container ``number`` of service ``name`` (``container_ids``: service -> a container
    of it, for ``network_mode: service:X``); a one-off (``compose run``) gets ``command`` and ``container``."""
    svc = model.services[name]
    cname = container or container_name(model, name, number)
    body: dict[str, Any] = {
        "Hostname": svc.get("hostname", ""), "Domainname": svc.get("domainname", ""), "User": svc.get("user", ""),
        "ExposedPorts": _exposed(svc), "Tty": bool(svc.get("tty")), "OpenStdin": bool(svc.get("stdin_open")),
        "AttachStdout": True, "AttachStderr": True, "Cmd": command if command is not None else svc.get("command"),
        "Image": image_name(model, name), "WorkingDir": svc.get("working_dir", ""),
        "Entrypoint": svc.get("entrypoint"), "Labels": labels(model, name, number, image_id, oneoff),
        "Env": [f"{k}={v}" for k, v in sorted(svc["environment"].items())],
    }
    for key, field in (("stop_signal", "StopSignal"),):
        if key in svc:
            body[field] = svc[key]
    if "stop_grace_period" in svc:
        body["StopTimeout"] = svc["stop_grace_period"] // 10**9
    if svc.get("healthcheck"):
        body["Healthcheck"] = _healthcheck(svc["healthcheck"])
    host, networking = _host_config(model, name, cname, api_version, container_ids or {})
    body["HostConfig"] = host
    if networking:
        body["NetworkingConfig"] = {"EndpointsConfig": networking}
    return {"op": "ContainerCreate", "params": {"name": cname, "body": body}}


def later_networks(model: Model, name: str, container: str, api_version: str) -> list[tuple[str, dict[str, Any]]]:
    """(network name, endpoint settings) to connect after create: API < 1.44 takes only one network in create."""
    svc = model.services[name]
    if "network_mode" in svc or _at_least(api_version, "1.44"):
        return []
    keys = networks_by_priority(svc)[1:]
    return [(model.networks[k]["name"], endpoint(model, name, k, container)) for k in keys]


def _at_least(version: str, floor: str) -> bool:
    return docker.version_key(version) >= docker.version_key(floor)


def _exposed(svc: dict[str, Any]) -> dict[str, Any]:
    ports: dict[str, Any] = {e: {} for e in svc.get("expose", [])}
    ports.update({f"{p['target']}/{p['protocol']}": {} for p in svc.get("ports", [])})
    return ports


def _healthcheck(check: dict[str, Any]) -> dict[str, Any]:
    fields = {"test": "Test", "interval": "Interval", "timeout": "Timeout", "start_period": "StartPeriod",
              "start_interval": "StartInterval", "retries": "Retries"}
    return {fields[k]: v for k, v in check.items() if k in fields}


_RESTART = {"none": "no", "no": "no", "any": "always", "always": "always", "on-failure": "on-failure",
            "unless-stopped": "unless-stopped"}


def _restart(value: str | None) -> dict[str, Any]:
    if not value:
        return {"Name": "", "MaximumRetryCount": 0}
    name, _, count = value.partition(":")
    return {"Name": _RESTART.get(name, name), "MaximumRetryCount": int(count) if count.isdigit() else 0}


def _host_config(model: Model, name: str, container: str, api_version: str, container_ids: dict[str, str]
                 ) -> tuple[dict[str, Any], dict[str, Any]]:
    svc = model.services[name]
    binds, mounts = _mounts(model, svc)
    host: dict[str, Any] = {"Binds": binds, "Mounts": mounts, "RestartPolicy": _restart(svc.get("restart")),
                            "PortBindings": {}}
    for p in svc.get("ports", []):
        host["PortBindings"].setdefault(f"{p['target']}/{p['protocol']}", []).append(
            {"HostIp": p["host_ip"], "HostPort": p["published"]})
    for key, field in (("cap_add", "CapAdd"), ("cap_drop", "CapDrop")):
        if key in svc:
            host[field] = [c if c == "ALL" or c.startswith("CAP_") else f"CAP_{c}" for c in svc[key]]
    for key, field in (("dns", "Dns"), ("extra_hosts", "ExtraHosts"),
                       ("init", "Init"), ("privileged", "Privileged"), ("read_only", "ReadonlyRootfs")):
        if key in svc:
            host[field] = svc[key]
    if svc.get("tmpfs"):
        host["Tmpfs"] = {t.partition(":")[0]: t.partition(":")[2] for t in svc["tmpfs"]}
    if svc.get("logging"):
        host["LogConfig"] = {"Type": svc["logging"].get("driver", ""), "Config": svc["logging"].get("options", {})}
    mode = svc.get("network_mode")
    if mode is not None:
        if mode.startswith("service:"):
            mode = f"container:{container_ids.get(mode[8:], mode[8:])}"
        host["NetworkMode"] = mode
        return host, {}
    keys = networks_by_priority(svc)
    host["NetworkMode"] = model.networks[keys[0]]["name"]
    chosen = keys if _at_least(api_version, "1.44") else keys[:1]
    return host, {model.networks[k]["name"]: endpoint(model, name, k, container) for k in chosen}


def _mounts(model: Model, svc: dict[str, Any]) -> tuple[list[str], list[dict[str, Any]]]:
    """(Binds, Mounts) as docker compose splits them: named volumes and simple binds as bind strings, the rest
    as mounts."""
    binds: list[str] = []
    mounts: list[dict[str, Any]] = []
    for vol in svc.get("volumes", []):
        kind, target, ro = vol["type"], vol["target"], vol.get("read_only", False)
        if kind == "tmpfs":
            tmpfs = {k: v for k, v in (("SizeBytes", (vol.get("tmpfs") or {}).get("size")),
                                       ("Mode", (vol.get("tmpfs") or {}).get("mode"))) if v is not None}
            mounts.append({"Type": "tmpfs", "Target": target, **({"TmpfsOptions": tmpfs} if tmpfs else {})})
        elif kind == "volume" and not vol.get("source"):
            mounts.append({"Type": "volume", "Target": target, "ReadOnly": ro})
        elif kind == "volume":
            name = model.volumes[vol["source"]]["name"]
            if (vol.get("volume") or {}).get("nocopy"):
                mounts.append({"Type": "volume", "Source": name, "Target": target, "ReadOnly": ro,
                               "VolumeOptions": {"NoCopy": True}})
            else:
                binds.append(f"{name}:{target}:{'ro' if ro else 'rw'}")
        else:
            bind = vol.get("bind") or {}
            if bind.get("create_host_path", True) and not bind.get("propagation"):
                options = ["ro" if ro else "rw", *([bind["selinux"]] if bind.get("selinux") else [])]
                binds.append(f"{vol['source']}:{target}:{','.join(options)}")
            else:
                propagation = {"Propagation": bind["propagation"]} if bind.get("propagation") else {}
                mounts.append({"Type": "bind", "Source": vol["source"], "Target": target, "ReadOnly": ro,
                               **({"BindOptions": propagation} if propagation else {})})
    return binds, mounts
