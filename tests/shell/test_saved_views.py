"""Saved views: per op, columns as JMESPath expressions with headers, from the config file, in every table."""

from __future__ import annotations

import pytest
from rich.console import Console

from dshell.explorer import use_views
from dshell.shell.commands.dispatch import execute
from dshell.shell.config import load_config

from .test_session import started

VIEWS = """\
pager: off
views:
  ContainerList:
    NAME: Names[0]
    STATE: State
    APP: Labels."dsh-nav-app"
  ImageList:
    TAGS: "RepoTags | join(', ', @)"
  NetworkList: [Name]
  VolumeList:
    BAD: "Name["
"""


@pytest.fixture(autouse=True)
def _defaults_after():
    yield
    use_views({})


def shown(body) -> list[str]:
    console = Console(width=150, record=True)
    with console.capture() as captured:
        console.print(body)
    return [line.rstrip() for line in captured.get().splitlines()]


def test_views_are_read_from_the_config_file_and_bad_ones_named(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(VIEWS)
    config = load_config(path)
    assert config.views == (("ContainerList", (("NAME", "Names[0]"), ("STATE", "State"),
                                               ("APP", 'Labels."dsh-nav-app"'))),
                            ("ImageList", (("TAGS", "RepoTags | join(', ', @)"),)))
    assert len(config.warnings) == 2 and all(w.startswith(f"{path}: views: ") for w in config.warnings)
    assert config.warnings[0].endswith("NetworkList: expected {HEADER: JMESPath expression, ...}, e.g. "
                                       "{NAME: 'Names[0]'}")
    assert "VolumeList.BAD: Name[: " in config.warnings[1] and "\n" not in config.warnings[1]


@pytest.mark.engine
def test_container_list_and_ps_honour_a_saved_view(engine, shell_home, tmp_path, docker_cli, unique_name,
                                                    cleanup_containers):
    name = unique_name("dsh-nav-view")
    cleanup_containers(name)
    docker_cli("create", "--name", name, "--label", "dsh-nav-app=shop", "--network", "none", "busybox", "true")
    path = tmp_path / "config.yaml"
    path.write_text(VIEWS)
    config = load_config(path)._replace(endpoint=engine["docker_host"])
    with started(config, tmp_path / "r.jsonl") as session:
        lines = shown(execute(session, f"ContainerList all=true filters={{name: [{name}]}}").body)
        assert lines[1].split() == ["NAME", "STATE", "APP"]
        assert lines[2].split() == [f"/{name}", "created", "shop"]
        images = shown(execute(session, "ImageList").body)
        assert images[1] == "TAGS" and any("busybox:latest" in line for line in images[2:])
