"""fsutil's DiffCopy protocol (moby.filesync.v1): a local folder sent to the daemon, an export received from it.

The sender walks the folder in Go's order (names sorted, depth first) and sends one STAT packet per entry
(the entry's index is its id), then an empty STAT; the daemon compares them with what it kept from the last
build of the same shared key and asks (REQ id) only for the files it lacks, which go as DATA packets ended by an
empty one; FIN ends the exchange. The receiver (``-o type=local``) plays the daemon's part into a folder.
"""

from __future__ import annotations

import os
import posixpath
import stat as st
import threading
from collections.abc import Iterator
from typing import Any

from dshell._frozen import Record
from dshell.client._dockerignore import Matcher, clean

from ._grpc import INVALID_ARGUMENT, UNKNOWN, Call, GrpcError
from ._proto import fields, put_bytes, put_message, put_varint, signed, text

STAT, REQ, DATA, FIN, ERR = range(5)
CHUNK = 128 << 10  # file bytes per DATA packet
BATCH = 32 << 10  # stat bytes sent in one write
# Go's os.FileMode type and permission bits, as fsutil's Stat.mode carries them
MODE_DIR, MODE_SYMLINK, MODE_DEVICE, MODE_PIPE = 1 << 31, 1 << 27, 1 << 26, 1 << 25
MODE_SETUID, MODE_SETGID, MODE_CHARDEV, MODE_STICKY = 1 << 23, 1 << 22, 1 << 21, 1 << 20
MODE_TYPE = MODE_DIR | MODE_SYMLINK | MODE_PIPE | (1 << 24) | MODE_DEVICE | MODE_CHARDEV | (1 << 19)


def packet(kind: int, stat: bytes | None = None, ident: int = 0, data: bytes = b"") -> bytes:
    """One fsutil Packet."""
    return (put_varint(1, kind) + (put_message(2, stat) if stat is not None else b"") + put_varint(3, ident)
            + put_bytes(4, data))


class Packet(Record):
    """A decoded Packet: its type, Stat (raw, or None), id and data."""

    kind: int
    stat: bytes | None
    ident: int
    data: bytes


def parse_packet(message: bytes) -> Packet:
    """The Packet in a message."""
    kind, raw, ident, data = STAT, None, 0, b""
    for number, value in fields(message):
        if number == 1 and isinstance(value, int):
            kind = value
        elif number == 2 and isinstance(value, bytes):
            raw = value
        elif number == 3 and isinstance(value, int):
            ident = value
        elif number == 4 and isinstance(value, bytes):
            data = value
    return Packet(kind, raw, ident, data)


def go_mode(mode: int) -> int:
    """A Unix st_mode as Go's os.FileMode bits."""
    out = mode & 0o777
    kind = st.S_IFMT(mode)
    out |= {st.S_IFDIR: MODE_DIR, st.S_IFLNK: MODE_SYMLINK, st.S_IFIFO: MODE_PIPE, st.S_IFBLK: MODE_DEVICE,
            st.S_IFCHR: MODE_DEVICE | MODE_CHARDEV}.get(kind, 0)
    if mode & st.S_ISUID:
        out |= MODE_SETUID
    if mode & st.S_ISGID:
        out |= MODE_SETGID
    if mode & st.S_ISVTX:
        out |= MODE_STICKY
    return out


def encode_stat(path: str, info: os.stat_result, linkname: str = "") -> bytes:
    """fsutil's Stat of an entry, owned by root as the docker CLI sends a context."""
    mode = go_mode(info.st_mode)
    size = 0 if mode & MODE_DIR or linkname and not mode & MODE_SYMLINK else info.st_size
    out = put_bytes(1, path) + put_varint(2, mode) + put_varint(5, size) + put_varint(6, info.st_mtime_ns)
    out += put_bytes(7, linkname)
    if mode & MODE_DEVICE:
        out += put_varint(8, os.major(info.st_rdev)) + put_varint(9, os.minor(info.st_rdev))
    return out


class Stat(Record):
    """A decoded Stat (what an export writes)."""

    path: str
    mode: int
    size: int
    mtime_ns: int
    linkname: str


