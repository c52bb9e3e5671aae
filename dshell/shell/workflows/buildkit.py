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
    """Where rawjson documents go: under ``dshell -c`` on stderr as they are (as buildx writes them; not through
    the printer of notes), else said like any progress line."""
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
    """Build with BuildKit; the reply names the image (or the failing step in one line). At the prompt, the live
    view is a pane beside it (``_source``), elsewhere the progress is printed as the build goes."""
    from rich.text import Text

    import dshell.client as docker
    from dshell.buildkit import Build, parse_output, plain_lines, rawjson
    from dshell.explorer._visible import visible_line

    from ..reply import Reply, one_line

    mode = "quiet" if opts.quiet else opts.progress
    context = params.pop("inputStream")
    if opts.outputs:
        params["outputs"] = opts.outputs
    try:
        kinds = [parse_output(spec) for spec in opts.outputs]
    except ValueError as exc:
        return Reply(error=f"build: {exc}")
    if ("tar", "-") in kinds and _terminal() is not None:
        return Reply(error="build: -o type=tar,dest=- would write a tar to the terminal: redirect stdout, or give "
                           "dest=FILE")
    show = steps.session.plugs.get("source")
    if mode in ("auto", "tty") and steps.session.front == "prompt" and show is not None:
        return show(_source(steps, opts, params, context, args))
    live = _terminal() if mode in ("auto", "tty") else None
    if mode == "tty" and live is None:
        return Reply(error="build: --progress tty needs a terminal (plain prints #N lines)")
    holder: list[Build] = []
    printed: dict[str, Any] = {}
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
    outcome = holder[0].outcome
    refused = outcome.error.message if outcome.error is not None else None
    return _conclude(steps, opts, _stored(opts, params, context), args, holder[0].progress.result(),
                     (outcome.status, outcome.endpoint, refused), announce=mode != "quiet")


def _stored(opts: BuildOptions, params: dict[str, Any], context: Any) -> dict[str, Any]:
    """The ImageBuild call as it is made and kept: the params, the context folder, the session's secrets and ssh."""
    stored = {**params, "inputStream": context, "version": "2", "secrets": opts.secrets, "ssh": opts.ssh}
    return {k: v for k, v in stored.items() if v}


def _conclude(steps: Steps, opts: BuildOptions, stored: dict[str, Any], args: list[str], result: dict[str, Any],
              how: tuple[int, str, str | None], announce: bool) -> Reply:
    """The build's results: the ImageBuild op with the decoded progress, more tags, ``--iidfile``, the kept
    ``build`` result; ``how``: the call's HTTP status, endpoint and the daemon's refusal (None: it ran)."""
    from ..reply import Reply

    status, endpoint, refused = how
    op = steps.record("ImageBuild", stored, result, status, result.get("error") or refused, endpoint,
                      announce=announce)
    if refused is not None:
        return Reply(error=f"build: {refused} (_{op.n})", result=op)
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
    if opts.tags and announce:
        steps.session.note(f"tagged {', '.join(opts.tags)}")
    shown = image or ("exported to " + ", ".join(opts.outputs) if opts.outputs else "built")
    if not announce:  # -q: the id alone on stdout, as buildx -q prints it; a pane: its last line says it
        return Reply(shown, result=kept)
    return Reply(result=kept, note=f"{shown}  (_{kept.n})")  # dshell's words: buildx prints nothing on stdout


def _source(steps: Steps, opts: BuildOptions, params: dict[str, Any], context: Any, args: list[str]) -> Any:
    """The build as a pane's source (``buildpane``): when its stream ends, the results are kept as the printed
    build keeps them, in the feed's thread on the feed's client, and said in the pane rather than over the prompt."""
    from ..reply import one_line
    from ..worker import run_here
    from .buildpane import BAD, BuildSource

    stored = _stored(opts, params, context)

    def conclude(feed: Any, lines: Any, error: str | None) -> tuple[str, str]:
        try:
            steps.run, steps.client = run_here, feed.client  # ImageTag: in this thread, on this connection,
            steps.announcing = False  # and said in the pane, not over the prompt
            result = lines.progress.result()
            refused = error.removeprefix("error: ") if error is not None and "error" not in result else None
            reply = _conclude(steps, opts, stored, args, result, (feed.status or 0, feed.endpoint, refused),
                              announce=False)
        except Exception as exc:  # noqa: BLE001 - the feed's thread ends with the pane's status, not a traceback
            return f"build: {one_line(exc)}", BAD
        if reply.error or reply.result is None:
            return reply.error or "build: no result", BAD
        shown = f"built {reply.body}" if str(reply.body).startswith("sha256:") else str(reply.body)
        warned = len(result["warnings"])
        shown += f" with {warned} warning{'s' if warned > 1 else ''}" if warned else ""
        return f"{shown}  (_{reply.result.n})", "class:pane.good"

    return BuildSource(" ".join(["build", *args]), "ImageBuild", stored, conclude)
