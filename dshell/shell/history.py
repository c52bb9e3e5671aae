"""The command history file: what was typed, with the secrets it spelled out masked."""

from __future__ import annotations

import os

from prompt_toolkit.history import FileHistory


class RedactingFileHistory(FileHistory):
    """Inputs saved across sessions with registry credentials masked; this session's recall keeps them.
    The file is made readable by its owner only (0600)."""

    def __init__(self, filename: str) -> None:
        os.close(os.open(filename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
        super().__init__(filename)

    def store_string(self, string: str) -> None:
        """Append ``string`` to the file, secrets replaced by '***'."""
        from dshell.explorer import redact_line  # not needed before the first input: keeps start-up short

        super().store_string(redact_line(string))
