"""Turn one input (possibly several lines) into a parsed command value, in one pass: references and queries,
``@hosts``, an op call, or a command read by its declaration's grammar (``shell.commands``). Free of
prompt_toolkit and of the client."""

from __future__ import annotations

import re

from dshell._checking import TYPE_CHECKING
from dshell.explorer import REF_RE

from .commands import at_commands, declaration_of, find
from .commands.local import Local
from .grammar import CATEGORY_RE, OP_RE, FanOut, OnHost, OpCall, ParseError, Show, host_names, op_call, ref
from .words import scan

if TYPE_CHECKING:
    from typing import Any

RELATIVE_RE = re.compile(r"[A-Za-z][\w-]*(?:\.[\w-]+|\[-?\d+\]|\[\"[^\"]*\"\])+")  # Config.Env[0], from a cd
AT_USAGE = "@NAME[,NAME...] Op ... or @all Op ..., e.g. @a,b ContainerList; @NAME CMD ..., e.g. @b exec web sh"


def category_of(words: list[str]) -> str | None:
    """The category of ``category Op ...`` (``containers ContainerList``, ``exec ExecInspect``), else None."""
    head = words[0]
    if len(words) < 2 or not CATEGORY_RE.fullmatch(head):
        return None
    if (declared := find(head)) is not None and not declared.category:
        return None
    return head if OP_RE.fullmatch(words[1]) else None


def _at(words: list[str], text: str) -> Any:
    """``@a,b Op ...`` (a fan-out), ``@a,b logs ...`` (a pane over them) or ``@NAME CMD ...`` (one command
    there)."""
    names = host_names(words[0], AT_USAGE)
    pane = find(words[1]) if len(words) > 1 else None
    if pane is not None and pane.at == "several":  # `@a,b logs web` is `logs @a,b web`
        return pane.parse([words[0], *words[2:]], pane.usage)
    call = parse_line(text.lstrip()[len(words[0]):])
    if isinstance(call, OpCall):
        return FanOut(names, call)
    if call is None:
        raise ParseError(f"{words[0]} needs a command or an op after it: usage: {AT_USAGE}")
    declared, what = declaration_of(call), words[1]
    from .commands.docker import Docker

    if isinstance(call, Docker) and len(names) == 1 and names != ("all",):  # `@b ps -a`: docker --context b ps -a
        return OnHost(names[0], call)
    if isinstance(call, Docker):
        raise ParseError(f"docker's {what} runs on one endpoint: @{names[0] if names[0] != 'all' else 'NAME'} "
                         f"{what} ... (as docker --context NAME {what}); an op runs on several: @a,b ContainerList")
    if declared is None or not declared.at:
        some = ", ".join(at_commands(False)[:8])
        raise ParseError(f"{what} does not run on an endpoint: leave out {words[0]} (@NAME goes before an op or a "
                         f"command that talks to a daemon: {some}, ...)")
    if len(names) > 1 or names == ("all",):
        one = names[0] if names[0] != "all" else "NAME"
        raise ParseError(f"{what} runs on one endpoint: @{one} {what} ... (as docker --context {one} {what} ...); "
                         "an op runs on several at once: @a,b ContainerList")
    return OnHost(names[0], call)


REFERENCE_USAGE = "_3.Config [--full] [| query], _3 [--filter EXPR] [--sort COL [--reverse]] [--columns A,B] [--grep P]"


def _reference(words: list[str], query: str | None) -> Show:
    full = False
    if query is not None:
        if query.endswith(" --full"):
            query, full = query[: -len("--full")].rstrip(), True
        if not query:
            raise ParseError("a query is missing after '|': e.g. _3 | [].Names")
    rest = words[1:]
    if rest == ["all"] or "--full" in rest:  # `_3 all`, `_3 --full`, also after gestures
        full, rest = True, ([] if rest == ["all"] else [word for word in rest if word != "--full"])
    if rest and not rest[0].startswith("--"):
        raise ParseError(f"unexpected {rest[0]!r} after a reference: e.g. _3.Config --full, _3 --sort NAMES")
    return Show(ref(words[0], REFERENCE_USAGE) if words else None, query, full, gestures=tuple(rest))


def parse_line(text: str) -> Any | None:
    """Parse one input; None for blank input. Raises ParseError with a one-line message."""
    if text.lstrip().startswith("!"):
        return Local(text.lstrip()[1:].strip())
    found = scan(text)
    if found.pending:
        raise ParseError(f"unclosed {found.pending[-1]!r}")
    words = [w.text for w in found.words]
    query = found.query(text)
    is_ref = bool(words and REF_RE.fullmatch(words[0]))
    if words and not is_ref and RELATIVE_RE.fullmatch(words[0]):
        return _reference(["_", *words[1:]], query)._replace(ref=None, path=words[0])
    if query is not None and query.lstrip().startswith("!") and words:  # `ps -a | !grep web`: to the local shell
        from .commands.local import PipeLocal

        parse_line(text[: found.pipe])  # what is wrong with the line is said before anything runs
        return PipeLocal(text[: found.pipe].strip(), query.lstrip()[1:].strip())
    if query is not None and not is_ref and words:
        call = parse_line(text[: found.pipe])
        if isinstance(call, FanOut) and query:
            return call._replace(call=call.call._replace(query=query))
        if not query.strip():
            raise ParseError("nothing after '|': a query (ContainerList | [].Names) or a local command "
                             "(ps -a | grep web)")
        if not isinstance(call, OpCall):  # a command that prints text (ps -a): to the local shell, as docker's
            from .commands.local import PipeLocal

            return PipeLocal(text[: found.pipe].strip(), query.strip())
        return call._replace(query=query)
    if query is not None or is_ref:
        return _reference(words, query)
    if not words:
        return None
    head = words[0]
    if head.startswith("@"):
        return _at(words, text)
    category = category_of(words)
    if category is None and not OP_RE.fullmatch(head):  # an op's name is no docker command: its table not loaded
        from .commands.docker import docker_words

        if (docker := docker_words(head, words[1:], text)) is not None:
            return docker
    declared = find(head) if category is None else None
    if declared is not None:
        return declared.parse(words[1:], declared.usage)
    op = words[1] if category else head
    if not OP_RE.fullmatch(op):
        from .hints import hint

        raise ParseError(f"unknown command {op!r}: {hint(op) or 'try `help`, `ops`, or an op name like ContainerList'}")
    return op_call(words[1:] if category else words, category)
