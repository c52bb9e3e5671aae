"""``compose [-p NAME] [-f FILE]... [--dry-run] COMMAND ...``: Compose projects through dshell.compose — views
(ls ps top images port events config tree) stored as results shown with docker compose's columns; lifecycle
(up down start stop restart pause unpause kill rm run exec pull build) as ops each stored and announced with
docker compose's progress line; merged ``logs`` lines coloured per container."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..commands.compose import USAGE

if TYPE_CHECKING:
    from dshell.compose import Project, Step

    from ..reply import Reply
    from ..session import Session
    from ..worker import Runner
    from .compose_live import Live

# per subcommand: its flags without a value, its flags with one, what its positional words are
SUBCOMMANDS: dict[str, tuple[dict[str, str], dict[str, str], str]] = {
    "ls": ({"-a": "all", "--all": "all"}, {}, ""),
    "ps": ({"-a": "all", "--all": "all"}, {}, "services"),
    "top": ({}, {}, "services"),
    "images": ({}, {}, "services"),
    "port": ({}, {"--protocol": "protocol", "--index": "index"}, "service port"),
    "events": ({"--json": "json"}, {"--since": "since", "--until": "until"}, "services"),
    "logs": ({"-f": "follow", "--follow": "follow", "-t": "timestamps", "--timestamps": "timestamps",
              "--no-color": "no_color", "--no-log-prefix": "no_log_prefix"}, {"-n": "tail", "--tail": "tail"},
             "services"),
    "config": ({}, {}, ""),
    "tree": ({}, {}, ""),
    "up": ({"-d": "detach", "--detach": "detach", "--build": "build", "--no-color": "no_color",
            "--abort-on-container-exit": "abort_on_exit", "--no-log-prefix": "no_log_prefix",
            "--timestamps": "timestamps"},
           {"--exit-code-from": "exit_code_from", "--attach": "attach", "--no-attach": "no_attach", "-t": "timeout",
            "--timeout": "timeout"}, "services"),
    "down": ({"-v": "volumes", "--volumes": "volumes"}, {"--rmi": "rmi", "-t": "timeout", "--timeout": "timeout"},
             ""),
    "start": ({}, {}, "services"),
    "stop": ({}, {"-t": "timeout", "--timeout": "timeout"}, "services"),
    "restart": ({}, {"-t": "timeout", "--timeout": "timeout"}, "services"),
    "pause": ({}, {}, "services"),
    "unpause": ({}, {}, "services"),
    "kill": ({}, {"-s": "signal", "--signal": "signal"}, "services"),
    "rm": ({"-f": "force", "--force": "force", "-s": "stop", "--stop": "stop", "-v": "volumes",
            "--volumes": "volumes"}, {}, "services"),
    "run": ({"--rm": "rm", "-d": "detach"}, {}, "service command"),
    "exec": ({"-d": "detach"}, {"-u": "user", "--user": "user", "-w": "workdir", "--workdir": "workdir",
                                "-e": "env", "--env": "env", "--index": "index"}, "service command"),
    "pull": ({}, {}, "services"),
    "build": ({}, {}, "services"),
}
_GLOBAL_VALUES = {"-p": "project", "--project-name": "project", "-f": "files", "--file": "files",
                  "--profile": "profiles", "--env-file": "env_file", "--project-directory": "workdir"}
_LISTS = {"files", "profiles", "env", "attach", "no_attach"}
WRITES = frozenset({"NetworkCreate", "VolumeCreate", "ContainerCreate", "ContainerStart", "ContainerStop",
                    "ContainerDelete", "ContainerRestart", "ContainerPause", "ContainerUnpause", "ContainerKill",
                    "NetworkConnect", "NetworkDelete", "VolumeDelete", "ImageCreate", "ImageBuild", "ImageDelete",
                    "ContainerWait", "ContainerLogs", "ContainerExec", "ExecStart"})


@dataclass
class ComposeOptions:
    """What a ``compose`` line asks for: the project's flags, the subcommand, its flags and words."""

    sub: str = ""
    hosts: tuple[str, ...] = ()
    project: str | None = None
    files: list[str] = field(default_factory=list)
    profiles: list[str] = field(default_factory=list)
    env_file: str | None = None
    workdir: str | None = None
    dry_run: bool = False
    flags: dict[str, Any] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)

    def elapsed(self) -> float:
        """Seconds since the line was read (a result's duration)."""
        return time.perf_counter() - self.started


