"""The docker CLI's formatter fields of the lists it prints (``docker ps``, ``images``, ``network ls``, ``volume
ls``): each row of an API answer as the ``Fields`` a ``--format`` template reads, with docker's header names and
its default table formats (cli/command/formatter/*.go), so ``ps``, ``ps -q``, ``ps --no-trunc`` and
``ps --format '{{.Names}}'`` print what the docker CLI prints. Other answers are read by their API keys."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

from ._format import ellipsis, human_duration, human_size, short_id
from ._gotemplate import Fields, format_rows

Row = dict[str, Any]
QUIET = "{{.ID}}"
DEFAULTS = {
    "ContainerList": "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}",
    "ImageList": "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}"
                 "\t{{.Size}}",
    "NetworkList": "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}",
    "VolumeList": "table {{.Driver}}\t{{.Name}}",
    "ImageHistory": "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}",
    "ContainerStats": "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}"
                      "\t{{.PIDs}}",
}
"""docker's default table format of each list op."""
QUIET_FORMATS = {"VolumeList": "{{.Name}}"}


def go_time(epoch: float) -> str:
    """``time.Unix(epoch, 0).String()`` as Go prints it in the local zone: ``2024-05-01 10:00:00 +0000 UTC``."""
    moment = datetime.fromtimestamp(epoch).astimezone()
    return moment.strftime("%Y-%m-%d %H:%M:%S %z ") + (moment.tzname() or "")


def go_rfc3339_time(text: Any) -> str:
    """An RFC 3339 time of the API (``2024-05-01T10:00:00.123456789Z``) as Go's time.String prints it
    (``2024-05-01 10:00:00.123456789 +0000 UTC``)."""
    m = re.fullmatch(r"(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)", str(text or ""))
    if m is None:
        return str(text or "")
    day, clock, frac, zone = m.groups()
    fraction = f".{frac.rstrip('0')}" if frac and frac.rstrip("0") else ""
    offset = "+0000 UTC" if zone == "Z" else f"{zone.replace(':', '')} {zone.replace(':', '')}"
    return f"{day} {clock}{fraction} {offset}"


def _ago(epoch: Any) -> str:
    seconds = datetime.now().timestamp() - float(epoch or 0)
    return human_duration(max(seconds, 0)) + " ago"


def _labels(row: Row) -> str:
    return ",".join(f"{k}={v}" for k, v in (row.get("Labels") or {}).items())


def _label(row: Row, name: str) -> str:
    return str((row.get("Labels") or {}).get(name, ""))


def _familiar(image: str) -> str:
    """A reference as docker shows it: no ``docker.io/library/`` and no digest after a tag."""
    name = image.partition("@")[0]
    for prefix in ("docker.io/library/", "docker.io/"):
        if name.startswith(prefix):
            name = name[len(prefix):]
            break
    return name


def _container_image(row: Row, trunc: bool) -> str:
    image = str(row.get("Image") or "")
    if not image:
        return "<no image>"
    if not trunc:
        return image
    if short_id(row.get("ImageID")) == short_id(image):
        return short_id(image)
    if not re.fullmatch(r"[a-z0-9][a-z0-9._/:@-]*", image):
        return image
    return _familiar(image)


def _names(row: Row, trunc: bool) -> str:
    names = [str(n)[1:] if str(n).startswith("/") else str(n) for n in row.get("Names") or ()]
    if trunc:
        names = next(([n] for n in names if "/" not in n), names)
    return ",".join(names)


def _port_key(port: Row) -> tuple[int, str, int, str]:
    return (int(port.get("PrivatePort") or 0), str(port.get("IP") or ""), int(port.get("PublicPort") or 0),
            str(port.get("Type") or ""))


