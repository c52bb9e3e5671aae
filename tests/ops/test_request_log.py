"""DSHELL_REQUEST_LOG: one "METHOD path-template op" line per request, owner-only, nothing secret; and
scripts/op-coverage's count over such a log."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = """
import dshell.client as docker
c = docker.client(conn={"uri": %(uri)r})
docker.invoke(c, {"op": "SystemPing"})
docker.invoke(c, {"op": "ContainerInspect", "params": {"id": "dsh-test-no-such-secret-name"}})
docker.invoke(c, {"op": "DistributionInspect", "params": {"name": "127.0.0.1:1/x",
              "X-Registry-Auth": {"username": "u", "password": "hunter2-secret"}}})
docker.fetch({"conn": c, "url": "/v1.41/containers/{id}/json?all=1", "path": {"id": "dsh-test-other"}})
"""


@pytest.mark.engine
def test_the_log_has_templates_and_op_names_only(engine, tmp_path):
    log = tmp_path / "requests.log"
    env = {**os.environ, "DSHELL_REQUEST_LOG": str(log), "PYTHONPATH": str(REPO)}
    subprocess.run([sys.executable, "-c", SCRIPT % {"uri": engine["docker_host"]}], env=env, check=True,
                   timeout=60, cwd=tmp_path)
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert log.read_text().splitlines() == [
        "GET /_ping SystemPing",
        "GET /containers/{id}/json ContainerInspect",
        "GET /distribution/{name}/json DistributionInspect",
        "GET /v1.41/containers/{id}/json -",
    ]
    coverage = subprocess.run([sys.executable, str(REPO / "scripts" / "op-coverage"), str(log)],
                              capture_output=True, text=True, check=True, timeout=60).stdout.splitlines()
    assert coverage[0] == "ops exercised 3 / 106 in the v1.41 spec"
    assert coverage[1].startswith("missing (103): ContainerList, ContainerCreate,")
    assert "SystemPing," not in coverage[1] and "ContainerInspect," not in coverage[1]


def test_without_the_variable_nothing_is_written(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DSHELL_REQUEST_LOG"}
    out = subprocess.run([sys.executable, "-c", "from dshell.client import _reqlog; print(_reqlog._path)"],
                         env={**env, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, check=True,
                         cwd=tmp_path, timeout=60).stdout
    assert out.strip() == "None" and not list(tmp_path.iterdir())
