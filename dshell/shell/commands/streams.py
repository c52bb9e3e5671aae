"""Commands that stream or take the terminal: ``tail``, ``logs``, ``events``, ``stats``, ``watch`` (shown by a
front end's panes, printed lines or live display) and ``attach``, ``exec`` (the user's terminal).

The words are read here, once: ``@a,b`` after the name, ``--split``, watch's interval, docker's flags (into the
op's params, typed) and the op call a pane streams; a front end plugs in what shows them (``Session.plug``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from dshell._frozen import Record

from ..grammar import OpCall, ParseError, command_value, host_names, op_call
from ..values import word_text
from ..words import name_value
from . import Command, declaration_of, register

if TYPE_CHECKING:
    from ..reply import Reply
    from ..session import Session
    from ..worker import Runner

SPLIT = "--split"
DEFAULT_INTERVAL = 2.0
EVENT_PARAMS = ("since", "until", "filters")
LOGS_DEFAULTS: Mapping[str, Any] = {"stdout": True, "stderr": True, "tail": "100"}  # a pane follows: -f


@command_value
class Stream(Record):
    """A stream command read: ``verb``, its words as typed (``typed``: for titles; attach's and exec's own
    options), and for a pane the op ``call`` it streams, the endpoints after the name (``hosts``: ``@a,b``),
    whether a pane per host was asked for (``split``), watch's ``interval``, and the words left once those
    were taken (``rest``); a stream that is no op call (a compose project's) comes as its ``source``
    (``panes.sources.Produced``)."""

    verb: str
    typed: tuple[str, ...] = ()
    call: OpCall | None = None
    hosts: tuple[str, ...] = ()
    split: bool = False
    interval: float | None = None
    rest: tuple[str, ...] = ()
    source: Any = None


def _interval(words: list[str], usage: str) -> float:
    text = words.pop(0)
    try:
        interval = float(text)
    except ValueError:
        raise ParseError(f"watch: the interval is seconds, got {text!r}: {usage}") from None
    if not 0.1 <= interval <= 86400:
        raise ParseError(f"watch: the interval must be 0.1 to 86400 seconds, got {text}")
    return interval


def _call(verb: str, words: list[str], usage: str, op_words: bool) -> OpCall:
    """The op call of a pane command's words (hosts, --split and the interval taken off)."""
    from ..dockerflags import add_filter, read_flags

    if op_words:  # tail, watch: the words are an op call
        if not words:
            raise ParseError(f"usage: {usage}")
        return op_call(words)
    try:
        given, words = read_flags(verb, words)
        if verb == "events":
            filters: dict[str, Any] = dict(given)
            plain = []
            for word in words:
                pair = name_value(word)
                if pair is None:
                    raise ParseError(f"expected KEY=VALUE, got {word!r}: usage: {usage}")
                if pair[0] in EVENT_PARAMS:
                    plain.append(word)
                else:
                    add_filter(filters, f"{pair[0]}={pair[1]}", verb)
            return op_call(["SystemEvents", *plain], given=filters)  # since/until: read by bind, as for every op
    except ParseError:
        raise
    except ValueError as exc:
        raise ParseError(str(exc)) from None
    target = next((i for i, word in enumerate(words) if name_value(word) is None), None)  # the container
    if target is None:
        raise ParseError(f"usage: {usage}")
    op, defaults = ("ContainerLogs", LOGS_DEFAULTS) if verb == "logs" else ("ContainerStats", {"stream": True})
    return op_call([op, words[target], *words[:target], *words[target + 1:]], given={**defaults, **given})


def _parse_pane(verb: str) -> Any:
    def parse(args: list[str], usage: str) -> Any:
        decl = declaration_of(Stream(verb))
        assert decl is not None
        words = [w for w in args if w != SPLIT]
        split = len(words) < len(args)
        interval = _interval(words, usage) if decl.interval and words[:1] and words[0][:1].isdigit() else None
        hosts: tuple[str, ...] = ()
        if words and words[0].startswith("@"):
            if not words[0].strip("@,"):
                raise ParseError(f"'@' needs endpoint names, e.g. {verb} @a,b ... or {verb} @all ...")
            hosts = host_names(words.pop(0), "")
            if interval is None and decl.interval and words[:1] and words[0][:1].isdigit():  # `@a,b watch 5 Op`
                interval = _interval(words, usage)
        if split and not hosts:
            raise ParseError(f"{SPLIT} opens a pane per endpoint: name them, e.g. {verb} @all ...")
        if split and not decl.split:
            raise ParseError(f"{verb} @a,b shows every host in one table: leave out {SPLIT}")
        if verb == "stats" and not hosts and {"--no-stream", "stream=false"} & set(args):  # docker stats
            from .docker import Docker  # --no-stream [-a] [--format T] [NAME...]: docker's table, one sample each

            rest = [word_text(word) for word in args if word not in ("stream=false", "--no-stream")]
            return Docker(("stats", "--no-stream", *rest))  # stream=false is --no-stream said dshell's way
        call = _call(verb, words, usage, decl.args[:1] == ("call",))
        if not hosts and (answer := _once(verb, args, call)) is not None:
            return answer
        if verb == "logs":  # a pane follows, unless told follow=false
            call = call._replace(params={"follow": True, **call.params})
        return Stream(verb, tuple(args), call, hosts, split,
                      DEFAULT_INTERVAL if decl.interval and interval is None else interval, tuple(words))
    return parse


def _once(verb: str, args: list[str], call: OpCall) -> Any:
    """What answers a pane command once instead, as the docker CLI does: ``logs NAME`` without ``-f`` (docker's
    ``logs``: the log's last lines at the prompt, all of it into a pipe); None when it streams. A target that does
    not exist is then one error line, not a pane."""
    if verb != "logs":
        return None
    follows = call.params.get("follow") in (True, "true", "1")
    if all(name_value(word) is None for word in args) and not follows:
        from .docker import Docker  # docker's own words: its logs (of several: each one's lines after its name)

        return Docker(("logs", *(word_text(word) for word in args)))
    if follows or len(call.args) != 1:
        return None
    return call._replace(params={k: v for k, v in call.params.items() if k != "follow"})


def _terminal_words(verb: str) -> Any:
    return lambda args, usage: Stream(verb, tuple(args))


def _plugged(kind: str) -> Any:
    def run(session: Session, cmd: Stream, runner: Runner) -> Reply:
        from ..reply import Reply

        decl = declaration_of(cmd)
        handler = session.plugs.get(kind)
        if handler is None or decl is None or session.front not in decl.fronts:
            return Reply(error=f"{cmd.verb} needs the interactive prompt (panes); run dshell without -c")
        return handler(cmd)
    return run


_PANE, _TERMINAL = _plugged("pane"), _plugged("terminal")
for _name, _usage, _summary, _args, _extra in (
    ("tail", "tail [@a,b [--split]] Op name=value ...",
     "stream an op into a pane, e.g. tail ContainerLogs web follow=true stdout=true", ("call",), {"split": True}),
    ("logs", "logs [-f] [@a,b|@all [--split]] NAME [tail=100] [timestamps=true] [since=10m] "
     "(or docker's -n 100 -t --since 10m)",
     "a container's logs, once as docker logs answers (the last lines at the prompt); -f follows them in a pane "
     "(dshell -c: printed); on several endpoints one pane, each line tagged [host] (--split: a pane per host)",
     ("container",), {"split": True}),
    ("events", "events [@a,b [--split]] [type=container] [event=start] [container=NAME] [since=1h] [until=0s] "
     "(or docker's --since 1h --filter type=container)",
     "the daemon's events in a pane (dshell -c: printed), one line each", (), {"split": True, "category": True}),
    ("stats", "stats [@a,b [--split]] [--no-stream] NAME", "a container's CPU %, memory, net and block I/O in a pane",
     ("container",), {"split": True}),
    ("watch", "watch [SECONDS] [@a,b] Op name=value ...", "run an op again every SECONDS (default 2) in a pane, "
     "what changed since the last run highlighted; @a,b: on those endpoints, HOST first", ("call",),
     {"interval": True, "fronts": frozenset({"prompt"})}),
):
    register(Command(_name, _usage, _summary, _parse_pane(_name), _PANE, Stream, at="several", args=_args,
                     **_extra))
register(Command("attach", "attach [--detach-keys KEYS] NAME",
                 "your terminal on a running container (ctrl-p ctrl-q detaches)", _terminal_words("attach"),
                 _TERMINAL, Stream, at="one", args=("container",)))
register(Command("exec", "exec [-u USER] [-w DIR] [-e K=V ...] [-T] [--detach-keys KEYS] NAME [CMD ...]",
                 "run a command (default: sh) in a container, interactively", _terminal_words("exec"), _TERMINAL,
                 Stream, at="one", args=("container",), category=True))
