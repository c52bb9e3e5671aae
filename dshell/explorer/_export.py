"""Saving values to files: JSON, YAML or raw bytes, chosen by the file suffix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ._codec import dumps, loads
from ._store import private_open

SUFFIXES = (".json", ".yaml", ".yml", ".bin")


def save(value: Any, path: str | Path) -> Path:
    """Write `value` to `path` as .json (indent 2, bytes base64-tagged), .yaml/.yml; bytes (a tar, ...) as they
    are under any other name (.bin also takes text). A file it creates is the owner's only (0600), like
    every file dshell writes."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        out: bytes = (dumps(value, indent=2) + "\n").encode()
    elif suffix in (".yaml", ".yml"):
        import yaml

        plain = loads(dumps(value))  # tuples, sets and other objects as JSON would hold them
        out = yaml.safe_dump(plain, sort_keys=False, allow_unicode=True).encode()
    elif isinstance(value, bytes | bytearray) or (suffix == ".bin" and isinstance(value, str)):
        out = value.encode() if isinstance(value, str) else bytes(value)  # a tar, an image, ...
    elif suffix == ".bin":
        raise ValueError(f"{path.name}: .bin needs bytes or text, not {type(value).__name__}")
    else:
        kind = f"{suffix!r} files" if suffix else "files without a suffix"
        raise ValueError(f"{path.name}: cannot save {type(value).__name__} as {kind}; use {', '.join(SUFFIXES)} "
                         f"(bytes, such as a tar, go to any name)")
    with private_open(path, "wb") as file:
        file.write(out)
    return path
