"""Views of the answers docker prints as reports rather than lists: `docker top`, `diff`, `system df`, the
prunes, `rmi`, `search`, `events`, the Server part of `docker version` and of `docker info` (`_info`), a BuildKit
build's steps, laid out and figured as the docker CLI does. The data stays the daemon's: these only say how it shows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from ._columns import Column, Columns, Row, TableSpec, hosts, is_rows, key, list_rows, per_host, same, text
from ._events import event_text
from ._format import compact, ellipsis, human_size
from ._info import INFO
from ._visible import visible_line


def _size(size: Any) -> str:
    """A size as the docker CLI's `units.HumanSize` writes it: four significant digits ("1.982MB")."""
    return human_size(size or 0, 4)


def _objects(value: Any) -> list[Row]:
    return [item for item in value or () if isinstance(item, dict)] if isinstance(value, list) else []


# docker top: the answer names its columns (Titles: they follow ps_args), one row per process.

def _top_rows(answer: Row) -> list[Row] | None:
    titles, processes = answer.get("Titles"), answer.get("Processes") or []
    if not isinstance(titles, list) or not isinstance(processes, list):
        return None
    if not all(isinstance(process, list) and len(process) == len(titles) for process in processes):
        return None  # not one cell per title: the raw tree says more than a guess would
    return [dict(zip(map(str, titles), process, strict=True)) for process in processes]


def _top_columns(data: Any) -> Columns:
    titles = dict.fromkeys(str(title) for _, answer in hosts(data) or () for title in answer.get("Titles") or ())
    return tuple(Column(title, cell=key(title), value=key(title, same)) for title in titles)


# docker diff: `C /etc`, one line per change, no header.

_KINDS = {0: "C", 1: "A", 2: "D"}


def _kind(kind: Any) -> str:
    return _KINDS.get(kind, text(kind)) if isinstance(kind, int) else text(kind)


def _change_rows(data: Any) -> list[Row] | None:
    rows = list_rows(data)
    return rows if rows is not None and all("Path" in row for row in rows) else None


# docker system df: TYPE TOTAL ACTIVE SIZE RECLAIMABLE, summed as cli/command/formatter/disk_usage.go does.

def _usage(kind: str, total: int, active: int, size: int, reclaimable: int, percent: bool) -> Row:
    return {"Type": kind, "Total": total, "Active": active, "Size": size, "Reclaimable": reclaimable,
            "Percent": percent and size > 0}


def _image_usage(answer: Row) -> Row:
    images = _objects(answer.get("Images"))
    size = int(answer.get("LayersSize") or 0)
    used = sum(int(i.get("Size") or 0) - int(i.get("SharedSize") or 0) for i in images
               if i.get("Containers") and -1 not in (i.get("Size"), i.get("SharedSize")))
    active = sum(1 for i in images if (i.get("Containers") or 0) > 0)
    return _usage("Images", len(images), active, size, size - used, True)


def _container_usage(answer: Row) -> Row:
    containers = _objects(answer.get("Containers"))
    running = [c.get("State") in ("running", "paused", "restarting") for c in containers]
    sizes = [int(c.get("SizeRw") or 0) for c in containers]
    idle = sum(size for size, up in zip(sizes, running, strict=True) if not up)
    return _usage("Containers", len(containers), sum(running), sum(sizes), idle, True)


def _volume_usage(answer: Row) -> Row:
    volumes = [v.get("UsageData") or {} for v in _objects(answer.get("Volumes"))]
    known = [(int(v.get("Size") or 0), v.get("RefCount") or 0) for v in volumes if v.get("Size") != -1]
    active = sum(1 for v in volumes if (v.get("RefCount") or 0) > 0)
    return _usage("Local Volumes", len(volumes), active, sum(size for size, _ in known),
                  sum(size for size, refs in known if refs == 0), True)


def _cache_usage(answer: Row) -> Row:
    records = _objects(answer.get("BuildCache"))
    size = sum(int(r.get("Size") or 0) for r in records if not r.get("Shared"))
    busy = sum(int(r.get("Size") or 0) for r in records if r.get("InUse") and not r.get("Shared"))
    return _usage("Build Cache", len(records), sum(1 for r in records if r.get("InUse")), size, size - busy, False)


def _usage_rows(answer: Row) -> list[Row] | None:
    if not {"LayersSize", "Images", "Containers", "Volumes", "BuildCache"} & answer.keys():
        return None
    return [usage(answer) for usage in (_image_usage, _container_usage, _volume_usage, _cache_usage)]


