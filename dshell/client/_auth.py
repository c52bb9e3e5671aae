"""Registry credentials for pulls and pushes: ~/.docker/config.json and ``docker-credential-*`` helpers."""

from __future__ import annotations

import json

from dshell._checking import TYPE_CHECKING

from ._config import load_docker_config

if TYPE_CHECKING:
    from typing import Any

INDEX_SERVER = "https://index.docker.io/v1/"


def registry_of(image: str) -> str:
    """The registry host of an image reference; Docker Hub's index address for plain names."""
    first, sep, _ = image.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        return first
    return INDEX_SERVER


def _helper_credentials(helper: str, server: str) -> dict[str, Any] | None:
    import subprocess

    try:
        out = subprocess.run([f"docker-credential-{helper}", "get"], input=server.encode(),
                             capture_output=True, timeout=10, check=True).stdout
        found = json.loads(out)
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    user, secret = found.get("Username"), found.get("Secret")
    if not secret:
        return None
    if user == "<token>":
        return {"identitytoken": secret, "serveraddress": server}
    return {"username": user, "password": secret, "serveraddress": server}


def _keys_for(server: str) -> list[str]:
    if server == INDEX_SERVER:
        return [INDEX_SERVER, "index.docker.io", "docker.io", "https://index.docker.io/v1"]
    return [server, f"https://{server}", f"http://{server}", f"https://{server}/v1/", f"https://{server}/v2/"]


def lookup(server: str) -> dict[str, Any] | None:
    """Credentials for ``server`` from the docker CLI's config (credHelpers, credsStore, auths), or None."""
    config = load_docker_config()
    helper = (config.get("credHelpers") or {}).get(server)
    if helper:
        return _helper_credentials(helper, server)
    auths = config.get("auths") or {}
    for key in _keys_for(server):
        entry = auths.get(key)
        if entry is None:
            continue
        if entry.get("identitytoken"):
            return {"identitytoken": entry["identitytoken"], "serveraddress": server}
        if entry.get("auth"):
            import base64  # here and in the modules below: a call without credentials, bytes or sockets needs none

            user, _, password = base64.b64decode(entry["auth"]).decode().partition(":")
            return {"username": user, "password": password, "serveraddress": server}
    if config.get("credsStore"):
        return _helper_credentials(config["credsStore"], server)
    return None


def all_logins() -> dict[str, dict[str, Any]]:
    """Every login the docker config knows (its ``auths`` and ``credHelpers`` registries), by registry."""
    config = load_docker_config()
    servers = [*(config.get("auths") or {}), *(config.get("credHelpers") or {})]
    found = {server: lookup(server) for server in dict.fromkeys(servers)}
    return {server: creds for server, creds in found.items() if creds}


def image_of(op: str, params: dict[str, Any]) -> str | None:
    """The image a registry-talking op pulls or pushes, if it names one."""
    if op == "ImageCreate":
        return params.get("fromImage")
    if op in ("ImagePush", "ImageTag", "PluginPush", "DistributionInspect"):
        return params.get("name")
    if op in ("PluginPull", "PluginUpgrade", "GetPluginPrivileges"):
        return params.get("remote")
    if op in ("ServiceCreate", "ServiceUpdate"):
        spec = ((params.get("body") or {}).get("TaskTemplate") or {}).get("ContainerSpec") or {}
        return spec.get("Image")
    return None