def decode_stat(raw: bytes) -> Stat:
    """The fields of a Stat an export needs."""
    path, mode, size, mtime, link = "", 0, 0, 0, ""
    for number, value in fields(raw):
        if number == 1:
            path = text(value)
        elif number == 2 and isinstance(value, int):
            mode = value
        elif number == 5 and isinstance(value, int):
            size = signed(value)
        elif number == 6 and isinstance(value, int):
            mtime = signed(value)
        elif number == 7:
            link = text(value)
    return Stat(path, mode, size, mtime, link)


class Entry(Record):
    """One entry a walk sends: its Stat and, for a regular file, where to read its bytes."""

    stat: bytes
    source: str | None


class Walk:
    """The entries of ``root`` to send: ``includes`` (a path kept when it or a parent matches; parents of a kept
    path come along) and ``excludes`` (.dockerignore's rules, ``!`` exceptions too); ``follow``: paths included
    with their symlinks' targets (the Dockerfile may be one; one that does not exist includes nothing)."""

    def __init__(self, root: str, includes: list[str] | None = None, excludes: list[str] | None = None,
                 follow: list[str] | None = None) -> None:
        self.root = root
        includes = list(includes or ())
        for name in follow or ():  # a followed path is included, and so is what its symlinks lead to
            for path in (clean(name).lstrip("/"), _resolve_inside(root, name)):
                if path and path not in includes:
                    includes.append(path)
        self.includes = Matcher(includes) if includes else None
        self._include_prefixes = [p.text for p in self.includes.patterns] if self.includes else []
        self._wild = any(any(c in p for c in "*?[\\") for p in self._include_prefixes)
        self.excludes = Matcher(excludes) if excludes else None
        self._inodes: dict[tuple[int, int], str] = {}

    def __iter__(self) -> Iterator[Entry]:
        yield from self._dir(self.root, "", [], None, None)

    def _may_include_under(self, rel: str) -> bool:
        if self.includes is None or self._wild:
            return True
        prefix = rel + "/"
        return any(p.startswith(prefix) for p in self._include_prefixes)

    def _dir(self, full: str, rel: str, pending: list[tuple[str, os.stat_result]],
             inc_parent: list[bool] | None, exc_parent: list[bool] | None) -> Iterator[Entry]:
        with os.scandir(full) as it:
            names = sorted(e.name for e in it)
        for name in names:
            path = f"{rel}/{name}" if rel else name
            source = os.path.join(full, name)
            info = os.lstat(source)
            is_dir = st.S_ISDIR(info.st_mode)
            included, inc_said = True, None
            if self.includes is not None:
                included, inc_said = self.includes.matches(path, inc_parent)
            excluded, exc_said = False, None
            if self.excludes is not None:
                excluded, exc_said = self.excludes.matches(path, exc_parent)
            if excluded:
                if is_dir and self.excludes is not None and self.excludes.may_keep_under(path):
                    yield from self._dir(source, path, [*pending, (path, info)], inc_said, exc_said)
                continue
            if not included:
                if is_dir and self._may_include_under(path):
                    yield from self._dir(source, path, [*pending, (path, info)], inc_said, exc_said)
                continue
            for parent_path, parent_info in pending:  # parents kept for a child, sent once before it
                yield Entry(encode_stat(parent_path, parent_info), None)
            pending = []
            yield self._entry(path, source, info)
            if is_dir:
                yield from self._dir(source, path, [], inc_said, exc_said)

    def _entry(self, path: str, source: str, info: os.stat_result) -> Entry:
        if st.S_ISLNK(info.st_mode):
            return Entry(encode_stat(path, info, os.readlink(source)), None)
        if st.S_ISREG(info.st_mode):
            if info.st_nlink > 1:
                key = (info.st_dev, info.st_ino)
                first = self._inodes.setdefault(key, path)
                if first != path:
                    return Entry(encode_stat(path, info, first), None)
            return Entry(encode_stat(path, info), source)
        return Entry(encode_stat(path, info), None)