def _reclaimable(row: Row) -> str:
    amount, size = row["Reclaimable"], row["Size"]
    if not row["Percent"]:
        return _size(amount)
    share = abs(amount) * 100 // size  # Go's integer division, which truncates toward zero
    return f"{_size(amount)} ({-share if amount < 0 else share}%)"


def _count(header: str, name: str) -> Column:
    return Column(header, shrink=False, cell=key(name), value=key(name, same))


# The prunes: what went, then the total, as `docker container prune` prints them.

def _prune(title: str, member: str, item: Callable[[Any], str] = text, total: bool = True,
           counted_when_gone: bool = True) -> TableSpec:
    """A prune's report: what went, then the space reclaimed; as the docker CLI counts it, only from an answer where
    something went (`counted_when_gone`; build cache prune counts it always)."""

    def rows(answer: Row) -> list[Row] | None:
        if member not in answer and "SpaceReclaimed" not in answer:
            return None
        return [{title: thing} for thing in answer.get(member) or ()]

    def footer(data: Any) -> list[str]:
        parts = [(host, answer) for host, answer in hosts(data) or ()]
        gone = any(answer.get(member) for _, answer in parts)
        reclaimed = [(host, int(answer.get("SpaceReclaimed") or 0) if answer.get(member) or not counted_when_gone
                      else 0) for host, answer in parts]
        each = ", ".join(f"{host}: {_size(space)}" for host, space in reclaimed if host is not None)
        line = f"Total reclaimed space: {_size(sum(space for _, space in reclaimed))}" + (f" ({each})" if each else "")
        return ([""] if gone else []) + [line] if total else []

    return TableSpec((Column(title, cell=key(title, item), value=key(title, item)),), per_host(rows),
                     header="rows", footer=footer)


def _image_change(change: Any, untagged: str = "Untagged:", deleted: str = "Deleted:") -> str:
    if not isinstance(change, dict):
        return text(change)
    return " ".join(f"{label} {change[name]}" for name, label in (("Untagged", untagged), ("Deleted", deleted))
                    if name in change)


def _pruned_image(change: Any) -> str:
    return _image_change(change, "untagged:", "deleted:")


def _image_delete_rows(data: Any) -> list[Row] | None:
    rows = list_rows(data)
    return rows if rows and all({"Untagged", "Deleted"} & row.keys() for row in rows) else None


def _image_delete_cell(row: Row) -> str:
    return _image_change({k: v for k, v in row.items() if k in ("Untagged", "Deleted")})


# docker images --tree (docker 27.2+): an ImageList answer asked with manifests=true (API 1.47+)

def _platform(manifest: Row) -> str:
    found = (manifest.get("ImageData") or {}).get("Platform") or {}
    return "/".join(str(found[k]) for k in ("os", "architecture", "variant") if found.get(k))


def image_tree(images: Any) -> list[str]:
    """``docker images --tree`` as the CLI prints it (newest first): each image's names (``<untagged>`` when it
    has none), its ID, disk usage, content size and ``U`` when in use, then its platforms (image manifests; not
    attestations) as branches with their own figures."""
    from ._format import short_id

    blocks: list[tuple[list[str], list[str], list[tuple[str, list[str]]]]] = []
    for image in sorted(_objects(images), key=lambda i: -int(i.get("Created") or 0)):
        children = [m for m in _objects(image.get("Manifests")) if m.get("Kind") == "image"]
        used = bool(image.get("Containers") and int(image["Containers"]) > 0) or any(
            (m.get("ImageData") or {}).get("Containers") for m in children)
        content = sum(int((m.get("Size") or {}).get("Content") or 0) for m in children)
        names = [t for t in image.get("RepoTags") or () if t != "<none>:<none>"] or ["<untagged>"]
        top = [short_id(str(image.get("Id") or "")), human_size(image.get("Size") or 0, 3), human_size(content, 3),
               "U" if used else ""]
        branches = [(f"{'└─' if n == len(children) - 1 else '├─'} {_platform(m)}",
                     [short_id(str(m.get("ID") or "")), human_size((m.get("Size") or {}).get("Total") or 0, 3),
                      human_size((m.get("Size") or {}).get("Content") or 0, 3),
                      "U" if (m.get("ImageData") or {}).get("Containers") else ""])
                    for n, m in enumerate(children)]
        blocks.append((names, top, branches))
    width = max([len("IMAGE"), *(len(t) for names, _, branches in blocks
                                 for t in [*names, *(b for b, _ in branches)])])

    def line(first: str, cells: list[str]) -> str:
        ident, disk, content, extra = cells
        return f"{first:<{width}}   {ident:<12}   {disk:>10}   {content:>12}   {extra}".rstrip()

    out = [line("IMAGE", ["ID", "DISK USAGE", "CONTENT SIZE", "EXTRA"])]
    for n, (names, top, branches) in enumerate(blocks):
        if n:
            out.append("")
        out += names[:-1]
        out.append(line(names[-1], top))
        out += [line(branch, cells) for branch, cells in branches]
    return out


