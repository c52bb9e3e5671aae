"""dshell.client: every Docker Engine API operation, driven by the API's own Swagger description.

    import dshell.client as docker
    images = docker.client("images")
    docker.invoke(images, {"op": "ImageList"})
"""

from ._client import Client, categories, client, doc, fetch, invoke, last_response, ops
from ._config import default_conn, load_docker_config
from ._errors import ConnectionError, DockerError, DshellError, ValidationError, VersionError
from ._hijack import HijackedSocket
from ._request import did_you_mean, registry_auth
from ._specs import NEWEST, OLDEST, Operation, Param, SpecIndex, version_key, versions
from ._specs import load as spec
from ._streams import DockerStream, FrameDecoder, JSONDecoder, demux, stream_error
from ._websocket import WebSocket

__all__ = [
    "NEWEST", "OLDEST", "Client", "ConnectionError", "DockerError", "DockerStream", "DshellError", "FrameDecoder",
    "HijackedSocket", "JSONDecoder", "Operation", "Param", "SpecIndex", "ValidationError", "VersionError",
    "WebSocket", "categories", "client", "default_conn", "demux", "did_you_mean", "doc", "fetch", "invoke",
    "last_response", "load_docker_config", "ops", "registry_auth", "spec", "stream_error", "version_key", "versions",
]
