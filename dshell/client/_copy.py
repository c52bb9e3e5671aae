"""docker cp's path rules (go-archive's copy.go): what a source path means and where its archive lands.

A trailing ``/.`` copies a folder's contents rather than the folder; a trailing ``/`` says the destination must
be a folder; a destination that does not exist is created under that name (its parent must exist).
"""

from __future__ import annotations

import base64
import json
import os
import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ._tarstream import rebaser

GO_MODE_DIR = 1 << 31
GO_MODE_SYMLINK = 1 << 27


class CopyError(ValueError):
    """A copy that docker cp's rules refuse; the message is one line."""


def keep_trailing(cleaned: str, original: str) -> str:
    """``cleaned`` with the trailing ``/.`` or ``/`` of ``original`` put back (PreserveTrailingDotOrSeparator)."""
    if posixpath.basename(cleaned) != "." and posixpath.basename(original) == ".":
        cleaned = cleaned.rstrip("/") + "/."
    if not cleaned.endswith("/") and original.endswith("/"):
        cleaned += "/"
    return cleaned


def normal(path: str) -> str:
    """A path cleaned as docker cp cleans it, its meaningful trailing ``/.`` or ``/`` kept."""
    return keep_trailing(posixpath.normpath(path) if path else ".", path)


def split_entry(path: str) -> tuple[str, str]:
    """(parent folder, last name) where a trailing ``/.`` names ``.`` (SplitPathDirEntry)."""
    cleaned = posixpath.normpath(path) if path else "."
    if posixpath.basename(path) == ".":
        cleaned = cleaned.rstrip("/") + "/." if cleaned != "." else "."
    return posixpath.dirname(cleaned) or ".", posixpath.basename(cleaned)


def asserts_dir(path: str) -> bool:
    """Whether the path says it is a folder: a trailing ``/`` or ``/.``."""
    return path.endswith("/") or posixpath.basename(path) == "."


@dataclass(frozen=True)
class Info:
    """What a copy's source or destination is: its path, whether it exists, whether it is a folder."""

    path: str
    exists: bool = False
    is_dir: bool = False


@dataclass(frozen=True)
class Placement:
    """Where the archive goes: extract into the existing folder ``into``, its entries renamed by ``rebase``."""

    into: str
    rebase: Callable[[str], str] | None


def place(src: Info, dst: Info, where: str = "") -> Placement:
    """PrepareArchiveCopy: the folder to extract into and how the source's entries are renamed; CopyError when
    the rules refuse (``where`` prefixes the destination in messages, e.g. ``web:``)."""
    dst_dir, dst_base = split_entry(dst.path)
    _, src_base = split_entry(src.path)
    if dst.exists and dst.is_dir:
        return Placement(dst.path, None)
    if dst.exists and src.is_dir:
        raise CopyError(f"cannot copy a directory onto the file {where}{dst.path}")
    if not dst.exists and not src.is_dir and asserts_dir(dst.path):
        raise CopyError(f"no such directory: {where}{dst.path} (drop the trailing '/' to create a file there)")
    return Placement(dst_dir, rebaser(src_base, dst_base))


def path_stat(headers: dict[str, str]) -> dict[str, Any] | None:
    """The decoded ``X-Docker-Container-Path-Stat`` header (name, size, mode, mtime, linkTarget), or None."""
    raw = headers.get("x-docker-container-path-stat")
    if not raw:
        return None
    try:
        found = json.loads(base64.b64decode(raw + "=" * (-len(raw) % 4)))
    except (ValueError, RecursionError):
        return None
    return found if isinstance(found, dict) else None


def stat_is_dir(st: dict[str, Any] | None) -> bool:
    """Whether a path stat's Go file mode is a folder."""
    return bool(st and int(st.get("mode", 0)) & GO_MODE_DIR)


def stat_link(st: dict[str, Any] | None) -> str | None:
    """The target of a path stat that is a symlink."""
    return str(st.get("linkTarget")) if st and int(st.get("mode", 0)) & GO_MODE_SYMLINK else None


def local_info(path: str) -> Info:
    """CopyInfoDestinationPath: a local destination, its symlinks followed; CopyError when its parent is missing
    or not a folder."""
    resolved = os.path.realpath(path) if os.path.islink(path.rstrip("/") or "/") else path
    if os.path.exists(resolved):
        return Info(keep_trailing(resolved, path), True, os.path.isdir(resolved))
    parent = split_entry(resolved)[0]
    if not os.path.isdir(parent):
        raise CopyError(f"no such directory: {parent} (the destination's parent must exist)")
    return Info(path)
