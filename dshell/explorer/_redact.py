"""Masking of secrets in call parameters before they are shown or stored."""

from __future__ import annotations

from typing import Any

MASK = "***"
# Compared after lower-casing and dropping '-' and '_', so `X-Registry-Auth` and `x_registry_auth` both match.
_SECRET_KEYS = frozenset(
    {"xregistryauth", "xregistryconfig", "authconfig", "password", "identitytoken", "registrytoken", "auth"}
)


def redact(params: dict[str, Any]) -> dict[str, Any]:
    """A copy of `params` whose secret values (at any depth) are replaced by '***'."""
    return _redact(params)


def _redact(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: MASK if _is_secret(key) else _redact(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redact(item) for item in value]
    return value


def _is_secret(key: Any) -> bool:
    return isinstance(key, str) and key.lower().replace("-", "").replace("_", "") in _SECRET_KEYS
