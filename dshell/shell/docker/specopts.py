"""docker's compound flag values as the API's objects, read as the docker CLI reads them (cli/opts): ``--publish``
(short and long syntax) as PortConfigs, ``--mount`` as a Mount, ``--network`` as a NetworkAttachmentConfig, Go
durations (``--update-delay 10s``) in nanoseconds, ``--mode`` as a ServiceMode, an image reference tagged as the
docker client tags it (``busybox`` → ``busybox:latest``), a command as its words. Pure; each error is one line."""

from __future__ import annotations

import csv
import re
import shlex
from typing import Any

_DURATION = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")
_NANOS = {"ns": 1, "us": 1_000, "µs": 1_000, "ms": 1_000_000, "s": 10**9, "m": 60 * 10**9, "h": 3600 * 10**9}
_LONG = re.compile(r"\w+=\w+(,\w+=\w+)*")  # the CLI's test for key=value syntax (matched anywhere in the value)
_SHORT_PORT = re.compile(r"(?:(?:(?P<ip>[\d.]+|\[[\da-f:]+\]):)?(?P<host>\d+(?:-\d+)?)?:)?(?P<target>\d+(?:-\d+)?)"
                         r"(?:/(?P<proto>tcp|udp|sctp))?", re.I)


class SpecError(ValueError):
    """A flag value the CLI would refuse; the message names the flag, the value and what would be right."""


def duration(text: str, flag: str) -> int:
    """A Go duration (``10s``, ``1m30s``, ``500ms``, ``0``) in nanoseconds."""
    body = text.lstrip("+-")
    sign = -1 if text.startswith("-") else 1
    if body == "0":
        return 0
    parts = _DURATION.findall(body)
    if not body or "".join(n + u for n, u in parts) != body:
        raise SpecError(f"{flag}: invalid duration {text!r}: e.g. {flag} 10s (units h, m, s, ms, us, ns)")
    return sign * round(sum(float(n) * _NANOS[u] for n, u in parts))


def _fields(text: str) -> list[str]:
    return next(csv.reader([text]), [])


def ports(text: str, flag: str) -> list[dict[str, Any]]:
    """``8080:80``, ``80/udp``, ``8000-8001:80-81``, or ``published=8080,target=80,protocol=udp,mode=host``."""
    if _LONG.search(text):
        port: dict[str, Any] = {}
        for field in _fields(text):
            key, eq, value = field.partition("=")
            key, value = key.lower(), value.lower()
            if not eq or key not in ("target", "published", "protocol", "mode"):
                raise SpecError(f"{flag}: invalid field {field!r}: use target=, published=, protocol=, mode=")
            if key in ("target", "published"):
                if not value.isdigit() or int(value) > 65535:
                    raise SpecError(f"{flag}: {key}={value} is no port number")
                port["TargetPort" if key == "target" else "PublishedPort"] = int(value)
            elif key == "protocol" and value not in ("tcp", "udp", "sctp"):
                raise SpecError(f"{flag}: invalid protocol value {value}: use tcp, udp or sctp")
            elif key == "mode" and value not in ("ingress", "host"):
                raise SpecError(f"{flag}: invalid publish mode value {value}: use ingress or host")
            else:
                port["Protocol" if key == "protocol" else "PublishMode"] = value
        if "TargetPort" not in port:
            raise SpecError(f'{flag}: missing mandatory field "target": e.g. {flag} published=8080,target=80')
        return [{"Protocol": "tcp", "PublishMode": "ingress", **port}]
    m = _SHORT_PORT.fullmatch(text)
    if m is None:
        raise SpecError(f"{flag}: invalid port {text!r}: e.g. {flag} 8080:80 or {flag} published=8080,target=80")
    if m.group("ip") and m.group("ip") != "0.0.0.0":
        raise SpecError(f"{flag}: hostip is not supported ({text})")
    targets, published = _range(m.group("target")), _range(m.group("host")) if m.group("host") else None
    if published is not None and len(published) != len(targets):
        raise SpecError(f"{flag}: {text!r}: the published and target ranges differ in length")
    proto = (m.group("proto") or "tcp").lower()
    return [{"Protocol": proto, "TargetPort": target, "PublishedPort": published[i] if published else 0,
             "PublishMode": "ingress"} for i, target in enumerate(targets)]


def _range(text: str) -> list[int]:
    first, _, last = text.partition("-")
    return list(range(int(first), int(last or first) + 1))


def port_key(port: dict[str, Any]) -> str:
    """The CLI's string of a port (``8080:80/tcp/ingress``): what a service update compares and sorts by."""
    return (f"{port.get('PublishedPort') or 0}:{port.get('TargetPort') or 0}/{port.get('Protocol') or 'tcp'}/"
            f"{port.get('PublishMode') or 'ingress'}")


_MOUNT_BOOLS = {"readonly": "ReadOnly", "ro": "ReadOnly"}


