"""Commands about the API and the shell itself: ``doc``, ``ops``, ``categories``, ``help``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dshell._frozen import Record

from ..grammar import arity, command_value, none, one
from . import Command, find, register

if TYPE_CHECKING:
    from dshell.client import SpecIndex

    from ..reply import Reply
    from ..session import Session
    from ..worker import Runner


@command_value
class Doc(Record):
    """``doc Op [--full]``: the op's summary, params and docs URL; ``--full`` adds the upstream prose."""

    op: str
    full: bool = False


@command_value
class Ops(Record):
    """``ops [category]``."""

    category: str | None = None


@command_value
class Categories(Record):
    """``categories``."""


@command_value
class Help(Record):
    """``help [topic]`` where topic is a command or an op."""

    topic: str | None = None


def _spec(session: Session) -> SpecIndex:
    session.wait_ready()
    spec = session.spec_index
    if spec is None:
        session.require_client()
        spec = session.spec_index
    assert spec is not None
    return spec


def _parse_doc(args: list[str], usage: str) -> Doc:
    full = "--full" in args
    rest = [arg for arg in args if arg != "--full"]
    arity(rest, 1, 1, usage)
    return Doc(rest[0], full)


def doc(session: Session, cmd: Doc, run: Runner) -> Reply:
    """The op's doc; with ``--full`` (or the setting ``full_docs on``) the upstream prose, downloaded once."""
    import dshell.client as docker

    from ..reply import Reply
    from ..views import doc_view

    c = session.require_client()
    if not (cmd.full or session.config.full_docs == "on"):
        return Reply(doc_view(docker.doc(c, cmd.op)))
    from ..docs import DownloadError, upstream_folder

    version = run(lambda: c.listing_spec().version)
    try:
        folder, url = run(lambda: upstream_folder(version, session.config.docs_url))
    except DownloadError as exc:  # the structure still shows, under the one line saying why no prose
        return Reply(doc_view(docker.doc(c, cmd.op)), error=str(exc))
    if url:
        session.note(f"downloaded the API {version} descriptions from {url} to {folder} (kept for next time)")
    return Reply(doc_view(docker.doc(c, cmd.op, folder)))


def _ops(session: Session, cmd: Ops, run: Runner) -> Reply:
    from ..reply import Reply
    from ..views import ops_view

    spec = _spec(session)
    if cmd.category and cmd.category not in spec.categories:
        import dshell.client as docker

        hint = docker.did_you_mean(cmd.category, spec.categories) or ": see `categories`"
        raise docker.ValidationError(f"unknown category {cmd.category!r}{hint}")
    return Reply(ops_view(spec, cmd.category))


def _categories(session: Session, cmd: Categories, run: Runner) -> Reply:
    from ..reply import Reply
    from ..views import categories_view

    return Reply(categories_view(_spec(session)))


def _help(session: Session, cmd: Help, run: Runner) -> Reply:
    from ..reply import Reply
    from ..views import help_view

    if cmd.topic is None or find(cmd.topic) is not None:
        return Reply(help_view(cmd.topic))
    if cmd.topic == "docker":
        from ..views import docker_view

        return Reply(docker_view())
    from ..docker.table import commands

    if (docker := commands().get(cmd.topic)) is not None:  # help ps: docker's ps as dshell runs it
        from ..views import docker_command_view

        return Reply(docker_command_view(docker))
    return doc(session, Doc(cmd.topic), run)


register(Command("doc", "doc Op [--full]", "the op's summary, parameters and reference URL; --full downloads the "
                 "upstream descriptions once (setting docs_url; full_docs on: always)", _parse_doc, doc, Doc,
                 at="one", args=("op", "--full")))
register(Command("ops", "ops [category]", "the ops, or those of a category", one(Ops, optional=True), _ops, Ops,
                 at="one", args=("category",)))
register(Command("categories", "categories", "the API's categories", none(Categories), _categories, Categories,
                 at="one"))
register(Command("help", "help [command|Op]", "this help, or an op's doc", one(Help, optional=True), _help, Help,
                 args=("command",)))
