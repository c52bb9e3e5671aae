"""dshell.compose: Compose projects as data, run on the Engine API, interchangeable with ``docker compose``.

    import dshell.client as docker, dshell.compose as compose
    c = docker.client()
    p = compose.project(c, ["compose.yaml"])      # or compose.project(c, name="shop"): by its labels alone
    p.up(); p.ps(); p.config(); p.down(volumes=True)
    compose.ls(c)                                 # every project on the engine

Containers, networks and volumes get the labels docker compose gives them, so either tool manages what the
other started. Imports only dshell.client's public face (and PyYAML, lazily); no UI.
"""

from ._attach import Attached
from ._errors import ComposeError
from ._events import Events, event_line
from ._labels import COMPOSE_VERSION
from ._load import Model, load
from ._logs import LogLine, Logs
from ._plan import config_hash
from ._project import Project, ls, ls_on, project
from ._steps import Step, Steps

__all__ = ["COMPOSE_VERSION", "Attached", "ComposeError", "Events", "LogLine", "Logs", "Model", "Project", "Step",
           "Steps", "config_hash", "event_line", "load", "ls", "ls_on", "project"]
