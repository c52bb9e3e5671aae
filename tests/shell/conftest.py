"""Shared fixtures of the shell tests: a spec and completion sources that need no daemon."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from dshell.client import _specs

from .tmux import REPO, Terminal


@dataclass
class FakeSources:
    """Completion sources from memory: a spec, canned live names, canned refs."""

    index: _specs.SpecIndex | None
    names: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    ref_texts: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)

    def spec(self) -> _specs.SpecIndex | None:
        return self.index

    def versions(self) -> Sequence[str]:
        return ("v1.40", "v1.41")

    def live(self, kind: str) -> Sequence[tuple[str, str]]:
        return self.names.get(kind, [])

    def refs(self, word: str) -> Sequence[str]:
        return [text for text in self.ref_texts if text.startswith(word)]

    def here(self) -> Sequence[str]:
        return self.keys


@pytest.fixture(scope="session")
def spec41() -> _specs.SpecIndex:
    return _specs.load("v1.41")


@pytest.fixture
def sources(spec41) -> FakeSources:
    return FakeSources(
        spec41,
        names={"containers": [("web", "container running busybox"), ("db", "container exited busybox"),
                              ("0123456789ab", "container running busybox web")],
               "images": [("busybox:latest", "image")]},
        ref_texts=["_1", "_2", "_2.Config", "_2.Created"],
        keys=["Config", "State"],
    )


@pytest.fixture
def env(engine, tmp_path) -> dict[str, str]:
    home = tmp_path / "home"
    (home / ".config" / "dshell").mkdir(parents=True)
    (home / ".config" / "dshell" / "config.yaml").write_text("pager: off\n")
    return {**{k: v for k, v in os.environ.items() if not k.startswith(("DOCKER_", "XDG_"))},
            "HOME": str(home), "DOCKER_HOST": engine["docker_host"], "TERM": "xterm-256color",
            "PYTHONPATH": str(REPO)}


@pytest.fixture
def term(env):
    terminal = Terminal(env)
    terminal.start()
    yield terminal
    terminal.close()



@pytest.fixture
def shell_home(tmp_path, monkeypatch) -> Path:
    """HOME and the XDG dirs in a tmp dir, so no test touches the user's files."""
    for var, sub in (("HOME", "home"), ("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"),
                     ("XDG_CACHE_HOME", "cache")):
        (tmp_path / sub).mkdir()
        monkeypatch.setenv(var, str(tmp_path / sub))
    return tmp_path


@pytest.fixture
def mocked(daemon: Any, shell_home: Any) -> Iterator[Any]:
    """A started Session over the module's ``daemon`` fixture (a ``tests.mockdaemon.Daemon``)."""
    from dshell.shell.config import Config
    from dshell.shell.session import Session

    s = Session(Config(endpoint="unix:///mock/docker.sock"), results_file=None, clients=daemon.clients)
    s.start(background=False)
    yield s
    s.close()