def _take(word: str, words: list[str], names: dict[str, str], sub: str) -> tuple[str, str] | None:
    """(key, value) of a value flag ``word`` (``--tail 5``, ``--tail=5``, ``-n5``), or None when not one."""
    name, eq, inline = word.partition("=") if word.startswith("--") else (word[:2], "", word[2:])
    if name not in names:
        return None
    value = inline if (eq or inline) else (words.pop(0) if words else None)
    if value is None:
        raise ValueError(f"{' '.join(filter(None, ('compose', sub)))}: {name} needs a value: usage: {USAGE}")
    return names[name], value


def parse_compose(given: Sequence[str]) -> ComposeOptions:
    """``compose`` words (split as a shell splits them) → ComposeOptions; ValueError (one line) when wrong."""
    words = list(given)
    opts = ComposeOptions()
    if words and words[0].startswith("@"):  # `@a,b compose ls` (the registry hands the @ word over)
        opts.hosts = tuple(dict.fromkeys(n for n in words.pop(0)[1:].split(",") if n))
        if not opts.hosts:
            raise ValueError(f"compose: '@' needs endpoint names: usage: @a,b {USAGE}")
    while words and words[0].startswith("-"):
        word = words.pop(0)
        if word == "--dry-run":
            opts.dry_run = True
            continue
        found = _take(word, words, _GLOBAL_VALUES, "")
        if found is None:
            raise ValueError(f"compose: unknown option {word!r}: usage: {USAGE}")
        key, value = found
        if key in _LISTS:
            getattr(opts, key).append(value)
        else:
            setattr(opts, key, value)
    if not words:
        raise ValueError(f"compose needs a command: usage: {USAGE}")
    opts.sub = words.pop(0)
    if opts.sub not in SUBCOMMANDS:
        from dshell.client import did_you_mean

        raise ValueError(f"compose: unknown command {opts.sub!r}{did_you_mean(opts.sub, sorted(SUBCOMMANDS))}")
    bools, values, positional = SUBCOMMANDS[opts.sub]
    while words and words[0].startswith("-") and not (opts.words and "command" in positional):
        word = words.pop(0)
        if word == "--":
            break
        if word == "--dry-run":
            opts.dry_run = True
        elif word in bools:
            opts.flags[bools[word]] = True
        elif (found := _take(word, words, values, opts.sub)) is not None:
            key, value = found
            if key in _LISTS:
                opts.flags.setdefault(key, []).append(value)
            else:
                opts.flags[key] = value
        else:
            known = ", ".join(sorted({*bools, *values}))
            raise ValueError(f"compose {opts.sub}: unknown option {word!r}" + (f" (known: {known})" if known else ""))
    opts.words = words
    if "service" in positional.split() and not words:
        raise ValueError(f"compose {opts.sub} needs a service: usage: compose {opts.sub} SERVICE ...")
    if positional == "service port" and len(words) != 2:
        raise ValueError("compose port needs SERVICE PRIVATE_PORT")
    if opts.sub == "exec" and len(words) < 2:
        raise ValueError("compose exec needs SERVICE COMMAND ...")
    if not positional and words:
        raise ValueError(f"compose {opts.sub} takes no arguments (got {words[0]!r})")
    if (len(opts.hosts) > 1 or opts.hosts == ("all",)) and opts.sub != "ls":
        raise ValueError(f"compose {opts.sub} runs on one endpoint (@NAME compose {opts.sub}); on several at once: "
                         "@a,b compose ls")
    return opts


def _int(opts: ComposeOptions, key: str) -> int | None:
    value = opts.flags.get(key)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"compose {opts.sub}: {key} must be a whole number, not {value!r}") from None


def open_project(client: Any, opts: ComposeOptions, on_step: Callable[[Step], None] | None = None) -> Project:
    """The project the options name, on ``client``."""
    import dshell.compose as compose

    return compose.project(client, opts.files, name=opts.project, workdir=opts.workdir, env_file=opts.env_file,
                           profiles=opts.profiles, on_step=on_step)


