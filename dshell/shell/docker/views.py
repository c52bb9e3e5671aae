"""How a docker command's answer is printed, as the docker CLI prints it: lists by docker's formats (``--format``,
``-q``, ``--no-trunc``), each target's name, inspect's JSON, ids, exit codes, ports, top, stats, logs; anything else
as the explorer shows the op's data."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .plan import Call, Plan

if TYPE_CHECKING:
    from dshell.explorer import Result

ID_KEYS = ("Id", "ID", "Name")
"""Where an object's id (or name) is, by kind."""

def message(result: Result) -> str:
    data = result.data
    if isinstance(data, dict) and data.get("message"):
        return str(data["message"])
    return str(result.error or result.status or "failed")


def text_body(lines: list[str]) -> Any:
    from dshell.explorer._view import Printed

    return Printed("\n".join(lines)) if lines else None


def _list(p: Plan, ok: list[tuple[Call, Result]]) -> Any:
    from dshell.explorer._fields import DEFAULTS, default_format, format_list

    if not ok:
        return None
    call, result = ok[-1]
    op = call.op
    if p.options.get("tree"):
        from dshell.explorer._reports import image_tree

        return text_body(image_tree(result.data))
    digests = bool(p.options.get("digests"))
    human = p.options.get("human", True) is not False
    source = p.format or default_format(op, p.quiet, bool(call.params.get("size")), digests, human)
    if source is None and op not in DEFAULTS:
        if p.quiet:  # docker cuts service and task ids; node, secret and config ids it prints whole
            trunc = p.trunc and op not in ("NodeList", "SecretList", "ConfigList")
            return text_body([_short(id_of(row), trunc) for row in result.data or ()])
        return _table(p, ok)
    if source is None:
        return _table(p, ok)
    text = format_list(op, result.data, source, p.trunc, digests, human)
    return text_body([text]) if text or source.startswith("table") else None


def id_of(row: Any) -> str:
    return next((str(row[k]) for k in ID_KEYS if isinstance(row, dict) and k in row), "")


def _short(value: str, trunc: bool) -> str:
    from dshell.explorer import short_id

    return short_id(value) if trunc else value


def _table(p: Plan, ok: list[tuple[Call, Result]]) -> Any:
    from dshell.explorer import Stack, render

    parts = [render(r.data, r.op, limit=None) for _, r in ok if r.data not in (None, "", b"")]
    return None if not parts else parts[0] if len(parts) == 1 else Stack(*parts)


def _names(p: Plan, ok: list[tuple[Call, Result]]) -> Any:
    return text_body([call.target for call, _ in ok if call.target is not None])


def inspect_text(p: Plan, objects: list[Any]) -> Any:
    from dshell.explorer._gotemplate import format_rows

    if p.format:
        return text_body([format_rows(p.format, objects)]) if objects else None
    return text_body([json.dumps(objects, indent=4, ensure_ascii=False)])


def _inspect(p: Plan, ok: list[tuple[Call, Result]]) -> Any:
    if p.options.get("pretty"):  # node inspect --pretty: docker's prose report of each (-f then goes unused)
        from .pretty import node_pretty

        return text_body([node_pretty(r.data) for _, r in ok if isinstance(r.data, dict)])
    return inspect_text(p, [r.data for _, r in ok])


def _df(p: Plan, ok: list[tuple[Call, Result]]) -> Any:
    """docker system df: its summary, or with -v the tables of images, containers, volumes and build cache."""
    from dshell.explorer._df import disk_usage_verbose

    if not p.options.get("verbose") or not ok or not isinstance(ok[-1][1].data, dict):
        return _table(p, ok)
    if p.format:
        raise ValueError("system df -v prints docker's tables here: leave out --format (or -v)")
    return text_body([disk_usage_verbose(ok[-1][1].data)])


def _version(p: Plan, ok: list[tuple[Call, Result]]) -> Any:
    """docker version: dshell as the Client, the daemon's answer as the Server (a template sees both)."""
    from .about import version_text

    client = p.options["client"]
    server = ok[-1][1].data if ok and isinstance(ok[-1][1].data, dict) else None
    if p.format:
        return inspect_text(p, [{"Client": client, "Server": server}])
    return text_body([version_text(client, server)])


def _info(p: Plan, ok: list[tuple[Call, Result]]) -> Any:
    """docker info: the Client part (dshell's) and docker's report of the daemon's answer; a template sees the
    answer's fields and ``.ClientInfo``."""
    from .about import info_text

    client = p.options["client"]
    info = ok[-1][1].data if ok and isinstance(ok[-1][1].data, dict) else {}
    if p.format:
        clients = {"Debug": False, "Context": client["Context"], "Plugins": [], "Warnings": None}
        return inspect_text(p, [{**info, "ClientInfo": clients}])
    return text_body([info_text(client, info)])


def stderr_note(p: Plan, ok: list[tuple[Call, Result]]) -> str | None:
    """What the docker CLI prints on stderr beside a command's output (a reply's note): docker info's daemon
    warnings (not with --format)."""
    from .about import info_warnings

    if p.command.view != "info" or p.format or not ok or not isinstance(ok[-1][1].data, dict):
        return None
    return info_warnings(ok[-1][1].data)