def displayable_ports(ports: list[Row]) -> str:
    """docker's DisplayablePorts: consecutive ports grouped into ranges, host mappings last."""
    groups: dict[str, list[int]] = {}
    result: list[str] = []
    mappings: list[str] = []
    for port in sorted((p for p in ports or () if isinstance(p, dict)), key=_port_key):
        current, kind, ip = int(port.get("PrivatePort") or 0), str(port.get("Type") or ""), str(port.get("IP") or "")
        key = kind
        if ip:
            public = int(port.get("PublicPort") or 0)
            if public != current:
                mappings.append(f"{ip}:{public}->{current}/{kind}")
                continue
            key = f"{ip}/{kind}"
        group = groups.get(key)
        if group is None:
            groups[key] = [current, current]
        elif current == group[1] + 1:
            group[1] = current
        else:
            result.append(_group(key, *group))
            groups[key] = [current, current]
    result += [_group(key, *group) for key, group in groups.items()]
    return ", ".join(result + mappings)


def _group(key: str, first: int, last: int) -> str:
    ip, _, kind = key.rpartition("/")
    span = str(first) if first == last else f"{first}-{last}"
    return f"{ip}:{span}->{span}/{kind}" if ip else f"{span}/{kind}"


def _size(row: Row) -> str:
    writable, virtual = human_size(row.get("SizeRw") or 0), row.get("SizeRootFs") or 0
    return f"{writable} (virtual {human_size(virtual)})" if virtual > 0 else writable


def _mounts(row: Row, trunc: bool) -> str:
    names = [str(m.get("Name") or m.get("Source") or "") for m in row.get("Mounts") or ()]
    return ",".join(ellipsis(n, 15) if trunc else n for n in names)


def _container(row: Row, trunc: bool) -> dict[str, Callable[..., Any]]:
    command = str(row.get("Command") or "")
    return {
        "ID": lambda: short_id(row.get("Id")) if trunc else str(row.get("Id") or ""),
        "Names": lambda: _names(row, trunc),
        "Image": lambda: _container_image(row, trunc),
        "Command": lambda: _go_quote(ellipsis(command, 20) if trunc else command),
        "CreatedAt": lambda: go_time(row.get("Created") or 0),
        "RunningFor": lambda: _ago(row.get("Created")),
        "Ports": lambda: displayable_ports(row.get("Ports") or []),
        "State": lambda: str(row.get("State") or ""),
        "Status": lambda: str(row.get("Status") or ""),
        "Size": lambda: _size(row),
        "Labels": lambda: _labels(row),
        "Label": partial(_label, row),
        "Mounts": lambda: _mounts(row, trunc),
        "LocalVolumes": lambda: str(sum(1 for m in row.get("Mounts") or () if m.get("Driver") == "local")),
        "Networks": lambda: ",".join((row.get("NetworkSettings") or {}).get("Networks") or {}),
    }


_CONTAINER_HEADER = {"ID": "CONTAINER ID", "Names": "NAMES", "Image": "IMAGE", "Command": "COMMAND",
                     "CreatedAt": "CREATED AT", "RunningFor": "CREATED", "Ports": "PORTS", "State": "STATE",
                     "Status": "STATUS", "Size": "SIZE", "Labels": "LABELS", "Mounts": "MOUNTS",
                     "LocalVolumes": "LOCAL VOLUMES", "Networks": "NETWORKS"}


