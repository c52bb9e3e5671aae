"""``cp SRC DST``: docker cp between a local path and ``CONTAINER:PATH``, in either direction.

Into a container: ContainerArchiveInfo (does the destination exist, is it a folder?), then PutContainerArchive
with the source packed as it is sent (``-``: a tar from stdin). Out of one: ContainerArchive, unpacked as it
arrives (``-``: the tar to stdout). docker cp's rules (``dshell.client._copy``) decide the names; each op is a
stored result.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from dshell.client._copy import (
    CopyError,
    Info,
    local_info,
    normal,
    path_stat,
    place,
    split_entry,
    stat_is_dir,
    stat_link,
)
from dshell.client._tarstream import Unpacked, pack, rebaser, unpack

from ..commands import usage

if TYPE_CHECKING:
    from dshell.client import DockerStream

    from ..commands.workflows import Workflow
    from ..reply import Reply
    from ..session import Session
    from ..worker import Runner
    from .steps import Steps

USAGE = usage("cp")


def split_arg(arg: str) -> tuple[str | None, str]:
    """``web:/etc`` → ("web", "/etc"); a local path → (None, path) (an absolute or ``./`` path is local even
    with a colon in it, as in docker cp)."""
    if arg.startswith(("/", ".")):
        return None, arg
    container, sep, path = arg.partition(":")
    return (container, path) if sep and container else (None, arg)


def _local(path: str) -> str:
    """An absolute local path with its trailing ``/`` or ``/.`` kept."""
    expanded = os.path.expanduser(path)
    return normal(os.path.join(os.getcwd(), expanded) if not os.path.isabs(expanded) else expanded)


def _size(n: int) -> str:
    """``512 B``, ``1.5 MB``: sizes as docker cp reports them (powers of 1000)."""
    if n < 1000:
        return f"{n} B"
    value = float(n)
    for unit in ("kB", "MB", "GB"):
        value /= 1000
        if value < 1000:
            return f"{value:.1f} {unit}"
    return f"{value:.1f} GB"


def _container_info(steps: Steps, container: str, path: str) -> Info | None:
    """The destination in the container (a symlink followed once), or None when ContainerArchiveInfo failed
    for another reason than a missing path (its stored result says why)."""
    for _ in range(2):
        found = steps.pipe("ContainerArchiveInfo", {"id": container, "path": path}, lambda s: path_stat(s.headers))
        if found.failed:
            missing = found.status == 404 and "container" not in str(found.error).lower()
            return Info(path) if missing else None
        link = stat_link(found.data)
        if link is None:
            return Info(path, True, stat_is_dir(found.data))
        path = link if link.startswith("/") else os.path.join(os.path.dirname(path.rstrip("/")), link)
    return Info(path, True, False)


@dataclass(frozen=True)
class CpOptions:
    """docker cp's flags: ``-a`` keeps uid/gid in the container, ``-L`` follows a symlink given as SRC."""

    archive: bool = False
    follow: bool = False


_FLAGS = {"-a": "archive", "--archive": "archive", "-L": "follow", "--follow-link": "follow"}


def parse_cp(args: Sequence[str]) -> tuple[CpOptions, list[str]]:
    """(the flags, SRC and DST); ValueError (one line) when wrong."""
    flags: dict[str, bool] = {}
    words = list(args)
    while words and words[0].startswith("-") and words[0] != "-":
        word = words.pop(0)
        letters = [f"-{ch}" for ch in word[1:]] if not word.startswith("--") else [word]
        for flag in letters:
            if flag not in _FLAGS:
                raise ValueError(f"unknown option {word!r}: usage: {USAGE}")
            flags[_FLAGS[flag]] = True
    if len(words) != 2:
        raise ValueError(f"usage: {USAGE}")
    return CpOptions(**flags), words


def copy_in(steps: Steps, src: str, container: str, dst: str,
            opts: CpOptions = CpOptions()) -> tuple[Any, str | None]:  # noqa: B008 - a frozen default
    """Local ``src`` into ``container:dst``: (what was sent, an error)."""
    from ..bodies import Sent

    if src == "-":
        return _stdin_in(steps, container, dst)
    local = _local(src)
    root = local[:-2] if local.endswith("/.") else local.rstrip("/") or "/"
    if not os.path.lexists(root):
        return None, f"no such local file or folder: {src}"
    trailing = root != local  # SRC/ or SRC/. : a folder is meant
    if opts.follow and os.path.islink(root):
        root = os.path.realpath(root)  # sent under the link's name, as docker cp -L does
    is_dir = os.path.isdir(root) and not os.path.islink(root)
    if not is_dir and trailing:
        return None, f"not a directory: {src} (drop the trailing '/' or '/.')"
    src_info = Info(local, True, is_dir)
    dst_info = _container_info(steps, container, normal(dst))
    if dst_info is None:
        return None, f"cp stopped: ContainerArchiveInfo failed (_{steps.results[-1].n})"
    placement = place(src_info, dst_info, f"{container}:")
    base = os.path.basename(local.rstrip("/")) if not local.endswith("/.") else "."
    name = placement.rebase(base) if placement.rebase else base
    chunks = pack(root, "" if name == "." else name)
    body = Sent(src, chunks)
    params: dict[str, Any] = {"id": container, "path": placement.into, "inputStream": body}
    if opts.archive:
        params["copyUIDGID"] = "true"
    put = steps.call("PutContainerArchive", params)
    if put.failed:
        return None, f"cp stopped: PutContainerArchive failed (_{put.n})"
    return {"to": f"{container}:{placement.into}", "from": local}, None


