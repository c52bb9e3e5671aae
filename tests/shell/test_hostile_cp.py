"""cp out of a hostile daemon: archives whose headers a daemon controls (a mock daemon plays it; the real engine
never sends such headers, which is why it takes a fake one to show them)."""

from __future__ import annotations

import base64
import json
import os
import resource
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import dshell.client as docker
from dshell.shell.commands.dispatch import execute
from dshell.shell.config import Config
from dshell.shell.session import Session

from ..mockdaemon import Daemon

REPO = Path(__file__).resolve().parents[2]
STAT = base64.b64encode(json.dumps({"name": "x", "size": 0, "mode": 0o20000000755, "mtime": "2024-01-01T00:00:00Z",
                                    "linkTarget": ""}).encode()).decode()
HUGE = 64 << 20  # a header this long was read whole before (a 1 GB one took 116 s and 6.9 GB)


def _header(name: bytes, typeflag: bytes, size: int) -> bytes:
    """One ustar header block (checksum filled in)."""
    block = bytearray(512)
    block[0:len(name)] = name
    block[100:108] = b"0000644\0"
    block[108:116] = block[116:124] = b"0000000\0"
    block[124:136] = f"{size:011o}\0".encode()
    block[136:148] = b"00000000000\0"
    block[156:157] = typeflag
    block[257:265] = b"ustar  \0"
    block[148:156] = b" " * 8
    block[148:156] = f"{sum(block):06o}\0 ".encode()
    return bytes(block)


def _long_name_archive(size: int) -> Iterator[bytes]:
    """A file whose GNU long name is ``size`` bytes (under the cap: read, then too long for the file system)."""
    yield _header(b"././@LongLink", b"L", size)
    yield b"n" * size + bytes(-size % 512)
    yield _header(b"x", b"0", 0)
    yield bytes(1024)


def _long_header_archive(typeflag: bytes) -> Iterator[bytes]:
    """A GNU long-name (``L``) or PAX (``x``: one ``path`` record) header of HUGE bytes, streamed, then a file."""
    yield _header(b"././@LongLink", typeflag, HUGE)
    if typeflag == b"x":
        yield f"{HUGE} path=".encode()
    left = HUGE - (len(f"{HUGE} path=") + 1 if typeflag == b"x" else 0)
    while left > 0:
        yield b"a" * min(left, 1 << 20)
        left -= 1 << 20
    if typeflag == b"x":
        yield b"\n"
    yield _header(b"x", b"0", 0)
    yield bytes(1024)


@pytest.fixture
def session(shell_home: Any) -> Iterator[Session]:
    def archive(req: docker.MockRequest) -> docker.MockResponse:
        body: Iterator[bytes] | bytes
        if "garbage" in req.target:
            body = b"this is not a tar archive at all" * 100
        elif "name" in req.target:
            body = _long_name_archive(600_000)
        else:
            body = _long_header_archive(b"L" if "gnu" in req.target else b"x")
        return docker.MockResponse(200, body, {"X-Docker-Container-Path-Stat": STAT,
                                                                     "Content-Type": "application/x-tar"})
    daemon = Daemon({"/archive": archive})
    s = Session(Config(endpoint="unix:///mock/docker.sock", pager="off"), results_file=None, clients=daemon.clients)
    s.start(background=False)
    yield s
    s.close()


