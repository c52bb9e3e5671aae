"""Which compose files and which project name: docker compose's discovery and naming rules."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from ._errors import ComposeError

CANDIDATES = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")
"""The default file names, in docker compose's order of preference."""
OVERRIDES = ("compose.override.yaml", "compose.override.yml", "docker-compose.override.yml",
             "docker-compose.override.yaml")
"""Override files picked up beside a default file (never beside files given with -f)."""
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def find(workdir: str, env: Mapping[str, str]) -> list[str]:
    """The compose files for ``workdir``: ``COMPOSE_FILE`` (split on ``COMPOSE_PATH_SEPARATOR``), else the first
    default name found in the folder or a parent, with its override file when there is one."""
    listed = env.get("COMPOSE_FILE")
    if listed:
        sep = env.get("COMPOSE_PATH_SEPARATOR") or os.pathsep
        return [os.path.abspath(os.path.join(workdir, f)) for f in listed.split(sep) if f]
    folder = os.path.abspath(workdir)
    while True:
        for name in CANDIDATES:
            path = os.path.join(folder, name)
            if os.path.isfile(path):
                return [path, *_override(folder)]
        parent = os.path.dirname(folder)
        if parent == folder:
            raise ComposeError(f"no configuration file provided: not found (looked for {', '.join(CANDIDATES)} "
                               f"in {os.path.abspath(workdir)} and its parents; give one with -f)")
        folder = parent


def _override(folder: str) -> list[str]:
    for name in OVERRIDES:
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            return [path]
    return []


def normalize_name(name: str) -> str:
    """A folder name made a project name as docker compose makes it: lower case, only ``a-z0-9_-``, starting
    with a letter or digit."""
    kept = re.sub(r"[^a-z0-9_-]", "", name.lower())
    return kept.lstrip("_-")


def check_name(name: str, source: str) -> str:
    """``name`` if it is a valid project name, else one line saying what one looks like (``source``: where it
    came from, e.g. ``-p``)."""
    if not _NAME.match(name):
        raise ComposeError(f"invalid project name {name!r} ({source}): use lower-case letters, digits, '_' and "
                           "'-', starting with a letter or digit")
    return name


def project_name(explicit: str | None, env: Mapping[str, str], declared: str | None, project_dir: str) -> str:
    """docker compose's precedence: ``-p``, then ``COMPOSE_PROJECT_NAME``, then the file's ``name:``, then the
    project folder's name normalized."""
    if explicit:
        return check_name(explicit, "-p")
    if env.get("COMPOSE_PROJECT_NAME"):
        return check_name(env["COMPOSE_PROJECT_NAME"], "COMPOSE_PROJECT_NAME")
    if declared:
        return check_name(declared, "name:")
    name = normalize_name(os.path.basename(os.path.abspath(project_dir)))
    if not name:
        raise ComposeError(f"the folder name {os.path.basename(project_dir)!r} makes no project name: give one "
                           "with -p or name:")
    return name