def _stdin_in(steps: Steps, container: str, dst: str) -> tuple[Any, str | None]:
    """``cp - CONTAINER:DIR``: a tar read from stdin, extracted into the folder DIR (as docker cp does)."""
    from ..bodies import local_value
    from ..values import LocalPath

    dst_info = _container_info(steps, container, normal(dst))
    if dst_info is None:
        return None, f"cp stopped: ContainerArchiveInfo failed (_{steps.results[-1].n})"
    if not dst_info.is_dir:
        return None, f'destination "{container}:{dst}" must be a directory (cp - reads a tar)'
    put = steps.call("PutContainerArchive", {"id": container, "path": dst_info.path,
                                             "inputStream": local_value(LocalPath("-"))})
    if put.failed:
        return None, f"cp stopped: PutContainerArchive failed (_{put.n})"
    return {"to": f"{container}:{dst_info.path}", "from": "-"}, None


def _followed(steps: Steps, container: str, source: str) -> tuple[str, Callable[[str], str] | None]:
    """``-L`` out of a container: the path a symlink SRC points to, and the renaming of its entries back to
    SRC's name (ContainerArchiveInfo tells)."""
    found = steps.pipe("ContainerArchiveInfo", {"id": container, "path": source}, lambda s: path_stat(s.headers))
    link = stat_link(found.data) if not found.failed else None
    if link is None:
        return source, None
    target = link if link.startswith("/") else os.path.join(split_entry(source)[0], link)
    return target, rebaser(split_entry(target)[1], split_entry(source)[1])


def copy_out(steps: Steps, container: str, src: str, dst: str,
             opts: CpOptions = CpOptions()) -> tuple[Any, str | None]:  # noqa: B008 - a frozen default
    """``container:src`` to local ``dst`` (``-``: the tar itself to stdout): (what was written, an error)."""
    source = normal(src)
    archived, back = _followed(steps, container, source) if opts.follow else (source, None)
    if dst == "-":
        def to_stdout(stream: DockerStream) -> dict[str, Any]:
            total = 0
            for piece in stream.chunks():
                sys.stdout.buffer.write(piece)
                total += len(piece)
            sys.stdout.buffer.flush()
            return {"stat": path_stat(stream.headers), "bytes": total}
        got = steps.pipe("ContainerArchive", {"id": container, "path": archived}, to_stdout)
        return (got.data, None) if not got.failed else (None, f"cp stopped: ContainerArchive failed (_{got.n})")
    target = _local(dst)
    dst_info = local_info(target)

    def unpack_here(stream: DockerStream) -> dict[str, Any]:
        st = path_stat(stream.headers)
        placement = place(Info(source, True, stat_is_dir(st)), dst_info)
        done: Unpacked = unpack(stream, placement.into, _chain(back, placement.rebase))
        return {"stat": st, "into": placement.into, "files": done.files, "bytes": done.size}

    got = steps.pipe("ContainerArchive", {"id": container, "path": archived}, unpack_here)
    if got.failed:
        return None, f"cp stopped: ContainerArchive failed (_{got.n}): {got.error}"
    return got.data, None


def _chain(first: Callable[[str], str] | None, then: Callable[[str], str] | None) -> Callable[[str], str] | None:
    """Two renamings of entries one after the other (either may be None)."""
    if first is None or then is None:
        return first or then
    return lambda name: then(first(name))


def _to_stderr(body: Any) -> None:
    from rich.console import Console

    Console(stderr=True, soft_wrap=True).print(body)


def command(session: Session, cmd: Workflow, run: Runner) -> Reply:
    """``cp SRC DST`` at the prompt (or in ``-c``)."""
    from ..reply import Reply
    from .steps import Steps

    try:
        opts, (src_arg, dst_arg) = parse_cp(cmd.args)
    except ValueError as exc:
        return Reply(error=str(exc))
    (src_ctr, src), (dst_ctr, dst) = split_arg(src_arg), split_arg(dst_arg)
    if (src_ctr is None) == (dst_ctr is None):
        both = "copying between containers is not supported" if src_ctr else "one side must be CONTAINER:PATH"
        return Reply(error=f"cp: {both}: usage: {USAGE}")
    steps = Steps(session, run)
    said = session.say
    if dst_ctr is None and dst == "-":
        session.say = _to_stderr  # stdout carries the archive
    try:
        if dst_ctr is not None:
            data, error = copy_in(steps, src, dst_ctr, dst, opts)
        else:
            assert src_ctr is not None
            data, error = copy_out(steps, src_ctr, src, dst, opts)
    except CopyError as exc:
        data, error = None, str(exc)
    finally:
        session.say = said
    result = steps.keep("cp", {"src": src_arg, "dst": dst_arg, **asdict(opts)}, {**(data or {}), "ops": steps.refs()},
                        error)
    if error:
        return Reply(error=error, result=result)
    if dst_ctr is not None:
        return Reply(result=result, note=f"copied {src_arg} to {dst_arg}  (_{result.n})")
    if dst == "-":
        return Reply(result=result)
    entries = f"{data['files']} {'entry' if data['files'] == 1 else 'entries'}"
    return Reply(result=result, note=f"copied {src_arg} to {dst_arg}: {_size(int(data['bytes']))} in {entries}  "
                                     f"(_{result.n})")
