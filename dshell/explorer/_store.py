"""The results file: one JSON line per result, an index of where each line sits, huge data in side files.

Results hold what the daemon said (a container's Env often has credentials): the folders dshell makes are
the owner's only (0700), and so are the files (0600).

Crash safety: a line is written whole under an exclusive lock, and ends with a CRC-32 of itself; a writer
killed mid-line leaves a torn tail, which the next writer (holding the lock, so no one is writing) ends
with a newline so that it never merges with the next record; readers skip it with a note. Side files are
written to a temporary name and renamed; temporaries left by a killed writer are swept.

Start-up does not read the results: ``results.idx`` holds (n, offset, length) per line, fixed-size, so the
newest number and any result are found with a few small reads. The index is checked against the results
file at each sync (its last entry must point at that record) and rebuilt from the file when it does not.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import struct
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from json.encoder import encode_basestring

from dshell._checking import TYPE_CHECKING

from ._codec import dumps, loads

if TYPE_CHECKING:
    from typing import IO, Any

    from _typeshed import StrPath

INLINE_LIMIT = 5_000_000
"""Serialized data longer than this many characters goes to a side file."""

_ENTRY = struct.Struct("<QQQ")  # n, offset, length (without the newline)
_CRC = re.compile(rb', "crc": "([0-9a-f]{8})"\}\Z')
_CRC_LEN = len(', "crc": "00000000"}')
_HEAD = re.compile(rb'\{"n": (\d+)[,}]')
_SCAN = 1 << 20  # bytes read at a time when scanning the results file
_TMP = ".tmp-"


class SideFile:
    """Result data stored in its own file; `load()` reads it."""

    __slots__ = ("path",)

    def __init__(self, path: str) -> None:
        self.path = path

    def load(self) -> Any:
        """The stored data, or a one-line note when the file is gone or damaged."""
        try:
            with open(self.path, "rb") as file:
                return loads(file.read())
        except (OSError, ValueError) as exc:
            return f"(data unavailable: {self.path}: {exc})"


def private_dir(path: StrPath) -> None:
    """Make the folder ``path`` (and missing parents) if it is not there, ``path`` itself mode 0700; UnsafePath
    (an OSError) when it is another user's or others may write it."""
    from dshell._private import private_dir as make

    make(path)


def private_open(path: StrPath, mode: str) -> IO[Any]:
    """``open(path, mode)`` for "a", "ab", "w" or "wb" (UTF-8 text unless binary) never through a symlink; a
    file it creates is mode 0600; UnsafePath (an OSError) for another user's file or one others may write."""
    from dshell._private import private_fd

    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if "a" in mode else os.O_TRUNC)
    return open(private_fd(path, flags), mode, encoding=None if "b" in mode else "utf-8")  # noqa: SIM115


def seal(parts: list[bytes]) -> list[bytes]:
    """A record's JSON object in parts, without its closing brace, as the parts of a results line: a CRC-32
    of the whole object added as its last key."""
    crc = 0
    for part in parts:
        crc = zlib.crc32(part, crc)
    return [*parts, f', "crc": "{zlib.crc32(b"}", crc):08x}"}}\n'.encode()]


def _as_line_part(raw: bytes) -> bytes | None:
    """A JSON document's bytes as they can sit inside a results line (UTF-8, no line breaks: outside strings,
    where only they can be, they become spaces), or None when they cannot (another encoding)."""
    if json.detect_encoding(raw) != "utf-8":
        return None
    raw = raw.strip(b" \t\r\n")
    if b"\n" in raw or b"\r" in raw:
        raw = raw.replace(b"\n", b" ").replace(b"\r", b" ")
    return raw


def _json_string(text: str, piece: int = 1 << 20) -> Iterator[bytes]:
    """``text`` as a JSON string (what `dumps` makes of it), in pieces of about ``piece`` characters."""
    yield b'"'
    for start in range(0, len(text), piece):
        yield encode_basestring(text[start:start + piece])[1:-1].encode("utf-8")
    yield b'"'


def line_number(line: bytes) -> int | None:
    """The number of the record a results line holds, or None when it is damaged: the checksum is checked
    and the line not parsed (that waits for the record's first use; older lines have no checksum)."""
    head = _HEAD.match(line)
    if head is None or not line.endswith(b"}"):
        return None
    found = _CRC.search(line, max(0, len(line) - _CRC_LEN))
    if found is not None and zlib.crc32(line[:-_CRC_LEN] + b"}") != int(found[1], 16):
        return None
    return int(head[1])


