"""The results file: one JSON line per result, huge data in side files read on demand.

Results hold what the daemon said (a container's Env often has credentials): the folders dshell makes are
the owner's only (0700), and so are the files (0600).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from ._codec import dumps, loads

INLINE_LIMIT = 5_000_000
"""Serialized data longer than this many characters goes to a side file."""


class SideFile:
    """Result data stored in its own file; `load()` reads it."""

    __slots__ = ("path",)

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> Any:
        """The stored data, or a one-line note when the file is gone or damaged."""
        try:
            return loads(self.path.read_bytes())
        except (OSError, ValueError) as exc:
            return f"(data unavailable: {self.path}: {exc})"


def private_dir(path: Path) -> None:
    """Make the folder ``path`` (and missing parents) if it is not there, ``path`` itself mode 0700."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)


def private_open(path: Path, mode: str) -> IO[Any]:
    """``open(path, mode)`` for "a", "ab" or "w" (UTF-8 text unless binary); a file it creates is mode 0600."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if "a" in mode else os.O_TRUNC)
    return open(os.open(path, flags, 0o600), mode, encoding=None if "b" in mode else "utf-8")  # noqa: SIM115


class ResultStore:
    """Appends result records to a JSON-lines file and reads them back, skipping damaged lines.

    Several processes (a shell and a notebook kernel) may share the file: ``locked()`` holds an exclusive
    lock while a number is chosen and its line written, and ``read(new_only=True)`` picks up what the
    others appended since this process last read.
    """

    def __init__(self, path: Path, inline_limit: int = INLINE_LIMIT) -> None:
        self.path = path
        self.side_dir = path.with_suffix("")
        self.inline_limit = inline_limit
        self._tail_checked = False
        self._offset = 0  # bytes of the file already read

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the file's exclusive lock (between processes); without one to be had, the write that
        follows reports the problem."""
        try:
            private_dir(self.path.parent)
            file = private_open(self.path, "ab")
        except OSError:
            yield
            return
        with file:
            fcntl.flock(file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(file, fcntl.LOCK_UN)

    def append(self, record: dict[str, Any], data: Any) -> None:
        """Write `record` (which must hold an int "n") with `data` as one line, flushed at once."""
        payload = dumps(data)
        if len(payload) > self.inline_limit:
            side = self.side_dir / f"{record['n']}.json"
            private_dir(side.parent)
            with private_open(side, "w") as out:
                out.write(payload)
            line = dumps({**record, "data_file": side.relative_to(self.path.parent).as_posix()})
        else:
            line = dumps(record)[:-1] + ', "data": ' + payload + "}"
        private_dir(self.path.parent)
        with private_open(self.path, "a") as file:
            if not self._tail_checked:
                self._tail_checked = True
                if file.tell() and not self._ends_with_newline():
                    file.write("\n")
            file.write(line + "\n")
            file.flush()
            self._offset = file.tell()

    def read(self, new_only: bool = False) -> Iterator[tuple[dict[str, Any], Any]]:
        """Yield (record, data) per intact line (only lines appended since the last read with ``new_only``);
        data is a `SideFile` for side-stored results."""
        try:
            file = self.path.open("rb")
        except FileNotFoundError:
            return
        with file:
            if new_only:
                file.seek(self._offset)
            for raw in iter(file.readline, b""):
                if not raw.endswith(b"\n"):
                    break  # a line still being written
                self._offset = file.tell()
                try:
                    record = loads(raw)
                except ValueError:
                    continue
                if not isinstance(record, dict) or not isinstance(record.get("n"), int):
                    continue
                if "data_file" in record:
                    data: Any = SideFile(self.path.parent / record.pop("data_file"))
                else:
                    data = record.pop("data", None)
                yield record, data

    def _ends_with_newline(self) -> bool:
        with self.path.open("rb") as file:
            file.seek(-1, 2)
            return file.read(1) == b"\n"
