"""Tar streams packed and unpacked as they go, build contexts, and docker cp's path rules (no daemon)."""

from __future__ import annotations

import io
import os
import tarfile
from pathlib import Path

import pytest

from dshell.client._context import build_context, local_bodies
from dshell.client._copy import CopyError, Info, keep_trailing, place, split_entry
from dshell.client._tarstream import CHUNK, UnsafeEntry, pack, rebaser, unpack


def _tree(root: Path) -> Path:
    (root / "sub" / "deep").mkdir(parents=True)
    (root / "empty").mkdir()
    (root / "a.txt").write_bytes(b"alpha\n")
    (root / "sub" / "big.bin").write_bytes(os.urandom(3 * CHUNK + 17))
    (root / "sub" / "deep" / "run.sh").write_text("#!/bin/sh\necho hi\n")
    (root / "sub" / "deep" / "run.sh").chmod(0o755)
    (root / "link").symlink_to("sub/deep/run.sh")
    (root / "abs-link").symlink_to("/etc/hostname")
    os.link(root / "a.txt", root / "hard.txt")
    (root / "empty").chmod(0o700)
    os.utime(root / "a.txt", (1_000_000_000, 1_000_000_000))
    return root


def _listing(root: Path) -> dict[str, tuple[int, bytes | str | None, int]]:
    out = {}
    for dirpath, dirs, files in os.walk(root):
        for name in dirs + files:
            p = Path(dirpath, name)
            st = p.lstat()
            content: bytes | str | None = os.readlink(p) if p.is_symlink() else p.read_bytes() if p.is_file() else None
            out[str(p.relative_to(root))] = (st.st_mode, content, int(st.st_mtime) if not p.is_symlink() else 0)
    return out


def _stream(chunks: object) -> io.BytesIO:
    return io.BytesIO(b"".join(chunks))  # type: ignore[call-overload]


def test_a_folder_round_trips_with_modes_symlinks_and_times(tmp_path: Path) -> None:
    src = _tree(tmp_path / "src")
    (tmp_path / "dst").mkdir()
    done = unpack(_stream(pack(src, "")), tmp_path / "dst")
    assert _listing(tmp_path / "dst") == _listing(src)
    assert done.size == len("alpha\n") + (3 * CHUNK + 17) + len("#!/bin/sh\necho hi\n")  # the hard link: no data
    assert os.path.samefile(tmp_path / "dst" / "a.txt", tmp_path / "dst" / "hard.txt")


def test_pack_names_entries_under_the_given_name_and_never_buffers_a_whole_file(tmp_path: Path) -> None:
    src = _tree(tmp_path / "src")
    pieces = list(pack(src, "app"))
    assert max(len(p) for p in pieces) <= CHUNK + 4 * tarfile.BLOCKSIZE
    with tarfile.open(fileobj=io.BytesIO(b"".join(pieces))) as tar:
        names = tar.getnames()
    assert names[0] == "app" and "app/sub/deep/run.sh" in names and all(n.startswith("app") for n in names)


@pytest.mark.parametrize("name", ["../evil", "a/../../evil", "/etc/evil"])
def test_entries_escaping_the_destination_are_refused(tmp_path: Path, name: str) -> None:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        info = tarfile.TarInfo(name)
        info.size = 3
        tar.addfile(info, io.BytesIO(b"bad"))
    buf.seek(0)
    (tmp_path / "dst").mkdir()
    with pytest.raises(UnsafeEntry, match="refused tar entry") as err:
        unpack(buf, tmp_path / "dst")
    assert "\n" not in str(err.value)
    assert not (tmp_path / "evil").exists()


def test_a_symlink_cannot_carry_a_later_entry_outside(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        link = tarfile.TarInfo("door")
        link.type, link.linkname = tarfile.SYMTYPE, str(outside)
        tar.addfile(link)
        info = tarfile.TarInfo("door/planted")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"bad"))
    buf.seek(0)
    (tmp_path / "dst").mkdir()
    with pytest.raises(UnsafeEntry, match="symlink"):
        unpack(buf, tmp_path / "dst")
    assert not (outside / "planted").exists()


def _entry(name: str, kind: bytes = tarfile.REGTYPE, link: str = "", data: bytes = b"",
           mode: int = 0o777) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.type, info.linkname, info.size, info.mode, info.mtime = kind, link, len(data), mode, 12345
    return info, data


def _tar(*entries: tuple[tarfile.TarInfo, bytes]) -> io.BytesIO:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for info, data in entries:
            tar.addfile(info, io.BytesIO(data) if info.isfile() else None)
    buf.seek(0)
    return buf


