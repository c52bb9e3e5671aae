"""The docker command table (``commands.yaml``, shipped in the package) read into typed rules: which words name a
command, what its positional words and flags fill, how its answer is shown. Read once, on first use."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

TYPES = ("str", "int", "bool", "bytes", "cpus", "time", "list", "map", "platform", "platforms", "duration", "port",
         "mount", "network", "mode", "image", "command")
OPTIONS = ("filters", "quiet", "no-trunc", "format", "force", "digests", "all-tags", "output", "input", "detach",
           "volumes", "all", "pass", "tree", "follow", "no-resolve-image",
           "human", "attach", "verbose", "pretty")
"""Flag meanings that shape the output or the command rather than fill a param."""
_RULE = re.compile(r"(?P<target>[\w.\-]+)(?:=(?:\{(?P<type>\w+)\}|(?P<value>.+)))?")


@dataclass(frozen=True)
class Flag:
    """What one flag does: fills ``target`` (a param, or ``body.Key.Sub``) with ``value`` or with its own value
    typed ``type``; or is an ``OPTIONS`` word (``target`` is that word, no ``type``, no ``value``)."""

    names: tuple[str, ...]
    target: str
    type: str | None = None
    value: Any = None

    @property
    def takes_value(self) -> bool:
        """Whether the flag reads the next word (``-t 5``)."""
        return self.type is not None or self.target in ("filters", "format", "output", "input")

    @property
    def option(self) -> bool:
        """Whether it shapes the output or the command instead of filling a param."""
        return self.type is None and self.value is None and self.target in OPTIONS


@dataclass(frozen=True)
class Arg:
    """A positional word: ``target`` (param or body path); ``each`` one op per word; ``rest`` the remaining words
    as a list; ``ref`` an image reference split into ``target`` and ``ref`` (``fromImage:tag``); ``type`` how the
    word is read (``body.TaskTemplate.ContainerSpec.Image={image}``), as a flag's value."""

    target: str
    each: bool = False
    rest: bool = False
    optional: bool = False
    ref: str | None = None
    option: bool = False  # an output option (port's PORT), not a param
    type: str | None = None


@dataclass(frozen=True)
class Command:
    """One docker command as the table has it."""

    name: str
    op: str | None = None
    ops: tuple[str, ...] = ()
    runs: str | None = None  # the dshell command whose typed value the words make (context use: `use NAME`)
    stream: str | None = None  # the dshell pane command that follows it (logs -f, system events)
    args: tuple[Arg, ...] = ()
    set: dict[str, Any] = field(default_factory=dict)
    flags: dict[str, Flag] = field(default_factory=dict)
    unsupported: dict[str, str] = field(default_factory=dict)
    view: str = "table"
    confirm: str | None = None
    confirm_all: str | None = None
    missing: str | None = None
    todo: str | None = None  # why the command does not run here yet
    filter_keys: tuple[str, ...] = ()  # what -f/--filter takes (for completion)
    forced_missing: bool = False  # with force=true a missing target is said, not failed (rm -f)
    all_or_nothing: bool = False  # when one target failed, only the errors are printed (docker stats)
    aka: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()  # params (not body keys) that take the rest of the words as a list
    interspersed: bool = True  # flags may follow positional words (not for top, service create: theirs are the CMD's)
    changes_spec: bool = False  # the flags change the object's spec, read first and sent back with its version
    defaults: dict[str, Any] = field(default_factory=dict)  # a part's other keys once a flag sets one (UpdateConfig)

    def usage(self) -> str:
        """``docker rm [-f|--force] [-l|--link] ... ID...``: the supported flags and the positional words."""
        flags = " ".join(f"[{'|'.join(f.names)}{_value_name(f)}]" for f in self.unique_flags())
        words = " ".join(_arg_usage(a) for a in self.args)
        return " ".join(part for part in (self.name, flags, words) if part)

    def unique_flags(self) -> list[Flag]:
        """Each flag once (a short and a long name share one)."""
        return list({id(f): f for f in self.flags.values()}.values())


def _value_name(flag: Flag) -> str:
    if not flag.takes_value:
        return ""
    names = {"filters": "k=v", "format": "TEMPLATE", "output": "FILE", "input": "FILE", "map": "k=v", "list": "VALUE",
             "time": "TIME", "bytes": "SIZE", "cpus": "CPUS", "platforms": "PLATFORM", "port": "PORT",
             "duration": "DURATION", "mount": "MOUNT", "network": "NETWORK", "mode": "MODE", "image": "IMAGE"}
    return " " + names.get(flag.type or flag.target, (flag.type or "VALUE").upper())


