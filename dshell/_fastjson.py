"""JSON documents decoded by msgspec when it is installed (``pip install 'dshell[fast]'``): the same values as
``json.loads`` (integers of any size exactly, floats correctly rounded, key order, the last of repeated keys) in
about half the time; whatever it refuses (NaN, Infinity, nesting past its depth) is left to ``json.loads``,
which decides, so an answer never depends on whether msgspec is there. Imported on the first document, not with
the client.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

_decode: Callable[[bytes | str], Any] | None = None  # msgspec's decoder once looked for; json.loads without it


def loads(raw: bytes | str) -> Any:
    """``json.loads(raw)``: the value, or its ValueError/RecursionError."""
    decode = _decode or _find()
    if decode is not json.loads:
        try:
            return decode(raw)
        except (ValueError, RecursionError):  # msgspec.DecodeError is a ValueError: json decides
            pass
    return json.loads(raw)


def _find() -> Callable[[bytes | str], Any]:
    global _decode
    try:
        import msgspec
    except ImportError:
        _decode = json.loads
    else:
        _decode = msgspec.json.Decoder().decode
    return _decode
