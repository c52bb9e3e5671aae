"""The one registry of the shell's commands, as pgspecial's ``register`` or IPython's magics keep theirs.

Each command is declared once, in the module of its theme (``results``, ``endpoints``, ``spec``, ``ops``,
``streams``, ``workflows``, ``settings``; a new theme is a module added to ``THEMES``): its name and aliases,
its grammar (usage, how its words become a typed value, whether ``@NAME`` may come before it, what its
arguments name for completion), its summary, the front ends it runs in, and the function that runs it. The
parser, the lexer, completion, ``help``, ``dshell -c`` and the ``%docker`` magic read these declarations;
nothing else lists command names. ``dispatch.execute`` runs a line.

A declaration is cheap: theme modules import nothing heavy at their top (the client, rich and the explorer's
renderers load inside the functions that run a command). Running one line imports only the theme that declares
its command (or its syntax form): ``_index``, generated from the declarations and checked against them by
``tests/shell/test_registry.py``, says which; anything that lists commands imports every theme.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Iterator

from dshell._checking import TYPE_CHECKING
from dshell._frozen import Record

if TYPE_CHECKING:
    from typing import Any, Literal

    from ..reply import Reply
    from ..session import Session
    from ..worker import Runner

    At = Literal["", "one", "several"]

THEMES = ("results", "endpoints", "spec", "ops", "streams", "workflows", "compose", "local", "settings", "docker")
FRONTS = frozenset({"prompt", "script", "notebook", "ipython"})
"""Where a command can run: the dshell prompt, ``dshell -c``, a notebook's ``%docker``, a terminal IPython's."""

Run = Callable[["Session", "Any", "Runner"], "Reply"]


class Command(Record):
    """A command's declaration.

    ``parse(words, usage)`` makes the typed value of the words after the name (a ``ParseError`` saying what
    is wrong); ``run(session, value, runner)`` runs it. ``at``: whether ``@NAME`` may come before it (``one``:
    runs on that endpoint, as ``docker --context``; ``several``: also ``@a,b``, one pane over them, and the
    ``@a,b`` may follow the name). ``args``: what each positional word names, for completion and colours
    (``ref``, ``key``, ``container``, ``image``, ``op``, ``path``, ``folder``, ``endpoint``, ``category``,
    ``command``, ``setting``, ``version``, ...; ``call``: the rest is an op call, op and params). ``category``: the
    name is also an API category (``exec ExecInspect``). ``interval``: a number may come first (``watch 5``);
    ``split``: ``--split`` asks for a pane per endpoint. ``value``: the type ``parse`` makes."""

    name: str
    usage: str
    summary: str
    parse: Callable[[list[str], str], Any]
    run: Run
    value: type
    aliases: tuple[str, ...] = ()
    fronts: frozenset[str] = FRONTS
    at: At = ""
    args: tuple[str, ...] = ()
    category: bool = False
    interval: bool = False
    split: bool = False


_REGISTRY: dict[str, Command] = {}  # name and each alias → its declaration
_BY_VALUE: dict[type, Command] = {}  # the value type → the declaration, for types only one command makes
_FORMS: dict[type, Run] = {}  # values the input syntax makes itself (an op call, ``@a,b``, a reference)
_loaded: list[bool] = []
_loading = threading.RLock()  # re-entrant: a theme's import may look a command up


def register(command: Command) -> Command:
    """Declare ``command`` (in its theme module, at import)."""
    for name in (command.name, *command.aliases):
        if name in _REGISTRY:
            raise ValueError(f"command {name!r} is declared twice")
        _REGISTRY[name] = command
    _BY_VALUE.setdefault(command.value, command)
    return command


def form(value: type, run: Run) -> None:
    """Run the values of type ``value`` that the input syntax makes without a command name with ``run``."""
    _FORMS[value] = run


def _load() -> None:
    """Import every theme once; a thread asking meanwhile (completion's, a worker's) waits until all are in."""
    if _loaded:
        return
    with _loading:
        if not _loaded:
            for theme in THEMES:
                importlib.import_module(f"{__name__}.{theme}")
            _loaded.append(True)


def _load_theme(theme: str) -> None:
    """Import one theme (the one ``_index`` names), under the same lock as a load of all of them."""
    with _loading:
        importlib.import_module(f"{__name__}.{theme}")


def find(name: str) -> Command | None:
    """The command called ``name`` (or aliased so), else None."""
    if not _loaded:
        from ._index import NAMES

        if (theme := NAMES.get(name)) is None:
            return None
        _load_theme(theme)
    return _REGISTRY.get(name)


def _form_theme(value: Any) -> str | None:
    """The theme that declares how to run ``value``'s type, when that type is a syntax form (``_index``)."""
    from ._index import FORMS

    kind = type(value)
    return FORMS.get(f"{kind.__module__}.{kind.__qualname__}")


def usage(name: str) -> str:
    """The usage line of the command ``name``."""
    found = find(name)
    assert found is not None, name
    return found.usage


def _theme(command: Command) -> int:
    theme = getattr(command.run, "__module__", "").rsplit(".", 1)[-1]
    return THEMES.index(theme) if theme in THEMES else len(THEMES)


def commands() -> Iterator[Command]:
    """Every command once, theme by theme (``THEMES``), in the order declared."""
    _load()
    return iter(sorted(dict.fromkeys(_REGISTRY.values()), key=_theme))


def names() -> list[str]:
    """Every name a line may start with: each command's and then its aliases, in the order of ``commands``."""
    return [name for command in commands() for name in (command.name, *command.aliases)]


def runner_of(value: Any) -> Run:
    """The function that runs a parsed ``value``: its command's (a value naming its command by ``name``,
    as the stream and workflow commands' do, else by its type), or its syntax form's."""
    named = getattr(value, "verb", None)
    if isinstance(named, str) and (declared := find(named)) is not None:
        return declared.run
    if (theme := _form_theme(value)) is not None:
        _load_theme(theme)
        return _FORMS[type(value)]
    _load()
    found = _BY_VALUE.get(type(value))
    return found.run if found is not None else _FORMS[type(value)]


def declaration_of(value: Any) -> Command | None:
    """The declaration of the command that made ``value`` (None for a syntax form)."""
    named = getattr(value, "verb", None)
    if isinstance(named, str) and (declared := find(named)) is not None:
        return declared
    if _form_theme(value) is not None:
        return None
    _load()
    return _BY_VALUE.get(type(value))


def at_commands(several: bool) -> list[str]:
    """The names ``@NAME`` may come before (``several``: ``@a,b``/``@all``, where only panes fan out)."""
    return [name for name, c in _all_names() if c.at == "several" or (c.at == "one" and not several)]


def _all_names() -> list[tuple[str, Command]]:
    return [(name, command) for command in commands() for name in (command.name, *command.aliases)]
