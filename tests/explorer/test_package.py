"""The public surface and the cost of importing it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import dshell.explorer


def test_public_api_is_what_all_names() -> None:
    public = {name for name in vars(dshell.explorer) if not name.startswith("_")}
    assert public - {"annotations"} == set(dshell.explorer.__all__)  # nothing public outside __all__
    assert {"History", "Result", "render", "query", "redact", "redact_line", "save"} <= public


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