def _go_quote(text: str) -> str:
    """Go's strconv.Quote for printable text."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return '"' + "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in escaped) + '"'


def _image(row: Row, trunc: bool) -> dict[str, Callable[..., Any]]:
    image_id = str(row.get("Id") or "")
    return {
        "ID": lambda: short_id(image_id) if trunc else image_id,
        "Repository": lambda: row["Repository"],
        "Tag": lambda: row["Tag"],
        "Digest": lambda: row["Digest"],
        "CreatedSince": lambda: _ago(row.get("Created")),
        "CreatedAt": lambda: go_time(row.get("Created") or 0),
        "Size": lambda: human_size(row.get("Size") or 0),
        "Containers": lambda: "N/A" if row.get("Containers", -1) == -1 else str(row["Containers"]),
        "VirtualSize": lambda: human_size(row.get("VirtualSize") or 0, 4),
        "SharedSize": lambda: "N/A" if row.get("SharedSize", -1) == -1 else human_size(row["SharedSize"], 4),
        "UniqueSize": lambda: ("N/A" if -1 in (row.get("SharedSize", -1), row.get("VirtualSize", -1)) else
                               human_size(row["VirtualSize"] - row["SharedSize"], 4)),
    }


_IMAGE_HEADER = {"ID": "IMAGE ID", "Repository": "REPOSITORY", "Tag": "TAG", "Digest": "DIGEST",
                 "CreatedSince": "CREATED", "CreatedAt": "CREATED AT", "Size": "SIZE", "Containers": "CONTAINERS",
                 "VirtualSize": "SIZE", "SharedSize": "SHARED SIZE", "UniqueSize": "UNIQUE SIZE"}


def _split_reference(reference: str) -> tuple[str, str]:
    name, sep, tag = reference.rpartition(":")
    return (_familiar(name), tag) if sep and "/" not in tag else (_familiar(reference), "")


def image_rows(images: list[Row], digests: bool = False) -> list[Row]:
    """docker images' rows: one per repository and tag (and digest when asked), dangling images as <none>."""
    rows: list[Row] = []
    for image in images:
        tags = [t for t in image.get("RepoTags") or () if t != "<none>:<none>"]
        refs = [d for d in image.get("RepoDigests") or () if d != "<none>@<none>"]
        if not tags and not refs:
            rows.append({**image, "Repository": "<none>", "Tag": "<none>", "Digest": "<none>"})
            continue
        by_repo: dict[str, list[str]] = {}
        for ref in refs:
            name, _, digest = ref.partition("@")
            by_repo.setdefault(_familiar(name), []).append(digest)
        for tag_ref in tags:
            repo, tag = _split_reference(tag_ref)
            kept = by_repo.pop(repo, None) if repo in by_repo else None
            for digest in (kept if digests and kept else ["<none>"]):
                rows.append({**image, "Repository": repo, "Tag": tag, "Digest": digest})
        for repo, found in by_repo.items():
            for digest in (found if digests else [""]):
                rows.append({**image, "Repository": repo, "Tag": "<none>", "Digest": digest})
    return rows


def _network(row: Row, trunc: bool) -> dict[str, Callable[..., Any]]:
    return {
        "ID": lambda: short_id(row.get("Id")) if trunc else str(row.get("Id") or ""),
        "Name": lambda: str(row.get("Name") or ""),
        "Driver": lambda: str(row.get("Driver") or ""),
        "Scope": lambda: str(row.get("Scope") or ""),
        "IPv6": lambda: "true" if row.get("EnableIPv6") else "false",
        "Internal": lambda: "true" if row.get("Internal") else "false",
        "Labels": lambda: _labels(row),
        "Label": partial(_label, row),
        "CreatedAt": lambda: go_rfc3339_time(row.get("Created")),
    }


_NETWORK_HEADER = {"ID": "NETWORK ID", "Name": "NAME", "Driver": "DRIVER", "Scope": "SCOPE", "IPv6": "IPV6",
                   "Internal": "INTERNAL", "Labels": "LABELS", "CreatedAt": "CREATED AT"}


def _volume(row: Row, trunc: bool) -> dict[str, Callable[..., Any]]:
    usage = row.get("UsageData")
    return {
        "Name": lambda: str(row.get("Name") or ""),
        "Driver": lambda: str(row.get("Driver") or ""),
        "Scope": lambda: str(row.get("Scope") or ""),
        "Mountpoint": lambda: str(row.get("Mountpoint") or ""),
        "Labels": lambda: _labels(row),
        "Label": partial(_label, row),
        "Links": lambda: "N/A" if not usage else str(usage.get("RefCount")),
        "Size": lambda: "N/A" if not usage else human_size(usage.get("Size") or 0, 4),
    }


_VOLUME_HEADER = {"Name": "VOLUME NAME", "Driver": "DRIVER", "Scope": "SCOPE", "Mountpoint": "MOUNTPOINT",
                  "Labels": "LABELS", "Links": "LINKS", "Size": "SIZE"}

