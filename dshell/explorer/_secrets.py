"""What is secret: the API's credential fields, variables whose names look secret, passwords in URLs.

Variable names (`Env` entries, build args, `-e NAME=value`) are matched case-insensitively against glob
patterns: `DEFAULT_NAME_PATTERNS`, and those the `secret_names` setting adds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import cache

from dshell._checking import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

MASK = "***"
# Compared after lower-casing and dropping '-' and '_', so `X-Registry-Auth` and `x_registry_auth` both match.
SECRET_KEYS = frozenset({
    "xregistryauth", "xregistryconfig", "authconfig", "password", "identitytoken", "registrytoken", "auth",
    "jointoken", "jointokens", "unlockkey", "signingcakey", "tlspass",
})
# keys that are secret in the params of some ops only (a config's Data is not a secret, a secret's is)
OP_SECRET_KEYS = {"SecretCreate": frozenset({"data"}), "SecretUpdate": frozenset({"data"})}
ENV_KEY = "env"  # a list of NAME=value strings (normalized key)
ARGV_KEY = "cmd"  # an image's build step: ["|1", "NPM_TOKEN=...", "/bin/sh", "-c", ...]
WORDS_KEY = "createdby"  # ImageHistory's step as one line: "|1 NPM_TOKEN=... /bin/sh -c ..."
BUILD_ARGS_KEY = "buildargs"  # ImageBuild's build args: a JSON object of NAME: value, as a string

DEFAULT_NAME_PATTERNS = ("*PASSWORD*", "*PASSWD*", "*PASSPHRASE*", "*SECRET*", "*TOKEN*", "*KEY*",
                         "*CREDENTIAL*", "*AUTH*")
# scheme://user:PASSWORD@host: the authority ends at the first '/', '?' or '#'; its last '@' ends the password
_URL_PASSWORD = re.compile(r"((?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*://[^/?#\s:@]*:)[^/?#\s]+@")
_ASSIGNMENT = re.compile(r"(?<!\S)([^\s=]+)=(\S*)")  # a NAME=value word
_extra: tuple[str, ...] = ()


def secret_names(extra: Iterable[str] = ()) -> tuple[str, ...]:
    """Set the name patterns added to the defaults (globs such as ``*_PW``; empty: the defaults only); the
    patterns in use."""
    global _extra
    _extra = tuple(p.strip() for p in extra if p.strip())
    return DEFAULT_NAME_PATTERNS + _extra


@cache
def _names(extra: tuple[str, ...]) -> re.Pattern[str]:
    """The patterns as one expression, made when a name is first asked about (not at every start)."""
    from fnmatch import translate

    return re.compile("|".join(translate(p) for p in DEFAULT_NAME_PATTERNS + extra), re.IGNORECASE)


def is_secret_key(key: Any, keys: frozenset[str]) -> bool:
    """Whether an object key names a credential field (of ``keys``, normalized)."""
    return isinstance(key, str) and normalized(key) in keys


def normalized(key: str) -> str:
    """``X-Registry-Auth`` → ``xregistryauth``."""
    return key.lower().replace("-", "").replace("_", "")


def is_secret_name(name: str) -> bool:
    """Whether a variable's name looks secret (``DB_PASSWORD``, ``GITHUB_TOKEN``)."""
    return _names(_extra).match(name) is not None


def mask_urls(text: str) -> str:
    """``text`` with the password of every ``scheme://user:password@`` masked (itself when there is none)."""
    if "://" not in text:
        return text
    return _URL_PASSWORD.sub(lambda m: m[1] + MASK + "@", text)


def mask_words(text: Any) -> Any:
    """A command line (a build step) with the values of its secret ``NAME=value`` words masked, and its URLs'
    passwords (``text`` itself when nothing is masked, or when it is not a string)."""
    if not isinstance(text, str):
        return text
    masked = mask_urls(_ASSIGNMENT.sub(lambda m: f"{m[1]}={MASK}" if is_secret_name(m[1]) else m[0], text))
    return text if masked == text else masked


def mask_assignment(entry: Any) -> Any:
    """A ``NAME=value`` string (or ``--flag=NAME=value``) with the value masked when the name looks secret,
    else its URLs' passwords (``entry`` itself when nothing is masked, or when it is not a string)."""
    if not isinstance(entry, str):
        return entry
    name, eq, rest = entry.partition("=")
    if eq and name.startswith("-"):  # --env=NAME=value, --build-arg=NAME=value
        masked = mask_assignment(rest)
        return entry if masked is rest else f"{name}={masked}"
    if eq and is_secret_name(name):
        return f"{name}={MASK}"
    masked = mask_urls(entry)
    return entry if masked == entry else masked


def mask_env(value: Any) -> Any:
    """An `Env` list with its secret entries masked (``value`` itself when none is)."""
    if not isinstance(value, list | tuple):
        return value
    masked = [mask_assignment(entry) for entry in value]
    return value if all(new is old for new, old in zip(masked, value, strict=True)) else masked


def mask_build_args(value: Any) -> Any:
    """ImageBuild's ``buildargs`` (a JSON object as a string, or the object) with secret values masked."""
    args = value
    if isinstance(value, str):
        try:
            args = json.loads(value)
        except ValueError:
            return mask_urls(value)
    if not isinstance(args, dict):
        return value
    masked = {k: MASK if isinstance(k, str) and is_secret_name(k) else mask_urls(v) if isinstance(v, str) else v
              for k, v in args.items()}
    if masked == args:
        return value
    return json.dumps(masked) if isinstance(value, str) else masked
