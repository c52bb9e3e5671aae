"""Python values in ``%docker`` input: ``$name`` and ``{expr}``, as IPython expands them in magics.

A ``$name`` or ``{expr}`` that is a whole value of an op or a stream (``id=$cid``, ``{cfg}``) passes the
Python value itself, written as a JSON literal so that strings with spaces, numbers, lists and dicts arrive as
they are; inside a longer word (``name=web-{i}``), and in the words of built-in commands (``save _3 {path}``),
it is inserted as text. As in IPython, what cannot be evaluated stays as typed,
so YAML and JSON literals like ``{Image: busybox}`` pass through. In a cell body, a scalar ``$name`` is
replaced by the value.
"""

from __future__ import annotations

import json
import re
from pathlib import PurePath
from typing import Any

from IPython.utils.text import DollarFormatter

from dshell.shell.commands import find
from dshell.shell.values import parse_scalar
from dshell.shell.words import name_value, scan

_FORMATTER = DollarFormatter()
_BODY_VAR = re.compile(r"\$([A-Za-z_][\w.]*)")
_PLAIN = re.compile(r"[\w.:/@+-]+")


def _whole_field(text: str) -> str | None:
    """The expression when ``text`` is exactly one ``$name`` or ``{expr}``, else None."""
    try:
        parsed: list[tuple[str, str | None, str | None, str | None]] = list(_FORMATTER.parse(text))
        parts = [p for p in parsed if p != ("", None, None, None)]
    except ValueError:
        return None
    if len(parts) == 1 and parts[0][0] == "" and parts[0][1] and not parts[0][2] and parts[0][3] is None:
        return parts[0][1]
    return None


def _literal(value: Any) -> str:
    """``value`` as a literal that reads back as itself: a plain word when it is one, a ``pathlib`` path as
    ``@path`` (a local file or folder to send), else JSON."""
    if isinstance(value, PurePath):
        text = str(value)
        return f"@{text}" if _PLAIN.fullmatch(text) else f"@{json.dumps(text)}"
    if isinstance(value, str) and _PLAIN.fullmatch(value) and parse_scalar(value) == value:
        return value
    return json.dumps(value, default=str)


def _value(text: str, ns: dict[str, Any], typed: bool = False) -> str:
    if "$" not in text and "{" not in text:
        return text
    expr = _whole_field(text) if typed else None
    try:
        if expr is not None:
            return _literal(eval(expr, ns))  # noqa: S307 - the user's own namespace, as IPython does
        return _FORMATTER.vformat(text, args=[], kwargs=ns)
    except Exception:  # noqa: BLE001 - as IPython: what cannot be expanded stays as typed
        return text


def _word(text: str, ns: dict[str, Any], typed: bool) -> str:
    pair = name_value(text)
    if pair:
        return f"{pair[0]}={_value(pair[1], ns, typed)}"
    return _value(text, ns, typed)


def expand_line(line: str, ns: dict[str, Any]) -> str:
    """``line`` with each word's Python references replaced (a query after ``|`` is expanded as text)."""
    found = scan(line)
    head = found.words[0].text if found.words else ""
    declared = find(head)
    typed = declared is None or declared.at == "several"  # an op's words, or a pane command's (op words too)
    out, pos = [], 0
    for w in found.words:
        out += [line[pos:w.start], _word(w.text, ns, typed)]
        pos = w.end
    rest = line[pos:]
    if found.pipe is not None:
        cut = found.pipe - pos + 1
        rest = rest[:cut] + _value(rest[cut:], ns)
    return "".join(out) + rest


def expand_body(value: Any, ns: dict[str, Any]) -> Any:
    """A parsed body with every string that is exactly ``$name`` replaced by that Python value."""
    if isinstance(value, dict):
        return {k: expand_body(v, ns) for k, v in value.items()}
    if isinstance(value, list):
        return [expand_body(v, ns) for v in value]
    if isinstance(value, str) and (m := _BODY_VAR.fullmatch(value)):
        try:
            return eval(m[1], ns)  # noqa: S307 - the user's own namespace
        except Exception:  # noqa: BLE001 - stays as typed, as in the line
            return value
    return value
