"""JSON encoding of result data: bytes travel as `{"__bytes__": "<base64>"}`; nesting of any depth (up to
the daemon's 10,000 levels) is read and written, past the json module's recursion limit."""

from __future__ import annotations

import json

from dshell._checking import TYPE_CHECKING
from dshell._fastjson import loads as fast_loads

if TYPE_CHECKING:
    from typing import Any

BYTES_TAG = "__bytes__"
_TAG = b'"' + BYTES_TAG.encode() + b'"'


def _default(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        import base64

        return {BYTES_TAG: base64.b64encode(value).decode("ascii")}
    if isinstance(value, set | frozenset):
        return list(value)
    return str(value)


def _object_hook(obj: dict[str, Any]) -> Any:
    if len(obj) == 1 and isinstance(obj.get(BYTES_TAG), str):
        import base64

        return base64.b64decode(obj[BYTES_TAG])
    return obj


def dumps(value: Any, indent: int | None = None) -> str:
    """Serialize `value` to JSON, tagging bytes and stringifying anything else JSON cannot hold."""
    try:
        return json.dumps(value, default=_default, ensure_ascii=False, indent=indent)
    except RecursionError:
        if indent is not None:
            raise
    from dshell.client._deepjson import dumps as deep_dumps

    return deep_dumps(value, _default)


def loads(text: str | bytes) -> Any:
    """Parse JSON made by `dumps`, turning bytes tags back into bytes."""
    tagged = (_TAG if isinstance(text, bytes) else BYTES_TAG) in text  # type: ignore[operator]
    try:
        return json.loads(text, object_hook=_object_hook) if tagged else fast_loads(text)
    except RecursionError:
        from dshell.client._deepjson import MAX_DEPTH
        from dshell.client._deepjson import loads as deep_loads

        return deep_loads(text, _object_hook if tagged else None, MAX_DEPTH + 1)  # + a results line's record
