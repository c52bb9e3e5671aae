"""``build`` on BuildKit: the build through dshell.buildkit's session, its progress shown as
``docker buildx build`` shows it (on a terminal the live view, redrawn in place; else ``#N`` lines;
``--progress rawjson`` buildx's SolveStatus documents, on stderr under ``dshell -c``; ``quiet``/``-q``
nothing), more tags as ImageTag ops, ``--iidfile``; the kept result holds the steps, warnings and image id."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..reply import Reply
    from .build import BuildOptions
    from .steps import Steps

PROGRESS = ("auto", "tty", "plain", "quiet", "rawjson")


def _rawjson(session: Any) -> Any:
    """Where rawjson documents go: stderr under ``dshell -c`` (as buildx writes them: stdout keeps the reply),
    else said like any progress line."""
    import sys

    from rich.text import Text

    if session.front == "script":
        def write(line: str) -> None:
            sys.stderr.write(line + "\n")
            sys.stderr.flush()
        return write
    return lambda line: session.say(Text(line))


class _Live:
    """The live view drawn on the terminal (stdout), frame after frame."""

    def __init__(self, out: Any) -> None:
        from dshell.explorer._buildview import TerminalBuild

        self.out = out
        self.view = TerminalBuild()

    def draw(self, progress: Any, done: bool = False) -> None:
        import shutil
        import time

        text = self.view.frame(progress, time.time(), shutil.get_terminal_size().columns, done)
        if text:
            self.out.write(text)
            self.out.flush()


def _terminal() -> _Live | None:
    """The live view when stdout is a terminal, else None (plain lines)."""
    import sys

    try:
        return _Live(sys.stdout) if sys.stdout.isatty() else None
    except (AttributeError, ValueError):
        return None


def run(steps: Steps, opts: BuildOptions, params: dict[str, Any], args: list[str]) -> Reply:
    """Build with BuildKit; the reply names the image (or the failing step in one line)."""
    from rich.text import Text

    import dshell.client as docker
    from dshell.buildkit import Build, plain_lines, rawjson
    from dshell.explorer._visible import visible_line

    from ..reply import Reply, one_line

    mode = "quiet" if opts.quiet else opts.progress
    context = params.pop("inputStream")
    if opts.outputs:
        params["outputs"] = opts.outputs
    holder: list[Build] = []
    printed: dict[str, Any] = {}
    from dshell.buildkit import parse_output

    try:
        kinds = [parse_output(spec) for spec in opts.outputs]
    except ValueError as exc:
        return Reply(error=f"build: {exc}")
    if ("tar", "-") in kinds and _terminal() is not None:
        return Reply(error="build: -o type=tar,dest=- would write a tar to the terminal: redirect stdout, or give "
                           "dest=FILE")
    live = _terminal() if mode in ("auto", "tty") else None
    if mode == "tty" and live is None:
        return Reply(error="build: --progress tty needs a terminal (plain prints #N lines)")

    raw_out = _rawjson(steps.session)

    def send() -> None:
        running = Build(steps.client, context, params, opts.secrets, opts.ssh)
        holder.append(running)
        try:
            for _ in running:
                if live is not None:
                    live.draw(running.progress)
                elif mode == "rawjson":
                    line = rawjson.document(running.message)
                    if line is not None:
                        raw_out(line)
                elif mode != "quiet":
                    for change in running.changes:
                        for line in plain_lines(running.progress, change, printed):
                            steps.session.say(Text(visible_line(line), style="red" if "ERROR" in line else ""))
        finally:
            if live is not None:
                live.draw(running.progress, done=True)

    try:
        steps.run(send)
    except (ValueError, OSError, docker.DshellError) as exc:
        return Reply(error=f"build: {one_line(exc)}")
    running = holder[0]
    outcome = running.outcome
    result = running.progress.result()
    stored = {**params, "inputStream": context, "version": "2", "secrets": opts.secrets, "ssh": opts.ssh}
    op = steps.record("ImageBuild", {k: v for k, v in stored.items() if v}, result, outcome.status,
                      result.get("error"), outcome.endpoint, announce=mode != "quiet")
    if outcome.error is not None:
        return Reply(error=f"build: {outcome.error.message} (_{op.n})", result=op)
    data = {"Id": result["image_id"], "tags": opts.tags, **result}
    if "error" in result:
        kept = steps.keep("build", {"args": args}, data, error=result["error"])
        return Reply(error=f"{result['error']} (_{kept.n})", result=kept)
    image = result["image_id"]
    for tag in opts.tags[1:] if image else ():
        repo, sep, version = tag.rpartition(":")
        name, label = (repo, version) if sep and "/" not in version else (tag, "latest")
        tagged = steps.call("ImageTag", {"name": image, "repo": name, "tag": label})
        if tagged.failed:
            return Reply(error=f"build: ImageTag {tag} failed (_{tagged.n})", result=tagged)
    if opts.iidfile and image:
        Path(opts.iidfile).write_text(image, encoding="utf-8")
    data["ops"] = steps.refs()
    kept = steps.keep("build", {"args": args}, data)
    if opts.tags and mode != "quiet":
        steps.session.note(f"tagged {', '.join(opts.tags)}")
    shown = image or ("exported to " + ", ".join(opts.outputs) if opts.outputs else "built")
    return Reply(f"{shown}  (_{kept.n})" if mode != "quiet" else shown, result=kept)
