"""``login [-u USER] [-p PASSWORD | --password-stdin] [REGISTRY]`` and ``logout [REGISTRY]``.

The login is checked with SystemAuth (a stored result, its password masked), then kept where the docker CLI
keeps it (``dshell.client._login``), so pushes and pulls of dshell and of ``docker`` use it. At a terminal the
user and password are asked for (the password without echo); elsewhere (``-c``, a notebook) they come from
``-u`` and ``--password-stdin`` (or ``-p``, which a command line may show).
"""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dshell.client._login import erase, server_name, store

from ..commands import usage

if TYPE_CHECKING:
    from dshell.client import DockerStream

    from ..commands.workflows import Workflow
    from ..reply import Reply
    from ..session import Session
    from ..worker import Runner


@dataclass
class LoginOptions:
    """What a ``login`` line asks for."""

    registry: str | None = None
    username: str | None = None
    password: str | None = None
    password_stdin: bool = False


def parse_login(args: Sequence[str]) -> LoginOptions:
    """``login`` words → LoginOptions; ValueError (one line) when wrong."""
    line = usage("login")
    opts, words = LoginOptions(), list(args)
    while words:
        word = words.pop(0)
        name, eq, inline = word.partition("=")
        if word == "--password-stdin":
            opts.password_stdin = True
        elif name in ("-u", "--username", "-p", "--password"):
            value = inline if eq else (words.pop(0) if words else None)
            if value is None:
                raise ValueError(f"{name} needs a value: usage: {line}")
            if name in ("-u", "--username"):
                opts.username = value
            else:
                opts.password = value
        elif word.startswith("-") or opts.registry is not None:
            raise ValueError(f"unexpected {word!r}: usage: {line}")
        else:
            opts.registry = word
    if opts.password is not None and opts.password_stdin:
        raise ValueError("give -p or --password-stdin, not both")
    return opts


def _at_terminal() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def credentials(opts: LoginOptions, server: str) -> tuple[str, str]:
    """(user, password) from the flags, stdin or the terminal (the password never echoed); ValueError when
    there is no way to get them."""
    user = opts.username
    if user is None:
        if opts.password_stdin or not _at_terminal():
            raise ValueError("login: give -u USER (and the password on stdin with --password-stdin)")
        user = input(f"Username for {server}: ").strip()
    if opts.password is not None:
        password = opts.password
    elif opts.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif _at_terminal():
        password = getpass.getpass("Password: ")
    else:
        raise ValueError("login: no terminal to ask the password on: pipe it in with --password-stdin")
    if not user or not password:
        raise ValueError("login: the user and the password must not be empty")
    return user, password


def command(session: Session, cmd: Workflow, run: Runner) -> Reply:
    """``login ...`` / ``logout ...`` at the prompt (or in ``-c``, or the magic)."""
    from ..reply import Reply
    from .steps import Steps

    if cmd.verb == "logout":
        return _logout(session, cmd, run)
    try:
        opts = parse_login(cmd.args)
        server = server_name(opts.registry)
        user, password = credentials(opts, server)
    except ValueError as exc:
        return Reply(error=str(exc))
    except (EOFError, KeyboardInterrupt):
        return Reply(error="login: cancelled")
    steps = Steps(session, run)
    if opts.password is not None:
        steps.session.note("warning: -p shows the password on the command line; --password-stdin does not")
    answer: dict[str, Any] = {}

    def read(stream: DockerStream) -> Any:
        try:
            found = json.loads(stream.read() or b"{}")  # the token as sent: the stored result masks it
        except RecursionError:
            found = None
        if not isinstance(found, dict):
            raise ValueError(f"the daemon's answer is no JSON object: {str(found)[:60]}")
        answer.update(found)
        return answer

    checked = steps.pipe("SystemAuth", {"authConfig": {"username": user, "password": password,
                                                       "serveraddress": server}}, read)
    if checked.failed:
        return Reply(error=f"login failed: {checked.error} (_{checked.n})", result=checked)
    token = str(answer.get("IdentityToken") or "")
    try:
        where = store(server, user, token or password, token=bool(token))
    except (ValueError, OSError) as exc:
        return Reply(error=f"login checked, but not stored: {exc}", result=checked)
    data = {"registry": server, "username": user, "stored": where, "ops": steps.refs()}
    result = steps.keep("login", {"registry": server, "username": user}, data)
    return Reply("Login Succeeded", result=result, note=f"{user} at {server}, stored in {where}  (_{result.n})")


def _logout(session: Session, cmd: Workflow, run: Runner) -> Reply:
    from ..reply import Reply
    from .steps import Steps

    if len(cmd.args) > 1:
        return Reply(error=f"usage: {usage('logout')}")
    server = server_name(cmd.args[0] if cmd.args else None)
    try:
        had = erase(server)
    except (ValueError, OSError) as exc:
        return Reply(error=f"logout: {exc}")
    result = Steps(session, run).keep("logout", {"registry": server}, {"registry": server, "removed": had})
    text = f"Removed login credentials for {server}" if had else f"Not logged in to {server}"
    return Reply(text, result=result, note=f"(_{result.n})")
