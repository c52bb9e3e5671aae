"""docker's words → a typed plan, by the table alone: the ops to call (one per target), their params typed as the
table says (``-a`` → ``all=true``, ``-f k=v`` → the filters map, ``-t 5`` → ``t=5``), the output options
(``-q``, ``--format``, ``--no-trunc``, ``-f`` to skip a question). Pure: no daemon, no text round trip."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..since import timestamp
from .table import Arg, Command, Flag, find

_BYTES = re.compile(r"(\d+(?:\.\d+)?)\s*([kmgtp]?)i?b?", re.I)
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4, "p": 1024**5}


class PlanError(ValueError):
    """Words the table cannot read; the message is one line naming what is wrong and what would be right."""


@dataclass(frozen=True)
class Call:
    """One op call: its params (typed), and the target word it was made for (None: not a per-target op)."""

    op: str
    params: dict[str, Any]
    target: str | None = None


@dataclass(frozen=True)
class Plan:
    """What a docker command line asks for: the command, its calls and its output options."""

    command: Command
    calls: tuple[Call, ...]
    options: dict[str, Any] = field(default_factory=dict)
    words: tuple[str, ...] = ()  # the positional words (for a workflow)

    @property
    def quiet(self) -> bool:
        """``-q``."""
        return bool(self.options.get("quiet"))

    @property
    def format(self) -> str | None:
        """``--format``, as typed."""
        return self.options.get("format")

    @property
    def trunc(self) -> bool:
        """Whether ids and commands are cut as docker cuts them (not ``--no-trunc``)."""
        return not self.options.get("no-trunc")


def size_bytes(text: str) -> int:
    """docker's sizes (``512m``, ``1g``, ``100``) in bytes, as its RAMInBytes reads them."""
    m = _BYTES.fullmatch(text.strip())
    if m is None:
        raise PlanError(f"invalid size {text!r}: use a number with an optional unit, e.g. 512m or 1g")
    return int(float(m.group(1)) * _UNITS[m.group(2).lower()])


def typed(kind: str, text: str, flag: str) -> Any:
    """The flag's value ``text`` as ``kind``; PlanError naming the flag and an example."""
    try:
        if kind == "int":
            return int(text)
        if kind == "bool":
            if text.lower() not in ("true", "false", "1", "0"):
                raise ValueError(text)
            return text.lower() in ("true", "1")
        if kind == "cpus":
            return int(round(float(text) * 1e9))
    except ValueError:
        example = {"int": "5", "bool": "true", "cpus": "1.5"}[kind]
        raise PlanError(f"{flag}: {text!r} is not a {kind}: e.g. {flag} {example}") from None
    if kind == "bytes":
        return size_bytes(text)
    if kind in ("platform", "platforms"):
        return oci_platform(text, flag)
    if kind == "time":
        return timestamp(text)
    from .specopts import KINDS, SpecError

    if kind in KINDS:
        try:
            return KINDS[kind](text, flag)
        except SpecError as exc:
            raise PlanError(str(exc)) from None
    return text


def oci_platform(text: str, flag: str) -> str:
    """``os/arch[/variant]`` as the JSON-encoded OCI platform the API's ``platform(s)`` params take (API 1.46+)."""
    parts = text.split("/")
    if not 2 <= len(parts) <= 3 or not all(re.fullmatch(r"[\w.-]+", part) for part in parts):
        raise PlanError(f"{flag}: {text!r} is not a platform: e.g. {flag} linux/arm64 (OS/ARCH[/VARIANT])")
    found = {"architecture": parts[1], "os": parts[0], **({"variant": parts[2]} if len(parts) == 3 else {})}
    return json.dumps(found, separators=(",", ":"))


def _pair(text: str, flag: str) -> tuple[str, str]:
    key, eq, value = text.partition("=")
    if not eq or not key:
        raise PlanError(f"{flag}: {text!r} is not key=value: e.g. {flag} label=app")
    return key, value


def _walk(params: dict[str, Any], path: str) -> tuple[Any, Any]:
    """The container of the last step of the dotted ``path`` (made as needed; a number step is a list index) and
    that step."""
    steps: list[Any] = [int(step) if step.isdigit() else step for step in path.split(".")]
    here: Any = params
    for step, after in zip(steps, steps[1:], strict=False):
        if isinstance(here, list):
            while len(here) <= step:
                here.append({})
            here = here[step]
        else:
            here = here.setdefault(step, [] if isinstance(after, int) else {})
    return here, steps[-1]


