"""What ``attach`` and ``exec`` connect to (parsed like the docker CLI's options) and how a session ended."""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from dshell.client import load_docker_config

from .commands import find
from .terminal import DEFAULT_DETACH_KEYS
from .words import shell_words

_VALUE_OPTIONS = {"-u": "user", "--user": "user", "-w": "workdir", "--workdir": "workdir", "-e": "env",
                  "--env": "env", "--detach-keys": "detach_keys"}
_FLAGS = {"-i": None, "--interactive": None, "-t": True, "--tty": True, "-it": True, "-ti": True,
          "-T": False, "--no-tty": False}


@dataclass(frozen=True, slots=True)
class Target:
    """What to connect to: a running container's stdio, or a new exec (``cmd``) in it."""

    kind: Literal["attach", "exec"]
    container: str
    cmd: tuple[str, ...] = ()
    user: str | None = None
    workdir: str | None = None
    env: tuple[str, ...] = ()
    tty: bool | None = None  # exec: None allocates a TTY when the user's stdin is a terminal
    detach_keys: str | None = None

    @property
    def label(self) -> str:
        """The container, or for an exec the container and the command, for messages."""
        return self.container if self.kind == "attach" else f"{self.container}: {shlex.join(self.cmd)}"


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a session ended: the process's ``exit_code``, ``detached`` (it keeps running), or an ``error``."""

    target: Target
    exit_code: int | None = None
    detached: bool = False
    error: str | None = None
    how: str = ""  # what detached, or why the state is unknown
    data: dict[str, Any] = field(default_factory=dict)  # what the daemon said (exec id, ...)

    def message(self) -> str:
        """One line for the user."""
        if self.error:
            return f"{self.target.kind} {self.target.container}: {self.error}"
        what = "container " + self.target.container if self.target.kind == "attach" else self.target.label
        if self.detached:
            return f"detached from {what} ({self.how}); it keeps running"
        if self.exit_code is None:
            return f"{what} ended; its exit code went with the container"
        return f"{what} exited with code {self.exit_code}"

    def as_dict(self) -> dict[str, Any]:
        """The outcome as a result for the history."""
        out = {"kind": self.target.kind, "container": self.target.container, "exit_code": self.exit_code,
               "detached": self.detached, "error": self.error, **self.data}
        if self.target.kind == "exec":
            out["cmd"] = list(self.target.cmd)
        return out


def _options(args: Sequence[str], usage: str, allowed: set[str]) -> tuple[dict[str, Any], list[str]]:
    """Leading docker-style options (``-u root``, ``-uroot``, ``--user=root``, flags) and the rest."""
    found: dict[str, Any] = {"env": []}
    words = list(args)
    while words and words[0].startswith("-") and words[0] != "-":
        word = words.pop(0)
        if word == "--":
            break
        name, eq, inline = word.partition("=") if word.startswith("--") else (word[:2], "", word[2:])
        if word in _FLAGS and word in allowed:
            if _FLAGS[word] is not None:
                found["tty"] = _FLAGS[word]
        elif name in _VALUE_OPTIONS and name in allowed:
            value = inline if (eq or inline) else (words.pop(0) if words else None)
            if value is None:
                raise ValueError(f"{name} needs a value: usage: {usage}")
            key = _VALUE_OPTIONS[name]
            found[key] = [*found["env"], value] if key == "env" else value
        else:
            raise ValueError(f"unknown option {word!r}: usage: {usage}")
    return found, words


def parse_target(kind: str, args: Sequence[str]) -> Target:
    """``attach`` (else ``exec``) words as typed (quotes are read like a shell's) → Target; ValueError if wrong."""
    words = shell_words(" ".join(args))
    declared = find(kind)
    usage = declared.usage if declared else kind
    if kind == "attach":
        options, rest = _options(words, usage, {"--detach-keys"})
        if len(rest) != 1:
            raise ValueError(f"usage: {usage}")
        return Target("attach", rest[0], detach_keys=options.get("detach_keys"))
    options, rest = _options(words, usage, set(_VALUE_OPTIONS) | set(_FLAGS))
    if not rest:
        raise ValueError(f"usage: {usage}")
    return Target("exec", rest[0], tuple(rest[1:]) or ("sh",), options.get("user"), options.get("workdir"),
                  tuple(options["env"]), options.get("tty"), options.get("detach_keys"))


def detach_keys(override: str | None = None) -> str:
    """The detach keys: ``override``, else ``detachKeys`` of ~/.docker/config.json, else ctrl-p,ctrl-q."""
    return override or load_docker_config().get("detachKeys") or DEFAULT_DETACH_KEYS