@pytest.mark.parametrize("kind", ["symlink", "hardlink-to-symlink", "hardlink-to-file", "file", "dir", "fifo"])
def test_no_entry_type_reaches_a_host_file_through_a_link(tmp_path: Path, kind: str) -> None:
    # a hostile archive (a container's or a daemon's): a symlink to a host file, then an entry of each type
    # that names it; before, a hard link to the symlink linked the host file and chmod/utime followed the link
    victim = tmp_path / "victim"
    victim.write_bytes(b"secret\n")
    victim.chmod(0o600)
    os.utime(victim, (1_000_000_000, 1_000_000_000))
    before = victim.stat()
    door = _entry("x/s", tarfile.SYMTYPE, str(victim))
    other = {"symlink": _entry("x/t", tarfile.SYMTYPE, str(victim)),
             "hardlink-to-symlink": _entry("x/h", tarfile.LNKTYPE, "x/s"),
             "hardlink-to-file": _entry("x/h", tarfile.LNKTYPE, "x/f"),
             "file": _entry("x/f2", data=b"mine"),
             "dir": _entry("x/d", tarfile.DIRTYPE),
             "fifo": _entry("x/p", tarfile.FIFOTYPE)}[kind]
    dst = tmp_path / "dst"
    dst.mkdir()
    unpack(_tar(_entry("x", tarfile.DIRTYPE, mode=0o755), _entry("x/f", data=b"file"), door, other), dst)
    after = victim.stat()
    assert (after.st_mode, after.st_mtime, after.st_nlink, victim.read_bytes()) == \
        (before.st_mode, before.st_mtime, 1, b"secret\n")
    assert os.readlink(dst / "x" / "s") == str(victim)
    if kind == "hardlink-to-symlink":  # the symlink itself is linked, as docker does
        assert os.readlink(dst / "x" / "h") == str(victim)
        assert (dst / "x" / "h").lstat().st_ino == (dst / "x" / "s").lstat().st_ino
    written = {"hardlink-to-file": "x/h", "file": "x/f2", "dir": "x/d", "fifo": "x/p"}.get(kind)
    if written:  # what is not a link still gets the entry's mode and time
        st = (dst / written).lstat()
        assert (st.st_mode & 0o7777, int(st.st_mtime)) == (0o777, 12345)


def test_a_dot_entry_leaves_the_destination_as_it_is(tmp_path: Path) -> None:
    # cp CTR:/app/. ~ : the archive's "./" is the destination itself; docker skips it (a 0700 home stays 0700)
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(0o700)
    unpack(_tar(_entry(".", tarfile.DIRTYPE), _entry("./g", data=b"y")), home)
    assert (home.stat().st_mode & 0o7777, (home / "g").read_bytes()) == (0o700, b"y")


def test_rebaser_moves_only_the_base_and_its_children() -> None:
    r = rebaser("src", "dst")
    assert [r(n) for n in ("src", "src/a", "srcx/a", "other")] == ["dst", "dst/a", "srcx/a", "other"]
    dot = rebaser(".", "new")
    assert [dot(n) for n in (".", "./a")] == ["new", "new/a"]


@pytest.mark.parametrize(("path", "expected"), [
    ("a/b", ("a", "b")), ("a/b/", ("a", "b")), ("a/b/.", ("a/b", ".")), (".", (".", ".")), ("/x", ("/", "x")),
    ("b", (".", "b")),
])
def test_split_entry(path: str, expected: tuple[str, str]) -> None:
    assert split_entry(path) == expected


def test_keep_trailing() -> None:
    assert keep_trailing("a/b", "a/b/.") == "a/b/."
    assert keep_trailing("a/b", "a/b/") == "a/b/"
    assert keep_trailing("a/b", "a/b") == "a/b"


def test_place_follows_docker_cp_rules() -> None:
    file, folder = Info("/x/f.txt", True, False), Info("/x/dir", True, True)
    contents = Info("/x/dir/.", True, True)
    into_dir = place(file, Info("/tmp", True, True))
    assert into_dir.into == "/tmp" and into_dir.rebase is None
    renamed = place(file, Info("/tmp/new.txt"))
    assert renamed.into == "/tmp" and renamed.rebase is not None and renamed.rebase("f.txt") == "new.txt"
    made = place(folder, Info("/tmp/newdir"))
    assert made.into == "/tmp" and made.rebase is not None and made.rebase("dir/a") == "newdir/a"
    dot = place(contents, Info("/tmp/newdir"))
    assert dot.rebase is not None and dot.rebase("./a") == "newdir/a"
    with pytest.raises(CopyError, match="directory onto the file"):
        place(folder, Info("/tmp/f", True, False))
    with pytest.raises(CopyError, match="no such directory"):
        place(file, Info("/tmp/nodir/"))