def _put(params: dict[str, Any], path: str, value: Any) -> None:
    """``value`` at the dotted ``path`` (``body.HostConfig.Memory``, ``body.IPAM.Config.0.Subnet``)."""
    here, last = _walk(params, path)
    here[last] = value


def _add(params: dict[str, Any], path: str, kind: str) -> Any:
    """The list (``kind`` list) or map at ``path``, made when missing."""
    here, last = _walk(params, path)
    return here.setdefault(last, [] if kind == "list" else {})


def _filter(params: dict[str, Any], key: str, value: str) -> None:
    _add(params, "filters", "map").setdefault(key, []).append(value)


_LISTED = ("list", "platforms", "mount", "network")
"""Types whose values a repeated flag collects into a list (a ``port`` value is a list: it extends one)."""


def _fill(params: dict[str, Any], flag: Flag, value: Any, word: str) -> None:
    if flag.target.startswith("filters."):
        _filter(params, flag.target.split(".", 1)[1], str(value).lower() if isinstance(value, bool) else str(value))
    elif flag.type in _LISTED:
        _add(params, flag.target, "list").append(value)
    elif flag.type == "port":
        _add(params, flag.target, "list").extend(value)
    elif flag.type == "map":
        key, val = _pair(value, word)
        _add(params, flag.target, "map")[key] = val
    elif isinstance(value, dict):  # a ServiceMode: what other flags put there (--replicas) is kept
        _merge_missing(_add(params, flag.target, "map"), value)
    else:
        _put(params, flag.target, value)


def _merge_missing(into: dict[str, Any], value: dict[str, Any]) -> None:
    for key, item in value.items():
        if isinstance(item, dict) and isinstance(into.get(key), dict):
            _merge_missing(into[key], item)
        else:
            into.setdefault(key, item)


def with_defaults(into: dict[str, Any], touched: dict[str, Any], defaults: dict[str, Any]) -> None:
    """Each part of ``defaults`` (a dotted path → its keys) that ``touched`` has, completed in ``into`` with the keys
    it lacks: docker's defaults for an UpdateConfig or RestartPolicy once a flag sets one key of it."""
    for path, keys in defaults.items():
        here: Any = touched
        for step in path.split("."):
            here = here.get(step) if isinstance(here, dict) else None
        if isinstance(here, dict):
            _merge_missing(_add(into, path, "map"), _deep_copy(keys))


def _one_mode(params: dict[str, Any]) -> None:
    """A service's Mode names one mode: ``--replicas`` with ``--mode global`` is refused as docker refuses it."""
    mode = (params.get("body") or params).get("Mode")
    if isinstance(mode, dict) and len(mode) > 1:
        raise PlanError("replicas can only be used with replicated or replicated-job mode")


def _flag_words(command: Command, words: list[str]) -> tuple[list[tuple[Flag, str, Any]], list[str]]:
    """The flags (each with the name typed and its value) and the positional words; docker's rules: ``-t 5``,
    ``-t5``, ``--time=5``, ``-aq`` (short flags together), ``--`` ends the flags."""
    found: list[tuple[Flag, str, Any]] = []
    positional: list[str] = []
    it = iter(words)
    for word in it:
        if word == "--":
            positional.extend(it)
            break
        if not word.startswith("-") or word == "-" or re.fullmatch(r"-\d+", word):
            positional.append(word)
            if not command.interspersed:
                positional.extend(it)
                break
            continue
        if word.startswith("--"):
            name, eq, inline = word.partition("=")
            found.append(_one(command, name, inline if eq else None, it))
            continue
        letters = word[1:]
        for i, letter in enumerate(letters):
            name = f"-{letter}"
            flag = _known(command, name)
            if flag.takes_value:
                rest = letters[i + 1:].removeprefix("=")
                found.append(_one(command, name, rest or None, it))
                break
            if letters[i + 1:].startswith("="):  # -H=false
                found.append(_one(command, name, letters[i + 2:], it))
                break
            found.append((flag, name, None))
    return found, positional


def _known(command: Command, name: str) -> Flag:
    flag = command.flags.get(name)
    if flag is not None:
        return flag
    supported = ", ".join(sorted({f.names[-1] for f in command.flags.values()})) or "none"
    if name in command.unsupported:
        raise PlanError(f"docker {command.name}: {name} is not supported here ({command.unsupported[name]}); "
                        f"supported: {supported}")
    if name in ("-h", "--help"):
        raise PlanError(f"usage: {command.usage()}")
    raise PlanError(f"docker {command.name}: unknown flag {name}; supported: {supported}")


