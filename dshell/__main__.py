"""``dshell`` / ``python -m dshell``: the interactive Docker Engine API shell."""

from __future__ import annotations

import gc
import os
import sys

from dshell._checking import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

    from dshell._options import Options
    from dshell.shell.config import Config
    from dshell.shell.session import Session


def _arguments(argv: list[str]) -> Options | int:
    """The command line read, or the exit status when there is nothing to run: 2 when it is wrong (said in
    one line), 0 when it asks for help (printed)."""
    from dshell import _options

    try:
        options = _options.parse(argv)
    except _options.UsageError as exc:
        print(f"dshell: {exc}", file=sys.stderr)
        return 2
    if options.help:
        sys.stdout.write(_options.usage())
        return 0
    return options


def main(argv: list[str] | None = None) -> int:
    """Run the shell; returns the exit status (130 after Ctrl-C outside the prompt, as shells do). A caller in the
    same process (a test) gets the garbage collector back as it had it, nothing left frozen (``_program``)."""
    collecting = gc.isenabled()
    try:
        return _program(argv)
    finally:
        gc.unfreeze()
        (gc.enable if collecting else gc.disable)()


def run() -> None:
    """The ``dshell`` command: the shell, then exit with its status. What start-up froze stays frozen, so that the
    interpreter's last collection, at exit, does not scan it all once more (that took 15-90 ms after the output
    of a ``dshell -c SystemPing``)."""
    sys.exit(_program(None))


def _program(argv: list[str] | None) -> int:
    """The shell, started without the garbage collector: start-up makes thousands of objects that live as long as
    the process (modules, classes, functions) and no garbage to speak of, and the collections their number sets
    off scanned them again and again. Once started, they are frozen out of later collections and the collector
    runs as usual (``_started``)."""
    gc.disable()
    try:
        return _main(argv)
    except KeyboardInterrupt:
        print("dshell: interrupted", file=sys.stderr)
        return 130


def _started() -> None:
    """Start-up is over: what it made is kept out of the collections to come, which resume."""
    gc.freeze()
    gc.enable()


def _one_line_warnings() -> None:
    """dshell's own warnings (results no longer saved, a damaged record skipped) as the one line they are, not
    Python's two with a source line."""
    import warnings

    plain = warnings.formatwarning

    def shown(message: Warning | str, category: type[Warning], filename: str, lineno: int,
              line: str | None = None) -> str:
        text = str(message)
        return f"{text}\n" if text.startswith("dshell: ") else plain(message, category, filename, lineno, line)

    warnings.formatwarning = shown


def _main(argv: list[str] | None) -> int:
    args = _arguments(sys.argv[1:] if argv is None else argv)
    if isinstance(args, int):
        return args
    _one_line_warnings()
    from dshell.shell import stdio
    from dshell.shell.config import load_config
    from dshell.shell.endpoints import split_named
    from dshell.shell.session import Session

    config = load_config()
    overrides: dict[str, Any] = {
        "endpoint": split_named(args.host[0])[1] if args.host else None, "api_version": args.api_version,
        "tlscacert": args.tlscacert, "tlscert": args.tlscert, "tlskey": args.tlskey,
        "editing_mode": "vi" if args.vi else None, "tlspass": args.tlspass or os.environ.get("DSHELL_TLS_PASSWORD")}
    config = config._replace(**{k: v for k, v in overrides.items() if v is not None}, hosts=args.host)
    config = _ask_key_password(config)
    for key, value in (("timeout", args.timeout), ("connect_timeout", args.connect_timeout)):
        if value is not None:
            try:
                config = config.with_setting(key, value)
            except ValueError as exc:
                print(f"dshell: {exc}", file=sys.stderr)
                return 2
    session = Session(config)
    stdio.register(session)
    if args.command:
        return _run_commands(session, args.command)
    from dshell.shell.app import Shell

    shell = Shell(session)
    for warning in config.warnings:
        shell.printer.error(warning)
    _started()
    shell.run(exit_at_prompt=args.exit_at_prompt)
    return 0


def _ask_key_password(config: Config) -> Config:
    """The password of a protected client key, asked once here, on the foreground and without echo, when a
    terminal is there to answer (OpenSSL itself never asks)."""
    try:
        key = ((config.conn() or {}).get("mtls") or {}).get("key")
    except ValueError:
        return config
    if config.tlspass or not key or not sys.stdin.isatty():
        return config
    from dshell.client import key_needs_password  # only now: start-up does not wait for the client

    if not key_needs_password(key):
        return config
    import getpass

    try:
        password = getpass.getpass(f"password for the TLS key {key}: ")
    except (EOFError, KeyboardInterrupt):
        return config
    return config._replace(tlspass=password or None)


def _run_commands(session: Session, inputs: tuple[str, ...]) -> int:
    """Run each input in turn, printing replies unpaged: the body (and docker's own output said as it goes) on
    stdout, errors, notes and a workflow's steps on stderr, as the docker CLI splits them; the exit status is 1
    when any failed, or the exit code of a command that gives one (``run``'s container), as docker run does."""
    from dshell.explorer import Printed
    from dshell.shell import stdio
    from dshell.shell.commands.dispatch import execute
    from dshell.shell.output import Printer

    stdio.print_streams(session)
    session.live.stop()  # nothing completes names under -c: no prefetch of containers and images
    session.start(background=False)
    _started()
    printer, said, status = Printer(pager="off"), Printer(pager="off", file=sys.stderr), 0

    def say(line: Any) -> None:
        """A line said as a command goes: docker's own output (``explorer.Printed``, a classic build's steps) on
        stdout, as a reply's body; a workflow's steps and dshell's notes on stderr, as docker's progress is."""
        (printer.body if isinstance(line, Printed) else said.line)(line)

    session.say = say
    try:
        for text in inputs:
            reply = execute(session, text)
            if reply.error:
                said.error(reply.error)
            if reply.body is not None:
                printer.body(reply.body)
            if reply.note:
                said.note(reply.note)
            status = reply.status or (1 if reply.error else status)
            if reply.exit:
                break
    finally:
        session.close()
    return status


if __name__ == "__main__":
    run()
