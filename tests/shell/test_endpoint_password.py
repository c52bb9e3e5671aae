"""``https://user:pass@host`` endpoints: the password never shows, nor is stored (dshell sends no userinfo, as
the docker CLI sends none: it is only ever a leak)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import dshell.client as docker
from dshell.shell.config import Config
from dshell.shell.session import Session

SECRET = "s3cret-pw"


def test_the_endpoint_keeps_the_user_and_masks_the_password() -> None:
    c = docker.client(conn={"uri": f"https://me:{SECRET}@127.0.0.1:2376"})
    assert c.uri == "https://me:***@127.0.0.1:2376" and c.endpoint.address == ("127.0.0.1", 2376)
    with pytest.raises(docker.DockerConnectionError) as info:
        docker.client(conn={"uri": f"https://me:{SECRET}@127.0.0.1:notaport"})
    assert SECRET not in str(info.value)


@pytest.mark.engine
def test_no_password_in_output_hosts_errors_or_results(engine: dict[str, Any], shell_home: Path) -> None:
    tls = engine["tls_uri"].replace("https://", f"https://me:{SECRET}@")
    args = ["-H", tls, "-H", f"down=https://me:{SECRET}@127.0.0.1:1", "--tlscacert", engine["ca"], "--tlscert",
            engine["cert"], "--tlskey", engine["key"]]
    done = subprocess.run([sys.executable, "-m", "dshell", *args, "-c", "SystemPing", "-c", "hosts", "-c",
                           "@down SystemPing", "-c", "@all SystemVersion", "-c", "set"],
                          capture_output=True, text=True, timeout=120, check=False)
    out = done.stdout + done.stderr
    assert "OK" in out and "me:***@127.0.0.1" in out, out
    assert SECRET not in out
    stored = (shell_home / "data" / "dshell" / "results.jsonl").read_text()
    assert stored and SECRET not in stored


@pytest.mark.engine
def test_the_toolbar_shows_no_password(engine: dict[str, Any], shell_home: Path) -> None:
    session = Session(Config(endpoint=engine["docker_host"].replace("unix://", "unix://")), results_file=None)
    tls = Session(Config(endpoint=engine["tls_uri"].replace("https://", f"https://me:{SECRET}@"),
                         tlscacert=engine["ca"], tlscert=engine["cert"], tlskey=engine["key"]), results_file=None)
    try:
        for s in (session, tls):
            s.start(background=False)
        assert SECRET not in tls.status().endpoint and "me:***@" in tls.status().endpoint
    finally:
        session.close()
        tls.close()
