"""Completion of docker's own commands (``ps -a``, ``network rm NAME``): the verbs and sub-verbs of the command
table, each command's flags, and their values: filter keys per command, docker's --format templates, signals,
and live names for targets (containers, images, networks, volumes, services, nodes, secrets, configs)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from ..docker.table import Command, commands, find, heads, subcommands
from .matching import Candidate

Live = Callable[[str], Sequence[tuple[str, str]]]
FORMATS = ("{{.ID}}", "{{.Names}}", "{{json .}}", "table {{.ID}}\\t{{.Status}}", "json")
SIGNALS = ("HUP", "INT", "QUIT", "KILL", "USR1", "USR2", "TERM", "STOP", "CONT")
_LIVE_FOR_OP = {"ImageCreate": "images", "ImagePush": "images", "ImageTag": "images", "ImageHistory": "images",
                "ImageGetAll": "images", "ContainerTop": "containers", "ContainerChanges": "containers",
                "ContainerRename": "containers", "ContainerExport": "containers", "ContainerLogs": "containers",
                "ImageCommit": "containers", "ContainerUpdate": "containers", "ContainerWait": "containers",
                "NetworkConnect": "networks", "NetworkDisconnect": "networks", "ContainerStart": "containers",
                "ContainerStop": "containers", "ContainerRestart": "containers", "ContainerKill": "containers",
                "ContainerPause": "containers", "ContainerUnpause": "containers", "ContainerStats": "containers"}
_CHOICES = {"body.Mode": ("replicated", "global"), "body.EndpointSpec.Mode": ("vip", "dnsrr"),
            "body.TaskTemplate.RestartPolicy.Condition": ("none", "on-failure", "any"),
            "body.UpdateConfig.FailureAction": ("pause", "continue", "rollback"),
            "body.RollbackConfig.FailureAction": ("pause", "continue"),
            "body.UpdateConfig.Order": ("start-first", "stop-first"),
            "body.RollbackConfig.Order": ("start-first", "stop-first")}
"""The values a service flag takes (docker's --mode, --restart-condition, --update-order, ...)."""
_LIVE_FOR_MISSING = {"container": "containers", "image": "images", "network": "networks", "volume": "volumes",
                     "service": "services", "node": "nodes", "secret": "secrets", "config": "configs"}


def is_docker_head(word: str) -> bool:
    """Whether ``word`` starts a docker command of the table."""
    return word in heads()


def head_candidates() -> list[Candidate]:
    """The first words of docker's commands."""
    return [Candidate(word, "docker") for word in sorted(heads())]


def candidates(prior: Sequence[str], word: str, live: Live) -> Iterable[Candidate]:
    """What may come after ``prior`` (the words typed after the head, the head first); ``live(kind)`` gives the
    cached names of a kind."""
    if len(prior) == 1 and subcommands(prior[0]) and not word.startswith("-"):
        subs = [Candidate(sub, f"docker {prior[0]} {sub}") for sub in subcommands(prior[0])]
        if prior[0] not in commands():
            return subs
        return [*subs, *_positional(commands()[prior[0]], live)]
    found = find(list(prior))
    if found is None:
        return []
    command, rest = found
    if rest and (flag := command.flags.get(rest[-1])) is not None and flag.takes_value:
        return _values(command, flag.target, live)
    if word.startswith("-"):
        return _flags(command)
    return _positional(command, live)


def _flags(command: Command) -> list[Candidate]:
    out = []
    for flag in command.unique_flags():
        meta = flag.target if flag.type is None and flag.value is None else \
            f"{flag.target}={'{' + flag.type + '}' if flag.type else flag.value}"
        out += [Candidate(name, meta) for name in flag.names]
    return out + [Candidate(name, f"unsupported: {why}") for name, why in command.unsupported.items()]


def _values(command: Command, target: str, live: Live) -> list[Candidate]:
    if target == "filters":
        return [Candidate(f"{key}=", "filter") for key in command.filter_keys]
    if target == "format":
        return [Candidate(f"'{text}'" if " " in text or "{" in text else text, "docker --format") for text in FORMATS]
    if target == "signal":
        return [Candidate(sig, "signal") for sig in SIGNALS]
    if target == "type":
        return [Candidate(kind, "inspect --type") for kind in ("container", "image", "network", "volume")]
    if target.endswith("Container"):
        return _live(live, "containers")
    return [Candidate(choice, command.name) for choice in _CHOICES.get(target, ())]


def _positional(command: Command, live: Live) -> list[Candidate]:
    kind = _LIVE_FOR_MISSING.get(command.missing or "") or _LIVE_FOR_OP.get(command.op or "")
    if command.op == "inspect":
        return [*_live(live, "containers"), *_live(live, "images"), *_live(live, "networks"), *_live(live, "volumes")]
    return _live(live, kind) if kind else []


def _live(live: Live, kind: str) -> list[Candidate]:
    return [Candidate(name, meta) for name, meta in live(kind)]
