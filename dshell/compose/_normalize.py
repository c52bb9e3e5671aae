"""One file's services, networks and volumes in their long form (short syntax expanded, paths absolute)."""

from __future__ import annotations

import os
import re
import shlex
from typing import Any

from ._errors import ComposeError

_DURATION = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")
_UNITS = {"ns": 1, "us": 10**3, "µs": 10**3, "ms": 10**6, "s": 10**9, "m": 60 * 10**9, "h": 3600 * 10**9}


def duration_ns(value: str | int, file: str, path: str) -> int:
    """A Go duration (``1m30s``, ``500ms``; a bare number is seconds) in nanoseconds."""
    if isinstance(value, int):
        return value * 10**9
    text = value.strip()
    if re.fullmatch(r"\d+", text):
        return int(text) * 10**9
    parts = _DURATION.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ComposeError(f"invalid duration {value!r}: write it as 1m30s, 10s or 500ms", file, path)
    return round(sum(float(n) * _UNITS[u] for n, u in parts))


def mapping(value: Any) -> dict[str, str | None]:
    """A MAP value (a mapping or a list of ``KEY=VALUE``/``KEY``) as a dict of strings (None: no value given)."""
    if isinstance(value, list):
        out: dict[str, str | None] = {}
        for item in value:
            key, eq, val = item.partition("=")
            out[key] = val if eq else None
        return out
    return {str(k): None if v is None else _scalar(v) for k, v in (value or {}).items()}


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def words(value: str | list[str] | None) -> list[str] | None:
    """A command or entrypoint as a list: a string split as a shell splits it."""
    if value is None or isinstance(value, list):
        return value
    return shlex.split(value)


