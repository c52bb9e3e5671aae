"""Registry auth and mTLS against the real engine and the local registry (swarm: tests/ops/test_swarm.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import dshell.client as docker

pytestmark = pytest.mark.engine


def pull(c, engine, **auth):
    repo, _, tag = engine["registry_image"].rpartition(":")
    params = {"fromImage": repo, "tag": tag}
    if auth:
        params["X-Registry-Auth"] = {**auth, "serveraddress": engine["registry"]}
    return docker.invoke(c, {"op": "ImageCreate", "params": params, "throw": True})


def test_pull_from_the_local_registry_with_registry_auth(dc, engine, tmp_path, monkeypatch):
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))  # no credentials on disk
    progress = pull(dc, engine, username=engine["registry_user"], password=engine["registry_password"])
    assert isinstance(progress, list) and "Status: " in progress[-1]["status"]
    inspected = docker.invoke(dc, {"op": "ImageInspect", "params": {"name": engine["registry_image"]}})
    assert engine["registry_image"] in inspected["RepoTags"]


def test_a_wrong_password_fails_and_no_password_fails(dc, engine, tmp_path, monkeypatch):
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    with pytest.raises(docker.DockerError) as err:
        pull(dc, engine, username=engine["registry_user"], password="wrong")
    assert "unauthorized" in err.value.message.lower() or "authentication required" in err.value.message
    with pytest.raises(docker.DockerError, match="(?i)no basic auth credentials|unauthorized|authentication required"):
        pull(dc, engine)


def test_credentials_are_found_in_the_docker_config(dc, engine, monkeypatch):
    monkeypatch.setenv("DOCKER_CONFIG", engine["docker_config"])  # `docker login` stored them there
    assert engine["registry"] in json.loads((Path(engine["docker_config"]) / "config.json").read_text())["auths"]
    assert "Status: " in pull(dc, engine)[-1]["status"]


def test_credential_helpers_are_asked(dc, engine, tmp_path, monkeypatch):
    helper = tmp_path / "bin" / "docker-credential-dshelltest"
    helper.parent.mkdir()
    answer = json.dumps({"ServerURL": engine["registry"], "Username": engine["registry_user"],
                         "Secret": engine["registry_password"]})
    helper.write_text(f"#!/bin/sh\nread server\necho '{answer}'\n")
    helper.chmod(0o755)
    (tmp_path / "config.json").write_text(json.dumps({"credHelpers": {engine["registry"]: "dshelltest"}}))
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    monkeypatch.setenv("PATH", f"{helper.parent}:{os.environ['PATH']}")
    assert "Status: " in pull(dc, engine)[-1]["status"]


def tls_conn(engine, **mtls):
    return {"uri": engine["tls_uri"], "mtls": {"ca": engine["ca"], **mtls}}


def test_mtls_ping_with_a_client_certificate(engine, engine_facts):
    c = docker.client("_ping", conn=tls_conn(engine, cert=engine["cert"], key=engine["key"]))
    assert docker.invoke(c, {"op": "SystemPing"}) == "OK" and c.api_version == engine_facts.api_prefixed


def test_mtls_with_a_password_protected_key(engine):
    conn = tls_conn(engine, cert=engine["cert"], key=engine["key_enc"], password=engine["key_password"])
    assert docker.invoke(docker.client("_ping", conn=conn), {"op": "SystemPing"}) == "OK"
    bad = tls_conn(engine, cert=engine["cert"], key=engine["key_enc"], password="nope")
    with pytest.raises(docker.ConnectionError, match="wrong key password"):
        docker.invoke(docker.client("_ping", conn=bad), {"op": "SystemPing"})


def test_mtls_refuses_a_client_without_a_certificate(engine):
    with pytest.raises(docker.ConnectionError, match="rejected the TLS client certificate"):
        docker.invoke(docker.client("_ping", conn=tls_conn(engine)), {"op": "SystemPing"})
    with pytest.raises(docker.ConnectionError, match="certificate is not signed by the CA given"):
        docker.invoke(docker.client("_ping", conn={"uri": engine["tls_uri"]}), {"op": "SystemPing"})


def test_tls_verify_environment_like_the_docker_cli(engine, tmp_path, monkeypatch):
    for name, src in (("ca.pem", "ca"), ("cert.pem", "cert"), ("key.pem", "key")):
        (tmp_path / name).write_bytes(Path(engine[src]).read_bytes())
    monkeypatch.setenv("DOCKER_HOST", engine["tls_host"])
    monkeypatch.setenv("DOCKER_TLS_VERIFY", "1")
    monkeypatch.setenv("DOCKER_CERT_PATH", str(tmp_path))
    c = docker.client("_ping")
    assert c.uri.startswith("https://") and docker.invoke(c, {"op": "SystemPing"}) == "OK"


def test_plain_http_to_the_tls_port_says_to_use_https(engine):
    with pytest.raises(docker.ConnectionError, match="answered /_ping with 400: it speaks TLS: use https"):
        docker.invoke(docker.client(conn={"uri": engine["tls_host"]}), {"op": "SystemPing"})
