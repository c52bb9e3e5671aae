"""Which endpoint the client picks when no conn is given: the docker CLI's rules (no daemon)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from dshell.client._auth import lookup, registry_of
from dshell.client._config import default_conn

ENV = ("DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_CONTEXT", "DOCKER_TLS", "DOCKER_CONFIG")


@pytest.fixture
def docker_dir(tmp_path, monkeypatch) -> Path:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    return tmp_path


def make_context(folder: Path, name: str, host: str, tls: bool = False) -> None:
    digest = hashlib.sha256(name.encode()).hexdigest()
    meta = folder / "contexts" / "meta" / digest
    meta.mkdir(parents=True)
    (meta / "meta.json").write_text(json.dumps({"Name": name, "Endpoints": {"docker": {"Host": host}}}))
    if tls:
        certs = folder / "contexts" / "tls" / digest / "docker"
        certs.mkdir(parents=True)
        for f in ("ca.pem", "cert.pem", "key.pem"):
            (certs / f).write_text("x")


def test_default_is_the_local_socket(docker_dir):
    assert default_conn() == {"uri": "unix:///var/run/docker.sock"}


def test_docker_host_wins(docker_dir, monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", "tcp://10.0.0.1:2375")
    make_context(docker_dir, "other", "unix:///other.sock")
    monkeypatch.setenv("DOCKER_CONTEXT", "other")
    assert default_conn() == {"uri": "tcp://10.0.0.1:2375"}


def test_tls_verify_and_cert_path(docker_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("DOCKER_HOST", "tcp://h:2376")
    monkeypatch.setenv("DOCKER_TLS_VERIFY", "1")
    monkeypatch.setenv("DOCKER_CERT_PATH", str(tmp_path))
    for f in ("ca.pem", "cert.pem", "key.pem"):
        (tmp_path / f).write_text("x")
    conn = default_conn()
    assert conn["uri"] == "https://h:2376"
    assert conn["mtls"] == {"ca": str(tmp_path / "ca.pem"), "cert": str(tmp_path / "cert.pem"),
                            "key": str(tmp_path / "key.pem")}


def test_docker_context_env_and_current_context(docker_dir, monkeypatch):
    make_context(docker_dir, "remote", "tcp://r:2376", tls=True)
    make_context(docker_dir, "local", "unix:///run/user.sock")
    (docker_dir / "config.json").write_text(json.dumps({"currentContext": "local"}))
    assert default_conn() == {"uri": "unix:///run/user.sock"}
    monkeypatch.setenv("DOCKER_CONTEXT", "remote")
    conn = default_conn()
    assert conn["uri"] == "https://r:2376" and set(conn["mtls"]) == {"ca", "cert", "key"}
    monkeypatch.setenv("DOCKER_CONTEXT", "default")
    assert default_conn() == {"uri": "unix:///var/run/docker.sock"}


@pytest.mark.parametrize(("image", "registry"), [
    ("busybox", "https://index.docker.io/v1/"), ("library/busybox:1", "https://index.docker.io/v1/"),
    ("127.0.0.1:5000/a/b:c", "127.0.0.1:5000"), ("localhost/x", "localhost"), ("ghcr.io/o/i", "ghcr.io")])
def test_registry_of_an_image(image, registry):
    assert registry_of(image) == registry


def test_credentials_from_auths_and_identity_tokens(docker_dir):
    (docker_dir / "config.json").write_text(json.dumps({"auths": {
        "reg:5000": {"auth": "dXNlcjpwYXNzOndpdGg6Y29sb25z"},  # user:pass:with:colons
        "https://index.docker.io/v1/": {"identitytoken": "tok"}}}))
    assert lookup("reg:5000") == {"username": "user", "password": "pass:with:colons", "serveraddress": "reg:5000"}
    assert lookup("https://index.docker.io/v1/") == {"identitytoken": "tok",
                                                      "serveraddress": "https://index.docker.io/v1/"}
    assert lookup("elsewhere:1") is None


def test_contexts_lists_those_with_a_docker_endpoint(docker_dir):
    from dshell.client._config import contexts

    assert contexts() == []
    make_context(docker_dir, "b", "ssh://me@b")
    make_context(docker_dir, "a", "unix:///a.sock")
    stray = docker_dir / "contexts" / "meta" / ("0" * 64)  # not under the digest of its name: the CLI ignores it
    stray.mkdir(parents=True)
    (stray / "meta.json").write_text(json.dumps({"Name": "c", "Endpoints": {"docker": {"Host": "unix:///c"}}}))
    make_context(docker_dir, "k8s-only", "")  # no docker endpoint
    assert contexts() == ["a", "b"]
