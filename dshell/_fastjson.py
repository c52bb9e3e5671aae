"""JSON documents decoded by msgspec when it is installed (``pip install 'dshell[fast]'``): the same values as
``json.loads`` (integers of any size exactly, floats correctly rounded, key order, the last of repeated keys) in
about half the time; whatever it refuses (NaN, Infinity, nesting past its depth) is left to ``json.loads``,
which decides, so an answer never depends on whether msgspec is there. Imported once json has decoded
``PAYS`` bytes, not with the client: a one-shot command's small answers never load it.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable

from dshell._checking import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

_decode: Callable[[bytes | str], Any] | None = None  # msgspec's decoder once looked for; json.loads without it


BIG = 1 << 20
"""Documents longer than this are decoded with the garbage collector paused."""
PAYS = 4 << 20
"""Bytes json.loads decodes before msgspec is looked for: msgspec's import (~20 ms) costs more than it saves on
less (it decodes a container list ~4 ms per MB faster)."""
_json_bytes = 0  # decoded by json.loads before msgspec was looked for


def loads(raw: bytes | str) -> Any:
    """``json.loads(raw)``: the value, or its ValueError/RecursionError. A big document is decoded with the
    garbage collector paused: the objects it makes hold no cycles, and the collections their number sets off
    would scan them again and again (a 100,000-container list took 3x as long)."""
    if len(raw) <= BIG or not gc.isenabled():
        return _loads(raw)
    gc.disable()
    try:
        return _loads(raw)
    finally:
        gc.enable()


def _loads(raw: bytes | str) -> Any:
    global _json_bytes
    decode = _decode
    if decode is None:
        _json_bytes += len(raw)
        if _json_bytes < PAYS:
            return json.loads(raw)
        decode = _find()
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
