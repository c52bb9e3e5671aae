"""The one error of Compose projects: a bad file, a bad name, or an op the engine refused on the way."""

from __future__ import annotations

from dshell.client import DshellError


class ComposeError(DshellError):
    """One line naming what was wrong: ``file: key.path: what`` for a file's problem."""

    def __init__(self, message: str, file: str | None = None, path: str | None = None) -> None:
        where = ": ".join(part for part in (file, path) if part)
        super().__init__(f"{where}: {message}" if where else message)
        self.file = file
        self.path = path