def _id(p: Plan, ok: list[tuple[Call, Result]]) -> Any:
    lines = []
    for _, r in ok:
        data = r.data
        lines.append(data if isinstance(data, str) else id_of(data) if isinstance(data, dict) else "")
    return text_body([line for line in lines if line])


def _name(p: Plan, ok: list[tuple[Call, Result]]) -> Any:
    return text_body([str((r.data or {}).get("Name", "")) for _, r in ok if isinstance(r.data, dict)])


def _status(p: Plan, ok: list[tuple[Call, Result]]) -> Any:
    return text_body([str((r.data or {}).get("StatusCode", "")) for _, r in ok if isinstance(r.data, dict)])


def _ports(p: Plan, ok: list[tuple[Call, Result]]) -> Any:
    lines: list[str] = []
    want = p.options.get("port")
    for _, r in ok:
        ports = ((r.data or {}).get("NetworkSettings") or {}).get("Ports") or {}
        for port in sorted(ports, key=_port_order):
            if want and port != want and port.split("/")[0] != want:
                continue
            for binding in ports[port] or ():
                host = binding.get("HostIp") or "0.0.0.0"
                shown = f"[{host}]" if ":" in host else host
                where = f"{shown}:{binding.get('HostPort')}"
                lines.append(where if want else f"{port} -> {where}")
    return text_body(lines)


def _top(p: Plan, ok: list[tuple[Call, Result]]) -> Any:
    """docker top's table: the titles and processes aligned by Go's tabwriter (at least 20 wide)."""
    from dshell.explorer._gotemplate import tabwrite

    lines: list[str] = []
    for _, r in ok:
        data = r.data if isinstance(r.data, dict) else {}
        rows = [data.get("Titles") or [], *(data.get("Processes") or [])]
        lines.append(tabwrite("\n".join("\t".join(map(str, row)) for row in rows), minwidth=20))
    return text_body(lines)


def _port_order(port: str) -> tuple[int, str]:
    number, _, proto = port.partition("/")
    return (int(number) if number.isdigit() else 0, proto)


def _stats(p: Plan, ok: list[tuple[Call, Result]]) -> Any:
    """docker stats --no-stream: one table of each container's sample."""
    from dshell.explorer._fields import DEFAULTS, format_list

    samples = [r.data for _, r in ok if isinstance(r.data, dict)]
    return text_body([format_list("ContainerStats", samples, p.format or DEFAULTS["ContainerStats"], p.trunc)])


def _logs(p: Plan, ok: list[tuple[Call, Result]]) -> Any:
    """A log's last lines at the prompt (how many came before said), all of it into a pipe, as docker logs."""
    from dshell.explorer import LogText

    texts = [(call.target, r.data) for call, r in ok if isinstance(r.data, str) and r.data]
    if len(p.calls) > 1:  # logs a b: each line after its container's name, as compose prints a project's
        width = max(len(str(name)) for name, _ in texts) if texts else 0
        texts = [(name, "".join(f"{str(name).ljust(width)}  | {line}\n" for line in text.splitlines()))
                 for name, text in texts]
    return LogText("".join(text for _, text in texts), 200) if texts else None


def _none(p: Plan, ok: list[tuple[Call, Result]]) -> Any:
    return None


def _file(p: Plan, ok: list[tuple[Call, Result]]) -> Any:
    """export/save -o FILE: the tar written to FILE (nothing printed, as docker prints nothing)."""
    from pathlib import Path

    for _, r in ok:
        data = r.data if isinstance(r.data, bytes | bytearray) else b""
        Path(str(p.options["output"])).expanduser().write_bytes(data)
    return None


_PRUNED = (("ContainerPrune", "Deleted Containers:", "ContainersDeleted"),
           ("NetworkPrune", "Deleted Networks:", "NetworksDeleted"),
           ("VolumePrune", "Deleted Volumes:", "VolumesDeleted"),
           ("ImagePrune", "Deleted Images:", "ImagesDeleted"),
           ("BuildPrune", "Deleted build cache objects:", "CachesDeleted"))


def _system_prune(p: Plan, ok: list[tuple[Call, Result]]) -> Any:
    """docker system prune: what each prune deleted, under its heading and a blank line, then one total."""
    from dshell.explorer._format import human_size

    lines: list[str] = []
    total = 0
    for op, heading, member in _PRUNED:
        for _, r in ok:
            if r.op != op or not isinstance(r.data, dict):
                continue
            total += int(r.data.get("SpaceReclaimed") or 0)
            gone = r.data.get(member) or []
            if gone:
                lines += [heading, *(_pruned(item) for item in gone), ""]
    return text_body([*lines, f"Total reclaimed space: {human_size(total, 4)}"])


def _pruned(item: Any) -> str:
    if isinstance(item, dict):  # an image: untagged: NAME / deleted: ID
        return "\n".join(f"{label}: {item[key]}" for key, label in (("Untagged", "untagged"), ("Deleted", "deleted"))
                         if key in item)
    return str(item)


VIEWS: dict[str, Callable[[Plan, list[tuple[Call, Result]]], Any]] = {
    "list": _list, "table": _table, "names": _names, "inspect": _inspect, "version": _version, "info": _info,
    "df": _df, "id": _id, "name": _name, "status": _status, "ports": _ports, "top": _top, "none": _none, "file": _file,
    "logs": _logs, "system-prune": _system_prune, "scaled": _names, "stats": _stats,
}


