"""Turn one input (possibly several lines) into a Command; free of prompt_toolkit and of the client."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple, TypeVar

from dshell.explorer import REF_RE, PathError, Ref, parse_ref

from .values import ValueSyntaxError, parse_value, read_word
from .words import Word, name_value, scan

OP_RE = re.compile(r"[A-Z][A-Za-z0-9]*")
CATEGORY_RE = re.compile(r"_?[a-z]+")
RELATIVE_RE = re.compile(r"[A-Za-z][\w-]*(?:\.[\w-]+|\[-?\d+\]|\[\"[^\"]*\"\])+")  # Config.Env[0], from a cd
STREAM_COMMANDS = ("tail", "logs", "events", "stats", "watch", "attach", "exec")
PANE_COMMANDS = STREAM_COMMANDS[:5]  # those a pane shows, also on several endpoints (``logs @all web``)
CATEGORY_COMMANDS = ("events", "exec")  # stream commands that are also API categories: `exec ExecInspect ...`
FULL_FLAGS = ("--full", "all")


class ParseError(ValueError):
    """Input that is not a command; the message is one line and says what was expected."""


NO_VALUES: Mapping[str, Any] = MappingProxyType({})  # the params, query or TLS files of a command without any
_C = TypeVar("_C", bound=type)


def _command(cls: _C) -> _C:
    """A command type (a NamedTuple, cheap to define at start-up, unlike a dataclass) that equals only commands
    of its own type and is always true: as bare tuples ``Pwd() == Exit()`` would hold and ``Pwd()`` be false."""
    def eq(self: tuple[Any, ...], other: object) -> bool:
        return type(self) is type(other) and tuple.__eq__(self, other)

    def ne(self: tuple[Any, ...], other: object) -> bool:
        return not eq(self, other)

    cls.__eq__ = eq  # type: ignore[assignment]
    cls.__ne__ = ne  # type: ignore[assignment]
    cls.__hash__ = tuple.__hash__  # type: ignore[assignment]
    cls.__bool__ = lambda self: True  # type: ignore[attr-defined]
    return cls


@_command
class OpCall(NamedTuple):
    """``[category] Op name=value ... [positional ...]``. A value is the word as typed (text: ``shell.bind``
    types it by the op's spec) or what its syntax alone decides: a collection, a Ref (resolved at run time),
    ``@path``; a front end may add a value itself (the body of a ``%%docker`` cell)."""

    op: str
    params: Mapping[str, Any] = NO_VALUES
    args: tuple[Any, ...] = ()
    category: str | None = None
    query: str | None = None  # ``Op ... | expr``: a JMESPath query shown over the (stored) result


@_command
class Doc(NamedTuple):
    """``doc Op [--full]``: the op's summary, params and docs URL; ``--full`` adds the upstream prose."""

    op: str
    full: bool = False


@_command
class Ops(NamedTuple):
    """``ops [category]``."""

    category: str | None = None


@_command
class Categories(NamedTuple):
    """``categories``."""


@_command
class Use(NamedTuple):
    """``use v1.41`` pins the API version; ``use auto`` negotiates again; ``use NAME`` makes the endpoint (or
    docker context) NAME the default."""

    version: str


@_command
class Connect(NamedTuple):
    """``connect [NAME] [URI] [--api-version V] [--tlscacert F --tlscert F --tlskey F --tlspass P]``: without
    NAME the default endpoint is replaced; with it one is added."""

    uri: str | None = None
    api_version: str | None = None
    tls: Mapping[str, str] = NO_VALUES  # ca, cert, key, password
    name: str | None = None

    def __repr__(self) -> str:
        tls = {k: "***" if k == "password" else v for k, v in self.tls.items()}  # a secret is never shown
        return f"Connect(uri={self.uri!r}, api_version={self.api_version!r}, tls={tls!r}, name={self.name!r})"


@_command
class Disconnect(NamedTuple):
    """``disconnect NAME``: forget the endpoint NAME (not the default) and close its connections."""

    name: str


@_command
class Hosts(NamedTuple):
    """``hosts``: the session's endpoints with their state, daemon version and API version spoken."""


@_command
class FanOut(NamedTuple):
    """``@a,b Op ...`` / ``@all Op ...``: one op call on several endpoints at once."""

    hosts: tuple[str, ...]
    call: OpCall


@_command
class OnHost(NamedTuple):
    """``@NAME CMD ...``: a command that uses an endpoint (``exec``, ``run``, ``cp``, ``fetch``, ...) run on the
    endpoint (or docker context) NAME for this one command, as ``docker --context NAME`` runs one; the default
    endpoint stays what it was."""

    host: str
    command: OneHostCommand


@_command
class Fetch(NamedTuple):
    """``fetch [METHOD] /path [name=value ...] [body]``: a raw request."""

    method: str
    path: str
    query: Mapping[str, Any] = NO_VALUES
    body: Any = None


@_command
class History(NamedTuple):
    """``history [N]``: the stored results, the last N."""

    limit: int | None = None


@_command
class Help(NamedTuple):
    """``help [topic]`` where topic is a command or an op."""

    topic: str | None = None


@_command
class Show(NamedTuple):
    """A reference typed alone (``_3.Config``), maybe piped into a JMESPath query, maybe in full."""

    ref: Ref | None  # None: where ``cd`` went (or ``path`` from there)
    query: str | None = None
    full: bool = False
    path: str | None = None  # a path relative to where ``cd`` went: ``Networks.bridge.Gateway``


@_command
class Cd(NamedTuple):
    """``cd _3.Config`` / ``cd ..`` / ``cd Config`` / ``cd`` (back to the top)."""

    target: str | None = None


@_command
class Ls(NamedTuple):
    """``ls [path]``: the keys (or indices) at the current location."""

    target: str | None = None


@_command
class Pwd(NamedTuple):
    """``pwd``."""


@_command
class Save(NamedTuple):
    """``save _3 file.json`` (or .yaml)."""

    ref: Ref
    path: str


@_command
class Set(NamedTuple):
    """``set vi`` / ``set emacs`` / ``set pager off`` / ``set`` (list settings)."""

    key: str | None = None
    value: str | None = None


@_command
class Exit(NamedTuple):
    """``exit`` / ``quit``."""


@_command
class Stream(NamedTuple):
    """``tail``/``logs``/``events``/``stats``/``attach``/``exec`` with their words (run by panes later)."""

    name: str
    args: tuple[str, ...] = ()


@_command
class Workflow(NamedTuple):
    """``run ...`` and the other workflow commands with their words as typed (see ``shell.workflows``)."""

    name: str
    args: tuple[str, ...] = ()


@_command
class Docker(NamedTuple):
    """A docker CLI command as typed (``ps -a``, ``rm -f a b``, ``network ls -q``): its words, unquoted as a
    shell unquotes them; run by the docker command table (``shell.docker``). A ``$(...)`` is one word, its inner
    docker command in ``subs`` (the word is ``$(N)``, N its index): its output lines become targets."""

    words: tuple[str, ...]
    subs: tuple[str, ...] = ()


@_command
class Local(NamedTuple):
    """``!cmd``: a command for the local shell."""

    command: str


@_command
class Lcd(NamedTuple):
    """``lcd [DIR]``: the local working directory."""

    target: str | None = None


Command = (Docker | Local | Lcd | OpCall | Doc | Ops | Categories | Use | Connect | Disconnect | Hosts | FanOut | OnHost
           | Fetch | History | Help | Show | Cd | Ls | Pwd | Save | Set | Exit | Stream | Workflow)
OneHostCommand = Doc | Ops | Categories | Fetch | Stream | Workflow  # what ONE_HOST_COMMANDS parse into
ONE_HOST_COMMANDS = ("exec", "attach", "run", "cp", "build", "login", "fetch", "doc", "ops", "categories")
"""The commands besides panes that ``@NAME`` sends to another endpoint (not logout, diff: they ask no daemon)."""


def _texts(words: tuple[Word, ...]) -> list[str]:
    return [w.text for w in words]


def _value(text: str) -> Any:
    try:
        return parse_value(text)
    except ValueSyntaxError as exc:
        raise ParseError(str(exc)) from None


def _arity(args: list[str], lo: int, hi: int, usage: str) -> None:
    if not lo <= len(args) <= hi:
        raise ParseError(f"usage: {usage}")


def _ref(text: str, usage: str) -> Ref:
    try:
        return parse_ref(text)
    except PathError:
        raise ParseError(f"{text!r} is not a result reference (like _, _3 or _3.Config): usage: {usage}") from None


def _one(cls: Callable[..., Any], optional: bool = False) -> Callable[[list[str], str], Any]:
    def build(args: list[str], usage: str) -> Any:
        _arity(args, 0 if optional else 1, 1, usage)
        return cls(*args)
    return build


def _none(cls: Callable[[], Any]) -> Callable[[list[str], str], Any]:
    def build(args: list[str], usage: str) -> Any:
        _arity(args, 0, 0, usage)
        return cls()
    return build


def _doc(args: list[str], usage: str) -> Doc:
    full = "--full" in args
    rest = [arg for arg in args if arg != "--full"]
    _arity(rest, 1, 1, usage)
    return Doc(rest[0], full)


def _history(args: list[str], usage: str) -> History:
    _arity(args, 0, 1, usage)
    if args and not args[0].isdigit():
        raise ParseError(f"usage: {usage}")
    return History(int(args[0]) if args else None)


def _save(args: list[str], usage: str) -> Save:
    _arity(args, 2, 2, usage)
    return Save(_ref(args[0], usage), args[1])


def _set(args: list[str], usage: str) -> Set:
    _arity(args, 0, 2, usage)
    if len(args) == 1 and args[0] in ("vi", "emacs"):
        return Set("editing_mode", args[0])
    if len(args) == 1:
        raise ParseError(f"set {args[0]} needs a value: usage: {usage}")
    return Set(*args)


def _show(args: list[str], usage: str) -> Show:
    full = bool(args) and args[-1] in FULL_FLAGS
    rest = args[:-1] if full else args
    _arity(rest, 0, 1, usage)
    return Show(_ref(rest[0], usage) if rest else None, None, full)


TLS_FLAGS = {"--tlscacert": "ca", "--tlscert": "cert", "--tlskey": "key", "--tlspass": "password"}


def _connect(args: list[str], usage: str) -> Connect:
    uri, version, tls, name = None, None, {}, None
    it = iter(args)
    for arg in it:
        flag, eq, inline = arg.partition("=")
        if flag in TLS_FLAGS or flag == "--api-version":
            value = inline if eq else next(it, None)
            if value is None:
                raise ParseError(f"{flag} needs a value: usage: {usage}")
            if flag == "--api-version":
                version = value
            else:
                tls[TLS_FLAGS[flag]] = value
        elif arg.startswith("-") or name is not None:
            raise ParseError(f"unexpected {arg!r}: usage: {usage}")
        elif uri is not None:
            name, uri = host_name(uri), arg
        else:
            uri = arg
    return Connect(uri, version, tls, name)


HOST_NAME_RE = re.compile(r"[A-Za-z0-9][\w.-]*")


def host_name(text: str) -> str:
    """``text`` as an endpoint's name (letters, digits, ``_.-``; not ``all``), or ParseError."""
    if not HOST_NAME_RE.fullmatch(text) or text == "all":
        raise ParseError(f"{text!r} is no endpoint name: use letters, digits and _.- (and not 'all'), e.g. web1")
    return text


def _fan_out(words: list[str], text: str) -> FanOut | Stream | OnHost:
    usage = "@NAME[,NAME...] Op ... or @all Op ..., e.g. @a,b ContainerList; @NAME CMD ..., e.g. @b exec web sh"
    names = tuple(n for n in words[0][1:].split(",") if n)
    if not names:
        raise ParseError(f"'@' needs endpoint names: usage: {usage}")
    if "all" not in names:
        for name in names:
            host_name(name)
    call = parse_line(text.lstrip()[len(words[0]):])
    if isinstance(call, Stream) and call.name in PANE_COMMANDS:  # `@a,b logs web` is `logs @a,b web`
        return Stream(call.name, (words[0], *call.args))
    if isinstance(call, OpCall):
        return FanOut(tuple(dict.fromkeys(names)), call)
    if call is None:
        raise ParseError(f"{words[0]} needs a command or an op after it: usage: {usage}")
    what = words[1]
    if isinstance(call, Use | Connect):
        raise ParseError(f"{what} chooses the endpoints itself: leave out {words[0]} (use NAME makes NAME the "
                         f"default; {words[0]} CMD runs one command there)")
    if what not in ONE_HOST_COMMANDS or not isinstance(call, Doc | Ops | Categories | Fetch | Stream | Workflow):
        raise ParseError(f"{what} does not run on an endpoint: leave out {words[0]} (@NAME goes before an op or a "
                         "command that talks to a daemon: exec, attach, run, cp, build, login, fetch, logs, ...)")
    if len(names) > 1 or names == ("all",):
        one = names[0] if names[0] != "all" else "NAME"
        raise ParseError(f"{what} runs on one endpoint: @{one} {what} ... (as docker --context {one} {what} ...); "
                         "an op runs on several at once: @a,b ContainerList")
    return OnHost(names[0], call)


def at_commands(several: bool) -> tuple[str, ...]:
    """The commands ``@NAME`` may come before (``several``: ``@a,b``/``@all``, where only panes fan out)."""
    return PANE_COMMANDS if several else (*ONE_HOST_COMMANDS, *PANE_COMMANDS)


def _fetch(args: list[str], usage: str) -> Fetch:
    if args and not args[0].startswith("/"):
        method, args = args[0].upper(), args[1:]
    else:
        method = "GET"
    if not args or not args[0].startswith("/"):
        raise ParseError(f"usage: {usage}")
    path, query, body = args[0], {}, None
    for arg in args[1:]:
        pair = name_value(arg)
        if pair:
            query[pair[0]] = _value(pair[1])
        elif body is None:
            body = _value(arg)
        else:
            raise ParseError(f"unexpected {arg!r}: usage: {usage}")
    return Fetch(method, path, query, body)


def _stream(name: str) -> Callable[[list[str], str], Stream]:
    return lambda args, usage: Stream(name, tuple(args))


def _workflow(name: str) -> Callable[[list[str], str], Workflow]:
    return lambda args, usage: Workflow(name, tuple(args))


class CommandSpec(NamedTuple):
    """How a built-in command is read (``build(args, usage)``), its usage line and its one-line help."""

    build: Callable[[list[str], str], Any]
    usage: str
    summary: str


COMMANDS: dict[str, CommandSpec] = {
    "doc": CommandSpec(_doc, "doc Op [--full]", "the op's summary, parameters and reference URL; --full "
                       "downloads the upstream descriptions once (setting docs_url; full_docs on: always)"),
    "ops": CommandSpec(_one(Ops, optional=True), "ops [category]", "the ops, or those of a category"),
    "categories": CommandSpec(_none(Categories), "categories", "the API's categories"),
    "use": CommandSpec(_one(Use), "use v1.41 | use auto | use NAME",
                       "pin the API version, or negotiate it again; or make the endpoint (or docker context) NAME "
                       "the default"),
    "connect": CommandSpec(_connect, "connect [NAME] [URI] [--api-version V] [--tlscacert F --tlscert F --tlskey F]",
                           "connect to another daemon (no URI: the default one); with NAME add an endpoint"),
    "disconnect": CommandSpec(_one(Disconnect), "disconnect NAME",
                              "forget the endpoint NAME, close its connections (not the default: use another first)"),
    "hosts": CommandSpec(_none(Hosts), "hosts", "the endpoints (-H, connect NAME, docker contexts) with state, "
                         "daemon and API version; @a,b Op or @all Op runs an op on several at once, @NAME CMD "
                         "(exec, run, cp, ...) one command on NAME"),
    "fetch": CommandSpec(_fetch, "fetch [METHOD] /path [name=value ...] [body]",
                         "a raw request to the daemon"),
    "history": CommandSpec(_history, "history [N]", "the stored results (also those of earlier sessions)"),
    "help": CommandSpec(_one(Help, optional=True), "help [command|Op]", "this help, or an op's doc"),
    "show": CommandSpec(_show, "show _3 [all]", "show a result; `all` (or `_3 --full`) shows all of it"),
    "cd": CommandSpec(_one(Cd, optional=True), "cd _3.Config | cd .. | cd Key | cd", "move into a result"),
    "ls": CommandSpec(_one(Ls, optional=True), "ls [path]", "the keys at the current location"),
    "pwd": CommandSpec(_none(Pwd), "pwd", "where cd went"),
    "lcd": CommandSpec(_one(Lcd, optional=True), "lcd [DIR]", "the local working directory (where cp, build, "
                       "save -o, load -i and --env-file read relative paths; alone: say where it is); !cmd runs a "
                       "local shell command"),
    "save": CommandSpec(_save, "save _3 file.json",
                        "save a result as JSON or YAML (by the file extension)"),
    "set": CommandSpec(_set, "set vi | set emacs | set KEY VALUE",
                       "change a setting (editing_mode, pager, refresh)"),
    "exit": CommandSpec(_none(Exit), "exit", "leave (also quit, Ctrl-D)"),
    "quit": CommandSpec(_none(Exit), "quit", "leave"),
} | {name: CommandSpec(_stream(name), usage, summary) for name, (usage, summary) in {
    "tail": ("tail [@a,b [--split]] Op name=value ...",
             "stream an op into a pane, e.g. tail ContainerLogs web follow=true stdout=true"),
    "logs": ("logs [@a,b|@all [--split]] NAME [tail=100] [timestamps=true] [since=10m] [follow=false] "
             "(or docker's -n 100 -t --since 10m)",
             "follow a container's logs in a pane (dshell -c: printed); on several endpoints one pane, each line "
             "tagged [host] (--split: a pane per host)"),
    "events": ("events [@a,b [--split]] [type=container] [event=start] [container=NAME] [since=1h] [until=0s] "
               "(or docker's --since 1h --filter type=container)",
               "the daemon's events in a pane (dshell -c: printed), one line each"),
    "stats": ("stats [@a,b [--split]] [--no-stream] NAME", "a container's CPU %, memory, net and block I/O in a pane"),
    "watch": ("watch [SECONDS] [@a,b] Op name=value ...", "run an op again every SECONDS (default 2) in a pane, "
              "what changed since the last run highlighted; @a,b: on those endpoints, HOST first"),
    "attach": ("attach [--detach-keys KEYS] NAME", "your terminal on a running container (ctrl-p ctrl-q detaches)"),
    "exec": ("exec [-u USER] [-w DIR] [-e K=V ...] [-T] [--detach-keys KEYS] NAME [CMD ...]",
             "run a command (default: sh) in a container, interactively"),
}.items()} | {name: CommandSpec(_workflow(name), usage, summary) for name, (usage, summary) in {
    "run": ("run [-d] [-i] [-t] [--rm] [--name N] [-e K=V] [-p [IP:]HOST:PORT] [-v SRC:DST] [...] IMAGE [CMD ...]",
            "create and start a container like docker run (ImageCreate, ContainerCreate, ContainerStart, "
            "ContainerAttach); --dry-run shows the body"),
    "cp": ("cp [-a] [-L] SRC DST", "copy between a local path and CONTAINER:PATH either way, as docker cp "
           "(ContainerArchiveInfo, PutContainerArchive / ContainerArchive); SRC/. copies a folder's contents, "
           "- is a tar on stdin or stdout"),
    "build": ("build [-t TAG] [-f FILE] [--build-arg K=V] [--target T] [--platform P] [--label K=V] [--pull] "
              "[--no-cache] [--network N] [--add-host H:IP] [--secret id=ID,src=F|env=V] [--ssh default|ID=SOCK] "
              "[-o type=local|tar,dest=D] [--cache-from IMG] [--cache-to type=inline] [--iidfile F] [-q] "
              "[--progress auto|plain|quiet|rawjson] [--builder classic] DIR",
              "build an image from the folder DIR as docker build does: BuildKit (over a session of dshell's own), "
              "or the classic builder (ImageBuild; .dockerignore applies)"),
    "login": ("login [-u USER] [-p PASSWORD | --password-stdin] [REGISTRY]",
              "check a registry login (SystemAuth) and store it where the docker CLI does"),
    "logout": ("logout [REGISTRY]", "forget a registry login (as docker logout)"),
    "diff": ("diff _A _B", "what changed between two results or paths into them (added, removed, changed); "
             "the diff is a result too"),
}.items()}


def _category(words: list[str]) -> str | None:
    """The category of ``category Op ...`` (``containers ContainerList``, ``exec ExecInspect``), else None."""
    head = words[0]
    if len(words) < 2 or (head in COMMANDS and head not in CATEGORY_COMMANDS) or not CATEGORY_RE.fullmatch(head):
        return None
    return head if OP_RE.fullmatch(words[1]) else None


def op_call(words: list[str]) -> OpCall:
    """``[category] Op name=value ... [positional ...]`` (words as scanned, quotes kept) → the OpCall; each
    value as ``read_word`` reads it. The op word is not checked here (``parse_line`` does, the spec later)."""
    category = _category(words)
    if category is not None:
        words = words[1:]
    params: dict[str, Any] = {}
    args: list[Any] = []
    for word in words[1:]:
        pair = name_value(word)
        try:
            if pair:
                params[pair[0]] = read_word(pair[1])
            else:
                args.append(read_word(word))
        except ValueSyntaxError as exc:
            raise ParseError(str(exc)) from None
    return OpCall(words[0], params, tuple(args), category)


def _reference(words: list[str], query: str | None) -> Show:
    full = False
    if query is not None:
        if query.endswith(" --full"):
            query, full = query[: -len("--full")].rstrip(), True
        if not query:
            raise ParseError("a query is missing after '|': e.g. _3 | [].Names")
    full = full or (len(words) == 2 and words[1] in FULL_FLAGS)
    if len(words) > 1 + full:
        raise ParseError(f"unexpected {words[1 + full]!r} after a reference: e.g. _3.Config --full")
    return Show(_ref(words[0], "_3.Config [--full] [| query]") if words else None, query, full)


_DSHELL_FIRST = {"diff": "_", "history": "0123456789", "save": "_"}
"""Words both dshell and docker have: dshell's when the first argument starts so (``diff _1 _2``, ``history 5``,
``save _3 f.json``; ``history`` alone too), else docker's (``diff web``, ``history busybox``, ``save -o f img``)."""


def _docker(head: str, args: list[str], text: str) -> Docker | None:
    """The docker command the words are, or None (a dshell command, an op, a category)."""
    if OP_RE.fullmatch(head) or (head in COMMANDS and head not in _DSHELL_FIRST):
        return None
    if head in _DSHELL_FIRST and (not args or args[0][:1] in _DSHELL_FIRST[head]):
        return None
    from .docker.table import heads

    if head not in heads():
        return None
    import shlex

    subs: list[str] = []

    def sub(m: re.Match[str]) -> str:
        subs.append(m.group(1))
        return f" $({len(subs) - 1}) "

    try:
        return Docker(tuple(shlex.split(_SUB_RE.sub(sub, text))), tuple(subs))
    except ValueError as exc:
        raise ParseError(f"{head}: {exc}") from None


_SUB_RE = re.compile(r"\$\(([^()]*)\)")


def parse_line(text: str) -> Command | None:
    """Parse one input; None for blank input. Raises ParseError with a one-line message."""
    if text.lstrip().startswith("!"):
        return Local(text.lstrip()[1:].strip())
    found = scan(text)
    if found.pending:
        raise ParseError(f"unclosed {found.pending[-1]!r}")
    words = _texts(found.words)
    query = found.query(text)
    is_ref = bool(words and REF_RE.fullmatch(words[0]))
    if words and not is_ref and RELATIVE_RE.fullmatch(words[0]):
        return _reference(["_", *words[1:]], query)._replace(ref=None, path=words[0])
    if query is not None and not is_ref and words:
        call = parse_line(text[: found.pipe])
        if isinstance(call, FanOut) and query:
            return call._replace(call=call.call._replace(query=query))
        if not isinstance(call, OpCall):
            raise ParseError("'|' follows a result or an op call: e.g. ContainerList | [].Names")
        if not query:
            raise ParseError("a query is missing after '|': e.g. ContainerList | [].Names")
        return call._replace(query=query)
    if query is not None or is_ref:
        return _reference(words, query)
    if not words:
        return None
    head = words[0]
    if head.startswith("@"):
        return _fan_out(words, text)
    category = _category(words)
    if category is None and (docker := _docker(head, words[1:], text)) is not None:
        return docker
    if head in COMMANDS and category is None:
        spec = COMMANDS[head]
        built: Command = spec.build(words[1:], spec.usage)
        return built
    op = words[1] if category else head
    if not OP_RE.fullmatch(op):
        from .hints import hint

        raise ParseError(f"unknown command {op!r}: {hint(op) or 'try `help`, `ops`, or an op name like ContainerList'}")
    return op_call(words)
