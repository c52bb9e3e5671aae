"""What a project looks like on the engine, reduced to what docker compose and dshell must agree on."""

from __future__ import annotations

from typing import Any

import dshell.client as docker

OWN_HASH = "com.docker.compose.config-hash"
"""Each tool writes its own config hash (docker compose's is a SHA-256 of its Go model's JSON): compared only
for being there on containers; dshell writes none on networks and volumes (docker compose then adopts them
as they are, where a different hash would make it remove the network or ask before recreating the volume)."""
ORDERLESS = "com.docker.compose.depends_on"
"""docker compose writes the dependencies in Go map order (random): compared as a set."""


def _labels(labels: dict[str, str] | None) -> dict[str, Any]:
    out: dict[str, Any] = {k: v for k, v in (labels or {}).items() if k != OWN_HASH}
    if ORDERLESS in out:
        out[ORDERLESS] = sorted(filter(None, out[ORDERLESS].split(",")))
    return out


def _endpoints(networks: dict[str, Any], cid: str) -> dict[str, list[str]]:
    return {name: sorted(a for a in (ep.get("Aliases") or []) if not cid.startswith(a))
            for name, ep in networks.items()}


def _volume_name(mount: dict[str, Any]) -> str:
    """A mount's volume name or source; an anonymous volume's random name as ``<anonymous>``."""
    name = str(mount.get("Name") or mount.get("Source") or "")
    return "<anonymous>" if len(name) == 64 and all(c in "0123456789abcdef" for c in name) else name


def container(data: dict[str, Any]) -> dict[str, Any]:
    """One ContainerInspect reduced: name, labels, networks and aliases, mounts, env, ports, restart, health,
    and the service options the compose files set."""
    config, host = data["Config"], data["HostConfig"]
    return {
        "Name": data["Name"].lstrip("/"),
        "Labels": _labels(config.get("Labels")),
        "HasConfigHash": OWN_HASH in (config.get("Labels") or {}),
        "Networks": _endpoints(data["NetworkSettings"].get("Networks") or {}, data["Id"]),
        "NetworkMode": host.get("NetworkMode", "").split(":")[0],
        "Mounts": sorted((m.get("Type"), _volume_name(m), m["Destination"], m.get("RW"))
                         for m in data.get("Mounts") or []),
        "Tmpfs": host.get("Tmpfs") or {},
        "Env": sorted(config.get("Env") or []),
        "Ports": {k: sorted((b.get("HostIp"), b.get("HostPort")) for b in v or [])
                  for k, v in (host.get("PortBindings") or {}).items()},
        "Exposed": sorted(config.get("ExposedPorts") or {}),
        "Restart": host.get("RestartPolicy"),
        "Health": config.get("Healthcheck"),
        "Cmd": config.get("Cmd"), "Entrypoint": config.get("Entrypoint"), "Image": config.get("Image"),
        "User": config.get("User"), "WorkingDir": config.get("WorkingDir"),
        "Hostname": config.get("Hostname") if config.get("Domainname") else None,
        "Domainname": config.get("Domainname"), "Tty": config.get("Tty"), "OpenStdin": config.get("OpenStdin"),
        "StopSignal": config.get("StopSignal"), "StopTimeout": config.get("StopTimeout"),
        "CapAdd": host.get("CapAdd"), "CapDrop": host.get("CapDrop"),
        "ExtraHosts": sorted(host.get("ExtraHosts") or []), "Dns": host.get("Dns") or [],
        "LogConfig": host.get("LogConfig"), "Init": host.get("Init"),
    }


def project(c: docker.Client, name: str) -> dict[str, Any]:
    """Every container, network and volume labelled as ``name``'s, reduced, by name."""
    label = {"label": [f"com.docker.compose.project={name}"]}
    rows = docker.invoke(c, {"op": "ContainerList", "params": {"all": True, "filters": label}})
    containers = {}
    for row in rows:
        data = docker.invoke(c, {"op": "ContainerInspect", "params": {"id": row["Id"]}})
        containers[data["Name"].lstrip("/")] = container(data)
    networks = {n["Name"]: {"Labels": _labels(n.get("Labels")), "Driver": n.get("Driver"),
                            "Internal": n.get("Internal"), "Attachable": n.get("Attachable")}
                for n in docker.invoke(c, {"op": "NetworkList", "params": {"filters": label}})}
    volumes = {v["Name"]: {"Labels": _labels(v.get("Labels")), "Driver": v.get("Driver")}
               for v in docker.invoke(c, {"op": "VolumeList", "params": {"filters": label}}).get("Volumes") or []}
    return {"containers": containers, "networks": networks, "volumes": volumes}