class Announcer:
    """Stores each op a lifecycle command sends as the next numbered result, shown as docker compose's
    progress line (`` ✔ Container shop-web-1  Started  _12``); reads are not stored."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.refs: list[str] = []

    def __call__(self, step: Step) -> None:
        from rich.text import Text

        if step.outcome is not None and step.request.get("op") in WRITES:
            result = self.session.store(step.request["op"], step.request.get("params") or {}, step.outcome)
            self.refs.append(f"_{result.n}")
            mark, style = ("✔", "green") if step.outcome.error is None else ("✘", "red")
            text = step.line or f"{step.request['op']}  {step.outcome.status}"
            self.session.say(Text.assemble((f" {mark} ", style), text, (f"  _{result.n}", "dim")))
        elif step.outcome is None and step.request.get("op") in WRITES:  # a dry run: what would be sent
            text = step.line or f"{step.request['op']} {_summary(step.request.get('params') or {})}".rstrip()
            self.session.say(Text.assemble((" ~ ", "yellow"), text, ("  (dry run)", "dim")))
        elif step.outcome is None and step.line and not step.request:
            self.session.say(Text.assemble(("   ", ""), (step.line, "dim")))


def _keep(session: Session, client: Any, opts: ComposeOptions, data: Any, error: str | None = None) -> Reply:
    from dshell.explorer import render

    from ..reply import Reply

    params = {"project": opts.project, "files": opts.files, "flags": opts.flags, "args": opts.words}
    result = session.keep(f"compose {opts.sub}", params, data, status=None if error else 200, elapsed=opts.elapsed(),
                          error=error, endpoint=client.uri)
    return Reply(render(result), error=error, result=result)


def command(session: Session, cmd: Any, run: Runner) -> Reply:
    """``compose ...`` at the prompt, in ``-c`` and in the magic."""
    from dshell.compose import ComposeError

    from ..reply import Reply, one_line
    from ..words import shell_words

    try:
        opts = parse_compose(shell_words(" ".join(cmd.args)))
    except ValueError as exc:
        return Reply(error=f"compose: {exc}" if "compose" not in str(exc) else str(exc))
    client = session.require_client()
    try:
        if len(opts.hosts) > 1 or opts.hosts == ("all",):
            return _ls_on(session, opts, run)
        if opts.hosts:
            with session.on_host(opts.hosts[0], run):
                client = session.require_client()
                out = run(lambda: _dispatch(session, client, opts, run))
        else:
            out = run(lambda: _dispatch(session, client, opts, run))
    except (ComposeError, ValueError) as exc:
        return Reply(error=one_line(exc))
    from .compose_live import Live, show

    return show(session, out) if isinstance(out, Live) else out


def _ls_on(session: Session, opts: ComposeOptions, run: Runner) -> Reply:
    """``@a,b compose ls``: every host's projects in one table with HOST; a failed host one line."""
    import dshell.compose as compose
    from dshell.explorer import render

    from ..reply import Reply

    names = session.hosts.select(opts.hosts)
    clients = {name: session.hosts.client(name) for name in names}
    rows, errors = run(lambda: compose.ls_on(clients, bool(opts.flags.get("all"))))
    error = "\n".join(f"{host}: {line}" for host, line in errors.items()) or None
    if len(errors) == len(names):
        return Reply(error=error)
    result = session.keep("compose ls", {"@": names, "flags": opts.flags}, rows, status=200, elapsed=opts.elapsed(),
                          error=None, endpoint="@" + ",".join(names))
    return Reply(render(result), error=error, result=result)


def _dispatch(session: Session, client: Any, opts: ComposeOptions, run: Runner) -> Reply | Live:
    """What the line asks, done in the worker; a live stream (``Live``) is shown by the caller, outside it."""
    import dshell.compose as compose

    from . import compose_live

    sub, flags, words = opts.sub, opts.flags, opts.words
    if sub == "ls":
        return _keep(session, client, opts, compose.ls(client, bool(flags.get("all"))))
    announcer = Announcer(session)
    p = open_project(client, opts, announcer)
    views: dict[str, Callable[[], Any]] = {
        "ps": lambda: p.ps(words, bool(flags.get("all"))),
        "top": lambda: p.top(words),
        "images": lambda: p.images(words),
        "config": lambda: masked_config(p.config()),
        "tree": p.tree,
        "port": lambda: p.port(words[0], int(words[1].split("/")[0]), flags.get("protocol", "tcp"),
                               _int(opts, "index") or 1),
    }
    if sub in views:
        return _keep(session, client, opts, views[sub]())
    if sub == "events":
        return compose_live.events(opts, p)
    if sub == "logs":
        return compose_live.logs(session, opts, p) if flags.get("follow") else _logs(session, client, opts, p)
    if sub == "up" and not flags.get("detach") and not opts.dry_run:
        live = compose_live.up(session, opts, p)
        _keep(session, client, opts, {"project": p.name, "ops": announcer.refs})
        return live
    return _lifecycle(session, client, opts, p, announcer)