@pytest.mark.parametrize("kind", ["gnu", "pax"])
def test_an_oversized_tar_header_is_refused_in_one_line(session: Session, tmp_path: Path, kind: str) -> None:
    """docker refuses headers over 1 MiB at once; so does dshell, with one short line, memory flat."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    reply = execute(session, f"cp web:/{kind} {tmp_path}/out")
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) << 10
    assert reply.error is not None
    assert "header" in reply.error and "1 MiB" in reply.error, reply.error
    assert "\n" not in reply.error and len(reply.error) < 300
    assert grown < HUGE // 2
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_long_name_under_the_cap_still_unpacks(tmp_path: Path) -> None:
    """A 300-byte name (over ustar's 100) comes as a GNU long name or a PAX path: both still work."""
    import io

    from dshell.client._tarstream import unpack

    name = "d/" + "n" * 200
    for fmt in (tarfile.GNU_FORMAT, tarfile.PAX_FORMAT):
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w", format=fmt) as tar:
            info = tarfile.TarInfo(name)
            info.size = 2
            tar.addfile(info, io.BytesIO(b"hi"))
        dest = tmp_path / str(fmt)
        dest.mkdir()
        unpack(io.BytesIO(buf.getvalue()), dest)
        assert (dest / name).read_bytes() == b"hi"


@pytest.mark.parametrize(("path", "said"), [("name", "File name too long"), ("garbage", "not a tar archive")])
def test_a_long_name_or_a_broken_archive_is_one_short_line(session: Session, tmp_path: Path, path: str,
                                                           said: str) -> None:
    reply = execute(session, f"cp web:/{path} {tmp_path}/out")
    assert reply.error is not None and said in reply.error, reply.error[:300]
    assert "\n" not in reply.error and len(reply.error) < 1200


@pytest.mark.engine
def test_cp_dash_l_of_a_link_to_a_file_copies_the_file(engine: dict[str, Any], shell_home: Any, tmp_path: Path,
                                                      docker_cli: Any, unique_name: Any, cleanup_containers: Any
                                                      ) -> None:
    """``cp -L ./link.txt ctr:/tmp/`` said "not a directory ... drop the trailing '/'"; docker copies the target
    under the link's name."""
    name = unique_name()
    docker_cli("run", "-d", "--name", name, "busybox:latest", "sleep", "120")
    (tmp_path / "real.txt").write_text("the target\n")
    (tmp_path / "link.txt").symlink_to(tmp_path / "real.txt")
    done = subprocess.run([sys.executable, "-m", "dshell", "-c", f"cp -L ./link.txt {name}:/tmp/"], cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(REPO), "DOCKER_HOST": engine["docker_host"]},
                          capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert docker_cli("exec", name, "cat", "/tmp/link.txt") == "the target\n"
    assert docker_cli("exec", name, "sh", "-c", "test -L /tmp/link.txt || echo regular").strip() == "regular"


NO_DAC = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-dac_override,-dac_read_search",
          "--"]  # root without the power to read any file: file modes apply, as for any user


@pytest.mark.engine
@pytest.mark.parametrize("what", ["cp-file", "cp-folder", "build", "body", "dockerignore"])
def test_an_unreadable_local_file_is_named_in_one_line(engine: dict[str, Any], shell_home: Any, tmp_path: Path,
                                                       docker_cli: Any, unique_name: Any, cleanup_containers: Any,
                                                       what: str) -> None:
    """An unreadable file in a cp source or a build context said "connection lost (Permission denied)"."""
    name = unique_name()
    docker_cli("run", "-d", "--name", name, "busybox:latest", "sleep", "120")
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (ctx / "Dockerfile").write_text("FROM busybox:latest\nCOPY . /ctx/\n")
    (ctx / "ok.txt").write_text("ok\n")
    secret = ctx / ("secret.txt" if what != "dockerignore" else ".dockerignore")
    secret.write_text("no\n")
    secret.chmod(0)
    line = {"cp-file": f"cp {secret} {name}:/tmp/", "cp-folder": f"cp {ctx} {name}:/tmp/",
            "build": f"build -t {name} {ctx}", "dockerignore": f"build -t {name} {ctx}",
            "body": f"PutContainerArchive {name} path=/tmp inputStream=@{secret}"}
    done = subprocess.run([*NO_DAC, sys.executable, "-m", "dshell", "-c", line[what]], capture_output=True,
                          env={**os.environ, "DOCKER_HOST": engine["docker_host"]}, text=True, timeout=120,
                          check=False)
    out = done.stdout + done.stderr
    named = [line for line in out.splitlines() if str(secret) in line]  # a line naming the file (BuildKit's
    assert done.returncode == 1 and named and all("Permission denied" in line for line in named), out  # progress too)
    assert "connection lost" not in out and "Traceback" not in out
    if what == "cp-file":
        assert docker_cli("exec", name, "ls", "/tmp") == ""  # nothing of it was sent


