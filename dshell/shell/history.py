"""The command history file: what was typed, with the secrets it spelled out masked."""

from __future__ import annotations

from prompt_toolkit.history import FileHistory

from dshell.explorer import redact_line


class RedactingFileHistory(FileHistory):
    """Inputs saved across sessions with registry credentials masked; this session's recall keeps them."""

    def store_string(self, string: str) -> None:
        """Append ``string`` to the file, secrets replaced by '***'."""
        super().store_string(redact_line(string))