def mount(text: str, flag: str) -> dict[str, Any]:
    """``type=volume,source=v,target=/data,readonly`` (docker's keys: src, dst, ro, volume-*, bind-*, tmpfs-*)."""
    out: dict[str, Any] = {"Type": "volume"}
    for field in _fields(text):
        key, eq, value = field.partition("=")
        key = key.lower()
        if not eq and key in ("readonly", "ro", "volume-nocopy", "bind-nonrecursive"):
            value = "true"
        elif not eq:
            raise SpecError(f"{flag}: invalid field '{field}' must be a key=value pair")
        if key == "type":
            out["Type"] = value.lower()
        elif key in ("source", "src"):
            out["Source"] = value
        elif key in ("target", "dst", "destination"):
            out["Target"] = value
        elif key in ("readonly", "ro"):
            out["ReadOnly"] = _bool(value, key, flag)
        elif key == "consistency":
            out["Consistency"] = value.lower()
        elif key in ("bind-propagation", "bind-nonrecursive"):
            options = out.setdefault("BindOptions", {})
            if key == "bind-propagation":
                options["Propagation"] = value.lower()
            else:
                options["NonRecursive"] = _bool(value, key, flag)
        elif key.startswith("volume-") and key in ("volume-nocopy", "volume-label", "volume-driver", "volume-opt"):
            _volume_option(out.setdefault("VolumeOptions", {"Labels": {}, "DriverConfig": {}}), key, value, flag)
        elif key == "tmpfs-size":
            from .plan import size_bytes

            out.setdefault("TmpfsOptions", {})["SizeBytes"] = size_bytes(value)
        elif key == "tmpfs-mode":
            if not re.fullmatch(r"[0-7]+", value):
                raise SpecError(f"{flag}: invalid value for tmpfs-mode: {value} (an octal mode, e.g. 1777)")
            out.setdefault("TmpfsOptions", {})["Mode"] = int(value, 8)
        else:
            raise SpecError(f"{flag}: unexpected key '{key}' in '{field}'")
    if "Target" not in out:
        raise SpecError(f"{flag}: target is required: e.g. {flag} type=volume,source=data,target=/data")
    for options, kind in (("VolumeOptions", "volume"), ("BindOptions", "bind"), ("TmpfsOptions", "tmpfs")):
        if options in out and out["Type"] != kind:
            raise SpecError(f"{flag}: cannot mix '{kind}-*' options with mount type '{out['Type']}'")
    return out


def _volume_option(options: dict[str, Any], key: str, value: str, flag: str) -> None:
    if key == "volume-nocopy":
        options["NoCopy"] = _bool(value, key, flag)
    elif key == "volume-driver":
        options["DriverConfig"]["Name"] = value
    else:
        name, _, setting = value.partition("=")
        into = options["Labels"] if key == "volume-label" else options["DriverConfig"].setdefault("Options", {})
        into[name] = setting


def _bool(value: str, key: str, flag: str) -> bool:
    if value.lower() not in ("true", "false", "1", "0", "t", "f"):
        raise SpecError(f"{flag}: invalid value for {key}: {value} (true or false)")
    return value.lower() in ("true", "1", "t")


def network(text: str, flag: str) -> dict[str, Any]:
    """``NAME`` or ``name=NAME,alias=A,driver-opt=k=v``."""
    if not _LONG.search(text):
        return {"Target": text}
    out: dict[str, Any] = {"Aliases": []}
    for field in _fields(text):
        key, eq, value = field.partition("=")
        key, value = key.strip().lower(), value.strip().lower()
        if not eq:
            raise SpecError(f"{flag}: invalid field {field}: e.g. {flag} name=NET,alias=web")
        if key == "name":
            out["Target"] = value
        elif key == "alias":
            out["Aliases"].append(value)
        elif key == "driver-opt":
            opt, _, setting = value.partition("=")
            out.setdefault("DriverOpts", {})[opt] = setting
        else:
            raise SpecError(f"{flag}: invalid field key {key}: use name, alias or driver-opt")
    if not out.get("Target"):
        raise SpecError(f"{flag}: network name/id is not specified: e.g. {flag} name=NET")
    return out


def mode(text: str, flag: str) -> dict[str, Any]:
    """``replicated`` / ``global`` as the ServiceMode the API takes."""
    if text not in ("replicated", "global"):
        raise SpecError(f"{flag}: Unknown mode: {text}, only replicated and global supported")
    return {"Replicated": {}} if text == "replicated" else {"Global": {}}


def image(text: str, flag: str) -> str:
    """The reference as the docker client sends it: docker.io's prefixes dropped, ``:latest`` when it has no tag
    and no digest."""
    name = re.sub(r"^(?:docker\.io|index\.docker\.io)/(?:library/(?=[^/]+$))?", "", text)
    last = name.rsplit("/", 1)[-1]
    return name if "@" in name or ":" in last else f"{name}:latest"


def command(text: str, flag: str) -> list[str]:
    """A command line as its words (``--entrypoint "sh -c"``), as a shell splits it; ``""`` none."""
    try:
        return shlex.split(text)
    except ValueError as exc:
        raise SpecError(f"{flag}: {exc}: {text!r}") from None


KINDS = {"duration": duration, "port": ports, "mount": mount, "network": network, "mode": mode, "image": image,
         "command": command}
"""The table's value types (``{port}``) read here."""
