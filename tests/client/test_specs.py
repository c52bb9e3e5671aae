"""Spec reduction, loading, the on-disk index cache and version choice (no daemon)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dshell.client import _specs, _versions
from dshell.client._errors import VersionError
from dshell.client._reduce import reduce_file, reduce_spec
from tests.upstream import upstream_dir

ROOT = Path(__file__).resolve().parents[2]


def test_every_version_from_v1_25_to_v1_56_is_packaged():
    have = _specs.versions()
    assert have[0] == "v1.25" and have[-1] == "v1.56"
    assert len(have) == 32


def test_packaged_specs_carry_no_prose():
    for path in (ROOT / "specs").glob("v1.*.yaml"):
        text = path.read_text()
        assert "\n    description:" not in text and "example:" not in text.replace('"example":', ""), path


def test_reduce_drops_prose_but_keeps_structure_and_property_names():
    spec = {"info": {"title": "t", "description": "prose"},
            "definitions": {"X": {"type": "object", "description": "d", "example": {"a": 1},
                                  "properties": {"description": {"type": "string", "description": "p"}}}},
            "paths": {"/x": {"get": {"operationId": "X", "summary": "s", "description": "long",
                                     "responses": {200: {"description": "ok", "examples": {}}}}}}}
    out = reduce_spec(spec)
    assert out["info"] == {"title": "t"}
    assert out["definitions"]["X"] == {"type": "object", "properties": {"description": {"type": "string"}}}
    assert out["paths"]["/x"]["get"] == {"operationId": "X", "summary": "s", "responses": {200: {}}}


def test_packaged_spec_matches_a_fresh_reduction_of_upstream(tmp_path):
    reduce_file(upstream_dir() / "v1.41.yaml", tmp_path / "v1.41.yaml")
    assert (tmp_path / "v1.41.yaml").read_text() == (ROOT / "specs" / "v1.41.yaml").read_text()
    upstream = yaml.safe_load((upstream_dir() / "v1.41.yaml").read_text())
    reduced = yaml.safe_load((ROOT / "specs" / "v1.41.yaml").read_text())
    assert reduced["paths"].keys() == upstream["paths"].keys()
    assert reduced["definitions"].keys() == upstream["definitions"].keys()


def test_index_has_ops_categories_and_params():
    spec = _specs.load("v1.41")
    assert {"containers", "images", "_ping", "system", "networks", "swarm"} <= spec.categories
    logs = spec.ops["ContainerLogs"]
    assert (logs.method, logs.path, logs.category) == ("GET", "/containers/{id}/logs", "containers")
    assert logs.params["follow"].type == "boolean" and logs.params["id"].required
    assert spec.ops["ContainerCreate"].body_param.name == "body"
    assert "properties" in spec.resolve({"$ref": "#/definitions/ContainerConfig"})


def test_versions_differ_where_the_api_changed():
    assert "ImageHistory" in _specs.load("v1.25").ops
    assert "platform" not in _specs.load("v1.25").ops["ImageCreate"].params
    assert "platform" in _specs.load("v1.41").ops["ImageCreate"].params


def _build(p):
    return _specs._plain(_specs.build_index(_specs._load_yaml(p), "v1.41"))


def test_index_cache_is_keyed_by_file_hash(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    spec_file = tmp_path / "v1.41.yaml"
    spec_file.write_text((ROOT / "specs" / "v1.41.yaml").read_text())
    first = _specs._cached(spec_file, "index", _build, tuple)
    assert len(list((tmp_path / "dshell" / "specs").glob("index*-v1.41-*.marshal"))) == 1
    calls = []
    second = _specs._cached(spec_file, "index", lambda p: calls.append(p), tuple)
    assert calls == [] and second[1].keys() == first[1].keys()
    spec_file.write_text(spec_file.read_text() + "\n# changed\n")
    _specs._cached(spec_file, "index", lambda p: calls.append(p), tuple)
    assert calls == [spec_file]


def test_a_damaged_cache_is_built_again_never_trusted(tmp_path, monkeypatch):
    """Every single flipped byte (sampled across the file) and a cut-short file: rebuilt, no traceback."""
    import random
    import stat

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    spec_file = tmp_path / "v1.41.yaml"
    spec_file.write_text((ROOT / "specs" / "v1.41.yaml").read_text())
    want = _specs._cached(spec_file, "index", _build, tuple)
    (cache_file,) = (tmp_path / "dshell" / "specs").glob("index*.marshal")
    assert stat.S_IMODE(cache_file.stat().st_mode) == 0o600
    good = cache_file.read_bytes()
    rng = random.Random(13)
    damages = [good[: len(good) // 2], b""] + [
        good[:i] + bytes([good[i] ^ (1 << rng.randrange(8))]) + good[i + 1:]
        for i in sorted(rng.sample(range(len(good)), 40))]
    rebuilt = []
    for damaged in damages:
        cache_file.write_bytes(damaged)
        rebuilt.clear()
        got = _specs._cached(spec_file, "index", lambda p: rebuilt.append(p) or _build(p), tuple)
        assert rebuilt == [spec_file] and got == want
        assert cache_file.read_bytes() == good  # replaced by a good one


def test_temporaries_of_killed_cache_writers_are_swept(tmp_path, monkeypatch):
    import subprocess
    import sys

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()
    folder = tmp_path / "dshell" / "specs"
    folder.mkdir(parents=True)
    (folder / f"index3-v1.41-abc.{gone}.tmp").write_bytes(b"half a cache")
    spec_file = tmp_path / "v1.41.yaml"
    spec_file.write_text((ROOT / "specs" / "v1.41.yaml").read_text())
    _specs._cached(spec_file, "index", _build, tuple)
    assert [p.suffix for p in folder.iterdir()] == [".marshal"]


@pytest.mark.parametrize(("server", "chosen"), [("1.41", "v1.41"), ("1.99", "v1.56"), ("1.25", "v1.25"),
                                                ("1.56", "v1.56"), (None, "v1.56")])
def test_negotiation_chooses_newest_spec_not_above_server(server, chosen):
    assert _versions.choose(server) == chosen


def test_negotiation_refuses_a_daemon_older_than_every_spec():
    with pytest.raises(VersionError, match=r"1\.24.*v1\.25–v1\.56"):
        _versions.choose("1.24")


def test_unknown_version_lists_what_we_have():
    with pytest.raises(VersionError, match="v1.25–v1.56"):
        _specs.check_version("v1.99")
    with pytest.raises(VersionError, match="malformed"):
        _specs.check_version("latest")


def test_doc_descriptions_come_from_DSHELL_SPECS(monkeypatch):
    import dshell.client as docker

    monkeypatch.setenv("DSHELL_SPECS", str(upstream_dir()))
    _specs.descriptions.cache_clear()
    c = docker.client("containers", conn={"uri": "unix:///nonexistent"}, api_version="v1.41")
    info = docker.doc(c, "ContainerLogs")
    assert "json-file" in info["doc"]
    assert any("Keep connection" in p.get("doc", "") for p in info["params"])
    monkeypatch.delenv("DSHELL_SPECS")
    _specs.descriptions.cache_clear()
    assert docker.doc(c, "ContainerLogs")["doc"] == "Get container logs"


@pytest.mark.parametrize("version", ["v1.25", "v1.41", "v1.51"])
def test_the_cached_index_is_the_built_one_decoded_op_by_op(tmp_path, monkeypatch, version):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    built = _specs.build_index(_specs._load_yaml(f"{_specs.SPEC_DIR}/{version}.yaml"), version)
    _specs.load.cache_clear()
    try:
        _specs.load(version)  # made, then read back from the cache file
        _specs.load.cache_clear()
        read = _specs.load(version)
        assert not read.ops._done and "SystemPing" in read.ops  # nothing decoded before it is asked for
        assert read.ops["SystemPing"] == built.ops["SystemPing"] and list(read.ops._done) == ["SystemPing"]
        assert read == built and dict(read.ops) == built.ops and dict(read.definitions) == built.definitions
    finally:
        _specs.load.cache_clear()