def _arg_usage(arg: Arg) -> str:
    name = arg.target.split(".")[-1].upper() + (f"[:{arg.ref.upper()}]" if arg.ref else "")
    name += "..." if arg.each or arg.rest else ""
    return f"[{name}]" if arg.optional else name


def _flag(names: str, rule: str) -> Flag:
    m = _RULE.fullmatch(str(rule))
    if m is None:
        raise ValueError(f"commands.yaml: {names}: unreadable rule {rule!r}")
    kind, value = m.group("type"), m.group("value")
    if kind is not None and kind not in TYPES:
        raise ValueError(f"commands.yaml: {names}: unknown type {kind!r} (have {', '.join(TYPES)})")
    if kind is None and value is None and m.group("target") not in OPTIONS:
        raise ValueError(f"commands.yaml: {names}: {rule!r} is no option (have {', '.join(OPTIONS)}) and no param=")
    return Flag(tuple(names.split()), m.group("target"), kind, _constant(value) if value is not None else None)


def _constant(text: str) -> Any:
    if text in ("true", "false"):
        return text == "true"
    return int(text) if text.lstrip("-").isdigit() else text


def _arg(text: str) -> Arg:
    optional, text = text.startswith("?"), text.lstrip("?")
    option, text = text.startswith("%"), text.lstrip("%")
    each, text = text.startswith("*"), text.lstrip("*")
    rest, text = text.endswith("..."), text.removesuffix("...")
    text, _, kind = text.partition("={")
    target, _, ref = text.partition(":")
    if kind and kind.rstrip("}") not in TYPES:
        raise ValueError(f"commands.yaml: argument {text}: unknown type {kind!r} (have {', '.join(TYPES)})")
    return Arg(target, each, rest, optional, ref or None, option, kind.rstrip("}") or None)


def _command(name: str, entry: dict[str, Any]) -> Command:
    flags: dict[str, Flag] = {}
    for names, rule in (entry.get("flags") or {}).items():
        made = _flag(names, rule)
        flags.update(dict.fromkeys(made.names, made))
    unsupported = {flag: reason for names, reason in (entry.get("unsupported") or {}).items()
                   for flag in names.split()}
    ops = tuple(entry.get("ops") or ())
    return Command(
        name, op=entry.get("op"), ops=ops, runs=entry.get("runs"), stream=entry.get("stream"),
        args=tuple(_arg(a) for a in entry.get("args") or ()),
        set=dict(entry.get("set") or {}), flags=flags, unsupported=unsupported, view=entry.get("view", "table"),
        confirm=entry.get("confirm"), confirm_all=entry.get("confirm-all"), missing=entry.get("missing"),
        todo=entry.get("todo"), filter_keys=tuple(entry.get("filter-keys") or ()),
        forced_missing=entry.get("forced-missing") == "said", all_or_nothing=entry.get("all-or-nothing", False),
        aka=tuple(entry.get("aka") or ()), lists=tuple(entry.get("list") or ()),
        interspersed=entry.get("interspersed", True), changes_spec=entry.get("changes") == "spec",
        defaults=dict(entry.get("defaults") or {}))


@cache
def commands() -> dict[str, Command]:
    """Every command by each of its names (``ps``, ``container ls``, ...); the file is parsed once and kept in
    dshell's cache as the specs are (a start-up then needs no YAML parser)."""
    from dshell.client._specs import cached_yaml

    out: dict[str, Command] = {}
    for name, entry in cached_yaml(Path(__file__).with_name("commands.yaml"), "docker-commands").items():
        command = _command(name, entry)
        for word in (name, *command.aka):
            out[word] = command
    return out


@cache
def heads() -> frozenset[str]:
    """The first words of every command name (``ps``, ``container``, ``network``, ...)."""
    return frozenset(name.split()[0] for name in commands())


def find(words: list[str]) -> tuple[Command, list[str]] | None:
    """The command the words start with (two words before one: ``network ls`` before ``network``) and the words
    after its name; None when they name none."""
    table = commands()
    if len(words) > 1 and (found := table.get(f"{words[0]} {words[1]}")) is not None:
        return found, words[2:]
    if words and (found := table.get(words[0])) is not None:
        return found, words[1:]
    return None


def subcommands(head: str) -> list[str]:
    """The second words after ``head`` (``network`` → ``connect``, ``create``, ``ls``, ...)."""
    return sorted({name.split()[1] for name in commands() if name.startswith(head + " ")})
