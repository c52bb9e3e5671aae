"""A daemon (or something posing as one) that answers with JSON nested too deeply for Python's json, or with the
wrong JSON shape: each such answer is data or one error line, never a RecursionError or TypeError."""

from __future__ import annotations

import base64

import pytest

import dshell.client as docker
from dshell.client._copy import path_stat

DEEP = b"[" * 100_000 + b"]" * 100_000  # valid JSON, beyond json's recursion limit


def mock(answer: docker.MockResponse) -> docker.Client:
    return docker.client(transport=docker.MockTransport(lambda req: answer), api_version="v1.41")


def test_a_deeply_nested_200_body_comes_back_as_its_text():
    out = docker.call(mock(docker.MockResponse(200, DEEP, {"Content-Type": "application/json"})),
                      {"op": "ContainerList"})
    assert out.ok and isinstance(out.data, str) and out.data.startswith("[[[") and len(out.data) == len(DEEP)


def test_a_deeply_nested_error_body_is_one_error():
    out = docker.call(mock(docker.MockResponse(500, DEEP, {"Content-Type": "application/json"})),
                      {"op": "ContainerList"})
    assert out.status == 500 and isinstance(out.error, docker.DockerError) and isinstance(out.data, str)
    with pytest.raises(docker.DockerError):
        out.unwrap(True)


def test_a_path_stat_header_nested_too_deeply_or_not_an_object_is_no_stat():
    deep = base64.b64encode(b"[" * 20_000 + b"]" * 20_000).decode()
    listed = base64.b64encode(b"[1, 2]").decode()
    assert path_stat({"x-docker-container-path-stat": deep}) is None
    assert path_stat({"x-docker-container-path-stat": listed}) is None
    out = docker.call(mock(docker.MockResponse(200, b"", {"X-Docker-Container-Path-Stat": deep})),
                      {"op": "ContainerArchiveInfo", "params": {"id": "c", "path": "/"}})
    assert out.ok and out.data == deep  # undecodable: the header as sent
