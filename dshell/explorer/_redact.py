"""Masking of secrets (registry credentials, auth headers, tokens) before anything is shown or stored."""

from __future__ import annotations

import re
from typing import Any

MASK = "***"
# Compared after lower-casing and dropping '-' and '_', so `X-Registry-Auth` and `x_registry_auth` both match.
_SECRET_KEYS = frozenset({
    "xregistryauth", "xregistryconfig", "authconfig", "password", "identitytoken", "registrytoken", "auth",
    "jointoken", "jointokens", "unlockkey",
})
# keys that are secret in the params of some ops only (a config's Data is not a secret, a secret's is)
_OP_SECRET_KEYS = {"SecretCreate": frozenset({"data"}), "SecretUpdate": frozenset({"data"})}


def _keys(op: str | None) -> frozenset[str]:
    return _SECRET_KEYS | _OP_SECRET_KEYS.get(op or "", frozenset())


def redact(value: Any, op: str | None = None) -> Any:
    """A copy of `value` (params, or a result's data) whose secret values at any depth are '***'; `op` names
    the op whose params these are (SecretCreate's `Data` is masked too)."""
    return _redact(value, _keys(op))


_QUOTED = r'"(?:[^"\\]|\\.)*"|\'[^\']*\''
# `X-Registry-Auth=VALUE` (VALUE quoted, a flat {...}, or a bare word) and `password: VALUE` inside literals;
# each match is masked when its key is a secret one.
_ARG = re.compile(rf"(?<![\w-])([A-Za-z][\w-]*)=({_QUOTED}|\{{[^}}]*\}}|\S+)")
_ENTRY = re.compile(rf"([\"']?)([A-Za-z][\w-]*)\1(\s*:\s*)({_QUOTED}|[^,}}\s]+)")
_TLS_PASS = re.compile(rf"(--tlspass)(=|\s+)({_QUOTED}|\S+)")  # connect's key password
_OP = re.compile(r"\s*(?:[a-z]+\s+)?([A-Z]\w*)")  # the op of `[category] Op ...`


def redact_line(text: str) -> str:
    """An input line with the secrets it spells out replaced by '***' (for command history files)."""
    op = _OP.match(text)
    keys = _keys(op[1] if op else None)
    text = _TLS_PASS.sub(lambda m: f"{m[1]}{m[2]}{MASK}", text)
    text = _ARG.sub(lambda m: f"{m[1]}={MASK}" if _is_secret(m[1], keys) else m[0], text)
    return _ENTRY.sub(lambda m: f"{m[1]}{m[2]}{m[1]}{m[3]}{MASK}" if _is_secret(m[2], keys) else m[0], text)


def _redact(value: Any, keys: frozenset[str]) -> Any:
    if isinstance(value, dict):
        return {key: MASK if _is_secret(key, keys) else _redact(item, keys) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redact(item, keys) for item in value]
    return value


def _is_secret(key: Any, keys: frozenset[str]) -> bool:
    return isinstance(key, str) and key.lower().replace("-", "").replace("_", "") in keys
