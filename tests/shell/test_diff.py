"""`diff _A _B` at the prompt: two results of the real engine compared, the diff stored and queryable."""

from __future__ import annotations

from typing import Any

import pytest

from dshell.shell.commands.dispatch import execute
from dshell.shell.config import Config
from dshell.shell.session import Session


def _text(body: Any) -> str:
    import io

    from rich.console import Console

    console = Console(width=200, file=io.StringIO())
    console.print(body)
    return console.file.getvalue()


@pytest.fixture
def session(engine: dict[str, Any], shell_home: Any, tmp_path: Any) -> Any:
    session = Session(Config(endpoint=engine["docker_host"]), results_file=tmp_path / "r.jsonl")
    session.start(background=False)
    yield session
    session.close()


@pytest.mark.engine
def test_a_container_before_and_after_its_start(session: Session, unique_name: Any,
                                               cleanup_containers: Any) -> None:
    name = unique_name()
    for line in (f"ContainerCreate name={name} {{Image: busybox, Cmd: [sleep, '30'], Env: [A=1]}}",
                 f"ContainerInspect {name}", f"ContainerStart {name}", f"ContainerInspect {name}"):
        reply = execute(session, line)
        assert reply.error is None, (line, reply.error)
    before, after = (r.n for r in list(session.history)[-3::2])
    reply = execute(session, f"diff _{before} _{after}")
    assert reply.error is None and reply.result is not None and reply.result.op == "diff"
    changes = {row["Path"]: row for row in reply.result.data}
    assert changes[".State.Status"] == {"Change": "changed", "Path": ".State.Status",
                                        "Old": "created", "New": "running"}
    assert changes[".State.Pid"]["Old"] == 0 and changes[".State.Pid"]["New"] > 0
    assert not any(path.startswith(".Config") for path in changes)  # the config did not change
    diff_n = reply.result.n
    queried = execute(session, f"_{diff_n} | [?Change=='changed'].Path")
    assert queried.error is None and ".State.Status" in _text(queried.body)
    assert execute(session, f"diff _{before}.Config _{after}.Config").body.startswith(
        f"[{diff_n + 1}] no differences")


def test_diff_mistakes_are_one_line(shell_home: Any, tmp_path: Any) -> None:
    session = Session(Config(endpoint="unix:///tmp/dshell-test-no-such.sock", api_version="v1.41"),
                      results_file=tmp_path / "r.jsonl")
    session.start(background=False)
    try:
        session.history.add("ContainerInspect", {}, 200, 0.0, {"State": {"Status": "running"}})
        assert execute(session, "diff _1").error.startswith("diff takes two results: diff _A _B")
        assert execute(session, "diff _1 _9").error == "_9: no result 9 (have 1)"
        assert execute(session, "diff _1.Nope _1").error == "_1.Nope: no key 'Nope'"
        assert execute(session, "diff _1 _1").body == "[2] no differences between _1 and _1"
    finally:
        session.close()
