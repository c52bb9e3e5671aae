"""What a pane streams: ``tail Op ...`` and the shorthands ``logs``/``events``/``stats`` as op calls, and
the formatter that suits the op."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import dshell.client as docker
from dshell.explorer import LOG_OPS

from ..dockerflags import flag_words
from ..parse import COMMANDS
from ..since import time_words
from ..words import name_value
from .events import event_lines
from .jsonlines import JSONFormatter
from .logs import LogFormatter
from .model import Line
from .progress import progress_lines
from .stats import StatsLines

Bind = Callable[[list[str]], tuple[str, dict[str, Any]]]  # op words as typed → (op, params)
Lines = Callable[[Any], list[Line]]  # a JSON value → its pane lines


def _plain(lines: Lines) -> Callable[[], Lines]:
    return lambda: lines


JSON_OPS: dict[str, Callable[[], Lines]] = {  # op → a maker of its lines function (one per stream)
    "SystemEvents": _plain(event_lines), "ContainerStats": StatsLines, "ImageCreate": _plain(progress_lines),
    "ImagePush": _plain(progress_lines), "ImageBuild": _plain(progress_lines), "ImageLoad": _plain(progress_lines),
    "PluginPull": _plain(progress_lines), "PluginUpgrade": _plain(progress_lines),
}
EVENT_PARAMS = ("since", "until", "filters")


class Formatter(Protocol):
    """Turns a stream's chunks into pane lines."""

    def feed(self, chunk: bytes) -> list[Line]: ...

    def close(self) -> list[Line]: ...


@dataclass(frozen=True, slots=True)
class Source:
    """An op call to stream into a pane, and the pane's title."""

    title: str
    op: str
    params: dict[str, Any]

    def open(self, c: docker.Client) -> docker.Outcome:
        """Start the call: its outcome, the body as a stream (or the daemon's error)."""
        return docker.call(c, {"op": self.op, "params": self.params, "as": "stream"})

    def on(self, c: docker.Client) -> Source:
        """The call as ``c``'s daemon is sent it (in the feed's thread, before ``open``): as it is here; a
        host's of several endpoints binds its words again by that host's version (``panes.hosts``)."""
        return self


def formatter(op: str, stream: docker.DockerStream) -> Formatter:
    """The formatter for ``op``'s stream (may look up whether a container has a TTY)."""
    if op in LOG_OPS:
        return LogFormatter(stream.tty)
    if op in JSON_OPS:
        return JSONFormatter(JSON_OPS[op]())
    if "json" in stream.headers.get("content-type", ""):
        return JSONFormatter()
    return LogFormatter(tty=True)


def _event_words(args: list[str]) -> list[str]:
    """``type=container event=start since=1h`` → SystemEvents words with the filters gathered."""
    filters: dict[str, list[str]] = {}
    words = ["SystemEvents"]
    for arg in args:
        pair = name_value(arg)
        if pair is None:
            raise ValueError(f"expected KEY=VALUE, got {arg!r}: usage: {COMMANDS['events'].usage}")
        if pair[0] in EVENT_PARAMS:
            words.append(arg)
        else:
            filters.setdefault(pair[0], []).append(pair[1].strip("'\""))
    if filters:
        words.append("filters=" + json.dumps(filters, separators=(",", ":")))
    return words


FOLLOWED = ("-f", "--follow", "follow=true")
"""How ``logs`` is told to follow (without it, logs answers once: shell.docker.once)."""


def source(name: str, args: list[str], bind: Bind) -> Source:
    """The Source for ``tail``/``logs``/``events``/``stats`` with ``args`` (words as typed)."""
    if name == "tail":
        if not args:
            raise ValueError(f"usage: {COMMANDS['tail'].usage}")
        words = args
    elif name == "events":
        words = time_words(_event_words(flag_words(name, args)))
    elif name in ("logs", "stats"):
        typed = [arg for arg in args if arg not in FOLLOWED]  # a pane follows: the title needs no -f
        args = flag_words(name, args)
        target = next((i for i, arg in enumerate(args) if "=" not in arg), None)  # the container, flags aside
        if target is None:
            raise ValueError(f"usage: {COMMANDS[name].usage}")
        defaults = ["follow=true", "stdout=true", "stderr=true", "tail=100"] if name == "logs" else ["stream=true"]
        words = ["ContainerLogs" if name == "logs" else "ContainerStats", args[target], *defaults,
                 *time_words(args[:target] + args[target + 1:], whole=True)]
    else:
        raise ValueError(f"no pane for {name!r}")
    op, params = bind(words)
    title = " ".join([name, *typed]) if name in ("logs", "stats") else " ".join([name, *args]) if name != "tail" \
        else " ".join(args)
    return Source(title, op, params)
