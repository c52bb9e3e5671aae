"""Rich renderables for the shell's own outputs: doc, ops, categories, help, settings."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .bodies import SYNTAX as BODY_SYNTAX

if TYPE_CHECKING:
    from rich.console import RenderableType

    from dshell.client import SpecIndex
    from dshell.explorer import Result

    from .docker.table import Command as DockerCommand

SYNTAX = (
    ("ContainerList all=true", "run an op: name=value params; values are true/false/null, numbers, "
                               "strings, {...} and [...] (JSON or YAML flow)"),
    ("containers ContainerList", "the category before the op is optional"),
    ("ContainerInspect web", "a positional value fills the op's path param; {...} alone is the body"),
    ("_  _3  _3[0].Names", "results: the last, number 3, a path into it; also as a value: id=_3[0].Id"),
    ("_3 | [?State=='running'].Names", "a JMESPath query over a result"),
    ("_3 --full", "everything, not the first rows; long output goes through the pager"),
    ("PutContainerArchive web path=/tmp @./site", BODY_SYNTAX),
    ("@b exec web sh", "one command (an op, exec, run, cp, fetch, ...) on the endpoint b, as docker --context b; "
                       "@a,b Op or @all Op: an op on several at once"),
    ("help docker", "the docker CLI's commands and the ops that do their work"),
)


def _table(rows: Iterable[tuple[str, ...]], *styles: str, title: str | None = None) -> RenderableType:
    """A borderless table of plain text (no rich markup is read from the cells)."""
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, show_header=False, pad_edge=False, title=title, title_justify="left")
    for style in styles:
        table.add_column(style=style, overflow="fold")
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    return table


def doc_view(info: dict[str, Any]) -> RenderableType:
    """``doc Op``: the op's method and path, summary, params table and reference URL."""
    from rich.console import Group
    from rich.text import Text

    head = Text.assemble((info["op"], "bold"), f"  {info['method']} {info['path']}  ",
                         (f"({info['category']}, API {info['version']})", "dim"))
    rows = []
    for p in info["params"]:
        extra = [f"enum {', '.join(map(str, p['enum']))}" if p.get("enum") else "",
                 f"default {json.dumps(p['default'])}" if p.get("default") not in (None, "") else "", p.get("doc", "")]
        if p["in"] == "body" and p.get("type") == "string":
            extra.insert(0, "@path: a local file, or a folder as a tar; @- stdin")
        rows.append((p["name"], f"{p.get('type') or 'any'} · {p['in']}", "required" if p["required"] else "",
                     "  ".join(e for e in extra if e)))
    parts: list[Any] = [head, Text(info["doc"])]
    if rows:
        parts.append(_table(rows, "bold cyan", "green", "yellow", "dim"))
    parts.append(Text(info["url"], style="blue underline"))
    return Group(*parts)


def ops_view(spec: SpecIndex, category: str | None) -> RenderableType:
    """``ops [category]``: op names with their category and summary."""
    rows = [(op.name, op.category, op.summary) for op in spec.ops.values()
            if category is None or op.category == category]
    return _table(rows, "bold", "dim", "")


def categories_view(spec: SpecIndex) -> RenderableType:
    """``categories``: each category and how many ops it has."""
    counts: dict[str, int] = {}
    for op in spec.ops.values():
        counts[op.category] = counts.get(op.category, 0) + 1
    return _table(((cat, f"{counts[cat]} ops") for cat in sorted(counts)), "bold", "dim")


def help_view(topic: str | None = None) -> RenderableType:
    """``help``: the input syntax and every command (``shell.commands``); ``help cmd``: that command's usage."""
    from .commands import commands, find

    declared = find(topic) if topic else None
    if declared is not None:
        return _table([(declared.usage, declared.summary)], "bold cyan", "")
    listed = _table(((c.usage, c.summary) for c in commands()), "bold cyan", "", title="commands")
    from rich.console import Group

    syntax = _table(SYNTAX, "bold green", "", title="input")
    return Group(syntax, "", listed, "", "Tab completes; Ctrl-R searches the command history; "
                 "Ctrl-C cancels a running call; Ctrl-D or exit leaves.")


def docker_view() -> RenderableType:
    """``help docker``: the docker commands that run as typed (their supported flags and the ops they call, from
    the command table), then the other docker CLI commands and the ops (or dshell command) that do their work."""
    from rich.console import Group

    from .docker.table import commands
    from .hints import DOCKER_COMMANDS

    table = commands()
    seen: dict[int, str] = {}
    for name, command in table.items():
        seen.setdefault(id(command), name)
    rows = [(table[name].usage(), _does(table[name])) for name in seen.values()]
    typed = _table(rows, "bold", "cyan", title="docker commands that run as typed (docker's flags and output)")
    others = _table(((f"docker {name}", does) for name, does in DOCKER_COMMANDS.items() if name not in table),
                    "bold", "cyan", title="other docker CLI commands → dshell")
    return Group(typed, "", others)


def _does(command: DockerCommand) -> str:
    return command.todo and f"not run yet: {command.todo}" or command.runs or ", ".join(
        command.ops or ((command.op,) if command.op else ()))


def docker_command_view(command: DockerCommand) -> RenderableType:
    """``help ps``: a docker command's usage, the ops it runs, what each flag does, and the flags not supported
    with why."""
    from rich.console import Group

    flags = [(" ".join(f.names), f.target if f.option else f"{f.target}={{{f.type}}}" if f.type else
              f"{f.target}={json.dumps(f.value) if isinstance(f.value, bool) else f.value}")
             for f in command.unique_flags()]
    parts: list[Any] = [_table([(command.usage(), _does(command))], "bold cyan", "")]
    if command.aka:
        parts.append(_table([("also", ", ".join(command.aka))], "dim", ""))
    if flags:
        parts.append(_table(flags, "bold", "green", title="flags"))
    if command.unsupported:
        parts.append(_table(sorted(command.unsupported.items()), "bold", "dim", title="not supported here"))
    return Group(*parts)


def settings_view(items: Iterable[tuple[str, Any]]) -> RenderableType:
    """``set``: each setting and its value."""
    return _table(((key, "" if value is None else str(value)) for key, value in items), "bold", "")


def _brief(params: dict[str, Any], width: int = 50) -> str:
    text = " ".join(f"{k}={json.dumps(v, default=str)}" for k, v in params.items())
    return text if len(text) <= width else text[: width - 1] + "…"


def history_view(results: Iterable[Result]) -> RenderableType:
    """``history``: number, op, params, status (or the error), duration and when, one result a line."""
    rows = []
    for r in results:
        outcome = f"{r.status or ''} {r.error or ''}".strip() if r.failed else str(r.status or "")
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(r.time))
        rows.append((f"_{r.n}", r.op, _brief(r.params), outcome, f"{r.duration * 1000:.0f} ms", when))
    return _table(rows, "bold cyan", "bold", "", "green", "dim", "dim")