def _one(command: Command, name: str, inline: str | None, it: Any) -> tuple[Flag, str, Any]:
    flag = _known(command, name)
    if not flag.takes_value:
        if inline is not None and flag.option:
            return flag, name, inline.lower() not in ("false", "0")
        if inline is not None:
            raise PlanError(f"docker {command.name}: {name} takes no value")
        return flag, name, None
    value = inline if inline is not None else next(it, None)
    if value is None:
        raise PlanError(f"docker {command.name}: {name} needs a value: usage: {command.usage()}")
    return flag, name, value


def _fill_args(command: Command, args: tuple[Arg, ...], words: list[str], base: dict[str, Any],
               options: dict[str, Any]) -> list[str]:
    """Fill ``base`` (or ``options``) with the non-target positional words; the target words (``*id``) are
    returned."""
    words = list(words)
    targets: list[str] = []
    for arg in args:
        if arg.each:
            if not words and not arg.optional:
                raise PlanError(f"docker {command.name} needs at least one {arg.target.upper()}: "
                                f"usage: {command.usage()}")
            targets, words = words, []
            continue
        if arg.rest:
            if words:  # a body key (or an array param: save's names) takes the list; top's ps_args the words joined
                keep = arg.target.startswith("body.") or arg.target in command.lists
                _put(base, arg.target, list(words) if keep else " ".join(words))
            words = []
            continue
        if not words:
            if arg.optional:
                continue
            raise PlanError(f"docker {command.name} needs {arg.target.split('.')[-1].upper()}: "
                            f"usage: {command.usage()}")
        word = words.pop(0)
        if arg.option:
            options[arg.target] = word
        elif arg.ref:
            name, tag = split_reference(word)
            _put(base, arg.target, name)
            if tag:
                _put(base, arg.ref, tag)
        elif arg.target.startswith("filters."):
            _filter(base, arg.target.split(".", 1)[1], word)
        else:
            _put(base, arg.target, typed(arg.type, word, arg.target.split(".")[-1].upper()) if arg.type else word)
    if words:
        raise PlanError(f"docker {command.name}: unexpected {words[0]!r}: usage: {command.usage()}")
    return targets


def split_reference(reference: str) -> tuple[str, str | None]:
    """``name:tag`` → (name, tag); a digest stays in the name; no tag → None."""
    if "@" in reference:
        return reference, None
    name, sep, tag = reference.rpartition(":")
    return (name, tag) if sep and "/" not in tag else (reference, None)


def _deep_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep_copy(v) for v in value]
    return value


def plan(words: list[str]) -> Plan:
    """The plan of a docker command line (``ps -a``, ``rm -f a b``, ``network ls -q``); PlanError when the table
    does not know the command or its words do not fit."""
    found = find(words)
    if found is None:
        raise PlanError(f"unknown docker command {' '.join(words[:2])!r}: `help docker` lists them")
    command, rest = found
    if command.todo is not None:
        raise PlanError(f"docker {command.name} is not run here yet: it {command.todo}")
    if command.op == "create":  # run's parser reads the flags
        return Plan(command, (), {}, tuple(rest))
    flags, positional = _flag_words(command, rest)
    params: dict[str, Any] = _deep_copy(command.set)
    options: dict[str, Any] = {}
    for flag, name, value in flags:
        if flag.option and flag.target == "filters":
            _filter(params, *_pair(value, name))
        elif flag.option:
            options[flag.target] = True if value is None else value
        elif flag.type is None:
            _fill(params, flag, flag.value, name)
        else:
            _fill(params, flag, typed(flag.type, value, name) if flag.type not in ("list", "map") else value, name)
    _one_mode(params)
    if not command.changes_spec:  # a spec read first is completed with them when it lacks the part (update.py)
        with_defaults(params, params, command.defaults)
    targets = _fill_args(command, command.args, positional, params, options)
    each = next((a for a in command.args if a.each), None)
    ops = command.ops or ((command.op,) if command.op else (command.runs,) if command.runs else ())
    if each is not None:
        calls = tuple(Call(ops[0], {**_deep_copy(params), each.target: t}, t) for t in targets)
    else:
        calls = tuple(Call(op, _deep_copy(params)) for op in ops)
    return Plan(command, calls, options, tuple(positional))
