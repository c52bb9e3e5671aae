"""The one command table: every front door (help, completion, colours, the magic) offers exactly the commands
the registry declares, each with its grammar; and the shell's modules import without circles."""

from __future__ import annotations

import ast
import io
import subprocess
import sys
from pathlib import Path

import pytest

from dshell.shell.commands import FRONTS, commands, find, names

SHELL = Path(__file__).resolve().parents[2] / "dshell" / "shell"


def _shown(renderable: object) -> str:
    from rich.console import Console

    console = Console(width=2000, file=io.StringIO(), color_system=None)
    console.print(renderable)
    return console.file.getvalue()  # type: ignore[attr-defined]


class Sources:
    def spec(self):
        return None

    def versions(self):
        return ()

    def live(self, kind):
        return ()

    def refs(self, word):
        return ()

    def here(self):
        return ()


def test_every_door_offers_exactly_the_declared_commands():
    from dshell.shell.completion.engine import complete
    from dshell.shell.lexer import highlight
    from dshell.shell.views import help_view

    declared = names()
    assert len(declared) == len(set(declared)) and {"logs", "run", "cd", "quit"} <= set(declared)
    first = [c.text for c in complete("", Sources())[1]]
    assert first[:len(declared)] == declared  # the commands first (then docker's own words: shell.docker's table)
    assert not set(first[len(declared):]) & set(declared)
    shown = _shown(help_view())
    lines = [line.rstrip() for line in shown.splitlines()]
    table = lines[lines.index("commands") + 1:]
    listed = [line.split()[0] for line in table[:table.index("")] if line[:1].isalpha()]
    assert listed == [c.name for c in commands()]  # help: each command once, by its usage
    for name in declared:  # colours: a declared name is a command, whatever follows
        assert highlight(name, lambda w: False)[0][2] == "command"
        assert f"{find(name).usage}" in _shown(help_view(name))  # type: ignore[union-attr]
    assert highlight("frobnicate", lambda w: False)[0][2] == "op.unknown"


def test_the_magic_completes_the_same_commands():
    pytest.importorskip("IPython")
    from dshell._magic.complete import docker_input
    from dshell.shell.completion.engine import complete

    class Context:
        text_until_cursor = "%docker "
        cursor_line = 0

    found = [c.text for c in complete(docker_input(Context()) or "", Sources())[1]]  # type: ignore[arg-type]
    assert found[:len(names())] == names()


def test_each_command_declares_a_grammar_a_run_and_where_it_runs():
    for command in commands():
        assert command.usage.split()[0] == command.name
        assert command.fronts <= FRONTS and command.summary and callable(command.run)
        assert command.at in ("", "one", "several")


def test_no_module_lists_command_names_outside_the_registry():
    """Command names appear as data only in shell/commands (their declarations): no tuple of names elsewhere."""
    known = set(names())
    offenders = []
    for path in SHELL.rglob("*.py"):
        if "commands" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Tuple | ast.List | ast.Set) and len(node.elts) > 2:
                words = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
                if len(words) == len(node.elts) and len(known.intersection(words)) > 2:
                    offenders.append(f"{path.relative_to(SHELL)}:{node.lineno}")
    assert offenders == []


def test_the_session_is_state_and_imports_no_command_module():
    source = (SHELL / "session.py").read_text()
    assert len(source.splitlines()) <= 360
    code = ("import sys, dshell.shell.session; "
            "print(sorted(m for m in sys.modules if m.startswith(('dshell.shell.commands', 'dshell.shell.workflows', "
            "'dshell.shell.fanout', 'dshell.shell.parse', 'dshell.shell.attach', 'dshell.shell.panes', "
            "'dshell.shell.app', 'dshell.magic', 'prompt_toolkit'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("module", sorted(
    ".".join(("dshell", "shell", *p.relative_to(SHELL).with_suffix("").parts)).removesuffix(".__init__")
    for p in SHELL.rglob("*.py")))
def test_every_shell_module_imports_alone(module):
    """Imported first, in a fresh interpreter: a circle between modules would fail here."""
    subprocess.run([sys.executable, "-c", f"import {module}"], check=True, capture_output=True)


_INDEX_CODE = """
import importlib, json
from dshell.shell import commands as c
names, forms = {}, {}
for theme in c.THEMES:
    before_names, before_forms = set(c._REGISTRY), set(c._FORMS)
    importlib.import_module(f"dshell.shell.commands.{theme}")
    names.update({name: theme for name in c._REGISTRY if name not in before_names})
    forms.update({f"{kind.__module__}.{kind.__qualname__}": theme for kind in c._FORMS
                  if kind not in before_forms and kind not in c._BY_VALUE})
print(json.dumps([names, forms]))
"""


def _index_source() -> str:
    """``commands/_index.py`` as the declarations make it: each name and syntax form with the theme whose import (in
    THEMES order, in a fresh interpreter) declared it."""
    import json

    out = subprocess.run([sys.executable, "-c", _INDEX_CODE], capture_output=True, text=True, check=True).stdout
    names, forms = json.loads(out)
    lines = ['"""Generated from the declarations by tests/shell/test_registry.py (`DSHELL_INDEX=write python -m pytest',
             "tests/shell/test_registry.py`): the theme whose import declares each command name and each syntax form,",
             'so that running a line imports that theme alone (``find``, ``runner_of``)."""', "", "NAMES = {"]
    lines += [f"    {name!r}: {theme!r},".replace("'", '"') for name, theme in names.items()]
    lines += ["}", "FORMS = {"]
    lines += [f"    {kind!r}: {theme!r},".replace("'", '"') for kind, theme in forms.items()]
    return "\n".join([*lines, "}", ""])


def test_the_theme_index_is_the_declarations():
    """Running a line loads only the theme ``_index`` names: the index must say what loading every theme says
    (a command added, renamed or moved without regenerating it fails here)."""
    import os

    index = SHELL / "commands" / "_index.py"
    want = _index_source()
    if os.environ.get("DSHELL_INDEX") == "write":
        index.write_text(want)
    assert index.read_text() == want, "commands/_index.py is stale: DSHELL_INDEX=write python -m pytest " \
                                      "tests/shell/test_registry.py -k theme_index"


def test_a_line_imports_only_its_theme():
    """An op call loads the ops theme, a docker verb the docker theme; neither loads the stream or compose themes
    (the index at work; listing the commands then loads them all)."""
    code = """
import sys
from dshell.shell.commands import names, runner_of
from dshell.shell.parse import parse_line

def themes():
    return sorted(m.rsplit(".", 1)[1] for m in sys.modules if m.startswith("dshell.shell.commands.")
                  and m.rsplit(".", 1)[1] in ("streams", "compose", "ops", "docker"))

runner_of(parse_line("SystemPing"))
runner_of(parse_line("ps -a"))
print(themes())
names()
print(themes())
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[:2] == ["['docker', 'ops']", "['compose', 'docker', 'ops', 'streams']"]
