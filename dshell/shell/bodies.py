"""``@path`` values: a local file or folder as a binary body, ``@-`` for stdin; and how such params are kept."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

from dshell._checking import TYPE_CHECKING

from .values import LocalPath

if TYPE_CHECKING:
    from typing import Any

SYNTAX = "@path sends a local file as it is, or a folder as a tar of its contents; @- sends stdin (dshell -c)"


def local_value(value: LocalPath) -> Any:
    """What ``@path`` sends: a ``pathlib.Path`` (``~`` expanded), or stdin's bytes for ``@-``; ValueError when
    stdin is the terminal (nothing was piped in)."""
    if value.text != "-":
        from pathlib import Path  # here: a line with no @path does not import it

        return Path(os.path.expanduser(value.text))
    if sys.stdin is None or sys.stdin.isatty():
        raise ValueError("@- reads stdin: pipe the data into `dshell -c ...` (here stdin is the terminal)")
    return sys.stdin.buffer


def binary_body(op: Any) -> str | None:
    """The name of the op's binary body param (inputStream, imagesTarball, ...), or None."""
    body = op.body_param
    return body.name if body is not None and body.type == "string" else None


class Sent:
    """Body chunks that remember what they are made of: a result keeps the param as ``@source``."""

    def __init__(self, source: str, chunks: Iterator[bytes]) -> None:
        self.source = source
        self._chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        return next(self._chunks)


def storable(value: Any) -> Any:
    """A param as a result keeps it: a local path as ``@path``, a stream as ``@-``."""
    if isinstance(value, os.PathLike):  # a pathlib.Path, asked without importing pathlib
        return f"@{os.fspath(value)}"
    if isinstance(value, Sent):
        return f"@{value.source}"
    if hasattr(value, "read") or isinstance(value, Iterator):
        return "@-"
    if isinstance(value, dict):
        return {k: storable(v) for k, v in value.items()}
    return value
