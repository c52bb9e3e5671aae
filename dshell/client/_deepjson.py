"""JSON nested deeper than the json module's recursion allows, read and written without recursion.

The json module recurses once per level and gives up near the interpreter's recursion limit (about 1,000
levels, fewer from deep in a call stack); Go's decoder, the daemon's, accepts 10,000. These are the
fallbacks for such documents: slower than the json module, the same values and text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from json.decoder import scanstring  # type: ignore[attr-defined]  # there, unlisted
from json.encoder import py_encode_basestring
from typing import Any

MAX_DEPTH = 10_000
"""Levels of nesting accepted, as Go's encoding/json."""

_NUMBER = re.compile(r"(-?(?:0|[1-9]\d*))(\.\d+)?([eE][-+]?\d+)?")
_SPACE = re.compile(r"[ \t\n\r]*")
_CONSTANTS = {"null": None, "true": True, "false": False, "NaN": float("nan"), "Infinity": float("inf"),
              "-Infinity": float("-inf")}
_OPEN = {"{": dict, "[": list}


def loads(text: str | bytes, object_hook: Callable[[dict[str, Any]], Any] | None = None,
          max_depth: int = MAX_DEPTH) -> Any:
    """The value of the JSON document ``text`` (what ``json.loads`` gives) nested up to ``max_depth``;
    ValueError for what is not one JSON document."""
    if isinstance(text, bytes | bytearray):
        text = text.decode(json.detect_encoding(text))
    stack: list[tuple[Any, str | None]] = []  # open containers, and the key an object's next value goes to
    pos = _SPACE.match(text, 0).end()  # type: ignore[union-attr]  # matches everywhere
    n = len(text)
    while True:
        if pos >= n:
            raise ValueError("JSON document ends early")
        ch = text[pos]
        if ch in _OPEN:
            if len(stack) >= max_depth:
                raise ValueError(f"JSON nested deeper than {max_depth} levels")
            stack.append((_OPEN[ch](), None))
            pos = _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
            if pos < n and text[pos] == ("}" if ch == "{" else "]"):
                value, pos = stack.pop()[0], pos + 1
            elif ch == "{":
                pos = _key(text, pos, stack)
                continue
            else:
                continue
        elif ch == '"':
            value, pos = scanstring(text, pos + 1, True)
        else:
            value, pos = _scalar(text, pos)
        while True:  # place the value; close what it completes
            if isinstance(value, dict) and object_hook is not None:
                value = object_hook(value)
            if not stack:
                if _SPACE.match(text, pos).end() != n:  # type: ignore[union-attr]
                    raise ValueError(f"extra data after the JSON document at {pos}")
                return value
            container, key = stack[-1]
            if key is None:
                container.append(value)
            else:
                container[key] = value
            pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
            closer = "}" if key is not None else "]"
            if pos < n and text[pos] == ",":
                pos = _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
                if key is not None:
                    pos = _key(text, pos, stack)
                break
            if pos < n and text[pos] == closer:
                value, pos = stack.pop()[0], pos + 1
                continue
            raise ValueError(f"expected ',' or {closer!r} at {pos}")


def _key(text: str, pos: int, stack: list[tuple[Any, str | None]]) -> int:
    """Read an object's `"key":` at ``pos`` into the top of ``stack``; where its value starts."""
    if pos >= len(text) or text[pos] != '"':
        raise ValueError(f"expected a key in double quotes at {pos}")
    key, pos = scanstring(text, pos + 1, True)
    pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
    if pos >= len(text) or text[pos] != ":":
        raise ValueError(f"expected ':' at {pos}")
    stack[-1] = (stack[-1][0], key)
    return _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]


def _scalar(text: str, pos: int) -> tuple[Any, int]:
    for word, value in _CONSTANTS.items():
        if text.startswith(word, pos):
            return value, pos + len(word)
    number = _NUMBER.match(text, pos)
    if number is None:
        raise ValueError(f"expected a JSON value at {pos}")
    whole, fraction, exponent = number.groups()
    if fraction or exponent:
        return float(whole + (fraction or "") + (exponent or "")), number.end()
    return int(whole), number.end()


def dumps(value: Any, default: Callable[[Any], Any]) -> str:
    """``json.dumps(value, default=default, ensure_ascii=False)`` at any depth."""
    out: list[str] = []
    todo: list[Any] = [value]  # values to write, and the literal text between them as _Text
    while todo:
        item = todo.pop()
        if isinstance(item, _Text):
            out.append(item)
        elif isinstance(item, str):
            out.append(py_encode_basestring(item))
        elif item is None or isinstance(item, bool | int | float):
            out.append(_scalar_text(item))
        elif isinstance(item, dict):
            parts: list[Any] = [_Text("{")]
            for i, (key, member) in enumerate(item.items()):
                name = key if isinstance(key, str) else _scalar_text(key) if _is_scalar(key) else None
                if name is None:
                    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")
                parts += [_Text((", " if i else "") + py_encode_basestring(name) + ": "), member]
            todo += reversed([*parts, _Text("}")])
        elif isinstance(item, list | tuple):
            parts = [_Text("[")]
            for i, member in enumerate(item):
                parts += [_Text(", "), member] if i else [member]
            todo += reversed([*parts, _Text("]")])
        else:
            todo.append(default(item))
    return "".join(out)


class _Text(str):
    """Literal JSON text between values."""

    __slots__ = ()


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, bool | int | float)


def _scalar_text(value: Any) -> str:
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:
            return "NaN"
        if value in (float("inf"), float("-inf")):
            return "Infinity" if value > 0 else "-Infinity"
        return float.__repr__(value)
    return int.__repr__(value)
