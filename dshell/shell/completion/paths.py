"""Local file and folder names for ``@path`` values and the path arguments of ``cp`` and ``build``."""

from __future__ import annotations

import os

from .matching import Candidate

LIMIT = 200


def local_paths(word: str, prefix: str = "", folders_only: bool = False) -> list[Candidate]:
    """Entries of the folder ``word`` names so far (after ``prefix``, such as ``@``) whose names start with what
    follows its last ``/``; folders end with ``/``. Hidden names only once a ``.`` is typed."""
    typed = word[len(prefix):]
    head, start = typed[: typed.rfind("/") + 1], typed[typed.rfind("/") + 1:]
    try:
        with os.scandir(os.path.expanduser(head) or ".") as it:
            entries = [e for e in it if e.name.startswith(start) and (start or not e.name.startswith("."))]
    except OSError:
        return []
    found = []
    for entry in sorted(entries, key=lambda e: e.name)[:LIMIT]:
        is_dir = entry.is_dir()
        if folders_only and not is_dir:
            continue
        found.append(Candidate(f"{prefix}{head}{entry.name}{'/' if is_dir else ''}", "folder" if is_dir else "file"))
    return found