# docker search

def _description(value: Any) -> str:
    return " ".join(str(value or "").replace("\r", " ").split("\n"))


def _official(value: Any) -> str:
    return "[OK]" if value else ""


# docker version: the Server part (the client is dshell, not a docker CLI).

def _built(value: Any) -> str:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return text(value)
    return f"{moment:%a %b} {moment.day:>2} {moment:%H:%M:%S %Y}"  # Go's time.ANSIC


def _engine_lines(details: Row, version: Any) -> list[tuple[str, str]]:
    return [
        ("Version:", text(version)),
        ("API version:", f"{text(details.get('ApiVersion'))} (minimum version {text(details.get('MinAPIVersion'))})"),
        ("Go version:", text(details.get("GoVersion"))),
        ("Git commit:", text(details.get("GitCommit"))),
        ("Built:", _built(details.get("BuildTime"))),
        ("OS/Arch:", f"{text(details.get('Os'))}/{text(details.get('Arch'))}"),
        ("Experimental:", text(details.get("Experimental"))),
    ]


def _top_level_engine(answer: Row) -> Row:
    """The Engine component the docker CLI adds from the answer's own fields when no component is named Engine
    (Podman names its own "Podman Engine"; an engine before API 1.35 sends no components)."""
    details = {name: answer.get(name) for name in ("ApiVersion", "MinAPIVersion", "GitCommit", "GoVersion", "Os",
                                                   "Arch", "BuildTime")}
    details["Experimental"] = "true" if answer.get("Experimental") in (True, "true") else "false"  # omitted: false
    return {"Name": "Engine", "Version": answer.get("Version"), "Details": details}


def _version_rows(answer: Row) -> list[Row] | None:
    if "Version" not in answer and "Components" not in answer:
        return None
    components = _objects(answer.get("Components"))
    if not any(component.get("Name") == "Engine" for component in components):
        components.append(_top_level_engine(answer))
    lines = [("Server:", text((answer.get("Platform") or {}).get("Name")))]
    for component in components:
        raw = component.get("Details")
        details: Row = raw if isinstance(raw, dict) else {}
        lines.append((f" {text(component.get('Name'))}:", ""))
        if component.get("Name") == "Engine":
            pairs = _engine_lines(details, component.get("Version"))
        else:
            pairs = [("Version:", text(component.get("Version")))]
            pairs += [(f"{name}:", text(details[name])) for name in sorted(details)]
        for label, value in pairs:  # a value of several lines (runc's version) as lines under its first
            first, *more = value.split("\n")
            lines += [("  " + label, first), *(("", line) for line in more)]
    return [{"Key": label, "Value": value} for label, value in lines]


def version_lines(answer: Row) -> list[str]:
    """docker version's Server part for a SystemVersion answer, aligned as its tabwriter aligns it (20 wide)."""
    from ._gotemplate import tabwrite

    rows = _version_rows(answer) or []
    lines = [f"{row['Key']} {row['Value']}".rstrip() if n == 0 else
             row["Key"] if row["Key"].startswith(" ") and not row["Key"].startswith("  ") else
             f"{row['Key']}\t{row['Value']}" for n, row in enumerate(rows)]
    return tabwrite("\n".join(lines), minwidth=20, padding=1).split("\n")


# docker events: one line each (a kept events pane, or SystemEvents with until).

def _event_rows(data: Any) -> list[Row] | None:
    rows = list_rows(data)
    return rows if rows and all("Type" in row or "status" in row for row in rows) else None


# diff: the changes between two values, each value shown as data (null, [], {} and "" are not blanks).

