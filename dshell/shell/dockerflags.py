"""The docker CLI's flags of ``docker logs``, ``docker events`` and ``docker stats``, read straight into the
params of the op they run, so that ``logs -f --tail 10 web`` and ``events --since 10m --filter type=container``
work as typed there. Words that are no flag are left for the command; an unknown flag is one line naming the
known ones."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .since import timestamp

Read = Callable[[str], Any]  # a flag's value as typed -> the param's value
_FILTER = "filter"  # the value is a KEY=VALUE filter, gathered into the filters map


def _time(whole: bool) -> Read:
    return lambda text: timestamp(text, whole=whole)


def _text(text: str) -> str:
    return text


# flag -> (param, its value: a constant for a flag that takes none, else how to read the value taken)
FLAGS: dict[str, dict[str, tuple[str, Any]]] = {
    "logs": {"-f": ("follow", True), "--follow": ("follow", True), "-t": ("timestamps", True),
             "--timestamps": ("timestamps", True), "--details": ("details", True), "-n": ("tail", _text),
             "--tail": ("tail", _text), "--since": ("since", _time(True)), "--until": ("until", _time(True))},
    "events": {"--since": ("since", _time(False)), "--until": ("until", _time(False)), "-f": ("filters", _FILTER),
               "--filter": ("filters", _FILTER)},
    "stats": {"--no-stream": ("stream", False)},
}
_EXAMPLES = {"--since": "10m", "--until": "0s", "-f": "type=container", "--filter": "type=container"}  # for errors


def read_flags(command: str, args: list[str]) -> tuple[dict[str, Any], list[str]]:
    """``args`` of ``command``: the params its docker CLI flags give (``--tail=5`` too; filters gathered into
    one map), and the other words; ValueError naming the known flags for any other word that starts with ``-``."""
    known = FLAGS.get(command, {})
    params: dict[str, Any] = {}
    rest: list[str] = []
    words = iter(args)
    for word in words:
        if not word.startswith("-") or word == "-":
            rest.append(word)
            continue
        flag, eq, text = word.partition("=")
        if flag not in known:
            raise ValueError(f"{command}: unknown flag {flag!r}: use {', '.join(sorted(known))}, or name=value words")
        param, how = known[flag]
        takes = callable(how) or how == _FILTER
        if takes and not eq:
            text = next(words, "")
            if not text:
                raise ValueError(f"{command}: {flag} needs a value, e.g. {flag} {_EXAMPLES.get(flag, '10')}")
        elif eq and not takes:
            raise ValueError(f"{command}: {flag} takes no value")
        if how == _FILTER:
            add_filter(params, text, f"{command} {flag}")
        else:
            params[param] = how(text) if callable(how) else how
    return params, rest


def add_filter(params: dict[str, Any], pair: str, where: str) -> None:
    """Gather ``KEY=VALUE`` into ``params["filters"]`` (the API's map of lists); ValueError when it is no pair."""
    key, eq, value = pair.partition("=")
    if not eq or not key:
        raise ValueError(f"{where}: a filter is KEY=VALUE, got {pair!r}, e.g. type=container")
    params.setdefault("filters", {}).setdefault(key, []).append(value.strip("'\""))
