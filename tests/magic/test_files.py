"""Local files in the magic: a pathlib.Path from Python as a body, @path, and the cp / build workflows."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.engine


def test_a_path_variable_is_a_body_and_cp_brings_it_back(docker, ip, tmp_path, docker_cli, unique_name,
                                                         cleanup_containers):
    name = unique_name()
    docker_cli("run", "-d", "--name", name, "busybox:latest", "sleep", "60")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("from a notebook\n")
    ip.user_ns["site"], ip.user_ns["ctr"] = site, name
    put = docker("PutContainerArchive $ctr path=/tmp $site")
    assert (put.op, put.status, put.params["inputStream"]) == ("PutContainerArchive", 200, f"@{site}")
    assert docker_cli("exec", name, "cat", "/tmp/index.html") == "from a notebook\n"
    assert docker(f"PutContainerArchive {name} path=/ @{site}").status == 200
    assert docker_cli("exec", name, "cat", "/index.html") == "from a notebook\n"
    assert docker("PutContainerArchive $ctr path=/nowhere $site").status == 404  # a failed op is a result too
    out = tmp_path / "out"
    out.mkdir()
    ip.user_ns["out"] = out
    copied = docker("cp $ctr:/tmp/index.html $out")
    assert copied.op == "cp" and copied.error is None
    assert (out / "index.html").read_text() == "from a notebook\n"
    assert isinstance(ip.user_ns["site"], Path)
