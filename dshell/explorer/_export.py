"""Saving values to files: JSON, YAML or raw bytes, chosen by the file suffix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ._codec import dumps, loads

SUFFIXES = (".json", ".yaml", ".yml", ".bin")


def save(value: Any, path: str | Path) -> Path:
    """Write `value` to `path` as .json (indent 2, bytes base64-tagged), .yaml/.yml; bytes (a tar, ...) as they
    are under any other name (.bin also takes text)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        path.write_text(dumps(value, indent=2) + "\n", encoding="utf-8")
    elif suffix in (".yaml", ".yml"):
        import yaml

        plain = loads(dumps(value))  # tuples, sets and other objects as JSON would hold them
        path.write_text(yaml.safe_dump(plain, sort_keys=False, allow_unicode=True), encoding="utf-8")
    elif isinstance(value, bytes | bytearray) or (suffix == ".bin" and isinstance(value, str)):
        path.write_bytes(value.encode() if isinstance(value, str) else bytes(value))  # a tar, an image, ...
    elif suffix == ".bin":
        raise ValueError(f"{path.name}: .bin needs bytes or text, not {type(value).__name__}")
    else:
        kind = f"{suffix!r} files" if suffix else "files without a suffix"
        raise ValueError(f"{path.name}: cannot save {type(value).__name__} as {kind}; use {', '.join(SUFFIXES)} "
                         f"(bytes, such as a tar, go to any name)")
    return path
