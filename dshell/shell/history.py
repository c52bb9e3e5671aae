"""The command history file: what was typed, with the secrets it spelled out masked."""

from __future__ import annotations

from prompt_toolkit.history import FileHistory


class RedactingFileHistory(FileHistory):
    """Inputs saved across sessions with registry credentials masked; this session's recall keeps them."""

    def store_string(self, string: str) -> None:
        """Append ``string`` to the file, secrets replaced by '***'."""
        from dshell.explorer import redact_line  # not needed before the first input: keeps start-up short

        super().store_string(redact_line(string))
