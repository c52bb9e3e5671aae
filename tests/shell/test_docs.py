"""``doc OP --full``: the upstream descriptions downloaded once (from a local HTTP server here, never the
internet) into the cache, then read offline."""

from __future__ import annotations

import functools
import http.server
import io
import threading
from collections.abc import Iterator

import pytest
from rich.console import Console

from dshell.shell.commands.dispatch import execute
from dshell.shell.config import Config
from dshell.shell.session import Session
from tests.upstream import upstream_dir

NOWHERE = "unix:///tmp/dshell-test-no-such.sock"
PROSE = "Return all containers. By default, only running containers are shown"


@pytest.fixture
def server() -> Iterator[http.server.ThreadingHTTPServer]:
    """The upstream spec files over HTTP on 127.0.0.1."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(upstream_dir()))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def shown(body) -> str:
    console = Console(file=io.StringIO(), width=200, color_system=None)
    console.print(body)
    return console.file.getvalue()


def session_for(url: str, **settings: str) -> tuple[Session, list]:
    said: list = []
    session = Session(Config(endpoint=NOWHERE, api_version="v1.41", docs_url=url, **settings), results_file=None)
    session.say = said.append
    session.start(background=False)
    return session, said


def test_doc_full_downloads_once_says_so_and_works_offline(shell_home, server):
    url = f"http://127.0.0.1:{server.server_address[1]}/{{version}}.yaml"
    session, said = session_for(url)
    try:
        assert PROSE not in shown(execute(session, "doc ContainerList").body)  # the packaged spec: no prose
        reply = execute(session, "doc ContainerList --full")
        assert reply.error is None and PROSE in shown(reply.body)
        assert [str(s) for s in said] == [
            f"downloaded the API v1.41 descriptions from {url.format(version='v1.41')} to "
            f"{shell_home / 'cache' / 'dshell' / 'upstream'} (kept for next time)"]
        cached = shell_home / "cache" / "dshell" / "upstream" / "v1.41.yaml"
        assert cached.read_bytes() == (upstream_dir() / "v1.41.yaml").read_bytes()
        assert cached.stat().st_mode & 0o077 == 0
        server.shutdown()  # offline from now on
        server.server_close()
        again = execute(session, "doc ContainerList --full")
        assert again.error is None and PROSE in shown(again.body) and len(said) == 1
    finally:
        session.close()


def test_the_full_docs_setting_always_downloads(shell_home, server):
    session, said = session_for(f"http://127.0.0.1:{server.server_address[1]}/{{version}}.yaml", full_docs="on")
    try:
        assert PROSE in shown(execute(session, "doc ContainerList").body) and len(said) == 1
    finally:
        session.close()


@pytest.mark.parametrize(("url", "reason"), [
    ("http://127.0.0.1:{port}/missing/{version}.yaml", "HTTP 404 File not found"),
    ("http://127.0.0.1:1/{version}.yaml", "Connection refused"),
    ("http://127.0.0.1:{port}/LICENSE?{version}", "did not answer with an API description"),
    ("ftp://127.0.0.1/{version}.yaml", "docs_url must be an http(s) URL"),
])
def test_a_failed_download_is_one_line_and_the_structure_still_shows(shell_home, server, url, reason):
    session, said = session_for(url.replace("{port}", str(server.server_address[1])))
    try:
        reply = execute(session, "doc ContainerList --full")
        assert reason in reply.error and "\n" not in reply.error
        assert "ContainerList" in shown(reply.body) and said == []
        assert not (shell_home / "cache" / "dshell" / "upstream" / "v1.41.yaml").exists()
    finally:
        session.close()
