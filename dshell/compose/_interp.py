"""Variables: ``.env`` files read as docker compose reads them, and ``${VAR}`` interpolation in a file's values."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from ._errors import ComposeError

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_LINE = re.compile(rf"^\s*(?:export\s+)?({_NAME})\s*(?:=(.*))?$")


def read_env_file(path: str, env: Mapping[str, str] | None = None) -> dict[str, str]:
    """``KEY=VALUE`` lines of ``path`` (``export`` allowed, ``#`` comments, '' literal, "" with escapes; unquoted
    and double-quoted values see ``${VAR}`` of the lines before and of ``env``, which wins)."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise ComposeError(f"cannot read the env file: {e.strerror}", path) from None
    except UnicodeDecodeError:
        raise ComposeError("the env file is not UTF-8 text", path) from None
    found: dict[str, str] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _LINE.match(line)
        if not match:
            raise ComposeError(f"line {number}: expected KEY=VALUE, got {line.strip()[:60]!r}", path)
        key, raw = match.group(1), (match.group(2) or "").strip()
        seen = {**found, **(env or {})}
        found[key] = _env_value(raw, seen, path, f"line {number}")
    return found


def _env_value(raw: str, seen: Mapping[str, str], file: str, where: str) -> str:
    if raw[:1] == "'":
        end = raw.find("'", 1)
        return raw[1:end] if end > 0 else raw[1:]
    if raw[:1] == '"':
        end = 1
        while end < len(raw) and raw[end] != '"':
            end += 2 if raw[end] == "\\" else 1
        body = raw[1:end]
        body = re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t", "r": "\r"}.get(m.group(1), m.group(1)), body)
        return interpolate_text(body, seen, file, where)
    value = re.split(r"\s+#", raw, maxsplit=1)[0].strip()
    return interpolate_text(value, seen, file, where)


_TOKEN = re.compile(rf"\$(?:(\$)|({_NAME})|\{{)")


def interpolate_text(text: str, env: Mapping[str, str], file: str | None, path: str,
                     missing: Callable[[str], None] | None = None) -> str:
    """``text`` with ``$$`` made ``$`` and ``$VAR``, ``${VAR}``, ``${VAR:-default}``, ``${VAR-default}``,
    ``${VAR:?error}``, ``${VAR?error}``, ``${VAR:+other}``, ``${VAR+other}`` replaced (defaults nest);
    ``missing(name)`` hears of a variable that is not set and has no default (it becomes '')."""
    out: list[str] = []
    pos = 0
    while True:
        match = _TOKEN.search(text, pos)
        if match is None:
            out.append(text[pos:])
            return "".join(out)
        out.append(text[pos:match.start()])
        if match.group(1):
            out.append("$")
            pos = match.end()
        elif match.group(2):
            out.append(_lookup(match.group(2), env, missing))
            pos = match.end()
        else:
            value, pos = _braced(text, match.end(), env, file, path, missing)
            out.append(value)


def _lookup(name: str, env: Mapping[str, str], missing: Callable[[str], None] | None) -> str:
    if name in env:
        return env[name]
    if missing is not None:
        missing(name)
    return ""


def _braced(text: str, start: int, env: Mapping[str, str], file: str | None, path: str,
            missing: Callable[[str], None] | None) -> tuple[str, int]:
    """The value of ``${...}`` whose body starts at ``start``, and the index after its ``}``."""
    name_match = re.compile(_NAME).match(text, start)
    end = _closing(text, start)
    if name_match is None or end < 0:
        shown = text[start - 2:end + 1 if end >= 0 else len(text)]
        raise ComposeError(f"invalid interpolation format {shown!r}: use ${{VAR}}, ${{VAR:-default}} or "
                           "${VAR:?error} ($$ for a literal $)", file, path)
    name = name_match.group(0)
    rest = text[name_match.end():end]
    value = env.get(name)
    if not rest:
        return (value if value is not None else _lookup(name, env, missing)), end + 1
    for op in (":-", ":?", ":+", "-", "?", "+"):
        if rest.startswith(op):
            arg = rest[len(op):]
            break
    else:
        raise ComposeError(f"invalid interpolation format ${{{name}{rest}}}: after the name comes }}, :-, -, :?, ?, "
                           ":+ or +", file, path)
    unset = value is None or (op.startswith(":") and value == "")
    if op in (":-", "-"):
        result = interpolate_text(arg, env, file, path, missing) if unset else value
    elif op in (":+", "+"):
        result = "" if unset else interpolate_text(arg, env, file, path, missing)
    else:
        if unset:
            reason = interpolate_text(arg, env, file, path, missing)
            raise ComposeError(f"required variable {name} is missing a value" + (f": {reason}" if reason else ""),
                               file, path)
        result = value
    return result or "", end + 1


def _closing(text: str, start: int) -> int:
    """The index of the ``}`` closing a ``${`` whose body starts at ``start`` (nested ``${}`` skipped), or -1."""
    depth = 1
    i = start
    while i < len(text):
        if text.startswith("${", i):
            depth += 1
            i += 2
            continue
        if text[i] == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def interpolate(value: Any, env: Mapping[str, str], file: str, path: str = "",
                missing: Callable[[str], None] | None = None) -> Any:
    """Every string in ``value`` (a loaded YAML tree) interpolated; keys are kept as written."""
    if isinstance(value, str):
        return interpolate_text(value, env, file, path, missing)
    if isinstance(value, dict):
        return {k: interpolate(v, env, file, f"{path}.{k}" if path else str(k), missing) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env, file, f"{path}[{n}]", missing) for n, v in enumerate(value)]
    return value