def masked_config(config: dict[str, Any]) -> dict[str, Any]:
    """The resolved model with secret-looking environment values and build args masked as the history masks an
    ``Env`` (``DB_PASSWORD=***``), before it is stored or shown."""
    from dshell.explorer import redact

    def mask(values: dict[str, Any]) -> dict[str, Any]:
        listed = redact({"Env": [f"{k}={v}" for k, v in values.items()]})["Env"]
        return dict(item.split("=", 1) for item in listed)

    services = {}
    for name, svc in config["services"].items():
        svc = {**svc, "environment": mask(svc.get("environment") or {})}
        if (svc.get("build") or {}).get("args"):
            svc["build"] = {**svc["build"], "args": mask(svc["build"]["args"])}
        services[name] = svc
    return {**config, "services": services}


def _lifecycle(session: Session, client: Any, opts: ComposeOptions, p: Project, announcer: Announcer) -> Reply:
    from dshell.compose import ComposeError

    sub, flags, words, dry = opts.sub, opts.flags, opts.words, opts.dry_run
    output: dict[str, Any] = {}
    acts: dict[str, Callable[[], Any]] = {
        "up": lambda: p.up(words, bool(flags.get("build")), dry),
        "down": lambda: p.down(bool(flags.get("volumes")), flags.get("rmi"), _int(opts, "timeout"), dry),
        "start": lambda: p.start(words, dry),
        "stop": lambda: p.stop(words, _int(opts, "timeout"), dry),
        "restart": lambda: p.restart(words, _int(opts, "timeout"), dry),
        "pause": lambda: p.pause(words, dry),
        "unpause": lambda: p.unpause(words, dry),
        "kill": lambda: p.kill(words, flags.get("signal", "SIGKILL"), dry),
        "rm": lambda: p.rm(words, bool(flags.get("stop") or flags.get("force")), bool(flags.get("volumes")), dry),
        "pull": lambda: p.pull(words, dry),
        "build": lambda: p.build(words, dry),
    }
    error = None
    steps = None
    try:
        if sub in acts:
            steps = acts[sub]()
        elif sub == "run":
            steps, code, text = p.run(words[0], words[1:], rm=bool(flags.get("rm")), dry_run=dry)
            output = {"ExitCode": code, "Output": text}
        else:
            env = dict(item.partition("=")[::2] for item in flags.get("env", []))
            steps, code, text = p.exec(words[0], words[1:], _int(opts, "index") or 1, flags.get("user"),
                                       flags.get("workdir"), env, dry)
            output = {"ExitCode": code, "Output": text}
    except ComposeError as exc:
        error = str(exc)
    data: dict[str, Any] = {"project": p.name, "ops": announcer.refs, **output}
    if dry:
        data["dry_run"] = steps.requests if steps is not None else []
        data["would_send"] = [f"{r['op']} {_summary(r['params'])}" for r in data["dry_run"] if r["op"] in WRITES]
    reply = _keep(session, client, opts, data, error)
    if error is None and output.get("Output") and not dry:
        from ..reply import Reply

        return Reply(str(output["Output"]).rstrip("\n"), result=reply.result, status=int(output["ExitCode"] or 0))
    return reply


def _summary(params: dict[str, Any]) -> str:
    """The identifying params of a planned op (name/id), its body left to the result."""
    keys = ("name", "id", "fromImage", "t", "container")
    return " ".join(f"{k}={params[k]}" for k in keys if k in params and isinstance(params[k], str))


def _logs(session: Session, client: Any, opts: ComposeOptions, p: Project) -> Reply:
    from rich.text import Text

    logs = p.logs(opts.words, False, opts.flags.get("tail"), bool(opts.flags.get("timestamps")))
    kept: list[dict[str, Any]] = []
    shown: list[Text] = []
    ansi = not opts.flags.get("no_color")
    try:
        for line in logs:
            kept.append({"name": line.name, "text": line.text, "stderr": line.stderr})
            shown.append(Text.from_ansi(line.format(logs.width, ansi)))
    finally:
        logs.close()
    from ..reply import Reply

    params = {"project": p.name, "flags": opts.flags, "args": opts.words}
    result = session.keep("compose logs", params, kept, status=200, elapsed=opts.elapsed(), error=None,
                          endpoint=client.uri)
    body = Text("\n").join(shown) if shown else None  # the command's output: stdout under dshell -c
    return Reply(body, result=result, note=f"{len(kept)} lines  (_{result.n})")
