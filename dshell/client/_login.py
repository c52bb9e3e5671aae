"""Storing and forgetting registry logins where the docker CLI keeps them, so both share them.

A credential helper (``credHelpers`` for the registry, else ``credsStore``) gets the secret through
``docker-credential-NAME store|erase`` and the config keeps an empty ``auths`` entry; without one the config's
``auths`` holds ``base64(user:password)`` (or the identity token). The config file is rewritten whole, owner-only.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from ._auth import INDEX_SERVER, _keys_for
from ._config import docker_config_dir


def _config_file() -> Path:
    return Path(docker_config_dir(), "config.json")


def _read() -> dict[str, Any]:
    try:
        data = json.loads(_config_file().read_text())
    except FileNotFoundError:
        return {}
    except ValueError:
        raise ValueError(f"{_config_file()}: not JSON; fix or remove it before logging in") from None
    return data if isinstance(data, dict) else {}


def _write(config: dict[str, Any]) -> Path:
    """Replace the config file atomically with an owner-only one (its folder made owner-only if new)."""
    path = _config_file()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".config.json.", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as fh:
            json.dump(config, fh, indent="\t")
            fh.write("\n")
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return path


def helper_for(config: dict[str, Any], server: str) -> str | None:
    """The credential helper the docker CLI would use for ``server``, or None."""
    helper = (config.get("credHelpers") or {}).get(server) or config.get("credsStore")
    return str(helper) if helper else None


def _helper(helper: str, action: str, data: str) -> None:
    try:
        subprocess.run([f"docker-credential-{helper}", action], input=data.encode(), capture_output=True,
                       timeout=30, check=True)
    except FileNotFoundError:
        raise ValueError(f"credential helper docker-credential-{helper} is not installed (the docker config "
                         f"names it)") from None
    except subprocess.CalledProcessError as exc:
        reason = (exc.stdout or exc.stderr or b"").decode(errors="replace").strip().splitlines()
        raise ValueError(f"docker-credential-{helper} {action} failed: {reason[0] if reason else exc}") from None
    except subprocess.TimeoutExpired:
        raise ValueError(f"docker-credential-{helper} {action} did not answer in 30 s") from None


def store(server: str, username: str, secret: str, token: bool = False) -> str:
    """Keep a login for ``server`` (``token``: ``secret`` is an identity token); where it went, in words."""
    config = _read()
    auths = config.setdefault("auths", {})
    helper = helper_for(config, server)
    if helper:
        user = "<token>" if token else username
        _helper(helper, "store", json.dumps({"ServerURL": server, "Username": user, "Secret": secret}))
        auths[server] = {}
        where = f"credential helper docker-credential-{helper}"
    else:
        auths[server] = {"identitytoken": secret} if token else {
            "auth": base64.b64encode(f"{username}:{secret}".encode()).decode()}
        where = str(_config_file())
    _write(config)
    return where


def erase(server: str) -> bool:
    """Forget the login for ``server`` (every spelling of it in ``auths``, and the helper's); whether there
    was one."""
    config = _read()
    auths = config.get("auths") or {}
    keys = [k for k in _keys_for(server) if k in auths]
    helper = helper_for(config, server)
    if helper:
        try:
            _helper(helper, "erase", server)
        except ValueError:
            if not keys:
                return False
    for key in keys:
        del auths[key]
    if keys:
        _write(config)
    return bool(keys) or helper is not None


def server_name(registry: str | None) -> str:
    """The key the docker CLI files a registry's login under: Docker Hub's index address, else the host."""
    if not registry or registry in ("docker.io", "index.docker.io", "registry-1.docker.io", INDEX_SERVER):
        return INDEX_SERVER
    for prefix in ("https://", "http://"):
        registry = registry.removeprefix(prefix)
    return registry.rstrip("/")
