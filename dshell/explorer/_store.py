"""The results file: one JSON line per result, huge data in side files read on demand."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


class ResultStore:
    """Appends result records to a JSON-lines file and reads them back, skipping damaged lines."""

    def __init__(self, path: Path, inline_limit: int = INLINE_LIMIT) -> None:
        self.path = path
        self.side_dir = path.with_suffix("")
        self.inline_limit = inline_limit
        self._tail_checked = False

    def append(self, record: dict[str, Any], data: Any) -> None:
        """Write `record` (which must hold an int "n") with `data` as one line, flushed at once."""
        payload = dumps(data)
        if len(payload) > self.inline_limit:
            side = self.side_dir / f"{record['n']}.json"
            side.parent.mkdir(parents=True, exist_ok=True)
            side.write_text(payload, encoding="utf-8")
            line = dumps({**record, "data_file": side.relative_to(self.path.parent).as_posix()})
        else:
            line = dumps(record)[:-1] + ', "data": ' + payload + "}"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as file:
            if not self._tail_checked:
                self._tail_checked = True
                if file.tell() and not self._ends_with_newline():
                    file.write("\n")
            file.write(line + "\n")
            file.flush()

    def read(self) -> Iterator[tuple[dict[str, Any], Any]]:
        """Yield (record, data) per intact line; data is a `SideFile` for side-stored results."""
        try:
            file = self.path.open("rb")
        except FileNotFoundError:
            return
        with file:
            for raw in file:
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
