"""cd / ls / pwd over results."""

from __future__ import annotations

import pytest

from dshell.explorer import History, Navigator, PathError

from .conftest import render_text


def test_starts_at_root_and_lists_results(history: History) -> None:
    nav = Navigator(history)
    assert nav.pwd() == "/"
    listing = nav.ls()
    assert [entry.name for entry in listing] == ["_1", "_2", "_3"]
    assert listing.entries[0].kind == "ContainerList"
    assert "list[2]" in listing.entries[0].preview
    assert listing.entries[2].preview == "404 No such container: nope"


def test_cd_absolute_relative_up_and_root(history: History) -> None:
    nav = Navigator(history)
    assert nav.cd("_2.Config") == "_2.Config"
    assert nav.cd("Env") == "_2.Config.Env"
    assert nav.cd("..") == "_2.Config"
    assert nav.cd("../State") == "_2.State"
    assert nav.cd("/") == "/"
    assert nav.cd("_1[0]") == "_1[0]"
    assert nav.cd("Ports[-1]") == "_1[0].Ports[-1]"
    assert nav.cd("../..") == "_1[0]"
    assert nav.cd(".Names") == "_1[0].Names"
    assert nav.cd("../..") == "_1"
    assert nav.cd("..") == "/"
    assert nav.cd("..") == "/"


def test_cd_underscore_pins_the_current_last_result(history: History) -> None:
    nav = Navigator(history)
    assert nav.cd("_") == "_3"
    history.add("Ping", {}, 200, 0.0, "OK")
    assert nav.pwd() == "_3"


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("_2.Config.Image", "_2.Config.Image: cannot cd into a str"),
        ("_2.Config.Envv", "did you mean 'Env'?"),
        ("Env", "Env: pick a result first, e.g. cd _3"),
        ("_7", "no result 7 (have 1-3)"),
    ],
)
def test_bad_cd_raises_and_stays_put(history: History, target: str, message: str) -> None:
    nav = Navigator(history)
    with pytest.raises(PathError, match=message.replace("(", r"\(").replace(")", r"\)").replace("?", r"\?")):
        nav.cd(target)
    assert nav.pwd() == "/"


def test_ls_shows_keys_with_types_and_previews(history: History) -> None:
    nav = Navigator(history)
    nav.cd("_2.Config")
    entries = {entry.name: entry for entry in nav.ls()}
    assert list(entries) == ["Image", "Env", "Entrypoint", "ExposedPorts", "Labels"]
    assert entries["Image"].kind == "str" and entries["Image"].preview == "nginx:1.27"
    assert entries["Env"].kind == "list[3]"
    assert entries["Env"].preview.startswith("[PATH=/usr/bin, NGINX_VERSION=1.27.0")
    assert [e.name for e in nav.ls("ExposedPorts")] == ['["80/tcp"]']
    assert [e.name for e in nav.ls("Env")] == ["[0]", "[1]", "[2]"]
    assert nav.pwd() == "_2.Config"
    text = render_text(nav.ls())
    assert "_2.Config" in text and "Entrypoint" in text and "[/docker-entrypoint.sh]" in text
    assert '["80/tcp"]' in render_text(nav.ls("ExposedPorts"))


def test_ls_is_bounded() -> None:
    hist = History(None)
    hist.add("ImageList", {}, 200, 0.0, list(range(1000)))
    listing = Navigator(hist).ls("_1")
    assert len(listing) == 200 and listing.more == 800
    assert "800 more" in render_text(listing)
