"""Masking of secrets (registry credentials, auth headers, tokens) before anything is shown or stored."""

from __future__ import annotations

import re
from typing import Any

MASK = "***"
# Compared after lower-casing and dropping '-' and '_', so `X-Registry-Auth` and `x_registry_auth` both match.
_SECRET_KEYS = frozenset(
    {"xregistryauth", "xregistryconfig", "authconfig", "password", "identitytoken", "registrytoken", "auth"}
)


def redact(value: Any) -> Any:
    """A copy of `value` (params, or a result's data) whose secret values at any depth are '***'."""
    return _redact(value)


_QUOTED = r'"(?:[^"\\]|\\.)*"|\'[^\']*\''
# `X-Registry-Auth=VALUE` (VALUE quoted, a flat {...}, or a bare word) and `password: VALUE` inside literals.
_HEADER_ARG = re.compile(rf"(?i)\b(x-registry-auth|x-registry-config|authconfig)=({_QUOTED}|\{{[^}}]*\}}|\S+)")
_SECRET_ENTRY = re.compile(
    rf"(?i)([\"']?(?:password|identitytoken|registrytoken|auth)[\"']?\s*:\s*)({_QUOTED}|[^,}}\s]+)")


def redact_line(text: str) -> str:
    """An input line with the secrets it spells out replaced by '***' (for command history files)."""
    text = _HEADER_ARG.sub(lambda m: f"{m[1]}={MASK}", text)
    return _SECRET_ENTRY.sub(lambda m: f"{m[1]}{MASK}", text)


def _redact(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: MASK if _is_secret(key) else _redact(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redact(item) for item in value]
    return value


def _is_secret(key: Any) -> bool:
    return isinstance(key, str) and key.lower().replace("-", "").replace("_", "") in _SECRET_KEYS
