"""Files only their owner may write: dshell's data folder, results, command history and request log.

With ``XDG_DATA_HOME`` (or ``DSHELL_REQUEST_LOG``) in a place another user controls, that user could have placed
a symlink to make dshell write (or chmod) a file of theirs choosing, or a file of their own to read what dshell
appends. So a folder or file is refused, with one line saying what to fix, when it is not the user's own or is
writable by group or others; files are opened without following a symlink (``O_NOFOLLOW``) and checked once
open (``fstat``), so nothing can be swapped in between.
"""

from __future__ import annotations

import errno
import os
import stat

from dshell._checking import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed import StrPath


class UnsafePath(PermissionError):
    """A data folder or file dshell refuses to use (another user's, writable by others, a symlink)."""


def _problem(path: StrPath, st: os.stat_result) -> str | None:
    if st.st_uid != os.geteuid():
        return (f"{path}: refused: it belongs to uid {st.st_uid}, not to you (uid {os.geteuid()}); remove it, "
                "or point XDG_DATA_HOME at a folder of your own")
    if st.st_mode & 0o022:
        return (f"{path}: refused: group or others may write it (mode {stat.S_IMODE(st.st_mode):o}); "
                f"chmod go-w {path}")
    return None


def check_private(path: StrPath, *, folder: bool = False) -> None:
    """UnsafePath when ``path`` exists and is not the user's own, or others may write it (a file: or is a
    symlink). A folder may be reached through a symlink; what it leads to is checked."""
    try:
        st = os.stat(path) if folder else os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(st.st_mode):
        raise UnsafePath(f"{path}: refused: a symlink (dshell never writes through one); remove it")
    problem = _problem(path, st)
    if problem is not None:
        raise UnsafePath(problem)


def private_dir(path: StrPath) -> None:
    """Make the folder ``path`` (and missing parents) mode 0700 if it is not there; UnsafePath when it is
    another user's or others may write it."""
    os.makedirs(path, mode=0o700, exist_ok=True)  # the mode is the folder's; parents get the default, as mkdir -p
    check_private(path, folder=True)


def private_fd(path: StrPath, flags: int) -> int:
    """``os.open(path, flags)`` never following a symlink, a file it creates mode 0600; UnsafePath (the file
    closed) when what is open is not a regular file of the user's, or others may write it. A file of the user's
    that others may read is made 0600."""
    try:
        fd = os.open(path, flags | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnsafePath(f"{path}: refused: a symlink (dshell never writes through one); remove it") from None
        raise
    st = os.fstat(fd)
    problem = None if stat.S_ISREG(st.st_mode) else f"{path}: refused: not a regular file"
    problem = problem or _problem(path, st)
    if problem is not None:
        os.close(fd)
        raise UnsafePath(problem)
    if st.st_mode & 0o077:
        os.fchmod(fd, 0o600)
    return fd
