"""Tar archives as streams: a local file or folder packed on the fly, an archive unpacked as it arrives.

Neither side ever holds the archive: packing yields pieces of about ``CHUNK`` bytes while it walks the folder,
unpacking reads members one after the other from a file-like object. Symlinks, hard links, modes and times are
kept; an entry that would land outside the destination (``../x``, an absolute name, a path through a symlink)
is refused.
"""

from __future__ import annotations

import os
import stat
import tarfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol, cast

from ._dockerignore import Matcher
from ._errors import LocalFileError

CHUNK = 1 << 20
BLOCK = tarfile.BLOCKSIZE
_TYPES = {stat.S_IFDIR: tarfile.DIRTYPE, stat.S_IFLNK: tarfile.SYMTYPE, stat.S_IFCHR: tarfile.CHRTYPE,
          stat.S_IFBLK: tarfile.BLKTYPE, stat.S_IFIFO: tarfile.FIFOTYPE}


class Readable(Protocol):
    """What ``unpack`` reads from: a file, a response stream."""

    def read(self, size: int = -1, /) -> bytes: ...


class UnsafeEntry(ValueError):
    """A tar entry that would be written outside the destination."""


class BadArchive(ValueError):
    """An archive that cannot be unpacked: not a tar, cut short, or a header over MAX_HEADER."""


MAX_HEADER = 1 << 20  # the longest GNU long name / long link or PAX header read (docker's archive/tar limit)
MAX_CHAIN = 16  # extended headers in a row before a member (one needs two or three)
_EXTENDED = frozenset({tarfile.GNUTYPE_LONGNAME, tarfile.GNUTYPE_LONGLINK, tarfile.XHDTYPE, tarfile.XGLTYPE,
                       tarfile.SOLARIS_XHDTYPE})


class _Capped(tarfile.TarInfo):
    """A header whose extension (GNU long name or link, PAX record) is refused before it is read when it is
    longer than MAX_HEADER (tarfile reads one whole into memory), and after MAX_CHAIN of them in a row (tarfile
    reads each next header by recursion: a few hundred raised RecursionError)."""

    def _proc_member(self, tarfile_: tarfile.TarFile) -> tarfile.TarInfo:
        if self.type not in _EXTENDED:
            return super()._proc_member(tarfile_)  # type: ignore[misc, no-any-return]
        if self.size > MAX_HEADER:
            raise BadArchive(f"refused tar header of {self.size} bytes: an extended header over 1 MiB "
                             "(a long name or PAX record this long is a broken or hostile archive)")
        state = vars(tarfile_)
        chain = state.get("_dshell_chain", 0)
        if chain >= MAX_CHAIN:
            raise BadArchive(f"refused tar archive: more than {MAX_CHAIN} extended headers in a row")
        state["_dshell_chain"] = chain + 1
        try:
            return super()._proc_member(tarfile_)  # type: ignore[misc, no-any-return]
        finally:
            state["_dshell_chain"] = chain

    def _proc_sparse(self, tarfile_: tarfile.TarFile) -> tarfile.TarInfo:
        raise _sparse()

    def _proc_gnusparse_00(self, *args: object) -> None:
        raise _sparse()

    def _proc_gnusparse_01(self, *args: object) -> None:
        raise _sparse()

    def _proc_gnusparse_10(self, *args: object) -> None:
        raise _sparse()


def _sparse() -> BadArchive:
    """tarfile reads a sparse map as long as the archive says (an endless one grew memory for ever); docker's
    archives have none (Go's tar writer makes no sparse entries), so none is read."""
    return BadArchive("refused a sparse file entry (GNU sparse): docker's archives have none")


def _header(path: str, name: str, st: os.stat_result, owner: tuple[int, int] | None) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    fmt = stat.S_IFMT(st.st_mode)
    info.type = _TYPES.get(fmt, tarfile.REGTYPE)
    info.mode = stat.S_IMODE(st.st_mode)
    info.uid, info.gid = owner or (st.st_uid, st.st_gid)
    info.mtime = int(st.st_mtime)
    if info.type == tarfile.REGTYPE:
        info.size = st.st_size
    elif info.type == tarfile.SYMTYPE:
        info.linkname = os.readlink(path)
    elif info.type in (tarfile.CHRTYPE, tarfile.BLKTYPE):
        info.devmajor, info.devminor = os.major(st.st_rdev), os.minor(st.st_rdev)
    return info


