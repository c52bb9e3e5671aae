"""Projects as data to look at: ``ps`` rows with docker compose's fields, the project tree, ``top``, ``images``,
``port``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import dshell.client as docker

from . import _labels as L
from . import _state
from ._life import graph_of


def _health(status: str) -> str:
    match = re.search(r"\((healthy|unhealthy|health: starting)\)", status)
    return "" if match is None else match.group(1).replace("health: ", "")


def _exit_code(status: str) -> int:
    match = re.match(r"Exited \((-?\d+)\)", status)
    return int(match.group(1)) if match else 0


def ps_row(row: dict[str, Any]) -> dict[str, Any]:
    """A ContainerList row as ``docker compose ps --format json`` names its fields."""
    labels = row.get("Labels") or {}
    status = str(row.get("Status", ""))
    publishers = [{"URL": p.get("IP", ""), "TargetPort": p.get("PrivatePort", 0),
                   "PublishedPort": p.get("PublicPort", 0), "Protocol": p.get("Type", "tcp")}
                  for p in row.get("Ports") or []]
    return {"ID": row.get("Id", ""), "Name": _state.name_of(row), "Image": row.get("Image", ""),
            "Command": row.get("Command", ""), "Project": labels.get(L.PROJECT, ""),
            "Service": labels.get(L.SERVICE, ""), "Created": row.get("Created", 0), "State": row.get("State", ""),
            "Status": status, "Health": _health(status), "ExitCode": _exit_code(status), "Publishers": publishers,
            "Ports": row.get("Ports") or []}


def ps(c: docker.Client, project: str, services: Sequence[str] = (), all: bool = False) -> list[dict[str, Any]]:
    """``compose ps [-a] [SERVICE...]``: one ContainerList, sorted by name as docker compose sorts."""
    rows = _state.containers(c, project, services, all=all)
    return sorted((ps_row(r) for r in rows), key=lambda r: str(r["Name"]))


def tree(c: docker.Client, project: str) -> dict[str, Any]:
    """project -> services (depends_on, containers with state, health, ports, networks, mounts, image) ->
    the project's networks and volumes."""
    rows = _state.containers(c, project, all=True, oneoff=True)
    graph = graph_of(rows)
    services: dict[str, Any] = {}
    for row in rows:
        labels = row.get("Labels") or {}
        service = services.setdefault(labels.get(L.SERVICE, ""), {"depends_on": graph.get(labels.get(L.SERVICE, ""),
                                                                                          []), "containers": {}})
        item = ps_row(row)
        service["containers"][item["Name"]] = {
            "State": item["State"], "Health": item["Health"], "Status": item["Status"], "Image": item["Image"],
            "Ports": [f"{p['URL']}:{p['PublishedPort']}->{p['TargetPort']}/{p['Protocol']}" if p["PublishedPort"]
                      else f"{p['TargetPort']}/{p['Protocol']}" for p in item["Publishers"]],
            "Networks": {k: {"Aliases": v.get("Aliases"), "IPAddress": v.get("IPAddress")}
                         for k, v in ((row.get("NetworkSettings") or {}).get("Networks") or {}).items()},
            "Mounts": [f"{m.get('Name') or m.get('Source') or ''}:{m.get('Destination')}"
                       f"{'' if m.get('RW', True) else ':ro'} ({m.get('Type')})" for m in row.get("Mounts") or []],
        }
    return {project: {"services": services,
                      "networks": [n["Name"] for n in _state.project_networks(c, project)],
                      "volumes": [v["Name"] for v in _state.project_volumes(c, project)]}}


def top(c: docker.Client, project: str, services: Sequence[str] = ()) -> list[dict[str, Any]]:
    """``compose top``: a ContainerTop per running container, each process a row with SERVICE and # first."""
    out: list[dict[str, Any]] = []
    for row in _state.containers(c, project, services, all=False):
        data = _state.read(c, "ContainerTop", {"id": row["Id"]})
        labels = row.get("Labels") or {}
        for proc in data.get("Processes") or []:
            out.append({"SERVICE": labels.get(L.SERVICE, ""), "#": labels.get(L.NUMBER, ""),
                        **dict(zip(data.get("Titles") or [], proc, strict=False))})
    return out


def images(c: docker.Client, project: str, services: Sequence[str] = ()) -> list[dict[str, Any]]:
    """``compose images``: each container's image (repository, tag, id, size, created)."""
    out = []
    seen: dict[str, dict[str, Any]] = {}
    for row in _state.containers(c, project, services, all=True):
        image_id = str(row.get("ImageID", ""))
        if image_id not in seen:
            seen[image_id] = _state.read(c, "ImageInspect", {"name": image_id})
        image = seen[image_id]
        ref = str(row.get("Image", ""))
        repo, sep, tag = ref.rpartition(":")
        if not sep or "/" in tag:
            repo, tag = ref, "latest"
        out.append({"Container": _state.name_of(row), "Repository": repo, "Tag": tag,
                    "Platform": f"{image.get('Os', '')}/{image.get('Architecture', '')}", "ID": image_id,
                    "Size": image.get("Size", 0), "Created": image.get("Created", "")})
    return out


def port(c: docker.Client, project: str, service: str, private: int, protocol: str = "tcp",
         index: int = 1) -> str:
    """``compose port SERVICE PRIVATE_PORT``: the public ``IP:PORT`` of container ``index`` of the service."""
    for row in _state.containers(c, project, [service], all=False):
        if (row.get("Labels") or {}).get(L.NUMBER) != str(index):
            continue
        for p in row.get("Ports") or []:
            if p.get("PrivatePort") == private and p.get("Type") == protocol and p.get("PublicPort"):
                return f"{p.get('IP', '')}:{p['PublicPort']}"
    return ""
