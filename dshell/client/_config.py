"""The endpoint the docker CLI would use: DOCKER_HOST & co., docker contexts, the default socket."""

from __future__ import annotations

import json
import os

from dshell._checking import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

DEFAULT_URI = "unix:///var/run/docker.sock"


def docker_config_dir() -> str:
    """``$DOCKER_CONFIG`` or ``~/.docker``."""
    return os.environ.get("DOCKER_CONFIG") or os.path.join(os.path.expanduser("~"), ".docker")


def _read_json(*parts: str) -> Any:
    """The JSON file at ``parts`` joined; OSError or ValueError when it cannot be read."""
    with open(os.path.join(*parts), encoding="utf-8") as file:
        return json.load(file)


def load_docker_config() -> dict[str, Any]:
    """``config.json`` of the docker CLI, or {} when absent or unreadable."""
    try:
        found = _read_json(docker_config_dir(), "config.json")
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def _cert_files(folder: str) -> dict[str, str]:
    files = {"ca": "ca.pem", "cert": "cert.pem", "key": "key.pem"}
    return {k: path for k, name in files.items() if os.path.isfile(path := os.path.join(folder, name))}


def _from_env() -> dict[str, Any] | None:
    host = os.environ.get("DOCKER_HOST")
    if not host:
        return None
    conn: dict[str, Any] = {"uri": host}
    verify = os.environ.get("DOCKER_TLS_VERIFY", "") not in ("", "0")
    cert_path = os.environ.get("DOCKER_CERT_PATH")
    if host.startswith(("tcp://", "https://")) and (verify or os.environ.get("DOCKER_TLS")):
        folder = cert_path or docker_config_dir()
        conn["mtls"] = _cert_files(folder)
        if not verify:
            conn["mtls"]["verify"] = False
        if host.startswith("tcp://"):
            conn["uri"] = "https://" + host[len("tcp://"):]
    return conn


def contexts() -> list[str]:
    """The names of the docker contexts in the docker config that have a docker endpoint, sorted."""
    import hashlib

    names = []
    folder = os.path.join(docker_config_dir(), "contexts", "meta")
    try:
        digests = os.listdir(folder)
    except OSError:  # no contexts (or none this user may read), as the docker CLI finds none
        digests = []
    for digest in digests:
        try:
            found = _read_json(folder, digest, "meta.json")
        except (OSError, ValueError):
            continue
        name = found.get("Name") if isinstance(found, dict) else None
        if isinstance(name, str) and hashlib.sha256(name.encode()).hexdigest() == digest \
                and context_conn(name) is not None:
            names.append(name)
    return sorted(names)


def context_conn(name: str) -> dict[str, Any] | None:
    """The endpoint of the docker context ``name`` (its TLS files included), or None when there is none."""
    if name == "default":
        return None
    import hashlib

    digest = hashlib.sha256(name.encode()).hexdigest()
    base = os.path.join(docker_config_dir(), "contexts")
    try:
        meta = _read_json(base, "meta", digest, "meta.json")
    except (OSError, ValueError):
        return None
    endpoint = (meta.get("Endpoints") or {}).get("docker") or {}
    if not endpoint.get("Host"):
        return None
    conn: dict[str, Any] = {"uri": endpoint["Host"]}
    tls = _cert_files(os.path.join(base, "tls", digest, "docker"))
    if tls:
        conn["mtls"] = tls
        if endpoint["Host"].startswith("tcp://"):
            conn["uri"] = "https://" + endpoint["Host"][len("tcp://"):]
    if endpoint.get("SkipTLSVerify"):
        conn.setdefault("mtls", {})["verify"] = False
    return conn


def default_conn() -> dict[str, Any]:
    """DOCKER_HOST (with DOCKER_TLS_VERIFY/DOCKER_CERT_PATH), else DOCKER_CONTEXT or the current context,
    else the default unix socket."""
    conn = _from_env()
    if conn:
        return conn
    context = os.environ.get("DOCKER_CONTEXT") or load_docker_config().get("currentContext")
    return (context_conn(context) if context else None) or {"uri": DEFAULT_URI}
