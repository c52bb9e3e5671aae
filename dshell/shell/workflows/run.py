"""``run``: docker run's everyday flags mapped onto ContainerCreate's body, then pull / create / start /
attach / wait as ordinary ops (each stored as a result); the exit code is stored like exec's."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..commands import usage
from ..words import shell_words
from .options import take_option

if TYPE_CHECKING:
    from dshell.explorer import Result

    from ..commands.workflows import Workflow
    from ..reply import Reply
    from ..session import Session
    from ..worker import Runner
    from .steps import Steps

USAGE = usage("run")
_FLAGS = {"-d": "detach", "--detach": "detach", "-i": "interactive", "--interactive": "interactive",
          "-t": "tty", "--tty": "tty", "--rm": "rm", "--dry-run": "dry_run"}
_VALUES = {"--name": "name", "-e": "env", "--env": "env", "--env-file": "env_file", "-p": "publish",
           "--publish": "publish", "-v": "volume", "--volume": "volume", "-w": "workdir", "--workdir": "workdir",
           "-u": "user", "--user": "user", "-l": "label", "--label": "label", "--entrypoint": "entrypoint",
           "--network": "network", "--net": "network", "--restart": "restart", "-h": "hostname",
           "--hostname": "hostname", "--detach-keys": "detach_keys", "--mac-address": "mac_address"}
_LISTS = ("env", "env_file", "publish", "volume", "label", "network")
_SHORT_FLAGS = {name[1]: key for name, key in _FLAGS.items() if len(name) == 2}
RESTART = ("no", "always", "unless-stopped", "on-failure")
FLAG_HELP = {  # for completion
    "-d": "run in the background, print its id", "-i": "keep stdin open", "-t": "a TTY", "-it": "interactive TTY",
    "--rm": "remove it when it stops", "--name": "NAME", "-e": "K=V environment", "--env-file": "FILE of K=V",
    "-p": "[IP:]HOST:PORT publish", "-v": "SRC:DST[:ro] mount", "-w": "DIR working dir", "-u": "USER",
    "-l": "K=V label", "--entrypoint": "CMD", "--network": "NETWORK", "--restart": "no|always|on-failure[:N]",
    "--hostname": "NAME", "--detach-keys": "KEYS", "--dry-run": "show the ContainerCreate body, send nothing",
    "--mac-address": "MAC of the (first) network's endpoint",
}
_MAC = re.compile(r"[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}")


def takes_value(word: str) -> bool:
    """Whether ``word`` is a ``run`` option whose value is the next word (``-e``, not ``-eK=V``)."""
    return word in _VALUES


@dataclass
class RunOptions:
    """What a ``run`` line asks for."""

    image: str = ""
    cmd: list[str] = field(default_factory=list)
    detach: bool = False
    interactive: bool = False
    tty: bool = False
    rm: bool = False
    dry_run: bool = False
    name: str | None = None
    workdir: str | None = None
    user: str | None = None
    entrypoint: str | None = None
    mac_address: str | None = None
    restart: str | None = None
    hostname: str | None = None
    detach_keys: str | None = None
    env: list[str] = field(default_factory=list)
    env_file: list[str] = field(default_factory=list)
    publish: list[str] = field(default_factory=list)
    volume: list[str] = field(default_factory=list)
    label: list[str] = field(default_factory=list)
    network: list[str] = field(default_factory=list)


def parse_run(args: Sequence[str]) -> RunOptions:
    """``run`` words as typed (quoted like a shell's) → RunOptions; ValueError (one line) when wrong."""
    try:
        words = shell_words(" ".join(args))
    except ValueError as exc:
        raise ValueError(f"run: {exc}: usage: {USAGE}") from None
    opts = RunOptions()
    while words and words[0].startswith("-") and words[0] != "-":
        word = words.pop(0)
        if word == "--":
            break
        if take_option(opts, word, words, _FLAGS, _VALUES, _LISTS, USAGE):
            continue
        if not word.startswith("--") and all(ch in _SHORT_FLAGS for ch in word[1:]):
            for ch in word[1:]:  # -it, -dit
                setattr(opts, _SHORT_FLAGS[ch], True)
        else:
            raise ValueError(f"unknown option {word!r}: usage: {USAGE}")
    if not words:
        raise ValueError(f"run needs an image: usage: {USAGE}")
    opts.image, opts.cmd = words[0], words[1:]
    if opts.rm and opts.restart not in (None, "no"):
        raise ValueError("--rm and --restart conflict: a container removed when it stops cannot be restarted")
    return opts


def _env_file(path: str) -> list[str]:
    try:
        lines = open(os.path.expanduser(path), encoding="utf-8").read().splitlines()  # noqa: SIM115
    except OSError as exc:
        raise ValueError(f"--env-file {path}: {exc.strerror or exc}") from None
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def _env(items: list[str]) -> list[str]:
    """``K=V`` kept, a bare ``K`` takes its value from the local environment (dropped when unset), as docker."""
    out = []
    for item in items:
        if "=" in item:
            out.append(item)
        elif item in os.environ:
            out.append(f"{item}={os.environ[item]}")
    return out


def _port(spec: str) -> tuple[str, dict[str, str]]:
    """``[IP:][HOST:]PORT[/PROTO]`` → ("PORT/PROTO", {HostIp, HostPort})."""
    rest, _, proto = spec.partition("/")
    ip, host, port = "", "", rest
    if rest.startswith("["):  # [::1]:8080:80
        close = rest.find("]")
        ip, rest = rest[1:close], rest[close + 2:]
        host, _, port = rest.rpartition(":")
    elif rest.count(":") == 2:
        ip, host, port = rest.split(":")
    elif rest.count(":") == 1:
        host, port = rest.split(":")
    if not port.isdigit() or (host and not host.isdigit()) or proto not in ("", "tcp", "udp", "sctp"):
        raise ValueError(f"-p {spec}: expected [IP:][HOST_PORT:]CONTAINER_PORT[/tcp|udp|sctp], e.g. "
                         "-p 127.0.0.1:8080:80")
    return f"{port}/{proto or 'tcp'}", {"HostIp": ip, "HostPort": host}


def _volume(spec: str) -> tuple[str | None, str]:
    """``SRC:DST[:OPTS]`` → (a bind, None) with a local SRC made absolute, or (None, DST) for ``-v /DST``."""
    parts = spec.split(":")
    if len(parts) == 1:
        if not spec.startswith("/"):
            raise ValueError(f"-v {spec}: expected SRC:DST[:ro] or an absolute container path")
        return None, spec
    if len(parts) > 3 or not parts[0] or not parts[1].startswith("/"):
        raise ValueError(f"-v {spec}: expected SRC:DST[:OPTIONS] with an absolute DST, e.g. -v ./site:/www:ro")
    src = parts[0]
    if src.startswith((".", "~", "/")):
        src = os.path.abspath(os.path.expanduser(src))
    return ":".join([src, *parts[1:]]), ""


def _restart(policy: str) -> dict[str, Any]:
    name, _, count = policy.partition(":")
    if name not in RESTART or (count and (name != "on-failure" or not count.isdigit())):
        raise ValueError(f"--restart {policy}: expected no, always, unless-stopped or on-failure[:N]")
    return {"Name": name, **({"MaximumRetryCount": int(count)} if count else {})}


def _labels(items: list[str]) -> dict[str, str]:
    return dict((item.partition("=")[0], item.partition("=")[2]) for item in items)


def _networks(opts: RunOptions, body: dict[str, Any], host: dict[str, Any], api_version: str | None) -> None:
    """``--network`` (repeated) and ``--mac-address`` as the docker CLI sends them for the API version: from 1.44
    every network is an endpoint of ``NetworkingConfig`` at create, the MAC its first one's (1.52 has no
    ``Config.MacAddress``); before, one network only and the MAC in ``Config.MacAddress``."""
    from dshell.client import version_key

    endpoints = api_version is None or version_key(api_version) >= (1, 44)
    if opts.network:
        host["NetworkMode"] = opts.network[0]
    if len(opts.network) > 1 and not endpoints:
        raise ValueError(f"run: several --network need API 1.44 or newer (this engine speaks {api_version}): "
                         "give one, then NetworkConnect the others")
    mac = opts.mac_address
    if mac is not None and not _MAC.fullmatch(mac):
        raise ValueError(f"--mac-address {mac}: expected six hex pairs, e.g. 92:d0:c6:0a:29:33")
    if mac and not endpoints:
        body["MacAddress"] = mac
    if endpoints and (len(opts.network) > 1 or mac):
        names = opts.network or ["default"]  # the daemon's default network ("bridge" on Linux)
        configs: dict[str, dict[str, Any]] = {name: {} for name in names}
        if mac:
            configs[names[0]]["MacAddress"] = mac
        body["NetworkingConfig"] = {"EndpointsConfig": configs}


def create_params(opts: RunOptions, api_version: str | None = None) -> dict[str, Any]:
    """ContainerCreate's params (``name``, ``body``) for ``opts``, as the docker CLI would send them to an engine
    of ``api_version`` (None: the newest)."""
    body: dict[str, Any] = {"Image": opts.image}
    host: dict[str, Any] = {}
    if opts.cmd:
        body["Cmd"] = list(opts.cmd)
    if opts.entrypoint is not None:
        body["Entrypoint"] = [opts.entrypoint]
    env = _env([line for path in opts.env_file for line in _env_file(path)] + opts.env)
    scalars = (("Hostname", opts.hostname), ("User", opts.user), ("WorkingDir", opts.workdir))
    body |= {key: value for key, value in scalars if value}
    if env:
        body["Env"] = env
    if opts.label:
        body["Labels"] = _labels(opts.label)
    if opts.tty:
        body["Tty"] = True
    if opts.interactive:
        body |= {"OpenStdin": True, "StdinOnce": True, "AttachStdin": True}
    if not opts.detach:
        body |= {"AttachStdout": True, "AttachStderr": True}
    if opts.publish:
        bindings: dict[str, list[dict[str, str]]] = {}
        for spec in opts.publish:
            port, binding = _port(spec)
            bindings.setdefault(port, []).append(binding)
        body["ExposedPorts"] = {port: {} for port in bindings}
        host["PortBindings"] = bindings
    for spec in opts.volume:
        bind, anonymous = _volume(spec)
        if bind:
            host.setdefault("Binds", []).append(bind)
        else:
            body.setdefault("Volumes", {})[anonymous] = {}
    _networks(opts, body, host, api_version)
    if opts.restart:
        host["RestartPolicy"] = _restart(opts.restart)
    if opts.rm:
        host["AutoRemove"] = True
    if host:
        body["HostConfig"] = host
    return {**({"name": opts.name} if opts.name else {}), "body": body}


def image_params(image: str) -> dict[str, str]:
    """ImageCreate's params to pull ``image`` (``busybox`` → fromImage busybox, tag latest)."""
    if "@" in image:
        return {"fromImage": image}
    repo, sep, tag = image.rpartition(":")
    if sep and "/" not in tag:
        return {"fromImage": repo, "tag": tag}
    return {"fromImage": image, "tag": "latest"}


class _Progress:
    """Pull progress as lines: one per layer whenever its status changes (not every byte count)."""

    def __init__(self, steps: Steps) -> None:
        self.steps = steps
        self.seen: dict[str, str] = {}

    def __call__(self, value: Any) -> None:
        if not isinstance(value, dict) or not value.get("status"):
            return
        ident, status = str(value.get("id") or ""), str(value["status"])
        if self.seen.get(ident) == status:
            return
        self.seen[ident] = status
        self.steps.session.note(f"{ident}: {status}" if ident else status)


def ensure_image(steps: Steps, image: str) -> Result | None:
    """ImageInspect, and on 404 ImageCreate with per-layer progress; the failed result, else None."""
    found = steps.call("ImageInspect", {"name": image})
    if not found.failed:
        return None
    if found.status != 404:
        return found
    steps.session.note(f"{image} is not here: pulling it")
    pulled = steps.stream("ImageCreate", image_params(image), _Progress(steps))
    return pulled if pulled.failed else None


def api_version(session: Session) -> str | None:
    """The API version of the session's engine, None when not connected (a dry run shows the newest API's body)."""
    import dshell.client as docker

    try:
        return session.require_client().api_version
    except docker.DshellError:
        return None


def _failed(result: Result) -> Reply:
    from ..reply import Reply

    return Reply(error=f"run stopped: {result.op} failed (_{result.n})", result=result)


def command(session: Session, cmd: Workflow, run: Runner) -> Reply:
    """``run ...`` at the prompt (or in ``-c``)."""
    from dshell.explorer import render

    from ..reply import Reply
    from .steps import Steps

    try:
        opts = parse_run(cmd.args)
        params = create_params(opts, api_version(session))
    except ValueError as exc:
        return Reply(error=str(exc))
    if opts.dry_run:
        return Reply(render({"op": "ContainerCreate", "params": params}, full=True))
    steps = Steps(session, run)
    failed = ensure_image(steps, opts.image)
    if failed is not None:
        return _failed(failed)
    created = steps.call("ContainerCreate", params)
    if created.failed:
        return _failed(created)
    cid = str(created.data["Id"])
    for warning in created.data.get("Warnings") or ():
        steps.session.note(f"warning: {warning}")
    if opts.detach:
        started = steps.call("ContainerStart", {"id": cid})
        if started.failed:
            return _failed(started)
        data = {"Id": cid, "name": opts.name, "detached": True, "ops": steps.refs()}
        result = steps.keep("run", {"args": list(cmd.args)}, data)
        return Reply(cid, result=result, note=f"(_{result.n})")
    return _attached(session, steps, opts, cid, list(cmd.args))


def _attached(session: Session, steps: Steps, opts: RunOptions, cid: str, args: list[str]) -> Reply:
    """Attach before starting (nothing is lost), start, relay until the process ends, keep the exit code."""
    import dshell.client as docker

    from ..attach import run as attach
    from ..reply import Reply
    from ..targets import Target

    def start() -> None:
        started = steps.call("ContainerStart", {"id": cid})
        if started.failed:
            raise docker.DshellError(f"ContainerStart failed: {started.error} (_{started.n})")

    target = Target("attach", opts.name or cid[:12], detach_keys=opts.detach_keys)
    outcome = attach(steps.client, target, start=start, condition="removed" if opts.rm else "next-exit")
    data = {**outcome.as_dict(), "kind": "run", "Id": cid, "ops": steps.refs()}
    result = steps.keep("run", {"args": args}, data, outcome.error)
    text = f"{outcome.message().replace('attach ', 'run ', 1)}  (_{result.n})"
    if outcome.error:
        return Reply(error=text, result=result)
    return Reply(result=result, status=outcome.exit_code or 0, note=text)
