"""dshell.buildkit: BuildKit builds with a session of dshell's own (the engine side: no UI).

``build(client, Path("ctx"), {"t": "app:1"})`` runs ImageBuild ``version=2`` with the context, Dockerfile,
secrets, SSH agents and ``-o`` exports served over the build's session; ``progress`` decodes what the daemon
reports. HTTP/2 (``h2``) is imported when a session opens.
"""

from .build import Build, build, buildkit_enabled, parse_output, parse_secret, parse_ssh
from .progress import Progress, Step, decode_status, event, plain_lines

__all__ = ["Build", "Progress", "Step", "build", "buildkit_enabled", "decode_status", "event", "parse_output",
           "parse_secret", "parse_ssh", "plain_lines"]