def _history(row: Row, trunc: bool) -> dict[str, Callable[..., Any]]:
    layer = str(row.get("Id") or "")
    created_by = str(row.get("CreatedBy") or "").replace("\t", " ")
    return {
        "ID": lambda: (short_id(layer) if layer != "<missing>" else layer) if trunc else layer,
        "CreatedAt": lambda: go_rfc3339(row.get("Created") or 0),
        "CreatedSince": lambda: _ago(row.get("Created")),
        "CreatedBy": lambda: ellipsis(created_by, 45) if trunc else created_by,
        "Size": lambda: human_size(row.get("Size") or 0),
        "Comment": lambda: str(row.get("Comment") or ""),
    }


def _history_exact(row: Row, trunc: bool) -> dict[str, Callable[..., Any]]:
    """docker history -H=false: times as RFC 3339, sizes in bytes."""
    made = _history(row, trunc)
    return {**made, "CreatedSince": made["CreatedAt"], "Size": lambda: str(row.get("Size") or 0)}


def go_rfc3339(epoch: float) -> str:
    """``time.Unix(epoch, 0).Format(time.RFC3339)`` in the local zone: ``2024-05-01T10:00:00Z`` (UTC) or with
    its offset (``+02:00``)."""
    text = datetime.fromtimestamp(epoch).astimezone().isoformat()
    return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text


_HISTORY_HEADER = {"ID": "IMAGE", "CreatedSince": "CREATED", "CreatedAt": "CREATED AT", "CreatedBy": "CREATED BY",
                   "Size": "SIZE", "Comment": "COMMENT"}

def _stats(row: Row, trunc: bool) -> dict[str, Callable[..., Any]]:
    from ._stats import binary_size, decimal_size, summary

    got = summary(row) if "cpu_stats" in row else row
    ident = str(got.get("id") or "")
    return {
        "ID": lambda: short_id(ident) if trunc else ident,
        "Container": lambda: short_id(ident) if trunc else ident,
        "Name": lambda: str(got.get("name") or "").lstrip("/"),
        "CPUPerc": lambda: f"{got.get('cpu_percent') or 0:.2f}%",
        "MemUsage": lambda: f"{binary_size(got.get('mem_usage') or 0)} / {binary_size(got.get('mem_limit') or 0)}",
        "MemPerc": lambda: f"{got.get('mem_percent') or 0:.2f}%",
        "NetIO": lambda: f"{decimal_size(got.get('net_rx') or 0)} / {decimal_size(got.get('net_tx') or 0)}",
        "BlockIO": lambda: f"{decimal_size(got.get('block_read') or 0)} / {decimal_size(got.get('block_write') or 0)}",
        "PIDs": lambda: str(got.get("pids") or 0),
    }


_STATS_HEADER = {"ID": "CONTAINER ID", "Container": "CONTAINER", "Name": "NAME", "CPUPerc": "CPU %",
                 "MemUsage": "MEM USAGE / LIMIT", "MemPerc": "MEM %", "NetIO": "NET I/O", "BlockIO": "BLOCK I/O",
                 "PIDs": "PIDS"}

def _swarm_object(row: Row, trunc: bool) -> dict[str, Callable[..., Any]]:
    """docker's fields of services, secrets, configs, nodes and tasks (the ones read off the object)."""
    spec = row.get("Spec") or {}
    ident = str(row.get("ID") or "")
    labels = {"Labels": spec.get("Labels") or {}}
    mode = next(iter(spec.get("Mode") or {}), "")
    return {
        "ID": lambda: ident,
        "Name": lambda: str(spec.get("Name") or ""),
        "Labels": lambda: _labels(labels),
        "Label": partial(_label, labels),
        "CreatedAt": lambda: go_rfc3339_time(row.get("CreatedAt")),
        "UpdatedAt": lambda: go_rfc3339_time(row.get("UpdatedAt")),
        "Driver": lambda: str((spec.get("Driver") or {}).get("Name") or ""),
        "Mode": lambda: mode.lower(),
        "Image": lambda: str(((spec.get("TaskTemplate") or {}).get("ContainerSpec") or {}).get("Image") or "")
        .split("@")[0],
        "Hostname": lambda: str((row.get("Description") or {}).get("Hostname") or ""),
        "Status": lambda: str((row.get("Status") or {}).get("State") or "").capitalize(),
        "Availability": lambda: str(spec.get("Availability") or "").capitalize(),
        "EngineVersion": lambda: str(((row.get("Description") or {}).get("Engine") or {}).get("EngineVersion") or ""),
    }


