"""``docker system df -v``: SystemDataUsage's images, containers, volumes and build cache as the docker CLI's four
tables (cli/command/formatter/disk_usage.go verboseWriteTable), each under its heading."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._fields import _KINDS, _ago, _split_reference, fields
from ._format import human_size, short_id
from ._gotemplate import Fields, format_rows

IMAGES = "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.VirtualSize}}\t{{.SharedSize}}\t" \
         "{{.UniqueSize}}\t{{.Containers}}"
CONTAINERS = "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t{{.Size}}\t{{.RunningFor}}\t{{.Status}}\t" \
             "{{.Names}}"
VOLUMES = "table {{.Name}}\t{{.Links}}\t{{.Size}}"
BUILD_CACHE = "table {{.ID}}\t{{.CacheType}}\t{{.Size}}\t{{.CreatedSince}}\t{{.LastUsedSince}}\t{{.UsageCount}}\t" \
              "{{.Shared}}"
_CACHE_HEADER = {"ID": "CACHE ID", "CacheType": "CACHE TYPE", "Size": "SIZE", "CreatedSince": "CREATED",
                 "LastUsedSince": "LAST USED", "UsageCount": "USAGE", "Shared": "SHARED"}


def _image_row(image: dict[str, Any]) -> dict[str, Any]:
    """An image as one row: its first tag only (``<none>`` when it has none)."""
    tags = [t for t in image.get("RepoTags") or () if t != "<none>:<none>"]
    repo, tag = _split_reference(tags[0]) if tags else ("<none>", "<none>")
    return {**image, "Repository": repo, "Tag": tag or "<none>", "Digest": ""}


def _cache(row: dict[str, Any], trunc: bool) -> dict[str, Callable[..., Any]]:
    ident = str(row.get("ID") or "")
    return {
        "ID": lambda: (short_id(ident) if trunc else ident) + ("*" if row.get("InUse") else ""),
        "CacheType": lambda: str(row.get("Type") or ""),
        "Size": lambda: human_size(row.get("Size") or 0),
        "CreatedSince": lambda: _since(row.get("CreatedAt")),
        "LastUsedSince": lambda: _since(row.get("LastUsedAt")) if row.get("LastUsedAt") else "",
        "UsageCount": lambda: str(row.get("UsageCount") or 0),
        "Shared": lambda: "true" if row.get("Shared") else "false",
    }


def _since(text: Any) -> str:
    from ._format import to_epoch

    return _ago(to_epoch(text) or 0)


def _cache_order(row: dict[str, Any]) -> tuple[bool, str, str]:
    """docker's buildCacheSort: never used first, then by last use, then by id."""
    from ._format import to_epoch

    used = row.get("LastUsedAt")
    return used is not None, f"{to_epoch(used) or 0:020.6f}" if used else "", str(row.get("ID") or "")


def disk_usage_verbose(data: dict[str, Any]) -> str:
    """docker system df -v's text (without the last newline)."""
    images = [fields("ImageList", _image_row(i)) for i in data.get("Images") or () if isinstance(i, dict)]
    containers = [fields("ContainerList", {**c, "SizeRootFs": 0}) for c in data.get("Containers") or ()
                  if isinstance(c, dict)]
    volumes = [fields("VolumeList", v) for v in data.get("Volumes") or () if isinstance(v, dict)]
    caches = sorted((c for c in data.get("BuildCache") or () if isinstance(c, dict)), key=_cache_order)
    built = sum(int(c.get("Size") or 0) for c in caches if not c.get("Shared"))
    cache_rows = [Fields(_cache(c, True), _CACHE_HEADER, tuple(_CACHE_HEADER)) for c in caches]
    sections = [("Images space usage:", IMAGES, images, "ImageList"),
                ("Containers space usage:", CONTAINERS, containers, "ContainerList"),
                ("Local Volumes space usage:", VOLUMES, volumes, "VolumeList")]
    lines = [line for heading, source, rows, op in sections
             for line in (heading, "", format_rows(source, rows, _KINDS[op][1]), "")]
    return "\n".join([*lines, f"Build cache usage: {human_size(built, 4)}", "",
                      format_rows(BUILD_CACHE, cache_rows, _CACHE_HEADER)])
