"""JSON encoding of result data: bytes travel as `{"__bytes__": "<base64>"}`."""

from __future__ import annotations

import base64
import json
from typing import Any

BYTES_TAG = "__bytes__"


def _default(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return {BYTES_TAG: base64.b64encode(value).decode("ascii")}
    if isinstance(value, set | frozenset):
        return list(value)
    return str(value)


def _object_hook(obj: dict[str, Any]) -> Any:
    if len(obj) == 1 and isinstance(obj.get(BYTES_TAG), str):
        return base64.b64decode(obj[BYTES_TAG])
    return obj


def dumps(value: Any, indent: int | None = None) -> str:
    """Serialize `value` to JSON, tagging bytes and stringifying anything else JSON cannot hold."""
    return json.dumps(value, default=_default, ensure_ascii=False, indent=indent)


def loads(text: str | bytes) -> Any:
    """Parse JSON made by `dumps`, turning bytes tags back into bytes."""
    return json.loads(text, object_hook=_object_hook)