_SWARM_HEADER = {"ID": "ID", "Name": "NAME", "Labels": "LABELS", "CreatedAt": "CREATED", "UpdatedAt": "UPDATED",
                 "Driver": "DRIVER", "Mode": "MODE", "Image": "IMAGE", "Hostname": "HOSTNAME", "Status": "STATUS",
                 "Availability": "AVAILABILITY", "EngineVersion": "ENGINE VERSION"}

_KINDS: dict[str, tuple[Callable[[Row, bool], dict[str, Callable[..., Any]]], dict[str, str]]] = {
    "ContainerList": (_container, _CONTAINER_HEADER),
    "ImageList": (_image, _IMAGE_HEADER),
    "NetworkList": (_network, _NETWORK_HEADER),
    "VolumeList": (_volume, _VOLUME_HEADER),
    "ImageHistory": (_history, _HISTORY_HEADER),
    "ContainerStats": (_stats, _STATS_HEADER),
    **dict.fromkeys(("ServiceList", "SecretList", "ConfigList", "NodeList"), (_swarm_object, _SWARM_HEADER)),
}


def natural_key(text: str) -> list[Any]:
    """A sort key ordering digits by their number, as docker's sortorder.NaturalLess."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", text) if part]


def list_rows(op: str, data: Any, digests: bool = False) -> list[Row]:
    """The rows docker prints for ``op``'s answer, in docker's order (networks and volumes by name)."""
    if op == "VolumeList":
        data = (data or {}).get("Volumes") or [] if isinstance(data, dict) else data
    rows = [row for row in data or () if isinstance(row, dict)] if isinstance(data, list) else []
    if op == "ImageList":
        return image_rows(rows, digests)
    if op in ("NetworkList", "VolumeList"):
        rows.sort(key=lambda row: natural_key(str(row.get("Name") or "")))
    return rows


_EXACT = {"ImageHistory": _history_exact}
"""The fields of a list shown with -H=false (--human=false): exact times and sizes."""
EXACT_DEFAULTS = {"ImageHistory": "table {{.ID}}\t{{.CreatedAt}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}"}


def fields(op: str, row: Row, trunc: bool = True, human: bool = True) -> Fields:
    """``row`` of ``op``'s answer as docker's formatter fields (an unknown op's row: its own keys); ``human``
    false: exact times and sizes (history -H=false)."""
    found = _KINDS.get(op)
    if found is None:
        plain = {key: partial(row.get, key) for key in row}
        return Fields(plain, {key: key.upper() for key in row}, tuple(row))
    make, header = found
    made = make(row, trunc) if human or op not in _EXACT else _EXACT[op](row, trunc)
    return Fields(made, header, tuple(name for name in made if name != "Label"))


def default_format(op: str, quiet: bool = False, size: bool = False, digests: bool = False,
                   human: bool = True) -> str | None:
    """docker's format of ``op``'s list (``-q``: the ids; ``-s``: with SIZE; ``--digests``: with DIGEST; not
    ``human``: -H=false's columns)."""
    if quiet:
        return QUIET_FORMATS.get(op, QUIET) if op in DEFAULTS else None
    found = DEFAULTS.get(op) if human else EXACT_DEFAULTS.get(op, DEFAULTS.get(op))
    if found and size:
        found += "\t{{.Size}}"
    if found and digests:
        found = found.replace("{{.Tag}}\t", "{{.Tag}}\t{{.Digest}}\t")
    return found


def format_list(op: str, data: Any, source: str, trunc: bool = True, digests: bool = False,
                human: bool = True) -> str:
    """What docker prints for ``op``'s answer ``data`` with ``--format SOURCE`` (``json``: ``{{json .}}``)."""
    if source == "json":
        source = "{{json .}}"
    rows = [fields(op, row, trunc, human) for row in list_rows(op, data, digests or "{{.Digest}}" in source)]
    header = _KINDS[op][1] if op in _KINDS else None
    return format_rows(source, rows, header)
