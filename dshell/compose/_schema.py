"""What a compose file may say: the keys dshell runs, their types, and the Compose Specification's keys it leaves
out (each refused by name, never silently dropped)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from dshell.client import did_you_mean

from ._errors import ComposeError

# A type is a name below, a dict (a mapping of known keys), or a tuple of alternatives.
STR, INT, BOOL, NUM, DURATION = "string", "integer", "boolean", "number", "duration"
STRS = "list of strings"
MAP = "mapping"  # {KEY: scalar} or ["KEY=VALUE", ...]
ANY = "anything"
NAMED = "named"  # a mapping of user-chosen names to a schema: ("named", schema)

_BUILD = {"context": STR, "dockerfile": STR, "args": MAP, "target": STR, "labels": MAP}
_HEALTH = {"test": (STR, STRS), "interval": DURATION, "timeout": DURATION, "retries": INT,
           "start_period": DURATION, "start_interval": DURATION, "disable": BOOL}
_PORT = {"target": (INT, STR), "published": (STR, INT), "host_ip": STR, "protocol": STR, "mode": STR, "name": STR,
         "app_protocol": STR}
_VOLUME = {"type": STR, "source": STR, "target": STR, "read_only": BOOL,
           "bind": {"propagation": STR, "create_host_path": BOOL, "selinux": STR},
           "volume": {"nocopy": BOOL}, "tmpfs": {"size": (INT, STR), "mode": (INT, STR)}, "consistency": STR}
_SERVICE_NET = (None, {"aliases": STRS, "ipv4_address": STR, "ipv6_address": STR, "priority": INT})
_DEPENDS = {"condition": STR, "restart": BOOL, "required": BOOL}

SERVICE: dict[str, Any] = {
    "image": STR, "build": (STR, _BUILD), "command": (STR, STRS, None), "entrypoint": (STR, STRS, None),
    "environment": MAP, "env_file": (STR, [(STR, {"path": STR, "required": BOOL})]),
    "ports": [(STR, INT, _PORT)], "expose": [(STR, INT)],
    "volumes": [(STR, _VOLUME)], "tmpfs": (STR, STRS),
    "networks": (STRS, (NAMED, _SERVICE_NET)), "network_mode": STR,
    "depends_on": (STRS, (NAMED, _DEPENDS)), "healthcheck": _HEALTH, "restart": STR, "labels": MAP,
    "container_name": STR, "working_dir": STR, "user": STR, "hostname": STR, "domainname": STR,
    "cap_add": STRS, "cap_drop": STRS, "extra_hosts": (STRS, MAP), "logging": {"driver": STR, "options": MAP},
    "profiles": STRS, "deploy": {"replicas": INT}, "scale": INT, "stop_signal": STR, "stop_grace_period": DURATION,
    "tty": BOOL, "stdin_open": BOOL, "init": BOOL, "privileged": BOOL, "read_only": BOOL, "dns": (STR, STRS),
    "extends": (STR, {"service": STR, "file": STR}), "platform": STR, "pull_policy": STR,
}
NETWORK = {"name": STR, "driver": STR, "driver_opts": MAP, "external": (BOOL, {"name": STR}), "internal": BOOL,
           "attachable": BOOL, "enable_ipv6": BOOL, "labels": MAP}
VOLUME = {"name": STR, "driver": STR, "driver_opts": MAP, "external": (BOOL, {"name": STR}), "labels": MAP}
TOP: dict[str, Any] = {"version": (STR, NUM), "name": STR, "services": (NAMED, (None, SERVICE)),
                       "networks": (NAMED, (None, NETWORK)), "volumes": (NAMED, (None, VOLUME))}

LEFT_OUT = {
    "": {"include", "secrets", "configs", "models"},
    "service": {"develop", "annotations", "attach", "blkio_config", "cgroup", "cgroup_parent", "configs",
                "cpu_count", "cpu_percent", "cpu_shares", "cpu_quota", "cpu_period", "cpu_rt_period",
                "cpu_rt_runtime", "cpus", "cpuset", "credential_spec", "device_cgroup_rules", "devices", "dns_opt",
                "dns_search", "label_file", "external_links", "gpus", "group_add", "ipc", "isolation", "links",
                "mac_address", "mem_limit", "mem_reservation", "mem_swappiness", "memswap_limit",
                "oom_kill_disable", "oom_score_adj", "pid", "pids_limit", "post_start", "pre_stop",
                "pull_refresh_after", "runtime", "security_opt", "shm_size", "secrets", "sysctls", "storage_opt",
                "ulimits", "use_api_socket", "uts", "userns_mode", "volumes_from", "provider", "models"},
    "deploy": {"mode", "labels", "update_config", "rollback_config", "resources", "restart_policy", "placement",
               "endpoint_mode"},
    "network": {"ipam", "enable_ipv4"},
}
"""Compose Specification keys dshell does not run: refused by name (docker compose runs them)."""


def check(value: Any, file: str) -> dict[str, Any]:
    """The loaded (and interpolated) file, with strings cast where an integer or boolean belongs (``replicas:
    ${N}``, as docker compose casts them); a ComposeError naming ``file`` and the key path of the first thing that
    is not a known key of its place or not of its type."""
    if not isinstance(value, dict):
        raise ComposeError(f"the top level must be a mapping, not {_kind(value)}", file)
    return _mapping(value, TOP, file, "", "")


def _place(path: str) -> str:
    """Which LEFT_OUT set governs the keys of the mapping at ``path``."""
    parts = path.split(".")
    if len(parts) == 2 and parts[0] == "services":
        return "service"
    if len(parts) == 3 and parts[0] == "services" and parts[2] == "deploy":
        return "deploy"
    if len(parts) == 2 and parts[0] == "networks":
        return "network"
    return "" if not path else "-"


def _mapping(value: dict[Any, Any], schema: dict[str, Any], file: str, path: str, place: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, item in value.items():
        here = f"{path}.{key}" if path else str(key)
        if not isinstance(key, str):
            raise ComposeError(f"keys must be strings, not {_kind(key)}", file, here)
        if key.startswith("x-"):
            out[key] = item
            continue
        if key not in schema:
            if key in LEFT_OUT.get(place, ()):
                raise ComposeError("not supported by dshell compose (docker compose runs it)", file, here)
            raise ComposeError(f"unknown key{did_you_mean(key, sorted(schema))}", file, here)
        out[key] = _value(item, schema[key], file, here)
    return out


def _cast(value: Any, kind: Any) -> Any:
    """A string made the integer or boolean ``kind`` wants (a variable's value), else ``value`` as it is."""
    kinds = kind if isinstance(kind, tuple) and kind[:1] != (NAMED,) else (kind,)
    if isinstance(value, str) and INT in kinds and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    if isinstance(value, str) and BOOL in kinds and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return value


def _value(value: Any, kind: Any, file: str, path: str) -> Any:
    value = value if _fits(value, kind) else _cast(value, kind)
    if not _fits(value, kind):
        raise ComposeError(f"must be {_describe(kind)}, not {_kind(value)}", file, path)
    if isinstance(kind, tuple) and kind[:1] != (NAMED,):
        kind = next(k for k in kind if _fits(value, k))
    if isinstance(kind, dict):
        return _mapping(value, kind, file, path, _place(path))
    if isinstance(kind, list):
        return [_value(item, kind[0], file, f"{path}[{n}]") for n, item in enumerate(value)]
    if isinstance(kind, tuple) and kind[:1] == (NAMED,):
        return {name: _value(item, kind[1], file, f"{path}.{name}") for name, item in value.items()}
    return value


def _fits(value: Any, kind: Any) -> bool:
    if kind is None:
        return value is None
    if isinstance(kind, dict):
        return isinstance(value, dict)
    if isinstance(kind, list):
        return isinstance(value, list)
    if isinstance(kind, tuple):
        if kind[:1] == (NAMED,):
            return isinstance(value, dict) and all(isinstance(k, str) for k in value)
        return any(_fits(value, k) for k in kind)
    test: dict[str, Callable[[Any], bool]] = {
        STR: lambda v: isinstance(v, str),
        INT: lambda v: isinstance(v, int) and not isinstance(v, bool),
        NUM: lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        BOOL: lambda v: isinstance(v, bool),
        DURATION: lambda v: isinstance(v, str | int) and not isinstance(v, bool),
        STRS: lambda v: isinstance(v, list) and all(isinstance(i, str) for i in v),
        MAP: lambda v: (isinstance(v, dict) and all(isinstance(i, str | int | float | bool) or i is None
                                                     for i in v.values()))
        or (isinstance(v, list) and all(isinstance(i, str) for i in v)),
        ANY: lambda v: True,
    }
    return test[kind](value)


def _describe(kind: Any) -> str:
    if kind is None:
        return "empty"
    if isinstance(kind, dict):
        return "a mapping"
    if isinstance(kind, list):
        return "a list"
    if isinstance(kind, tuple):
        if kind[:1] == (NAMED,):
            return "a mapping of names"
        return " or ".join(_describe(k) for k in kind)
    named = {MAP: "a mapping or a list of KEY=VALUE", STRS: "a list of strings", INT: "an integer"}
    return named.get(kind, f"a {kind}")


def _kind(value: Any) -> str:
    if value is None:
        return "empty"
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "a list",
            dict: "a mapping"}.get(type(value), type(value).__name__)