def _resolve_inside(root: str, name: str) -> str | None:
    """A followed path's target relative to ``root`` (None when it is outside or missing)."""
    full = os.path.realpath(os.path.join(root, clean(name).lstrip("/")))
    real_root = os.path.realpath(root)
    rel = os.path.relpath(full, real_root)
    return None if rel.startswith("..") or not os.path.exists(full) else rel.replace(os.sep, "/")


def send(call: Call, walk: Walk, progress: Any = None) -> None:
    """Serve a DiffCopy from the sender's side: stats as the walk yields them, file bytes as asked."""
    files: dict[int, str] = {}
    failure: list[BaseException] = []

    def stats() -> None:
        batch: list[bytes] = []
        size = 0
        try:
            for index, entry in enumerate(walk):
                if entry.source is not None:
                    files[index] = entry.source
                batch.append(packet(STAT, entry.stat))
                size += len(entry.stat)
                if size >= BATCH:  # stats go in batches: one write for many small messages
                    call.send(*batch)
                    batch, size = [], 0
            call.send(*batch, b"")  # an empty STAT: the last one
        except OSError as exc:
            said = f"cannot read {exc.filename or walk.root}: {exc.strerror or exc}"
            failure.append(GrpcError(UNKNOWN, said, local=True))
            call.send(packet(ERR, data=said.encode()))
        except (GrpcError, ConnectionError) as exc:
            failure.append(exc)

    walker = threading.Thread(target=stats, name="dshell-fsync-walk", daemon=True)
    walker.start()
    sent = 0
    while messages := call.recv_ready():
        batch: list[bytes] = []  # small files' packets, answered together
        for message in messages:
            p = parse_packet(message)
            if p.kind == REQ:
                source = files.pop(p.ident, None)
                if source is None:
                    raise GrpcError(INVALID_ARGUMENT, f"invalid file id {p.ident}")
                sent += _send_file(call, p.ident, source, batch)
            elif p.kind == FIN:
                walker.join()
                call.send(*batch, packet(FIN))
                return
            elif p.kind == ERR:
                raise GrpcError(INVALID_ARGUMENT, f"error from receiver: {p.data.decode('utf-8', 'replace')}")
        if batch:
            call.send(*batch)
        if progress is not None:
            progress(sent)
    walker.join()
    if failure:
        raise failure[0]


def _send_file(call: Call, ident: int, source: str, batch: list[bytes]) -> int:
    """A file's DATA packets: a small one added to ``batch``, a big one sent chunk by chunk (``batch`` first)."""
    try:
        return _send_open(call, ident, source, batch)
    except OSError as exc:
        raise GrpcError(UNKNOWN, f"cannot read {source}: {exc.strerror or exc}", local=True) from None


def _send_open(call: Call, ident: int, source: str, batch: list[bytes]) -> int:
    with open(source, "rb") as fh:
        chunk = fh.read(CHUNK)
        if len(chunk) < CHUNK:
            batch += (packet(DATA, ident=ident, data=chunk), packet(DATA, ident=ident))
            if sum(map(len, batch)) >= CHUNK:
                call.send(*batch)
                batch.clear()
            return len(chunk)
        if batch:
            call.send(*batch)
            batch.clear()
        size = 0
        while chunk:
            call.send(packet(DATA, ident=ident, data=chunk))
            size += len(chunk)
            chunk = fh.read(CHUNK)
    call.send(packet(DATA, ident=ident))
    return size


class ExportError(ValueError):
    """An exported entry dshell will not write (a path leaving the destination)."""


def _target(dest: str, path: str) -> str:
    """Where an exported entry goes: inside ``dest``, through no symlink; ExportError otherwise."""
    norm = posixpath.normpath(path)
    if not path or norm.startswith(("/", "../")) or norm in (".", "..") or "\x00" in norm:
        raise ExportError(f"export: refused the path {path!r} (outside the destination)")
    target = os.path.join(dest, *norm.split("/"))
    parent = os.path.dirname(target)
    if os.path.realpath(parent) != os.path.normpath(parent):
        raise ExportError(f"export: refused the path {path!r} (through a symlink)")
    return target


