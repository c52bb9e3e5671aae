"""``build [-t TAG] [-f FILE] [--build-arg K=V] [--target T] [--no-cache] DIR``: docker build with the classic
builder as one ImageBuild (the folder sent as a tar made on the fly, .dockerignore applied), its output shown
line by line as the daemon writes it; more tags are ImageTag ops. The image id ends the result."""

from __future__ import annotations

import json
import os
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..commands import usage

if TYPE_CHECKING:
    from ..commands.workflows import Workflow
    from ..reply import Reply
    from ..session import Session
    from ..worker import Runner
    from .steps import Steps

USAGE = usage("build")
_VALUES = {"-t": "tags", "--tag": "tags", "-f": "file", "--file": "file", "--build-arg": "build_args",
           "--target": "target"}
_LISTS = ("tags", "build_args")


@dataclass
class BuildOptions:
    """What a ``build`` line asks for."""

    context: str = ""
    tags: list[str] = field(default_factory=list)
    file: str | None = None
    build_args: list[str] = field(default_factory=list)
    target: str | None = None
    no_cache: bool = False


def parse_build(args: Sequence[str]) -> BuildOptions:
    """``build`` words → BuildOptions; ValueError (one line) when wrong."""
    try:
        words = shlex.split(" ".join(args))
    except ValueError as exc:
        raise ValueError(f"build: {exc}: usage: {USAGE}") from None
    opts, rest = BuildOptions(), []
    while words:
        word = words.pop(0)
        name, eq, inline = word.partition("=") if word.startswith("--") else (word[:2], "", word[2:])
        if word == "--no-cache":
            opts.no_cache = True
        elif name in _VALUES and word.startswith("-"):
            value = inline if (eq or inline) else (words.pop(0) if words else None)
            if value is None:
                raise ValueError(f"{name} needs a value: usage: {USAGE}")
            key = _VALUES[name]
            if key in _LISTS:
                getattr(opts, key).append(value)
            else:
                setattr(opts, key, value)
        elif word.startswith("-") and word != "-":
            raise ValueError(f"unknown option {word!r}: usage: {USAGE}")
        else:
            rest.append(word)
    if len(rest) != 1:
        raise ValueError(f"build needs one folder (the context): usage: {USAGE}")
    opts.context = rest[0]
    return opts


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
    if opts.build_args:
        params["buildargs"] = json.dumps(_build_args(opts.build_args))
    if opts.target:
        params["target"] = opts.target
    if opts.no_cache:
        params["nocache"] = True
    return params


class Output:
    """The build's JSON lines as docker build prints them: the text of ``stream`` line by line, pull progress
    once per layer status, errors in red; ``image`` is the id the daemon reported."""

    def __init__(self, steps: Steps) -> None:
        from .run import _Progress

        self.steps = steps
        self.progress = _Progress(steps)
        self.partial = ""
        self.image: str | None = None

    def __call__(self, value: Any) -> None:
        from rich.text import Text

        if not isinstance(value, dict):
            return
        if "stream" in value:
            lines = (self.partial + str(value["stream"])).split("\n")
            self.partial = lines.pop()
            for line in lines:
                self.steps.session.say(Text(line))
        elif value.get("error"):
            self.steps.session.say(Text(str(value["error"]).strip(), style="bold red"))
        elif isinstance(value.get("aux"), dict) and value["aux"].get("ID"):
            self.image = str(value["aux"]["ID"])
        else:
            self.progress(value)

    def flush(self) -> None:
        """Show a last line that had no newline."""
        from rich.text import Text

        if self.partial:
            self.steps.session.say(Text(self.partial))
            self.partial = ""


def command(session: Session, cmd: Workflow, run: Runner) -> Reply:
    """``build ...`` at the prompt (or in ``-c``)."""
    from ..reply import Reply
    from .steps import Steps

    try:
        opts = parse_build(cmd.args)
        params = build_params(opts)
    except ValueError as exc:
        return Reply(error=str(exc))
    steps = Steps(session, run)
    out = Output(steps)
    built = steps.stream("ImageBuild", params, out)
    out.flush()
    if built.failed:
        return Reply(error=f"build failed: {built.error} (_{built.n})", result=built)
    for tag in opts.tags[1:]:
        repo, sep, version = tag.rpartition(":")
        name, label = (repo, version) if sep and "/" not in version else (tag, "latest")
        tagged = steps.call("ImageTag", {"name": out.image or opts.tags[0], "repo": name, "tag": label})
        if tagged.failed:
            return Reply(error=f"build: ImageTag {tag} failed (_{tagged.n})", result=tagged)
    data = {"Id": out.image, "tags": opts.tags, "ops": steps.refs()}
    result = steps.keep("build", {"args": list(cmd.args)}, data)
    if opts.tags:
        steps.session.note(f"tagged {', '.join(opts.tags)}")
    return Reply(f"{out.image or 'built (the daemon named no image id)'}  (_{result.n})", result=result)
