"""The ``dshell`` command's options: each declared once, with its help; read without argparse, whose imports
(gettext, locale, shutil and its compressors) cost a ``dshell -c`` more than the rest of its argument handling."""

from __future__ import annotations

from dshell._checking import TYPE_CHECKING
from dshell._frozen import Record

if TYPE_CHECKING:
    from typing import Any

DESCRIPTION = "An interactive shell on the Docker Engine API."
_TLS = "for mTLS to -H (else to DOCKER_HOST or the docker context)"


class Option(Record):
    """One option: its flags, its metavar (None: a switch) and its help; ``many``: it may be given again."""

    flags: tuple[str, ...]
    metavar: str | None
    help: str
    many: bool = False

    @property
    def name(self) -> str:
        """The field of ``Options`` it sets."""
        return self.flags[-1].lstrip("-").replace("-", "_")


OPTIONS = (
    Option(("-h", "--help"), None, "show this help and exit"),
    Option(("-H", "--host"), "[NAME=]URI",
           "daemon to connect to (unix:///path, tcp://host:port, https://..., ssh://user@host); repeat for several "
           "named endpoints (the first is the default; `hosts` lists them)", many=True),
    Option(("--api-version",), "VERSION", "API version to speak, e.g. v1.41 (default: negotiate)"),
    Option(("--tlscacert",), "FILE", f"CA certificate {_TLS}"),
    Option(("--tlscert",), "FILE", f"client certificate {_TLS}"),
    Option(("--tlskey",), "FILE", f"client key {_TLS}"),
    Option(("--timeout",), "SECONDS", "fail a call when the daemon sends nothing for this long (default: no limit)"),
    Option(("--connect-timeout",), "SECONDS", "how long to wait to reach the daemon"),
    Option(("--tlspass",), "PASSWORD", "the client key's password (else DSHELL_TLS_PASSWORD, else asked once)"),
    Option(("--vi",), None, "vi key bindings"),
    Option(("-c", "--command"), "INPUT", "run INPUT (repeatable) and exit instead of prompting", many=True),
    Option(("--exit-at-prompt",), None, "exit once the prompt shows (benchmarks)"),
)


class Options(Record):
    """The command line, read."""

    help: bool = False
    host: tuple[str, ...] = ()
    api_version: str | None = None
    tlscacert: str | None = None
    tlscert: str | None = None
    tlskey: str | None = None
    timeout: str | None = None
    connect_timeout: str | None = None
    tlspass: str | None = None
    vi: bool = False
    command: tuple[str, ...] = ()
    exit_at_prompt: bool = False


class UsageError(ValueError):
    """A command line dshell cannot read; the message is one line."""


def parse(argv: list[str]) -> Options:
    """``argv`` (without the program name) read as the docker CLI and argparse read theirs: ``-H URI``,
    ``-HURI``, ``--host URI``, ``--host=URI``, a long option by a prefix only it has. Raises UsageError."""
    found: dict[str, Any] = {}
    words = iter(argv)
    for word in words:
        option, value = _option(word)
        if option.metavar is None:
            if value is not None:
                raise UsageError(f"{option.flags[-1]} takes no value; got {word!r}")
            found[option.name] = True
            continue
        if value is None:
            value = next(words, None)
            if value is None:
                raise UsageError(f"{word} needs a value: {option.flags[-1]} {option.metavar}")
        if option.many:
            found[option.name] = (*found.get(option.name, ()), value)
        else:
            found[option.name] = value
    return Options(**found)


def _option(word: str) -> tuple[Option, str | None]:
    """The option ``word`` names and the value written into it (``--host=URI``, ``-HURI``), if any."""
    if word.startswith("--"):
        flag, equals, value = word.partition("=")
        exact = [o for o in OPTIONS if flag in o.flags]
        matches = exact or [o for o in OPTIONS if len(flag) > 2 and any(f.startswith(flag) for f in o.flags)]
        if len(matches) == 1:
            return matches[0], value if equals else None
        if len(matches) > 1:
            raise UsageError(f"{flag} could be {' or '.join(o.flags[-1] for o in matches)}: write more of it")
    elif word.startswith("-") and len(word) > 1:
        for option in OPTIONS:
            if word[:2] in option.flags:
                return option, word[2:] or None
    else:
        raise UsageError(f"unexpected argument {word!r}: to run a line, dshell -c {_quoted(word)}")
    raise UsageError(f"unknown option {word.partition('=')[0]}: dshell --help lists the options")


def _quoted(word: str) -> str:
    import shlex

    return shlex.quote(word)


def usage() -> str:
    """The help ``-h`` prints: usage, what dshell is, and each option with its help, wrapped to the terminal
    (``COLUMNS``, else its width)."""
    import os
    import textwrap

    try:
        columns = int(os.environ.get("COLUMNS", "")) or os.get_terminal_size().columns  # as argparse reads it
    except (ValueError, OSError):
        columns = 80
    width = max(40, min(columns, 100) - 2)
    flags = [", ".join(f"{f} {o.metavar}" if o.metavar else f for f in o.flags) for o in OPTIONS]
    column = min(max(map(len, flags)) + 4, 26)
    items = " ".join(f"[{o.flags[0]}{chr(0) + o.metavar if o.metavar else ''}]" for o in OPTIONS)  # one piece each
    usage = textwrap.fill(items, width, initial_indent="usage: dshell ", subsequent_indent=" " * 14,
                          break_on_hyphens=False).replace(chr(0), " ")
    lines = [usage, "", DESCRIPTION, "", "options:"]
    for flag, option in zip(flags, OPTIONS, strict=True):
        text = textwrap.wrap(option.help, width - column)
        if len(flag) + 4 > column:
            lines.append(f"  {flag}")
        else:
            lines.append(f"  {flag:{column - 2}}{text.pop(0)}")
        lines.extend(" " * column + part for part in text)
    return "\n".join(lines) + "\n"
