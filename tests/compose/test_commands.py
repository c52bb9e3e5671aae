"""The ``compose`` command of the shell (the prompt, ``dshell -c``, the magic share it): views stored as numbered
results with docker compose's columns, lifecycle ops each stored with their progress line, --dry-run, logs."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from dshell.shell.commands.dispatch import execute

from ..shell.test_files_workflows import _text as text
from ..shell.test_files_workflows import session_on
from .conftest import leftovers

pytestmark = pytest.mark.engine
REPO = Path(__file__).resolve().parents[2]
FILE = """\
services:
  web:
    image: busybox:latest
    command: ["sh", "-c", "echo web says hi; exec sleep 3600"]
    depends_on: [db]
  db:
    image: busybox:latest
    command: ["sh", "-c", "echo db ready; exec sleep 3600"]
"""


@pytest.fixture
def project(tmp_path, scrub) -> tuple[Path, str]:
    name = f"dsh-compose-{secrets.token_hex(4)}"
    scrub(name)
    (tmp_path / "compose.yaml").write_text(textwrap.dedent(FILE))
    return tmp_path, name


def test_views_and_lifecycle_at_the_prompt(engine, project, dclient):
    folder, name = project
    said: list[Any] = []
    f = f"-f {folder}/compose.yaml -p {name}"
    with session_on(engine, said) as s:
        planned = execute(s, f"compose {f} --dry-run up")
        assert planned.error is None
        assert leftovers(dclient, name)["containers"] == []
        assert planned.result.data["would_send"][:3] == ["NetworkCreate ", f"ContainerCreate name={name}-db-1",
                                                        f"ContainerStart id={name}-db-1"]
        said.clear()
        up = execute(s, f"compose {f} up -d")
        assert up.error is None, up.error
        lines = [text(b).strip() for b in said]
        assert any(line.startswith(f"✔ Network {name}_default  Created  _") for line in lines), lines
        assert any(line.startswith(f"✔ Container {name}-web-1  Started  _") for line in lines), lines
        stored = up.result.data["ops"]
        assert len(stored) == 5  # NetworkCreate, 2 x ContainerCreate + ContainerStart: each a result
        assert s.history.get(int(stored[0][1:])).op == "NetworkCreate"
        ps = execute(s, f"compose {f} ps")
        shown = text(ps.body).splitlines()
        assert shown[0].startswith(f"[{ps.result.n}] compose ps")
        assert shown[1].split() == ["NAME", "IMAGE", "COMMAND", "SERVICE", "CREATED", "STATUS", "PORTS"]
        assert [line.split()[0] for line in shown[2:]] == [f"{name}-db-1", f"{name}-web-1"]
        listed = execute(s, "compose ls")
        assert name in text(listed.body)
        tree = execute(s, f"compose -p {name} tree")
        assert f"{name}-web-1" in text(tree.body) and "depends_on" in text(tree.body)
        from dshell.explorer import render
        from dshell.explorer._view import html_of

        assert "<details" in html_of(render(tree.result).renderable)  # a foldable tree in a notebook
        logs = execute(s, f"compose -p {name} logs")  # the lines are its output (stdout under dshell -c)
        lines = sorted(text(logs.body).rstrip("\n").splitlines())
        assert lines == ["db-1   | db ready", "web-1  | web says hi"], lines
        assert logs.result.op == "compose logs" and len(logs.result.data) == 2
        config = execute(s, f"compose {f} config")
        assert sorted(config.result.data["services"]) == ["db", "web"]
        bad = execute(s, f"compose {f} ps --bogus")
        assert bad.error == "compose ps: unknown option '--bogus' (known: --all, -a)"
        down = execute(s, f"compose -p {name} down -t 0")
        assert down.error is None
    assert leftovers(dclient, name) == {"containers": [], "networks": [], "volumes": []}


def test_a_bad_file_is_one_line_in_dshell_c(engine, tmp_path):
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: busybox\n    ports: 80\n")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("DOCKER_")},
           "DOCKER_HOST": engine["docker_host"], "PYTHONPATH": str(REPO), "HOME": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "dshell", "-c", "compose config"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert (proc.stdout + proc.stderr).strip().splitlines() == [
        f"{tmp_path}/compose.yaml: services.web.ports: must be a list, not an integer"]


def test_compose_ls_on_several_hosts_and_a_command_on_one(engine, project, dclient):
    folder, name = project
    said: list[Any] = []
    with session_on(engine, said) as s:
        assert execute(s, f"connect b {engine['docker_host']}").error is None
        assert execute(s, f"compose -f {folder}/compose.yaml -p {name} up -d").error is None
        both = execute(s, "@all compose ls")
        assert both.error is None, both.error
        mine = [r for r in both.result.data if r["Name"] == name]
        assert [r["HOST"] for r in mine] == ["d", "b"]
        assert text(both.body).splitlines()[1].split()[:2] == ["HOST", "NAME"]
        on_b = execute(s, f"@b compose -p {name} ps")
        assert [r["Service"] for r in on_b.result.data] == ["db", "web"]
        wrong = execute(s, f"@d,b compose -p {name} ps")
        assert wrong.error.startswith("compose ps runs on one endpoint")
        assert execute(s, f"@b compose -p {name} down -t 0").error is None
    assert leftovers(dclient, name) == {"containers": [], "networks": [], "volumes": []}
