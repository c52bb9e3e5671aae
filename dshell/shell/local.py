"""The local machine from the prompt: ``!cmd`` runs a command in the local shell as IPython's ``!`` does, and
``lcd DIR`` sets the local working directory that relative paths of ``cp``, ``build``, ``save -o``, ``load -i`` and
``--env-file`` are read from (``cd`` stays the results' navigation)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .reply import Reply


def run_local(command: str, given: str | None = None) -> Reply:
    """``!cmd``: on a terminal the command has it (an editor, a pager work); elsewhere (``%docker`` in a notebook,
    output into a pipe) its output is the reply. ``given``: its stdin (``ps -a | !grep web``). A non-zero exit
    status is one line."""
    if not command.strip():
        return Reply(error="! needs a command: e.g. !docker ps, !ls -l")
    shell = os.environ.get("SHELL") or "/bin/sh"
    if sys.stdout.isatty() and (given is not None or sys.stdin.isatty()):
        code = subprocess.run([shell, "-c", command], check=False, input=given, text=True).returncode
        out = None
    else:
        done = subprocess.run([shell, "-c", command], check=False, capture_output=True, text=True, errors="replace",
                              **({"input": given} if given is not None else {"stdin": subprocess.DEVNULL}))
        code, out = done.returncode, (done.stdout + done.stderr).rstrip("\n") or None
    from dshell.explorer import Printed

    body = Printed(out) if out is not None else None
    return Reply(body, error=f"!{command.split()[0]}: exit status {code}" if code else None, status=code)


def piped(reply: Reply, command: str) -> Reply:
    """``LINE | !cmd``: what ``LINE`` printed (as into a pipe: docker's text as it is, any other body as plain
    text) given to the local ``cmd``; ``LINE``'s error line stays said."""
    text = ""
    plain = getattr(reply.body, "plain_text", None)
    if callable(plain):
        text = plain() + "\n"
    elif reply.body is not None:
        import io

        from rich.console import Console

        out = io.StringIO()
        Console(file=out, width=10_000, color_system=None, soft_wrap=True).print(reply.body)
        text = out.getvalue()
    ran = run_local(command, text)
    errors = "\n".join(e for e in (reply.error, ran.error) if e)
    return ran._replace(error=errors or None, result=reply.result, status=ran.status or (1 if reply.error else 0))


def change_dir(target: str | None) -> Reply:
    """``lcd DIR``: the local working directory (``~`` expanded); ``lcd`` alone says where it is."""
    if target is not None:
        path = Path(target).expanduser()
        try:
            os.chdir(path)
        except OSError as exc:
            return Reply(error=f"lcd: {target}: {exc.strerror or exc}")
    return Reply(f"local directory: {os.getcwd()}")