def unseal(line: bytes) -> dict[str, Any] | None:
    """The record a results line holds, or None when it is damaged (a torn write, a checksum that fails,
    not a numbered object); lines of older dshell versions carry no checksum and are only parsed."""
    line = line.rstrip(b"\n")
    found = _CRC.search(line, max(0, len(line) - _CRC_LEN))
    if found is not None:
        line = line[:-_CRC_LEN] + b"}"
        if zlib.crc32(line) != int(found[1], 16):
            return None
    try:
        record = loads(line)
    except (ValueError, RecursionError):
        return None
    if not isinstance(record, dict) or not isinstance(record.get("n"), int):
        return None
    return record


class ResultStore:
    """Appends result records to a JSON-lines file and its index, and reads single records back.

    Several processes (a shell and a notebook kernel) may share the file: ``locked()`` holds an exclusive
    lock while a number is chosen and its line written; ``sync()`` picks up what the others appended.
    """

    def __init__(self, path: StrPath, inline_limit: int = INLINE_LIMIT) -> None:
        self.path = os.fspath(path)
        self.folder = os.path.dirname(self.path) or "."
        self.side_dir = os.path.splitext(self.path)[0]
        self.index_path = self.side_dir + ".idx"
        self.inline_limit = inline_limit
        self.count = 0  # index entries
        self.last: tuple[int, int, int] | None = None  # the last entry
        self._scanned = 0  # bytes of the results file known to be indexed or damaged
        self.skipped: list[int] = []  # offsets of damaged lines found since the last `take_skipped`

    @contextmanager
    def locked(self) -> Iterator[bool]:
        """Hold the file's exclusive lock (between processes); True when held. Without one to be had,
        the write that follows reports the problem."""
        try:
            private_dir(self.folder)
            file = private_open(self.path, "ab")
        except OSError:
            yield False
            return
        with file:
            fcntl.flock(file, fcntl.LOCK_EX)
            try:
                yield True
            finally:
                fcntl.flock(file, fcntl.LOCK_UN)

    # ------------------------------------------------------------------ the index
    def sync(self, repair: bool) -> None:
        """Catch up with the files: the index entries others added, lines no entry covers yet (indexed,
        when ``repair``), a torn tail (ended with a newline, when ``repair``: call it holding the lock).
        UnsafePath (an OSError) when the folder or a file is another user's, others may write it, or a file is
        a symlink: nothing of it is read or written then."""
        from dshell._private import check_private

        check_private(self.folder, folder=True)
        check_private(self.path)
        check_private(self.index_path)
        try:
            size = os.stat(self.path).st_size
        except FileNotFoundError:
            size = 0
        entries = self._entries_on_disk(repair)
        last = self._entry(entries - 1) if entries else None
        if last is not None and not self._points_at_record(last, size):
            entries, last, self._scanned = 0, None, 0  # not the index of this file: made again
            if repair:
                os.truncate(self.index_path, 0)
        self.count, self.last = entries, last
        covered = last[1] + last[2] + 1 if last else 0
        self._scanned = max(self._scanned, covered)
        if size > self._scanned:
            self._index_tail(size, repair)

    def _entries_on_disk(self, repair: bool) -> int:
        try:
            size = os.stat(self.index_path).st_size
        except FileNotFoundError:
            return 0
        if size % _ENTRY.size and repair:  # an entry cut short by a kill: it is made again from the file
            os.truncate(self.index_path, size - size % _ENTRY.size)
        return size // _ENTRY.size

    def _entry(self, i: int) -> tuple[int, int, int]:
        with open(self.index_path, "rb") as index:
            index.seek(i * _ENTRY.size)
            raw = index.read(_ENTRY.size)
        return _ENTRY.unpack(raw) if len(raw) == _ENTRY.size else (0, 0, 0)

    def _points_at_record(self, entry: tuple[int, int, int], size: int) -> bool:
        n, offset, length = entry
        if offset + length >= size:
            return False
        with open(self.path, "rb") as file:
            file.seek(offset)
            head = file.read(min(length, 40))
            file.seek(offset + length)
            end = file.read(1)
        found = _HEAD.match(head)
        return end == b"\n" and found is not None and int(found[1]) == n

    def _index_tail(self, size: int, repair: bool) -> None:
        """Index the complete lines after ``_scanned``; end a torn tail when ``repair``."""
        new: list[tuple[int, int, int]] = []
        last_n = self.last[0] if self.last else 0
        with open(self.path, "rb") as file:
            file.seek(self._scanned)
            offset, pending = self._scanned, b""
            while chunk := file.read(_SCAN):
                pending += chunk
                start = 0
                while (stop := pending.find(b"\n", start)) >= 0:
                    n = line_number(pending[start:stop])
                    if n is not None and n > last_n:
                        last_n = n
                        new.append((n, offset + start, stop - start))
                    else:
                        self.skipped.append(offset + start)
                    start = stop + 1
                offset += start
                pending = pending[start:]
        if new and repair:
            private_dir(self.folder)
            with private_open(self.index_path, "ab") as index:
                index.write(b"".join(_ENTRY.pack(*entry) for entry in new))
        if new:
            self.count, self.last = self.count + len(new), new[-1]
        self._scanned = offset
        if pending and repair:  # nobody is writing (we hold the lock): a writer died mid-line
            with private_open(self.path, "ab") as out:
                out.write(b"\n")
            self.skipped.append(offset)
            self._scanned = offset + len(pending) + 1

    def numbers(self) -> list[int]:
        """The number of every indexed result, oldest first."""
        try:
            with open(self.index_path, "rb") as index:
                raw = index.read(self.count * _ENTRY.size)
        except FileNotFoundError:
            return []
        return [entry[0] for entry in _ENTRY.iter_unpack(raw)]

    def find(self, n: int) -> tuple[int, int, int] | None:
        """The index entry of result ``n`` (a binary search over the sorted numbers), or None."""
        lo, hi = 0, self.count
        while lo < hi:
            mid = (lo + hi) // 2
            entry = self._entry(mid)
            if entry[0] == n:
                return entry
            if entry[0] < n:
                lo = mid + 1
            else:
                hi = mid
        return None

    # ------------------------------------------------------------------ records
    def append(self, record: dict[str, Any], data: Any, raw: bytes | None = None) -> int:
        """Write `record` (which must hold an int "n") with `data` as one line and index it; call holding
        the lock, after ``sync(repair=True)`` (which leaves the file ending in a newline). ``raw``: the JSON
        text `data` was decoded from, written as it is (not encoded again). Returns the bytes written."""
        as_sent = _as_line_part(raw) if raw is not None else None
        pieces: Iterable[bytes]
        if as_sent is not None:
            pieces, size = [as_sent], len(as_sent)
        elif isinstance(data, str) and len(data) > self.inline_limit:
            pieces, size = _json_string(data), None  # a big text (a log): written piece by piece
        else:
            encoded = dumps(data).encode("utf-8")
            pieces, size = [encoded], len(encoded)
        head = dumps(record)[:-1].encode("utf-8")
        if size is None or size > self.inline_limit:
            side = self._write_side_file(record["n"], pieces)
            parts = [head, b', "data_file": ' + dumps(os.path.relpath(side, self.folder)).encode()]
        else:
            parts = [head, b', "data": ', *pieces]
        parts = seal(parts)
        private_dir(self.folder)
        with private_open(self.path, "ab") as file:
            offset = file.tell()
            for part in parts:
                file.write(part)
        size = sum(map(len, parts))
        entry = (record["n"], offset, size - 1)
        with private_open(self.index_path, "ab") as index:
            index.write(_ENTRY.pack(*entry))
        self.count, self.last, self._scanned = self.count + 1, entry, offset + size
        return size

    def _write_side_file(self, n: int, payload: Iterable[bytes]) -> str:
        side = os.path.join(self.side_dir, f"{n}.json")
        private_dir(self.side_dir)
        tmp = f"{side}{_TMP}{os.getpid()}"
        with private_open(tmp, "wb") as out:
            for piece in payload:
                out.write(piece)
        os.replace(tmp, side)
        return side

    def sweep_side_files(self) -> None:
        """Remove what killed writers left in the side folder: temporaries, and files of results whose line
        was never written (numbers above the last one); call holding the lock."""
        last_n = self.last[0] if self.last else 0
        try:
            names = os.listdir(self.side_dir)
        except OSError:
            return
        for name in names:
            stem = name.partition(".")[0]
            if _TMP in name or (stem.isdigit() and int(stem) > last_n):
                with suppress(OSError):
                    os.unlink(os.path.join(self.side_dir, name))

    def read(self, entry: tuple[int, int, int]) -> tuple[dict[str, Any], Any] | None:
        """(record, data) of the line ``entry`` points at, data a `SideFile` for side-stored results; None
        when the line is damaged."""
        n, offset, length = entry
        with open(self.path, "rb") as file:
            file.seek(offset)
            record = unseal(file.read(length))
        if record is None or record["n"] != n:
            return None
        record.pop("crc", None)
        if "data_file" in record:
            return record, SideFile(os.path.join(self.folder, record.pop("data_file")))
        return record, record.pop("data", None)
