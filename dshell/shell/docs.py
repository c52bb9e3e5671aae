"""The upstream API description (with the prose the packaged specs leave out) for ``doc OP --full``:
downloaded once per version from the ``docs_url`` setting into the cache, read from there afterwards."""

from __future__ import annotations

import contextlib
import os
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

DEFAULT_URL = "https://docs.docker.com/reference/api/engine/version/{version}.yaml"
TIMEOUT = 30.0  # seconds for the whole download to start answering


class DownloadError(Exception):
    """The description file could not be downloaded; the message is one line."""


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/dshell/upstream`` (default ``~/.cache/dshell/upstream``)."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    return root / "dshell" / "upstream"


def url_for(template: str, version: str) -> str:
    """The URL of ``version``'s file: ``{version}`` in ``template`` replaced (``v1.41``)."""
    return template.replace("{version}", version)


def upstream_folder(version: str, template: str = DEFAULT_URL) -> tuple[str, str | None]:
    """The folder holding ``version``'s upstream file, downloading it first when missing; and the URL it
    came from when this call downloaded it (None when it was cached). Raises DownloadError."""
    folder = cache_dir()
    target = folder / f"{version}.yaml"
    if target.is_file():
        return str(folder), None
    url = url_for(template, version)
    if not url.startswith(("http://", "https://", "file://")):
        raise DownloadError(f"docs_url must be an http(s) URL with {{version}} in it; got {template!r}")
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as answer:  # noqa: S310 - checked scheme above
            data = answer.read()
    except urllib.error.HTTPError as exc:
        raise DownloadError(f"could not download the API {version} descriptions from {url}: "
                            f"HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise DownloadError(f"could not download the API {version} descriptions from {url}: {reason}") from None
    if not data.lstrip().startswith((b"swagger", b"openapi", b"#", b"{")) or b"paths" not in data:
        raise DownloadError(f"{url} did not answer with an API description (set docs_url to where the "
                            "vX.YY.yaml files are)")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{version}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return str(folder), url
