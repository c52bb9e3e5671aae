"""Workflow commands: ``run``, ``cp``, ``build``, ``login``, ``logout`` — short, visible compositions of ops, each
op's outcome stored (``shell.workflows``: a module each, loaded when first run)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from dshell._frozen import Record

from ..grammar import command_value
from . import Command, register

if TYPE_CHECKING:
    from ..reply import Reply
    from ..session import Session
    from ..worker import Runner


@command_value
class Workflow(Record):
    """A workflow command (``verb``) with its words as typed; its module reads them with the docker CLI's
    rules for that command."""

    verb: str
    args: tuple[str, ...] = ()


def _words(verb: str) -> Any:
    return lambda args, usage: Workflow(verb, tuple(args))


def _module(path: str) -> Any:
    """The run function of the workflow module ``path`` (imported on first use)."""
    def run(session: Session, cmd: Workflow, runner: Runner) -> Reply:
        reply: Reply = importlib.import_module(path).command(session, cmd, runner)
        return reply
    return run


_W = "dshell.shell.workflows."
for _name, _usage, _summary, _at, _args in (
    ("run", "run [-d] [-i] [-t] [--rm] [--name N] [-e K=V] [-p [IP:]HOST:PORT] [-v SRC:DST] [...] IMAGE [CMD ...]",
     "create and start a container like docker run (ImageCreate, ContainerCreate, ContainerStart, "
     "ContainerAttach); --dry-run shows the body", "one", ("run",)),
    ("cp", "cp [-a] [-L] SRC DST", "copy between a local path and CONTAINER:PATH either way, as docker cp "
     "(ContainerArchiveInfo, PutContainerArchive / ContainerArchive); SRC/. copies a folder's contents, - is a tar "
     "on stdin or stdout", "one", ("path", "path")),
    ("build", "build [-t TAG] [-f FILE] [--build-arg K=V] [--target T] [--platform P] [--label K=V] [--pull] "
     "[--no-cache] [--network N] [--add-host H:IP] [--secret id=ID,src=F|env=V] [--ssh default|ID=SOCK|ID=KEY] "
     "[-o type=local|tar,dest=D] [--cache-from IMG] [--cache-to type=inline] [--iidfile F] [-q] "
     "[--progress auto|plain|quiet|rawjson] [--builder classic] DIR",
     "build an image from the folder DIR as docker build does: BuildKit (over a session of dshell's own), or the "
     "classic builder (ImageBuild; .dockerignore applies)", "one", ("folder",)),
    ("login", "login [-u USER] [-p PASSWORD | --password-stdin] [REGISTRY]",
     "check a registry login (SystemAuth) and store it where the docker CLI does", "one", ()),
    ("logout", "logout [REGISTRY]", "forget a registry login (as docker logout)", "", ()),
):
    register(Command(_name, _usage, _summary, _words(_name), _module(_W + ("login" if _name == "logout" else _name)),
                     Workflow, at=_at, args=_args))  # type: ignore[arg-type]
