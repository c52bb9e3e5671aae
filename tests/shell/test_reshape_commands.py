"""`_N --filter/--sort/--columns/--grep` at the prompt (each a new numbered result) and `open` outside a terminal,
on the engine's own answers."""

from __future__ import annotations

import pytest

from dshell.shell.commands.dispatch import execute
from dshell.shell.config import Config

from .test_session import started

pytestmark = pytest.mark.engine


def test_gestures_make_new_results_of_engine_answers(engine, shell_home, tmp_path, docker_cli, unique_name,
                                                     cleanup_containers):
    tag = unique_name("dsh-nav-g")
    cleanup_containers(tag)
    for n, state in ((2, "created"), (10, "created"), (1, "exited")):
        docker_cli("run" if state == "exited" else "create", "--name", f"{tag}-web-{n}", "--label", f"dsh-nav={tag}",
                   "--network", "none", "busybox", "sh", "-c", "echo one; echo two; echo three")
    with started(Config(endpoint=engine["docker_host"]), tmp_path / "r.jsonl") as session:
        listed = execute(session, f'ContainerList all=true filters={{"label": ["dsh-nav={tag}"]}}').result
        n = listed.n
        by_name = execute(session, f"_{n} --sort NAMES --reverse")
        assert by_name.error is None and by_name.result.n == n + 1 and by_name.result.op == "ContainerList"
        assert [row["Names"][0] for row in by_name.result.data] == [f"/{tag}-web-{k}" for k in (10, 2, 1)]
        assert by_name.result.params == {"of": f"_{n}", "gestures": "--sort NAMES --reverse"}
        exited = execute(session, f"_{n} --filter State=exited").result
        assert [row["Names"][0] for row in exited.data] == [f"/{tag}-web-1"]
        picked = execute(session, f'_{n} --filter "STATUS=^Created" --sort NAMES --columns NAMES,State').result
        assert picked.op == "Table" and picked.data == [{"NAMES": f"{tag}-web-2", "State": "created"},
                                                        {"NAMES": f"{tag}-web-10", "State": "created"}]
        logs = execute(session, f"ContainerLogs {tag}-web-1 stdout=true").result
        grepped = execute(session, f"_{logs.n} --grep t").result
        assert grepped.data == "2:two\n3:three\n"
        for line, message in ((f"_{n} --sort 'NOPE['", "NOPE[: no such column (have CONTAINER ID, IMAGE,"),
                              (f"_{n} --grep x", f"--grep: _{n} is list[3], not text or logs"),
                              (f"_{n} --reverse", "--reverse goes with --sort COL"),
                              (f"_{n} sideways", "unexpected 'sideways' after a reference")):
            reply = execute(session, line)
            assert reply.error is not None and reply.error.startswith(message) and "\n" not in reply.error
        assert execute(session, "open").error.startswith("open needs the interactive prompt")
        failed = execute(session, "ContainerInspect dsh-nav-no-such-container")
        assert failed.error.startswith(f"[{failed.result.n}] ContainerInspect 404 No such container")