def _pax(key: bytes, value: bytes) -> bytes:
    """One PAX record, its length counting its own digits."""
    body = b" " + key + b"=" + value + b"\n"
    size = len(body) + len(str(len(body)))
    size += len(str(size)) - len(str(len(body)))
    return str(size).encode() + body


def _stream(pieces: Iterator[bytes]) -> Any:
    """A file-like object reading ``pieces`` as they are made (a daemon's answer arriving)."""
    import io

    class Stream(io.RawIOBase):
        left = b""

        def readable(self) -> bool:
            return True

        def readinto(self, buf: Any) -> int:
            while not self.left:
                self.left = next(pieces, b"")
                if not self.left:
                    return 0
            n = min(len(buf), len(self.left))
            buf[:n], self.left = self.left[:n], self.left[n:]
            return n

    return io.BufferedReader(Stream())


def _global(n: int) -> bytes:
    record = _pax(b"k%d" % n, b"v" * (256 << 10))
    return _header(b"././@PaxHeader", b"g", len(record)) + record + bytes(-len(record) % 512)


def test_global_pax_headers_keep_memory_flat_and_a_chain_of_them_is_refused(tmp_path: Path) -> None:
    """Global PAX headers (``g``) under the cap, each with a new key: tarfile kept them all, and read each next
    header by recursion (300 in a row raised RecursionError)."""
    from dshell.client._tarstream import BadArchive, unpack

    def interleaved() -> Iterator[bytes]:
        for n in range(150):
            yield _global(n) + _header(b"f%d" % n, b"0", 0)
        yield bytes(1024)

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    done = unpack(_stream(interleaved()), tmp_path)
    assert done.files == 150
    assert (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) << 10 < 20 << 20  # 38 MB of records

    def chained() -> Iterator[bytes]:
        for n in range(300):
            yield _global(n)
        yield _header(b"x", b"0", 0) + bytes(1024)

    with pytest.raises(BadArchive, match="extended headers in a row"):
        unpack(_stream(chained()), tmp_path / "chain")


@pytest.mark.parametrize("kind", ["gnu", "pax"])
def test_a_sparse_entry_is_refused_in_one_line(tmp_path: Path, kind: str) -> None:
    """A sparse map is read as long as the archive says: endless, it grew memory for ever (and an old GNU one cut
    short raised IndexError). docker's archives have no sparse entries."""
    from dshell.client._tarstream import BadArchive, unpack

    def endless() -> Iterator[bytes]:
        if kind == "gnu":
            block = bytearray(_header(b"s", b"S", 0))
            block[482] = 1  # isextended: more sparse blocks follow
            block[148:156] = b" " * 8
            block[148:156] = f"{sum(block):06o}\0 ".encode()
            yield bytes(block)
            extension = bytearray(512)
            extension[0:24] = b"00000000001\x0000000000001\x00"
            extension[504] = 1
            while True:
                yield bytes(extension)
        record = (_pax(b"GNU.sparse.major", b"1") + _pax(b"GNU.sparse.minor", b"0")
                  + _pax(b"GNU.sparse.name", b"s") + _pax(b"GNU.sparse.realsize", b"1"))
        yield _header(b"././@PaxHeader", b"x", len(record)) + record + bytes(-len(record) % 512)
        yield _header(b"s", b"0", 1 << 40) + b"999999999999\n"
        while True:
            yield b"1\n" * 256

    with pytest.raises(BadArchive, match="sparse") as info:
        unpack(_stream(endless()), tmp_path)
    assert "\n" not in str(info.value)