def _as_data(name: str) -> Callable[[Row], str]:
    """A diff cell: blank where the row has no `name` (nothing was there), else the value as data."""

    def cell(row: Row) -> str:
        if name not in row:
            return ""
        value = row[name]
        if isinstance(value, str):
            return value or '""'
        return "{}" if value == {} else compact(value, 60)

    return cell


def _diff_rows(data: Any) -> list[Row] | None:
    rows = list_rows(data)
    return rows if rows is not None and all("Change" in row and "Path" in row for row in rows) else None


def _build_rows(data: Any) -> list[Row] | None:
    """A BuildKit build's steps (dshell.buildkit's result), None for another shape (the classic builder's lines)."""
    steps = data.get("steps") if isinstance(data, dict) and "image_id" in data else None
    return steps if is_rows(steps) else None


def _build_state(step: Row) -> str:
    return "ERROR" if step.get("error") else "CACHED" if step.get("cached") else "DONE" if step.get("completed") \
        else ""


def _build_footer(data: Any) -> list[str]:
    lines = [visible_line(f"WARNING: {w.get('short', '')}") for w in data.get("warnings") or ()]
    if data.get("error"):
        return [*lines, visible_line(str(data["error"]))]
    return [*lines, f"image {data['image_id']}"] if data.get("image_id") else lines


REPORTS: dict[str, TableSpec] = {
    "ImageBuild": TableSpec(
        (
            Column("#", shrink=False, cell=key("number"), value=key("number", same)),
            Column("STEP", cell=key("name", visible_line), wrap=True),
            Column("STATE", shrink=False, cell=_build_state),
            Column("TIME", shrink=False, cell=key("duration", lambda d: f"{d:.1f}s" if isinstance(d, float) else ""),
                   value=key("duration", same)),
        ),
        _build_rows,
        footer=_build_footer,
    ),
    "diff": TableSpec(
        tuple(Column(name, cell=_as_data(name), value=key(name, same), wrap=name in ("Old", "New"))
              for name in ("Change", "Path", "Old", "New")),
        _diff_rows,
    ),
    "ContainerTop": TableSpec(_top_columns, per_host(_top_rows)),
    "ContainerChanges": TableSpec(
        (
            Column("KIND", shrink=False, cell=key("Kind", _kind), value=key("Kind", same)),
            Column("PATH", cell=key("Path")),
        ),
        _change_rows,
        header="never",
        gap=1,
    ),
    "SystemDataUsage": TableSpec(
        (
            Column("TYPE", cell=key("Type")),
            _count("TOTAL", "Total"),
            _count("ACTIVE", "Active"),
            Column("SIZE", shrink=False, cell=key("Size", _size), value=key("Size", same)),
            Column("RECLAIMABLE", shrink=False, cell=_reclaimable, value=key("Reclaimable", same)),
        ),
        per_host(_usage_rows),
    ),
    "ContainerPrune": _prune("Deleted Containers:", "ContainersDeleted"),
    "ImagePrune": _prune("Deleted Images:", "ImagesDeleted", _pruned_image),
    "VolumePrune": _prune("Deleted Volumes:", "VolumesDeleted"),
    "NetworkPrune": _prune("Deleted Networks:", "NetworksDeleted", total=False),
    "BuildPrune": _prune("Deleted build cache objects:", "CachesDeleted", counted_when_gone=False),
    "ImageDelete": TableSpec(
        (Column("IMAGE", cell=_image_delete_cell),), _image_delete_rows, header="never"
    ),
    "ImageSearch": TableSpec(
        (
            Column("NAME", cell=key("name")),
            Column("DESCRIPTION", cell=key("description", lambda d: ellipsis(_description(d), 45)),
                   wide=key("description", _description), value=key("description", same), wrap=True),
            Column("STARS", shrink=False, cell=key("star_count"), value=key("star_count", same)),
            Column("OFFICIAL", shrink=False, cell=key("is_official", _official), value=key("is_official", same)),
        )
    ),
    "SystemVersion": TableSpec(
        (Column("KEY", shrink=False, cell=key("Key")), Column("VALUE", cell=key("Value"))),
        per_host(_version_rows),
        header="never",
    ),
    "SystemInfo": INFO,
    "SystemEvents": TableSpec((Column("EVENT", cell=event_text, wrap=True),), _event_rows, header="never"),
}
"""The views by op name (merged into `TABLES`)."""
