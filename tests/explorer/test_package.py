"""The public surface and the cost of importing it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import dshell.explorer


def test_public_api_is_what_all_names() -> None:
    public = set(dshell.explorer._WHERE)  # the names it loads when asked for
    assert public == set(dshell.explorer.__all__) == set(dir(dshell.explorer))  # nothing public outside __all__
    assert {"History", "Result", "render", "query", "redact", "redact_line", "save"} <= public
    for name in sorted(public):
        assert getattr(dshell.explorer, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        dshell.explorer.Nope  # noqa: B018


def test_a_path_needs_no_rendering_module() -> None:
    """The shell's start-up parses paths: that loads the paths module, not the renderers or the store."""
    code = ("import sys; from dshell.explorer import Ref, parse_ref; "
            "print(sorted(m for m in sys.modules if m.startswith('dshell.explorer.')))")
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert done.stdout.strip() == "['dshell.explorer._format', 'dshell.explorer._paths']"


def test_import_is_cheap_and_self_contained() -> None:
    """Importing dshell.explorer pulls in no rich, jmespath, yaml, prompt_toolkit, IPython or dshell parts."""
    code = (
        "import sys, dshell; before = set(sys.modules); import dshell.explorer; "
        "heavy = {'rich', 'jmespath', 'yaml', 'prompt_toolkit', 'IPython'}; "
        "print(sorted(m for m in set(sys.modules) - before "
        "if m.split('.')[0] in heavy or m.startswith(('dshell.shell', 'dshell.client'))))"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert done.stdout.strip() == "[]"
