"""The command history file: what was typed, with the secrets it spelled out masked."""

from __future__ import annotations

import datetime
import os
import sys
from collections.abc import Callable, Iterable

from prompt_toolkit.history import FileHistory


def _to_stderr(message: str) -> None:
    print(message, file=sys.stderr)


class RedactingFileHistory(FileHistory):
    """Inputs saved across sessions with registry credentials masked; this session's recall keeps them.
    The file is made readable by its owner only (0600), never written through a symlink, and refused when it
    is another user's or others may write it. When it cannot be written (a folder, read-only, a full disk),
    ``warn`` says so once and the shell goes on without saving it."""

    def __init__(self, filename: str, warn: Callable[[str], None] = _to_stderr) -> None:
        super().__init__(filename)
        self.path = filename
        self.warn = warn
        self.saving = True
        try:
            self._append(b"")
        except OSError as exc:
            self._stop(exc)

    def _append(self, data: bytes) -> None:
        from dshell._private import private_dir, private_fd

        private_dir(os.path.dirname(os.path.abspath(self.path)))
        fd = private_fd(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        with open(fd, "ab") as out:
            out.write(data)

    def _stop(self, exc: OSError) -> None:
        if self.saving:
            self.saving = False
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            self.warn(f"dshell: the command history is not saved from now on ({reason})")

    def load_history_strings(self) -> Iterable[str]:
        """Earlier sessions' inputs; none when the file cannot be read (it is then not written either)."""
        if not self.saving:
            return []
        try:
            return list(super().load_history_strings())
        except OSError as exc:
            self._stop(exc)
            return []

    def store_string(self, string: str) -> None:
        """Append ``string`` to the file, secrets replaced by '***' (as FileHistory writes an entry)."""
        if not self.saving:
            return
        from dshell.explorer import redact_line  # not needed before the first input: keeps start-up short

        lines = "".join(f"+{line}\n" for line in redact_line(string).split("\n"))
        try:
            self._append(f"\n# {datetime.datetime.now()}\n{lines}".encode())
        except OSError as exc:
            self._stop(exc)
