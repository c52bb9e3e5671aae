"""Projects as the engine shows them: containers, networks and volumes grouped by docker compose's labels,
whoever made them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import dshell.client as docker

from . import _labels as L
from ._errors import ComposeError


def read(c: docker.Client, op: str, params: dict[str, Any]) -> Any:
    """The data of a read-only op, or one line naming the op and the daemon's answer."""
    outcome = docker.call(c, {"op": op, "params": params})
    if outcome.error is not None:
        raise ComposeError(f"{op}: {outcome.error}")
    return outcome.data


def containers(c: docker.Client, project: str | None = None, services: Sequence[str] = (), all: bool = True,
               oneoff: bool = False) -> list[dict[str, Any]]:
    """ContainerList rows of ``project`` (None: of every project), one-off ``compose run`` containers only when
    ``oneoff``; ``services`` narrows to those services."""
    labels = [f"{L.PROJECT}={project}" if project else L.PROJECT]
    if not oneoff:
        labels.append(f"{L.ONEOFF}=False")
    rows: list[dict[str, Any]] = read(c, "ContainerList", {"all": all, "filters": {"label": labels}})
    if services:
        rows = [r for r in rows if (r.get("Labels") or {}).get(L.SERVICE) in services]
    return sorted(rows, key=sort_key)


def sort_key(row: dict[str, Any]) -> tuple[str, int, str]:
    """Containers by service, then number, then name."""
    labels = row.get("Labels") or {}
    number = labels.get(L.NUMBER, "0")
    return labels.get(L.SERVICE, ""), int(number) if number.isdigit() else 0, name_of(row)


def name_of(row: dict[str, Any]) -> str:
    """A container's canonical name (a ContainerList row's first name without links)."""
    names = row.get("Names") or []
    for name in names:
        if name.rfind("/") == 0:
            return str(name[1:])
    return str(names[0]).lstrip("/") if names else str(row.get("Id", ""))[:12]


def short_name(row: dict[str, Any]) -> str:
    """``SERVICE-N`` as docker compose prefixes log lines (a custom container_name as it is)."""
    labels = row.get("Labels") or {}
    project = labels.get(L.PROJECT, "")
    name = name_of(row)
    default = f"{project}-{labels.get(L.SERVICE, '')}-{labels.get(L.NUMBER, '')}"
    return name[len(project) + 1:] if name == default else name


LS_REQUEST: dict[str, Any] = {"op": "ContainerList", "params": {"all": True, "filters": {"label": [L.PROJECT]}}}
"""The one call ``compose ls`` makes."""


def projects(c: docker.Client, all: bool = False) -> list[dict[str, Any]]:
    """``compose ls``: each project's Name, Status (``running(2), exited(1)``) and ConfigFiles, by name; with
    ``all`` those with no running container too."""
    return group(read(c, LS_REQUEST["op"], LS_REQUEST["params"]), all)


def group(rows: list[dict[str, Any]], all: bool) -> list[dict[str, Any]]:
    """ContainerList rows of compose containers grouped into ``compose ls``'s rows."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row["Labels"][L.PROJECT], []).append(row)
    out = []
    for name in sorted(groups):
        members = groups[name]
        counts = Counter(str(r.get("State", "")) for r in members)
        if not all and not counts.get("running"):
            continue
        files = sorted({(r.get("Labels") or {}).get(L.CONFIG_FILES, "") for r in members} - {""})
        out.append({"Name": name, "Status": ", ".join(f"{s}({n})" for s, n in sorted(counts.items())),
                    "ConfigFiles": ",".join(files)})
    return out


def projects_on(clients: Mapping[str, docker.Client], all: bool = False) -> tuple[list[dict[str, Any]],
                                                                                   dict[str, str]]:
    """``@a,b compose ls``: every host's projects at once (one ContainerList each, concurrently), each row with
    its HOST first; and the one-line error of each host that did not answer."""
    rows: list[dict[str, Any]] = []
    errors: dict[str, str] = {}
    for host, answer in docker.fanout(clients, LS_REQUEST).items():
        if isinstance(answer, docker.DshellError):
            errors[host] = str(answer)
        elif answer.error is not None:
            errors[host] = f"ContainerList: {answer.error}"
        else:
            rows += [{"HOST": host, **row} for row in group(answer.data, all)]
    return rows, errors


def project_networks(c: docker.Client, project: str) -> list[dict[str, Any]]:
    """The networks labelled as ``project``'s."""
    rows: list[dict[str, Any]] = read(c, "NetworkList", {"filters": {"label": [f"{L.PROJECT}={project}"]}})
    return sorted(rows, key=lambda n: str(n.get("Name")))


def project_volumes(c: docker.Client, project: str) -> list[dict[str, Any]]:
    """The volumes labelled as ``project``'s."""
    data = read(c, "VolumeList", {"filters": {"label": [f"{L.PROJECT}={project}"]}})
    return sorted(data.get("Volumes") or [], key=lambda v: str(v.get("Name")))
