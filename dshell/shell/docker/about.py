"""``docker version`` and ``docker info`` as the docker CLI lays them out (cli/command/system): a Client part of
dshell's own facts (dshell is the client: its version, the API version it speaks, Python's, the endpoint as the
context) before the Server part the explorer prints of the daemon's answer. Pure: the facts come in, the lines go
out."""

from __future__ import annotations

import platform
import sys
from typing import Any

_ARCH = {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm", "i686": "386", "ppc64le": "ppc64le", "s390x": "s390x"}


def client_facts(context: str, api_version: str, newest: str) -> dict[str, Any]:
    """dshell as docker's ``Client`` of ``docker version --format`` (its field names)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        mine = version("dshell")
    except PackageNotFoundError:  # run from a checkout
        mine = "dev"
    return {"Platform": {"Name": "dshell"}, "Version": mine, "ApiVersion": api_version.lstrip("v"),
            "DefaultAPIVersion": newest.lstrip("v"), "PythonVersion": platform.python_version(),
            "Os": sys.platform, "Arch": _ARCH.get(platform.machine(), platform.machine()), "Context": context}


def version_text(client: dict[str, Any], server: dict[str, Any] | None) -> str:
    """docker version's default template, tab-aligned as its tabwriter (20 wide, padding 1)."""
    from dshell.explorer._gotemplate import tabwrite
    from dshell.explorer._reports import version_lines

    api = client["ApiVersion"]
    downgraded = f" (downgraded from {client['DefaultAPIVersion']})" if api != client["DefaultAPIVersion"] else ""
    lines = [f"Client: {client['Platform']['Name']}", f" Version:\t{client['Version']}",
             f" API version:\t{api}{downgraded}", f" Python version:\t{client['PythonVersion']}",
             f" OS/Arch:\t{client['Os']}/{client['Arch']}", f" Context:\t{client['Context']}"]
    mine = tabwrite("\n".join(lines), minwidth=20, padding=1)
    return "\n".join([mine, "", *version_lines(server)]) if server is not None else mine


def info_text(client: dict[str, Any], info: dict[str, Any]) -> str:
    """docker info's stdout: the Client part (dshell, its context), docker's report of the daemon's answer and
    the empty line after it (the daemon's warnings that follow are ``info_warnings``: docker prints them on
    stderr)."""
    from dshell.explorer._info import info_lines

    lines = [f"Client: {client['Platform']['Name']}", f" Version:    {client['Version']}",
             f" Context:    {client['Context']}", " Debug Mode: false", ""]
    return "\n".join([*lines, *info_lines(info), ""])


def info_warnings(info: dict[str, Any]) -> str | None:
    """The daemon's warnings, a line each, as docker info prints them after its report (on stderr)."""
    return "\n".join(str(w) for w in info.get("Warnings") or ()) or None
