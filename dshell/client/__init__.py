"""dshell.client: every Docker Engine API operation, driven by the API's own Swagger description.

    import dshell.client as docker
    images = docker.client("images")
    docker.invoke(images, {"op": "ImageList"})          # the data
    docker.call(images, {"op": "ImageList"}).status     # the Outcome: status, headers, elapsed, data, error
"""

from __future__ import annotations

from dshell._checking import TYPE_CHECKING

from ._client import Client, call, categories, client, doc, fetch, fetch_outcome, invoke, ops
from ._config import context_conn, contexts, default_conn, load_docker_config
from ._endpoint import key_needs_password
from ._errors import ConnectionError as ConnectionError  # the alias, kept out of __all__ (see below)
from ._errors import DockerConnectionError, DockerError, DshellError, LocalFileError, ValidationError, VersionError
from ._fanout import FanoutInterrupted, FanoutRequest, fanout
from ._hijack import HijackedSocket
from ._http11 import ProtocolError
from ._request import did_you_mean, registry_auth
from ._response import Outcome
from ._specs import NEWEST, OLDEST, Operation, Param, SpecIndex, version_key, versions
from ._specs import load as spec
from ._streams import DockerStream, FrameDecoder, JSONDecoder, demux, stream_error
from ._websocket import WebSocket

if TYPE_CHECKING:
    from typing import Any

    from ._seam import MockRequest, MockResponse, MockTransport, Transport

_LAZY = {"MockRequest", "MockResponse", "MockTransport", "Transport"}  # the test seam, loaded when asked for


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from . import _seam

        return getattr(_seam, name)
    raise AttributeError(f"module 'dshell.client' has no attribute {name!r}")

# ``ConnectionError`` (an alias of DockerConnectionError) stays an attribute only: a star import must not
# shadow the builtin.
__all__ = [
    "NEWEST", "OLDEST", "Client", "DockerConnectionError", "DockerError", "DockerStream", "DshellError",
    "FanoutInterrupted", "FanoutRequest", "FrameDecoder", "HijackedSocket", "JSONDecoder", "LocalFileError",
    "MockRequest", "MockResponse", "MockTransport", "Operation", "Outcome", "Param", "ProtocolError", "SpecIndex",
    "Transport", "ValidationError", "VersionError",
    "WebSocket", "call", "categories", "client", "context_conn", "contexts", "default_conn", "demux", "did_you_mean",
    "doc", "fanout", "fetch", "fetch_outcome", "invoke", "key_needs_password", "load_docker_config", "ops",
    "registry_auth", "spec", "stream_error", "version_key", "versions",
]