def receive(call: Call, dest: str) -> int:
    """Serve a FileSend DiffCopy from the receiver's side: the daemon's files written under ``dest``; bytes."""
    dest = os.path.realpath(dest)
    os.makedirs(dest, exist_ok=True)
    index, written, stats_done = 0, 0, False
    waiting: dict[int, tuple[str, Stat]] = {}
    open_files: dict[int, Any] = {}
    dirs: list[tuple[str, Stat]] = []
    try:
        while (message := call.recv()) is not None:
            p = parse_packet(message)
            if p.kind == STAT:
                if p.stat is None:
                    stats_done = True
                else:
                    s = decode_stat(p.stat)
                    target = _target(dest, s.path)
                    if _make(target, s, dest):
                        waiting[index] = (target, s)
                        call.send(packet(REQ, ident=index))
                    elif s.mode & MODE_DIR:
                        dirs.append((target, s))
                    index += 1
            elif p.kind == DATA:
                if p.ident not in waiting:
                    raise GrpcError(INVALID_ARGUMENT, f"data for an unknown file id {p.ident}")
                target, s = waiting[p.ident]
                fh = open_files.get(p.ident)
                if fh is None:
                    fd = os.open(target, os.O_WRONLY | os.O_TRUNC | os.O_NOFOLLOW)
                    fh = open_files[p.ident] = os.fdopen(fd, "wb")
                if p.data:
                    fh.write(p.data)
                    written += len(p.data)
                else:
                    fh.close()
                    del open_files[p.ident], waiting[p.ident]
                    os.chmod(target, _perm(s.mode))
                    os.utime(target, ns=(s.mtime_ns, s.mtime_ns), follow_symlinks=False)
            elif p.kind == ERR:
                raise GrpcError(INVALID_ARGUMENT, f"export failed: {p.data.decode('utf-8', 'replace')}")
            elif p.kind == FIN:
                break
            if stats_done and not waiting:
                call.send(packet(FIN))
                stats_done = False  # FIN sent once; the sender answers with its own
    except ExportError as exc:
        raise GrpcError(INVALID_ARGUMENT, str(exc)) from None
    finally:
        for fh in open_files.values():
            fh.close()
    for target, s in reversed(dirs):
        os.utime(target, ns=(s.mtime_ns, s.mtime_ns), follow_symlinks=False)
    return written


def _perm(mode: int) -> int:
    out = mode & 0o777
    if mode & MODE_SETUID:
        out |= st.S_ISUID
    if mode & MODE_SETGID:
        out |= st.S_ISGID
    if mode & MODE_STICKY:
        out |= st.S_ISVTX
    return out


def _make(target: str, s: Stat, dest: str) -> bool:
    """Create a non-file entry (folder, symlink, hard link); True for a regular file whose bytes to ask for."""
    if s.mode & MODE_DIR:
        if not os.path.isdir(target) or os.path.islink(target):
            _remove(target)
            os.mkdir(target, 0o700)
        os.chmod(target, _perm(s.mode))
        return False
    _remove(target)
    if s.mode & MODE_SYMLINK:
        os.symlink(s.linkname, target)
        return False
    if s.mode & MODE_TYPE:
        return False  # devices, pipes, sockets: not written into a user's folder
    if s.linkname:
        os.link(_target(dest, s.linkname), target, follow_symlinks=False)  # a link to a symlink links the symlink
        return False
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600))  # links may name it
    return True


def _remove(target: str) -> None:
    if os.path.islink(target) or os.path.isfile(target):
        os.unlink(target)
    elif os.path.isdir(target):
        import shutil

        shutil.rmtree(target)


def receive_tar(call: Call, out: Any) -> int:
    """Serve a FileSend DiffCopy of a tar export: its BytesMessages written to ``out``; bytes."""
    written = 0
    while (message := call.recv()) is not None:
        for number, value in fields(message):
            if number == 1 and isinstance(value, bytes):
                out.write(value)
                written += len(value)
    out.flush()
    return written
