"""Local paths as request bodies: a file streamed from disk, a folder packed into a tar on the fly.

A folder sent to ImageBuild is a build context as ``docker build`` makes it: ``.dockerignore`` applied (with
``!`` exceptions and ``**``), every entry owned by root, and a Dockerfile from outside the folder added under a
generated name (the daemon then drops it from the context, as it drops ``.dockerignore``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from dshell._checking import TYPE_CHECKING

from ._errors import ValidationError

if TYPE_CHECKING:
    from pathlib import Path, PurePath
    from typing import Any

DEFAULT_DOCKERFILE = "Dockerfile"


def is_local(value: Any) -> bool:
    """Whether a param value is a local path to send (a ``pathlib.Path``, any ``os.PathLike``: asked without
    importing pathlib, which a call that sends no file does not need)."""
    return isinstance(value, os.PathLike)


def path_chunks(path: os.PathLike[str]) -> Iterator[bytes]:
    """A file's bytes, or a folder's contents as a tar, read as they are sent; ValidationError for neither."""
    from pathlib import Path

    from ._tarstream import file_chunks, pack

    path = Path(path)
    if path.is_dir():
        return pack(path, "")
    if path.is_file() or path.is_fifo():
        return file_chunks(path)
    raise ValidationError(f"{path}: no such file or folder to send")


def _dockerfile_name(root: Path, dockerfile: str | PurePath | None) -> tuple[str, Path | None]:
    """(the Dockerfile's name in the context, a local Dockerfile outside the context to add, or None).

    A ``Path`` is a local file (relative to the working directory, as ``docker build -f`` reads it); a string
    is a name inside the context, as the API has it."""
    from pathlib import Path

    if dockerfile is None:
        if not (root / DEFAULT_DOCKERFILE).exists() and (root / "dockerfile").exists():
            return "dockerfile", None
        return DEFAULT_DOCKERFILE, None
    if not is_local(dockerfile):
        return str(dockerfile), None
    local = Path(os.path.realpath(dockerfile))
    if not local.is_file():
        raise ValidationError(f"cannot locate Dockerfile: {dockerfile} (no such file)")
    try:
        return local.relative_to(root).as_posix(), None
    except ValueError:
        import secrets

        return f".dockerfile.{secrets.token_hex(10)}", local


def build_context(root: Path, dockerfile: str | PurePath | None = None) -> tuple[Iterator[bytes], str]:
    """The tar stream of the build context ``root`` and the Dockerfile's name in it."""
    from pathlib import Path

    from . import _dockerignore
    from ._tarstream import pack, reading

    real = Path(os.path.realpath(root))
    if not real.is_dir():
        raise ValidationError(f"{root}: the build context must be a folder")
    name, outside = _dockerfile_name(real, dockerfile)
    ignore_file = real / ".dockerignore"
    with reading(str(ignore_file)):
        patterns = _dockerignore.load(real)
    extra: dict[str, bytes] = {}
    if outside is not None:
        with reading(str(outside)):
            extra[name] = outside.read_bytes()
        with reading(str(ignore_file)):
            text = ignore_file.read_bytes() if ignore_file.is_file() else b".dockerignore"
        extra[".dockerignore"] = text + f"\n{name}\n".encode()
    else:
        patterns = _dockerignore.keep_build_files(patterns, name)
    matcher = _dockerignore.Matcher(patterns)
    return pack(real, "", ignore=matcher, owner=(0, 0), extra=extra), name


def local_bodies(op: str, params: dict[str, Any]) -> dict[str, Any]:
    """``params`` with a ``Path`` body replaced by its chunks (and, for ImageBuild, ``dockerfile`` by its name in
    the context); the params unchanged when there is none."""
    local = {name: value for name, value in params.items() if is_local(value)}
    if not local:
        return params
    from pathlib import Path

    out = dict(params)
    for name, value in local.items():
        path = Path(value)
        if op == "ImageBuild" and name == "dockerfile":
            continue
        if op == "ImageBuild" and path.is_dir():
            out[name], out["dockerfile"] = build_context(path, params.get("dockerfile"))
        else:
            out[name] = path_chunks(path)
    if is_local(out.get("dockerfile")):
        raise ValidationError("ImageBuild: dockerfile=PATH (a local file) needs the context as a local folder too")
    return out