def test_build_context_applies_dockerignore_and_keeps_the_build_files(tmp_path: Path) -> None:
    ctx = tmp_path / "ctx"
    (ctx / "docs").mkdir(parents=True)
    (ctx / "Dockerfile").write_text("FROM busybox\n")
    (ctx / ".dockerignore").write_text("Dockerfile\n.dockerignore\n*.log\n!keep.log\ndocs\n!docs/README.md\n**/*.tmp\n")
    for name in ("app.log", "keep.log", "docs/README.md", "docs/other.md", "docs/x.tmp", "main.py"):
        (ctx / name).write_text(name)
    chunks, dockerfile = build_context(ctx)
    with tarfile.open(fileobj=_stream(chunks)) as tar:
        assert dockerfile == "Dockerfile"
        assert set(tar.getnames()) == {"Dockerfile", ".dockerignore", "keep.log", "docs/README.md", "main.py"}
        assert {(m.uid, m.gid) for m in tar.getmembers()} == {(0, 0)}


def test_a_dockerfile_outside_the_context_is_added_under_a_generated_name(tmp_path: Path) -> None:
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (ctx / "main.py").write_text("print(1)\n")
    (tmp_path / "Dockerfile.dev").write_text("FROM busybox\nCOPY main.py /\n")
    params = local_bodies("ImageBuild", {"inputStream": ctx, "dockerfile": tmp_path / "Dockerfile.dev"})
    name = params["dockerfile"]
    with tarfile.open(fileobj=_stream(params["inputStream"])) as tar:
        assert name.startswith(".dockerfile.") and set(tar.getnames()) == {"main.py", name, ".dockerignore"}
        assert tar.extractfile(name).read() == b"FROM busybox\nCOPY main.py /\n"  # type: ignore[union-attr]
        ignore = tar.extractfile(".dockerignore").read()  # type: ignore[union-attr]
        assert ignore.split() == [b".dockerignore", name.encode()]


def test_a_dockerfile_inside_the_context_is_named_relative_to_it(tmp_path: Path) -> None:
    ctx = tmp_path / "ctx"
    (ctx / "build").mkdir(parents=True)
    (ctx / "build" / "Dockerfile").write_text("FROM busybox\n")
    params = local_bodies("ImageBuild", {"inputStream": ctx, "dockerfile": ctx / "build" / "Dockerfile"})
    assert params["dockerfile"] == "build/Dockerfile"


def test_a_file_body_is_streamed_as_it_is(tmp_path: Path) -> None:
    f = tmp_path / "image.tar"
    f.write_bytes(b"x" * (CHUNK + 5))
    params = local_bodies("ImageLoad", {"imagesTarball": f})
    assert [len(p) for p in params["imagesTarball"]] == [CHUNK, 5]


def test_a_missing_path_is_one_line(tmp_path: Path) -> None:
    from dshell.client import ValidationError

    with pytest.raises(ValidationError, match="no such file or folder"):
        local_bodies("ImageLoad", {"imagesTarball": tmp_path / "nope.tar"})


def test_a_local_path_is_for_a_binary_body_or_the_dockerfile_only(tmp_path: Path) -> None:
    from dshell.client import ValidationError, spec
    from dshell.client._request import validate

    ops = spec("v1.41").ops
    validate(ops["ImageBuild"], {"inputStream": tmp_path, "dockerfile": tmp_path / "Dockerfile"})
    validate(ops["PutContainerArchive"], {"id": "x", "path": "/", "inputStream": tmp_path})
    with pytest.raises(ValidationError, match="'body' must be an object, got PosixPath"):
        validate(ops["ContainerCreate"], {"body": tmp_path})
    with pytest.raises(ValidationError, match="'filters' must be a string"):
        validate(ops["ContainerList"], {"filters": tmp_path})


def test_a_bodiless_404_is_a_missing_path_not_a_missing_route() -> None:
    """ContainerArchiveInfo is a HEAD: its 404 for a path that does not exist has no body (cp relies on it)."""
    from dshell.client._response import docker_error

    assert docker_error("ContainerArchiveInfo", 404, None).message == "not found"
    assert "does not serve" in docker_error("ContainerArchiveInfo", 404, {"message": "page not found"}).message
