"""The exceptions the engine raises."""

from __future__ import annotations

import builtins

from dshell._checking import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any


class DshellError(Exception):
    """Base of every error raised by dshell.client."""


class ValidationError(DshellError, ValueError):
    """A request that does not fit the spec: nothing was sent."""


class LocalFileError(DshellError):
    """A local file or folder being sent (a build context, a cp source, an @path body) could not be read."""


class VersionError(DshellError):
    """An API version dshell has no spec for."""


class DockerConnectionError(DshellError, builtins.ConnectionError):
    """The daemon could not be reached, or the connection broke (an OSError, as the builtin's kin)."""


ConnectionError = DockerConnectionError  # noqa: A001 - ``docker.ConnectionError``, kept out of ``__all__``


class DockerError(DshellError):
    """The daemon answered with an error: ``status``, its ``message``, the ``op`` and the parsed ``body``."""

    def __init__(self, status: int, message: str, op: str | None = None, body: Any = None) -> None:
        super().__init__(f"{status} {message}" if status else message)
        self.status = status
        self.message = message
        self.op = op
        self.body = body

    def __reduce__(self) -> tuple[type[DockerError], tuple[int, str, str | None, Any]]:
        """Made again from its fields (copy, deepcopy, pickle: an exception's default uses ``args``)."""
        return type(self), (self.status, self.message, self.op, self.body)
