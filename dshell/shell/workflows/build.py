"""``build [-t TAG] [-f FILE] [--build-arg K=V] ... DIR``: docker build. BuildKit by default, decided as the
docker CLI 23+ does (``DOCKER_BUILDKIT``, the ping's ``Builder-Version``, the daemon's OS; ``workflows.buildkit``);
``--builder classic`` (or ``DOCKER_BUILDKIT=0``) runs one ImageBuild with the classic builder (the folder sent as
a tar made on the fly, .dockerignore applied), its output shown line by line as the daemon writes it (docker's
own output: stdout under ``dshell -c``, as docker build prints it); more tags are ImageTag ops, each said as the
daemon says the first. The image id ends the result."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..commands import usage
from ..words import shell_words
from .options import take_option

if TYPE_CHECKING:
    from ..commands.workflows import Workflow
    from ..reply import Reply
    from ..session import Session
    from ..worker import Runner
    from .steps import Steps

USAGE = usage("build")
_VALUES = {"-t": "tags", "--tag": "tags", "-f": "file", "--file": "file", "--build-arg": "build_args",
           "--target": "target", "--platform": "platform", "--label": "labels", "--network": "network",
           "--add-host": "add_hosts", "--iidfile": "iidfile", "--secret": "secrets", "--ssh": "ssh",
           "-o": "outputs", "--output": "outputs", "--cache-from": "cache_from", "--cache-to": "cache_to",
           "--progress": "progress", "--builder": "builder"}
_FLAGS = {"--no-cache": "no_cache", "--pull": "pull", "-q": "quiet", "--quiet": "quiet"}
_LISTS = ("tags", "build_args", "labels", "add_hosts", "secrets", "ssh", "outputs", "cache_from", "cache_to")
BUILDKIT_ONLY = ("secrets", "ssh", "outputs", "cache_to")  # flags the classic builder has no way to honour


@dataclass
class BuildOptions:
    """What a ``build`` line asks for."""

    context: str = ""
    tags: list[str] = field(default_factory=list)
    file: str | None = None
    build_args: list[str] = field(default_factory=list)
    target: str | None = None
    no_cache: bool = False
    platform: str | None = None
    labels: list[str] = field(default_factory=list)
    pull: bool = False
    network: str | None = None
    add_hosts: list[str] = field(default_factory=list)
    iidfile: str | None = None
    secrets: list[str] = field(default_factory=list)
    ssh: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    cache_from: list[str] = field(default_factory=list)
    cache_to: list[str] = field(default_factory=list)
    quiet: bool = False
    progress: str = ""  # unset: $BUILDKIT_PROGRESS, else auto
    builder: str | None = None


def parse_build(args: Sequence[str]) -> BuildOptions:
    """``build`` words → BuildOptions; ValueError (one line) when wrong."""
    try:
        words = shell_words(" ".join(args))
    except ValueError as exc:
        raise ValueError(f"build: {exc}: usage: {USAGE}") from None
    opts, rest = BuildOptions(), []
    while words:
        word = words.pop(0)
        if not word.startswith("-") or word == "-":
            rest.append(word)
        elif not take_option(opts, word, words, _FLAGS, _VALUES, _LISTS, USAGE):
            raise ValueError(f"unknown option {word!r}: usage: {USAGE}")
    if len(rest) != 1:
        raise ValueError(f"build needs one folder (the context): usage: {USAGE}")
    opts.context = rest[0]
    from .buildkit import PROGRESS

    given = opts.progress
    opts.progress = given or os.environ.get("BUILDKIT_PROGRESS") or "auto"  # the docker CLI's default too
    if opts.progress not in PROGRESS:
        where = "--progress" if given else "BUILDKIT_PROGRESS="
        raise ValueError(f"{where} {opts.progress!r}: one of {', '.join(PROGRESS)}")
    if opts.builder not in (None, "classic", "buildkit", "default"):
        raise ValueError(f"--builder {opts.builder!r}: classic, or buildkit (the daemon's own; dshell has no "
                         "buildx builders)")
    return opts


def _pairs(items: list[str], flag: str) -> dict[str, str]:
    """``K=V`` items as a dict; ValueError naming one without ``=``."""
    out = {}
    for item in items:
        key, eq, value = item.partition("=")
        if not eq or not key:
            raise ValueError(f"{flag} {item!r}: expected KEY=VALUE")
        out[key] = value
    return out


def _cache_to(items: list[str]) -> dict[str, str]:
    """``--cache-to type=inline``: the cache rides in the image (the daemon's BuildKit exports no other kind)."""
    for item in items:
        if item.replace(" ", "") not in ("type=inline", "inline"):
            raise ValueError(f"--cache-to {item!r}: the daemon's built-in BuildKit exports type=inline only "
                             "(push the image; --cache-from IMAGE reads it back)")
    return {"BUILDKIT_INLINE_CACHE": "1"} if items else {}


def _build_args(items: list[str]) -> dict[str, str]:
    """``K=V``; a bare ``K`` takes its value from the local environment (dropped when unset), as docker."""
    out = {}
    for item in items:
        key, eq, value = item.partition("=")
        if eq:
            out[key] = value
        elif key in os.environ:
            out[key] = os.environ[key]
    return out


def build_params(opts: BuildOptions) -> dict[str, Any]:
    """ImageBuild's params: the context folder and a ``-f`` file as local paths, the rest as the API names."""
    context = Path(os.path.expanduser(opts.context))
    if not context.is_dir():
        raise ValueError(f"build: {opts.context}: no such folder (the context must be a folder)")
    params: dict[str, Any] = {"inputStream": context}
    if opts.file:
        params["dockerfile"] = Path(os.path.expanduser(opts.file))
    if opts.tags:
        params["t"] = opts.tags[0]
    build_args = {**_build_args(opts.build_args), **_cache_to(opts.cache_to)}
    if build_args:
        params["buildargs"] = json.dumps(build_args)
    if opts.target:
        params["target"] = opts.target
    if opts.no_cache:
        params["nocache"] = True
    if opts.platform:
        params["platform"] = opts.platform
    if opts.labels:
        params["labels"] = json.dumps(_pairs(opts.labels, "--label"))
    if opts.pull:
        params["pull"] = "1"
    if opts.network:
        params["networkmode"] = opts.network
    if opts.add_hosts:
        params["extrahosts"] = list(opts.add_hosts)
    if opts.cache_from:
        params["cachefrom"] = json.dumps(opts.cache_from)
    if opts.quiet:
        params["q"] = True
    return params


def uses_buildkit(session: Session, opts: BuildOptions) -> bool:
    """BuildKit or the classic builder, as ``--builder`` says, else as the docker CLI 23+ decides."""
    if opts.builder == "classic":
        return False
    if opts.builder in ("buildkit", "default"):
        return True
    import dshell.client as docker
    from dshell.buildkit import buildkit_enabled

    ping = docker.call(session.require_client(), {"op": "SystemPing"})
    return buildkit_enabled(dict(ping.headers))


class Output:
    """The build's JSON lines as docker build prints them: the text of ``stream`` line by line and a pull's lines
    (as docker pull prints them into a pipe), said as docker's own output (``Printed``: stdout under
    ``dshell -c``; the colour the daemon puts around a step's stderr dropped, no escape sequence obeyed), errors
    in red (on stderr, as docker prints its error); ``image`` is the id the daemon reported, ``code`` the exit
    code of a failed step."""

    def __init__(self, steps: Steps) -> None:
        self.steps = steps
        self.partial = ""
        self.image: str | None = None
        self.code = 0

    def __call__(self, value: Any) -> None:
        from rich.text import Text

        if not isinstance(value, dict):
            return
        if "stream" in value:
            text = str(value["stream"])
            if self.image is None and text.startswith("sha256:") and not self.partial:  # -q: the id alone
                self.image = text.strip()
            lines = (self.partial + text).split("\n")
            self.partial = lines.pop()
            for line in lines:
                self.say(line)
        elif value.get("error"):
            detail = value.get("errorDetail")
            code = detail.get("code") if isinstance(detail, dict) else None
            self.code = code if isinstance(code, int) and 0 < code < 256 else 1  # docker build's exit status
            self.steps.session.say(Text(str(value["error"]).strip(), style="bold red"))
        elif isinstance(value.get("aux"), dict) and value["aux"].get("ID"):
            self.image = str(value["aux"]["ID"])
        else:
            from dshell.explorer._progress import event_line

            if (pulled := event_line(value)) is not None:
                self.say(pulled)

    def say(self, line: str) -> None:
        """Say one line of docker's own output."""
        from rich.text import Text

        from dshell.explorer import Printed

        self.steps.session.say(Printed(Text.from_ansi(line).plain))

    def flush(self) -> None:
        """Show a last line that had no newline."""
        if self.partial:
            self.say(self.partial)
            self.partial = ""


def command(session: Session, cmd: Workflow, run: Runner) -> Reply:
    """``build ...`` at the prompt (or in ``-c``)."""
    from ..reply import Reply
    from .steps import Steps

    try:
        opts = parse_build(cmd.args)
        params = build_params(opts)
        buildkit = uses_buildkit(session, opts)
    except ValueError as exc:
        return Reply(error=str(exc))
    steps = Steps(session, run)
    if buildkit:
        from . import buildkit as bk

        params.pop("q", None)
        return bk.run(steps, opts, params, list(cmd.args))
    unsupported = [f for f in BUILDKIT_ONLY if getattr(opts, f)]
    if unsupported:
        flag = {"secrets": "--secret", "ssh": "--ssh", "outputs": "--output", "cache_to": "--cache-to"}
        return Reply(error=f"build: {flag[unsupported[0]]} needs BuildKit (the classic builder was chosen: "
                           "drop --builder classic / DOCKER_BUILDKIT=0)")
    out = Output(steps)
    built = steps.stream("ImageBuild", params, out)
    out.flush()
    if built.failed:
        return Reply(error=f"build failed: {built.error} (_{built.n})", result=built, status=out.code)
    for tag in opts.tags[1:]:
        repo, sep, version = tag.rpartition(":")
        name, label = (repo, version) if sep and "/" not in version else (tag, "latest")
        tagged = steps.call("ImageTag", {"name": out.image or opts.tags[0], "repo": name, "tag": label})
        if tagged.failed:
            return Reply(error=f"build: ImageTag {tag} failed (_{tagged.n})", result=tagged)
        if not opts.quiet:
            out.say(f"Successfully tagged {name}:{label}")  # as the daemon said it of the first tag
    if opts.iidfile and out.image:
        Path(opts.iidfile).write_text(out.image, encoding="utf-8")
    data = {"Id": out.image, "tags": opts.tags, "ops": steps.refs()}
    result = steps.keep("build", {"args": list(cmd.args)}, data)
    # the id is dshell's word: docker's output said it already (-q: the id alone; else "Successfully built")
    return Reply(result=result, note=f"{out.image}  (_{result.n})" if out.image else
                 f"built (the daemon named no image id)  (_{result.n})")
