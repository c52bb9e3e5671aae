"""An opt-in log of the requests sent: ``DSHELL_REQUEST_LOG=PATH`` appends one ``METHOD path-template op``
line per request (``op`` is ``-`` for ``fetch``). No params, no headers, no bodies: nothing secret.

The variable is read once, at import; unset, a call costs one comparison. The file is created owner-only
(0600) and opened for appending, so that several processes may share it (each line is one ``write``); never
through a symlink, and not when it is another user's or others may write it (one warning, then no log).
"""

from __future__ import annotations

import os
import sys

_ENV = "DSHELL_REQUEST_LOG"
_fd: int | None = None
_path = os.environ.get(_ENV) or None


def _open(path: str) -> int | None:
    from dshell._private import UnsafePath, private_fd

    try:
        return private_fd(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    except UnsafePath as exc:
        print(f"dshell: {_ENV}: {exc}", file=sys.stderr)
    except OSError:
        pass
    return None


def log(method: str, template: str, op: str | None) -> None:
    """Append ``METHOD template op`` when the log is on."""
    global _fd, _path
    if _path is None:
        return
    if _fd is None:
        _fd = _open(_path)
        if _fd is None:
            _path = None  # unwritable: off, rather than failing every call
            return
    os.write(_fd, f"{method} {template} {op or '-'}\n".encode("utf-8", "replace"))