@dataclass
class Packer:
    """Packs files into one tar stream: ``add`` what to send, then iterate ``stream()``.

    ``owner`` replaces every uid/gid (a build context is sent as root's, as the docker CLI does)."""

    owner: tuple[int, int] | None = None
    _buf: bytearray = field(default_factory=bytearray)
    _links: dict[tuple[int, int], str] = field(default_factory=dict)
    files: int = 0
    size: int = 0

    def _put(self, data: bytes) -> Iterator[bytes]:
        self._buf += data
        self.size += len(data)
        if len(self._buf) >= CHUNK:
            yield bytes(self._buf)
            self._buf.clear()

    def _flush(self) -> Iterator[bytes]:
        if self._buf:
            yield bytes(self._buf)
            self._buf.clear()

    def entry(self, path: str, name: str) -> Iterator[bytes]:
        """One file system entry (not following a symlink) as ``name``; sockets are skipped. LocalFileError
        naming the file when it cannot be read."""
        with reading(path):
            yield from self._entry(path, name)

    def _entry(self, path: str, name: str) -> Iterator[bytes]:
        st = os.lstat(path)
        if stat.S_ISSOCK(st.st_mode):
            return
        info = _header(path, name, st, self.owner)
        key = (st.st_dev, st.st_ino)
        if info.type == tarfile.REGTYPE and st.st_nlink > 1:
            first = self._links.setdefault(key, name)
            if first != name:
                info.type, info.linkname, info.size = tarfile.LNKTYPE, first, 0
        self.files += 1
        if info.type != tarfile.REGTYPE or not info.size:
            yield from self._put(info.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape"))
            return
        fh = open(os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC), "rb")  # noqa: SIM115 - before its header
        with fh:
            yield from self._put(info.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape"))
            yield from self._flush()
            left = info.size
            while left > 0:
                data = fh.read(min(CHUNK, left))
                if not data:  # the file shrank while we sent it: pad with zeros, as its header promised
                    data = bytes(min(CHUNK, left))
                left -= len(data)
                self.size += len(data)
                yield data
        yield from self._put(bytes(-info.size % BLOCK))

    def data(self, name: str, content: bytes, mode: int = 0o600) -> Iterator[bytes]:
        """A regular file made of ``content``."""
        info = tarfile.TarInfo(name)
        info.size, info.mode = len(content), mode
        info.uid, info.gid = self.owner or (0, 0)
        self.files += 1
        yield from self._put(info.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape"))
        yield from self._put(content + bytes(-len(content) % BLOCK))

    def tree(self, root: str, name: str, ignore: Matcher | None = None,
             skip: frozenset[str] = frozenset()) -> Iterator[bytes]:
        """``root`` as ``name`` (``""``: its contents at the top), walked in sorted order; ``ignore`` matches
        paths relative to ``root`` (.dockerignore), ``skip`` names such paths left out."""
        if not os.path.isdir(root) or os.path.islink(root):
            yield from self.entry(root, name)
            return
        if name:
            yield from self.entry(root, name)
        stack: list[tuple[str, str, list[bool] | None]] = [("", root, None)]
        while stack:
            rel_dir, real_dir, said = stack.pop()
            with reading(real_dir), os.scandir(real_dir) as it:
                names = sorted(e.name for e in it)
            below: list[tuple[str, str, list[bool] | None]] = []
            for base in names:
                rel = f"{rel_dir}/{base}" if rel_dir else base
                real = os.path.join(real_dir, base)
                if rel in skip:
                    continue
                is_dir = os.path.isdir(real) and not os.path.islink(real)
                mine: list[bool] | None = None
                if ignore:
                    out, mine = ignore.matches(rel, said)
                    if out:
                        if is_dir and ignore.may_keep_under(rel):
                            below.append((rel, real, mine))  # walked for its exceptions, not sent itself
                        continue
                yield from self.entry(real, f"{name}/{rel}" if name else rel)
                if is_dir:
                    below.append((rel, real, mine))
            stack.extend(reversed(below))

    def end(self) -> Iterator[bytes]:
        """The two zero blocks that end an archive, and what is still buffered."""
        yield from self._put(bytes(2 * BLOCK))
        yield from self._flush()


def pack(source: Path | str, name: str, *, ignore: Matcher | None = None, owner: tuple[int, int] | None = None,
         extra: dict[str, bytes] | None = None, skip: frozenset[str] = frozenset()) -> Iterator[bytes]:
    """``source`` (a file or a folder) as a tar stream whose entries start with ``name``; ``extra`` files are
    added at the end (name → content)."""
    packer = Packer(owner)
    yield from packer.tree(os.fspath(source), name, ignore, skip | frozenset(extra or ()))
    for extra_name, content in (extra or {}).items():
        yield from packer.data(extra_name, content)
    yield from packer.end()


def file_chunks(path: Path | str) -> Iterator[bytes]:
    """A file's bytes, ``CHUNK`` at a time; LocalFileError naming it when it cannot be read."""
    with reading(os.fspath(path)), open(path, "rb") as fh:
        while data := fh.read(CHUNK):
            yield data


@contextmanager
def reading(path: str) -> Iterator[None]:
    """An OSError reading ``path`` as LocalFileError naming it (not the connection's error: the body being sent
    raised it)."""
    try:
        yield
    except OSError as exc:
        raise LocalFileError(f"cannot read {path}: {exc.strerror or exc}") from None


def rebaser(old: str, new: str) -> Callable[[str], str]:
    """Entry names under ``old`` moved under ``new`` (go-archive's newNameRebaser)."""
    old, new = old.rstrip("/"), new.rstrip("/")
    if not old:
        return lambda n: f"{new}/{n.lstrip('/')}" if new else n.lstrip("/")

    def rebase(n: str) -> str:
        if not n.startswith(old) or (len(n) > len(old) and n[len(old)] != "/"):
            return n
        return new + n[len(old):]
    return rebase


@dataclass
class Unpacked:
    """What ``unpack`` wrote."""

    files: int = 0
    size: int = 0


def _inside(dest: str, name: str) -> str:
    """The absolute path of entry ``name`` in ``dest``; UnsafeEntry when it would land outside."""
    norm = os.path.normpath(name or ".")
    if name.startswith("/") or norm == ".." or norm.startswith("../"):
        raise UnsafeEntry(f"refused tar entry {name!r}: it would be written outside {dest}")
    target = os.path.join(dest, norm) if norm != "." else dest
    parent = os.path.realpath(os.path.dirname(target)) if norm != "." else dest
    if parent != dest and not parent.startswith(dest + os.sep):
        raise UnsafeEntry(f"refused tar entry {name!r}: a symlink takes it outside {dest}")
    return target


def _replace(target: str, is_dir: bool) -> None:
    """Make room for an entry: an existing non-directory goes (a directory stays for a directory)."""
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        return
    if stat.S_ISDIR(st.st_mode):
        if not is_dir:
            raise IsADirectoryError(f"cannot overwrite directory {target} with a non-directory")
        return
    os.unlink(target)


def _keep_meta(target: str, mode: int, mtime: float) -> None:
    """Give ``target`` its entry's mode and times without ever following a link: a symlink (or a hard link to
    one) keeps its own mode (Linux has no lchmod), as go-archive's handleLChmod does."""
    if not stat.S_ISLNK(os.lstat(target).st_mode):
        os.chmod(target, mode)
    os.utime(target, (mtime, mtime), follow_symlinks=False)


def unpack(stream: Readable, dest: Path | str, rebase: Callable[[str], str] | None = None) -> Unpacked:
    """Extract the tar read from ``stream`` into the existing folder ``dest`` as it arrives (``rebase`` renames
    entries first); UnsafeEntry, before anything of it is written, for an entry that would land outside.

    No link is ever followed: a hard link to a symlink links the symlink, and modes and times go to the entry
    itself. A ``.`` entry leaves ``dest`` as it is (docker skips it too). BadArchive for what is not a tar, is
    cut short, or has a header over MAX_HEADER."""
    try:
        return _unpack(stream, os.path.realpath(dest), rebase)
    except tarfile.TarError as exc:
        raise BadArchive(f"not a tar archive, or one cut short ({exc})") from None


def _unpack(stream: Readable, root: str, rebase: Callable[[str], str] | None) -> Unpacked:
    done = Unpacked()
    dirs: list[tuple[str, tarfile.TarInfo]] = []
    with tarfile.open(fileobj=cast(IO[bytes], stream), mode="r|", bufsize=CHUNK, tarinfo=_Capped) as tar:
        while (member := tar.next()) is not None:
            vars(tar)["members"].clear()  # a stream of any length: keep no header once it is written
            vars(tar)["pax_headers"].clear()  # nor global PAX records (docker ignores them): they piled up
            name = rebase(member.name) if rebase else member.name
            target = _inside(root, name)
            if member.isdir():
                if target == root:
                    continue
                _replace(target, True)
                os.makedirs(target, exist_ok=True)
                dirs.append((target, member))
                continue
            _replace(target, False)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            if member.issym():
                os.symlink(member.linkname, target)
            elif member.islnk():
                source = _inside(root, rebase(member.linkname) if rebase else member.linkname)
                os.link(source, target, follow_symlinks=False)
            elif member.isfile():
                data_in = tar.extractfile(member)
                assert data_in is not None
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
                with open(fd, "wb") as out:
                    while data := data_in.read(CHUNK):
                        out.write(data)
                done.size += member.size
            elif member.isfifo():
                os.mkfifo(target)
            else:
                continue  # devices need root and mean little outside a container
            done.files += 1
            _keep_meta(target, member.mode, member.mtime)
    for target, member in reversed(dirs):  # last: writing into a folder changes its time, a mode may forbid it
        _keep_meta(target, member.mode, member.mtime)
        done.files += 1
    return done