def service(raw: dict[str, Any], base_dir: str, file: str, path: str) -> dict[str, Any]:
    """The long form of one service as written in ``file`` (relative paths against ``base_dir``)."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        here = f"{path}.{key}"
        if key.startswith("x-"):
            continue
        if key in ("command", "entrypoint"):
            out[key] = words(value)
        elif key in ("environment", "labels"):
            out[key] = mapping(value)
        elif key == "build":
            out[key] = _build(value, base_dir)
        elif key == "env_file":
            out[key] = [_env_file(item, base_dir) for item in (value if isinstance(value, list) else [value])]
        elif key == "ports":
            out[key] = [port for n, item in enumerate(value) for port in ports(item, file, f"{here}[{n}]")]
        elif key == "expose":
            out[key] = [str(item) for item in value]
        elif key == "volumes":
            out[key] = [volume(item, base_dir, file, f"{here}[{n}]") for n, item in enumerate(value)]
        elif key in ("tmpfs", "dns"):
            out[key] = value if isinstance(value, list) else [value]
        elif key == "networks":
            out[key] = {name: None for name in value} if isinstance(value, list) else \
                {name: _service_network(cfg) for name, cfg in value.items()}
        elif key == "depends_on":
            out[key] = {name: _dependency(cfg) for name, cfg in
                        (((n, None) for n in value) if isinstance(value, list) else value.items())}
        elif key == "healthcheck":
            out[key] = _healthcheck(value, file, here)
        elif key == "extra_hosts":
            out[key] = _extra_hosts(value, file, here)
        elif key == "logging":
            out[key] = {k: mapping(v) if k == "options" else v for k, v in value.items()}
        elif key == "stop_grace_period":
            out[key] = duration_ns(value, file, here)
        elif key == "extends":
            out[key] = {"service": value} if isinstance(value, str) else dict(value)
        elif key == "deploy":
            out[key] = dict(value)
        else:
            out[key] = value
    return out


def _build(value: str | dict[str, Any], base_dir: str) -> dict[str, Any]:
    build: dict[str, Any] = {"context": value} if isinstance(value, str) else dict(value)
    build["context"] = _abspath(build.get("context", "."), base_dir)
    build.setdefault("dockerfile", "Dockerfile")
    if "args" in build:
        build["args"] = mapping(build["args"])
    if "labels" in build:
        build["labels"] = mapping(build["labels"])
    return build


def _env_file(item: str | dict[str, Any], base_dir: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"path": item, "required": True} if isinstance(item, str) else {"required": True, **item}
    entry["path"] = _abspath(entry["path"], base_dir)
    return entry


def _abspath(path: str, base_dir: str) -> str:
    return os.path.normpath(os.path.join(base_dir, os.path.expanduser(path)))


_PORT = re.compile(r"^(?:(?:\[(?P<ip6>[^\]]+)\]|(?P<ip>[^:\[\]]*)):)??(?:(?P<pub>[\d-]*):)?(?P<target>[\d-]+)"
                   r"(?:/(?P<proto>\w+))?$")


def ports(value: str | int | dict[str, Any], file: str, path: str) -> list[dict[str, Any]]:
    """A port entry in the long syntax; a short one with ranges gives one entry per port."""
    if isinstance(value, dict):
        target = value.get("target")
        if target is None:
            raise ComposeError("a port needs a target", file, path)
        port = {"mode": value.get("mode", "ingress"), "host_ip": value.get("host_ip", ""),
                "target": int(target), "published": str(value.get("published", "")),
                "protocol": value.get("protocol", "tcp")}
        return [port]
    match = _PORT.match(str(value))
    if match is None:
        raise ComposeError(f"invalid port {value!r}: write [HOST_IP:][PUBLISHED:]TARGET[/PROTOCOL]", file, path)
    ip = match.group("ip6") or match.group("ip") or ""
    targets = _range(match.group("target"), file, path)
    published = _range(match.group("pub"), file, path) if match.group("pub") else []
    if published and len(published) not in (1, len(targets)):
        raise ComposeError(f"port ranges of different lengths in {value!r}", file, path)
    out = []
    for n, target in enumerate(targets):
        pub = str(published[n]) if len(published) == len(targets) else \
            (f"{published[0]}" if published else "")
        out.append({"mode": "ingress", "host_ip": ip, "target": target, "published": pub,
                    "protocol": match.group("proto") or "tcp"})
    return out


def _range(text: str, file: str, path: str) -> list[int]:
    low, dash, high = text.partition("-")
    try:
        first, last = int(low), int(high) if dash else int(low)
    except ValueError:
        raise ComposeError(f"invalid port {text!r}", file, path) from None
    if not 0 <= first <= last <= 65535:
        raise ComposeError(f"invalid port range {text!r}", file, path)
    return list(range(first, last + 1))


def _is_path(source: str) -> bool:
    return source.startswith((".", "/", "~"))


def volume(value: str | dict[str, Any], base_dir: str, file: str, path: str) -> dict[str, Any]:
    """A volume entry in the long syntax: ``type``, ``source``, ``target``, ``read_only`` and options."""
    if isinstance(value, dict):
        entry = dict(value)
        if "target" not in entry:
            raise ComposeError("a volume needs a target", file, path)
        kind = entry.setdefault("type", "volume")
        if kind not in ("volume", "bind", "tmpfs"):
            raise ComposeError(f"volume type {kind!r} is not supported by dshell compose (volume, bind, tmpfs are)",
                               file, path)
        if kind == "bind":
            entry["source"] = _abspath(entry.get("source", ""), base_dir)
            entry["bind"] = {"create_host_path": True, **entry.get("bind", {})}
        entry.setdefault("read_only", False)
        return entry
    parts = value.split(":")
    if len(parts) == 1:
        return {"type": "volume", "target": parts[0], "read_only": False, "volume": {}}
    if len(parts) > 3:
        raise ComposeError(f"invalid volume {value!r}: write SOURCE:TARGET[:OPTIONS]", file, path)
    source, target = parts[0], parts[1]
    options = parts[2].split(",") if len(parts) == 3 else []
    short: dict[str, Any] = {"type": "bind" if _is_path(source) else "volume",
                             "source": _abspath(source, base_dir) if _is_path(source) else source,
                             "target": target, "read_only": "ro" in options}
    if short["type"] == "bind":
        short["bind"] = {"create_host_path": True}
        for option in options:
            if option in ("z", "Z"):
                short["bind"]["selinux"] = option
            elif option not in ("ro", "rw"):
                short["bind"]["propagation"] = option
    else:
        short["volume"] = {"nocopy": True} if "nocopy" in options else {}
    return short


def _service_network(cfg: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if cfg is None else dict(cfg)


def _dependency(cfg: dict[str, Any] | None) -> dict[str, Any]:
    return {"condition": "service_started", "required": True, "restart": False, **(cfg or {})}


def _healthcheck(value: dict[str, Any], file: str, path: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key == "test":
            out[key] = ["CMD-SHELL", item] if isinstance(item, str) else list(item)
        elif key in ("interval", "timeout", "start_period", "start_interval"):
            out[key] = duration_ns(item, file, f"{path}.{key}")
        else:
            out[key] = item
    if out.pop("disable", False):
        out = {"test": ["NONE"]}
    return out


def _extra_hosts(value: list[str] | dict[str, Any], file: str, path: str) -> list[str]:
    if isinstance(value, dict):
        return [f"{host}:{ip}" for host, ip in value.items()]
    out = []
    for n, item in enumerate(value):
        host, sep, ip = item.partition("=")
        if not sep:
            host, sep, ip = item.partition(":")
        if not sep:
            raise ComposeError(f"invalid extra host {item!r}: write HOST=IP or HOST:IP", file, f"{path}[{n}]")
        out.append(f"{host}:{ip}")
    return out


def resource(raw: dict[str, Any] | None) -> dict[str, Any]:
    """A top-level network or volume: ``external: {name: X}`` made ``external: true, name: X``; labels and
    driver options as dicts."""
    entry = dict(raw or {})
    external = entry.get("external")
    if isinstance(external, dict):
        entry["external"] = True
        if "name" in external:
            entry["name"] = external["name"]
    for key in ("labels", "driver_opts"):
        if key in entry:
            entry[key] = mapping(entry[key])
    return entry
