"""dshell and docker compose v2 on the same compose files, each way round: dshell's ``up`` then docker compose's
``ps``/``config``/``down``; docker compose's ``up`` then dshell's ``ps``/``config``/``down``. What each made must be
the same (names, labels, networks and aliases, mounts, env, ports, restart policy, health, service options);
the differences allowed are named in ``snapshot.py`` with their reason."""

from __future__ import annotations

import json
import secrets
import shutil
from pathlib import Path

import pytest

import dshell.client as docker
import dshell.compose as compose

from .conftest import as_json_lines, free_port, leftovers
from .snapshot import project as snapshot

pytestmark = pytest.mark.engine
CASES = sorted(p.name for p in (Path(__file__).parent / "projects").iterdir() if p.is_dir())


def _setup(case: str, tmp_path: Path, dclient: docker.Client) -> tuple[Path, list[str], dict[str, str], str]:
    """The case's folder copied (binds resolve there), its files, its variables and its project name."""
    folder = tmp_path / case
    shutil.copytree(Path(__file__).parent / "projects" / case, folder)
    files = (folder / "FILES").read_text().split() if (folder / "FILES").exists() else []
    tag = secrets.token_hex(3)
    name = f"dsh-compose-{case.split('-', 1)[0]}-{tag}"
    env = {"PORT_A": str(free_port()), "PORT_B": str(free_port()), "PORT_C": str(free_port()),
           "EXTERNAL_VOLUME": f"dsh-compose-ext-{tag}", "EXTERNAL_NETWORK": f"dsh-compose-extnet-{tag}",
           "CONTAINER_NAME": f"dsh-compose-named-{tag}", "BUILT_IMAGE": f"dsh-compose-built-{tag}:v1",
           "PROJECT_NAME": name, "PASSED_THROUGH": "from the shell"}
    return folder, files, env, name


def _flags(files: list[str], name: str, folder: Path) -> list[str]:
    """-f per file and -p unless the case names itself (NO_P)."""
    out = [x for f in files for x in ("-f", f)]
    return out if (folder / "NO_P").exists() else [*out, "-p", name]


@pytest.fixture
def externals(dclient):
    """Makes and at teardown removes the external network/volume a case names."""
    made: list[tuple[str, str]] = []

    def make(env: dict[str, str]) -> None:
        docker.invoke(dclient, {"op": "VolumeCreate", "params": {"volumeConfig": {"Name": env["EXTERNAL_VOLUME"]}},
                                "throw": True})
        made.append(("VolumeDelete", env["EXTERNAL_VOLUME"]))
        docker.invoke(dclient, {"op": "NetworkCreate", "params": {"networkConfig": {"Name": env["EXTERNAL_NETWORK"]}},
                                "throw": True})
        made.append(("NetworkDelete", env["EXTERNAL_NETWORK"]))

    yield make
    for op, name in made:
        docker.call(dclient, {"op": op, "params": {"name" if op == "VolumeDelete" else "id": name}})


@pytest.mark.parametrize("case", CASES)
def test_same_as_docker_compose(case, tmp_path, dclient, compose_cli, externals, scrub, request):
    folder, files, env, name = _setup(case, tmp_path, dclient)
    scrub(name)  # torn down before externals: the external volume is free by then
    externals(env)
    for image in (f"{name}-built", env["BUILT_IMAGE"]):  # what 12-build builds
        request.addfinalizer(lambda image=image: docker.call(dclient, {"op": "ImageDelete",
                                                                       "params": {"name": image, "force": True}}))
    flags = _flags(files, name, folder)
    p = compose.project(dclient, files, name=None if (folder / "NO_P").exists() else name, workdir=str(folder),
                        env=env)
    assert p.name == name

    # dshell up; docker compose sees the project, resolves the same config and takes it down
    p.up()
    ours = snapshot(dclient, name)
    assert ours["containers"], "dshell's up made no container"
    listed = as_json_lines(compose_cli([*flags, "ps", "-a", "--format", "json"], folder, env))
    assert sorted(r["Name"] for r in listed) == sorted(ours["containers"])
    theirs_config = json.loads(compose_cli([*flags, "config", "--format", "json"], folder, env))
    _same_config(p.config(), theirs_config)
    compose_cli([*flags, "down", "-v", "-t", "0"], folder, env)
    assert leftovers(dclient, name) == {"containers": [], "networks": [], "volumes": []}

    # docker compose up; dshell sees the same project and takes it down
    compose_cli([*flags, "up", "-d"], folder, env)
    theirs = snapshot(dclient, name)
    assert sorted(r["Name"] for r in p.ps(all=True)) == sorted(theirs["containers"])
    _same(ours, theirs)
    p.down(volumes=True, timeout=0)
    assert leftovers(dclient, name) == {"containers": [], "networks": [], "volumes": []}


def _same_config(ours: dict, theirs: dict) -> None:
    """The resolved models agree on what the files say (docker compose's config adds defaults of its own)."""
    assert ours["name"] == theirs["name"]
    assert sorted(ours["services"]) == sorted(theirs["services"])
    for name, svc in ours["services"].items():
        other = theirs["services"][name]
        assert svc.get("image", f"{ours['name']}-{name}") == other.get("image", f"{theirs['name']}-{name}")
        escaped = {k: v.replace("$$", "$") for k, v in (other.get("environment") or {}).items() if v is not None}
        assert svc["environment"] == escaped, name  # docker compose config writes a $ as $$
        for key in ("command", "entrypoint"):
            expected = [w.replace("$$", "$") for w in other[key]] if other.get(key) is not None else None
            assert svc.get(key) == expected, name
        assert sorted(svc.get("networks") or {}) == sorted(other.get("networks") or {}), name
        assert sorted((p["target"], p["published"], p["host_ip"], p["protocol"]) for p in svc.get("ports", [])) == \
            sorted((p["target"], p.get("published", ""), p.get("host_ip", ""), p["protocol"])
                   for p in other.get("ports") or []), name
    assert {k: v["name"] for k, v in ours["networks"].items()} == \
        {k: v["name"] for k, v in (theirs.get("networks") or {}).items()}
    assert {k: v["name"] for k, v in ours["volumes"].items()} == \
        {k: v["name"] for k, v in (theirs.get("volumes") or {}).items()}


def _same(ours: dict, theirs: dict) -> None:
    """Every object of both snapshots, field by field (a failure names the object and the field)."""
    for kind in ("containers", "networks", "volumes"):
        assert sorted(ours[kind]) == sorted(theirs[kind]), kind
        for name, mine in ours[kind].items():
            for field, value in mine.items():
                assert value == theirs[kind][name][field], f"{kind} {name} {field}"
