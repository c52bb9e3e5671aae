"""docker's own command lines run through the docker CLI and through dshell against the same engine state, their
output compared (times like "3 seconds ago" and object ids normalised): listings filtered to this module's
labelled objects, --format templates, -q, --no-trunc, inspect, errors, and commands that change things, each run on
a twin object of its own (``-dk-`` for the CLI, ``-ds-`` for dshell)."""

from __future__ import annotations

import io
import re
import shlex
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from dshell.shell.commands.dispatch import execute
from dshell.shell.config import Config
from dshell.shell.session import Session

pytestmark = [pytest.mark.engine, pytest.mark.only_engine(
    "main", pins="the 20.10 docker CLI's output on its own engine (28.5 answers without VirtualSize, Containers ...)")]
DOCKER_20 = "/usr/bin/docker"  # Debian's 20.10 CLI, the engine's own (scripts/engine installs docker.io)
RUN = uuid.uuid4().hex[:6]
P = f"dsh-dcli-{RUN}"
LABEL = f"dsh-dcli={RUN}"
F = f"--filter label={LABEL}"
FI = f"--filter reference={P}/*"

_TIME = re.compile(r"(?:\d+|About an?|Less than a) (?:second|minute|hour|day|week|month|year)s?(?= ago|\b)")
_IDS = re.compile(r"\b(?:sha256:)?(?:[0-9a-f]{64}|[0-9a-f]{12})\b")


def docker(*args: str, check: bool = True, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([DOCKER_20, *args], capture_output=True, text=True, timeout=120, env=env, check=False)
    if check and proc.returncode:
        raise AssertionError(f"docker {' '.join(args)}: {proc.stderr}")
    return proc


_LABELS = re.compile(r'"Labels":"([^"]*)"')  # the CLI joins a container's labels in Go's random map order


def normalised(text: str) -> list[str]:
    """Lines with times and ids made tokens, a formatter's Labels in one order; when the text has a time, runs of
    blanks are one (a column's width follows the width of its times)."""
    lines = text.rstrip("\n").split("\n") if text.strip() else []
    timed = any(_TIME.search(line) for line in lines)
    out = []
    for line in lines:
        line = _IDS.sub(lambda m: "ID64" if len(m.group().removeprefix("sha256:")) == 64 else "ID12",
                        _TIME.sub("T", line))
        line = _LABELS.sub(lambda m: f'"Labels":"{",".join(sorted(m.group(1).split(",")))}"', line)
        out.append(re.sub(r" {2,}", "  ", line).rstrip() if timed else line.rstrip())
    return out


def _setup(env: dict[str, str]) -> None:
    docker("volume", "create", "--label", LABEL, f"{P}-v1")
    docker("volume", "create", "--label", LABEL, f"{P}-v2")
    docker("network", "create", "--label", LABEL, f"{P}-net")
    docker("run", "-d", "--label", LABEL, "--name", f"{P}-a", "-v", f"{P}-v1:/data", "--network", f"{P}-net",
           "busybox", "sh", "-c", "touch /tmp/x; sleep 600")
    docker("run", "-d", "--label", LABEL, "--name", f"{P}-b", "-p", "127.0.0.1::80", "-p", "127.0.0.1::81/udp",
           "busybox", "sleep", "600")
    docker("create", "--label", LABEL, "--name", f"{P}-c", "busybox", "true")
    docker("run", "--label", LABEL, "--name", f"{P}-d", "busybox", "sh", "-c", "exit 3", check=False)
    docker("run", "--label", LABEL, "--name", f"{P}-e", "busybox", "sh", "-c",
           "for i in 1 2 3 4 5; do echo out$i; done; echo err1 >&2; echo out6")
    docker("tag", "busybox", f"{P}/img:1")
    docker("tag", "busybox", f"{P}/img:2")
    for twin in ("dk", "ds"):
        for n in (1, 2, 3):
            docker("run", "-d", "--label", LABEL, "--name", f"{P}-{twin}{n}", "busybox", "sleep", "600")
        docker("create", "--label", LABEL, "--label", f"dsh-dcli-prune={RUN}-{twin}", "--name", f"{P}-{twin}gone",
               "busybox", "true")
        docker("volume", "create", "--label", f"dsh-dcli-prune={RUN}-{twin}", f"{P}-{twin}vgone")
        docker("network", "create", "--label", f"dsh-dcli-prune={RUN}-{twin}", f"{P}-{twin}ngone")


def _teardown() -> None:
    names = docker("ps", "-aq", "--filter", f"label={LABEL}", check=False).stdout.split()
    if names:
        docker("rm", "-f", "-v", *names, check=False)
    for kind in ("network", "volume"):
        found = docker(kind, "ls", "-q", "--filter", f"name={P}", check=False).stdout.split()
        if found:
            docker(kind, "rm", *found, check=False)
    images = docker("images", "--format", "{{.Repository}}:{{.Tag}}", "--filter", f"reference={P}*",
                    check=False).stdout.split()
    images += docker("images", "--format", "{{.Repository}}:{{.Tag}}", "--filter", f"reference={P}*/*",
                     check=False).stdout.split()
    if images:
        docker("rmi", *images, check=False)


@pytest.fixture(scope="module")
def state(engine) -> Iterator[Session]:
    import os

    env = {**os.environ, "DOCKER_HOST": engine["docker_host"]}
    os.environ["DOCKER_HOST"] = engine["docker_host"]
    try:
        _setup(env)
        session = Session(Config(endpoint=engine["docker_host"], pager="off"), results_file=None)
        session.start(background=False)
        yield session
        session.close()
    finally:
        _teardown()


def dshell(session: Session, line: str) -> tuple[str, str, int]:
    """What dshell prints for ``line`` (stdout, the error lines, the exit status ``dshell -c`` gives)."""
    from rich.console import Console

    reply = execute(session, line)
    out = io.StringIO()
    if callable(plain := getattr(reply.body, "plain_text", None)):  # what dshell -c writes into a pipe
        out.write(plain() + "\n")
    elif reply.body is not None:
        Console(file=out, width=10_000, color_system=None, soft_wrap=True).print(reply.body)
    return out.getvalue(), reply.error or "", 1 if reply.error else 0


READS = [
    f"ps {F}", f"ps -a {F}", f"ps -aq {F}", f"ps -a --no-trunc {F}", f"ps -a {F} --format '{{{{.Names}}}}'",
    f"ps -a {F} --format '{{{{.ID}}}}\\t{{{{.Image}}}}'", f"ps -a {F} --format 'table {{{{.Names}}}}\\t{{{{.State}}}}'",
    f"ps -a {F} --format '{{{{json .}}}}'", f"ps -a {F} --format '{{{{.Label \"dsh-dcli\"}}}}'",
    f"ps -a {F} --format 'table {{{{.ID}}}}\\t{{{{.Label \"dsh-dcli\"}}}}'", f"ps -a {F} -f status=exited",
    f"ps -a {F} -f status=running -q", f"ps -a {F} -f name={P}-a",
    f"ps -a {F} --format '{{{{.Names}}}} {{{{.Ports}}}}'", f"ps -a {F} --format '{{{{.Command}}}} {{{{.Status}}}}'",
    f"ps -a {F} -n 2 -q", f"ps {F} -l --format '{{{{.Names}}}}'",
    f"ps -a {F} --format '{{{{upper .Names}}}}'", f"ps -a {F} --format '{{{{.Names}}}}|{{{{.Networks}}}}'",
    f"ps -a {F} --format '{{{{.Mounts}}}}'", f"ps -a {F} --format '{{{{.LocalVolumes}}}} {{{{.State}}}}'",
    f"ps -a {F} -s --format 'table {{{{.Names}}}}\\t{{{{.Size}}}}'", f"container ls -a {F}",
    f"container ls -a {F} --format '{{{{.State}}}}'", f"ps -a {F} --format '{{{{.CreatedAt}}}}'",
    f"ps -a {F} --format '{{{{truncate .Names 8}}}}'", f"ps -a {F} --format '{{{{join (split .Names \"-\") \"+\"}}}}'",
    f"images {FI}", f"images {FI} -q", f"images {FI} --no-trunc",
    f"images {FI} --format '{{{{.Repository}}}}:{{{{.Tag}}}}'",
    f"images {FI} --format '{{{{json .}}}}'", f"image ls {FI} --format 'table {{{{.Tag}}}}\\t{{{{.ID}}}}'",
    f"images {P}/img", f"images {P}/img:2 -q", f"images {FI} --digests",
    f"network ls {F}", f"network ls {F} -q", f"network ls {F} --no-trunc",
    f"network ls {F} --format '{{{{.Name}}}} {{{{.Driver}}}} {{{{.Scope}}}} {{{{.Internal}}}} {{{{.IPv6}}}}'",
    f"network ls {F} --format '{{{{json .}}}}'", f"network ls -f name={P}-net --format '{{{{.Name}}}}'",
    f"network inspect {P}-net --format '{{{{.Name}}}} {{{{.Driver}}}} {{{{json .Labels}}}}'",
    f"network inspect {P}-net",
    f"volume ls {F}", f"volume ls {F} -q", f"volume ls {F} --format '{{{{.Name}}}}\\t{{{{.Driver}}}}'",
    f"volume ls {F} --format '{{{{json .}}}}'", f"volume ls {F} --format 'table {{{{.Name}}}}\\t{{{{.Mountpoint}}}}'",
    f"volume inspect {P}-v1", f"volume inspect {P}-v1 {P}-v2 --format '{{{{.Name}}}}'", f"volume ls -f name={P}-v2 -q",
    f"inspect {P}-a", f"inspect --format '{{{{.Name}}}} {{{{.State.Status}}}}' {P}-a {P}-d",
    f"inspect --format '{{{{.Config.Image}}}}' {P}-b", f"inspect --type image --format '{{{{.Id}}}}' {P}/img:1",
    f"inspect -f '{{{{json .Config.Labels}}}}' {P}-a", f"container inspect -f '{{{{.State.ExitCode}}}}' {P}-d",
    f"image inspect -f '{{{{.Size}}}}' {P}/img:1", f"inspect -f '{{{{range .Config.Cmd}}}}{{{{.}}}} {{{{end}}}}' {P}-a",
    f"inspect -f '{{{{index .Config.Labels \"dsh-dcli\"}}}}' {P}-a",
    f"inspect -f '{{{{if .State.Running}}}}up{{{{else}}}}down{{{{end}}}}' {P}-a {P}-d",
    f"inspect nosuch-{P}", f"inspect -f '{{{{.Name}}}}' {P}-a nosuch-{P}", f"image inspect {P}/img:2",
    f"port {P}-b", f"port {P}-b 80", f"port {P}-a", f"top {P}-a", f"diff {P}-a", f"history {P}/img:1", f"wait {P}-d",
    f"history -H=false {P}/img:1", f"history --human=false --no-trunc {P}/img:1",
    f"history --format '{{{{.CreatedAt}}}} {{{{.Size}}}}' {P}/img:1",
    f"rm nosuch-{P}-1 nosuch-{P}-2", f"stop nosuch-{P}", f"rmi nosuch-{P}:1", f"network rm nosuch-{P}",
    f"volume rm nosuch-{P}", "version --format '{{.Server.Version}}'", "info --format '{{.ServerVersion}} {{.Driver}}'",
    "info --format '{{json .Swarm.LocalNodeState}}'"
]
CHANGES = [
    "stop -t 1 {x}1 {x}2", "start {x}1 {x}2", "restart -t 1 {x}1", "pause {x}1", "unpause {x}1",
    "kill -s HUP {x}2", "update --cpus 0.5 -m 64m {x}2", "rename {x}3 {x}3b", "kill {x}3b", "wait {x}3b",
    "tag busybox {x}img:5", "rmi {x}img:5", "volume create --label " + LABEL + " {x}vol", "volume rm {x}vol",
    "network create --label " + LABEL + " {x}net2", "network connect {x}net2 {x}2", "network disconnect {x}net2 {x}2",
    "network rm {x}net2", "container prune -f --filter label=dsh-dcli-prune={t}",
    "volume prune -f --filter label=dsh-dcli-prune={t}", "network prune -f --filter label=dsh-dcli-prune={t}",
    "create --label " + LABEL + " --name {x}new -e A=1 busybox true", "start {x}new", "wait {x}new", "rm {x}new",
    "commit -m note {x}2 {x}img:c", "history --format '{{{{.Comment}}}}' {x}img:c", "rmi {x}img:c",
    "rm -f {x}1 {x}3b nosuch-{x}", "rm nosuch-{x}", "export -o {d}/{x}.tar {x}2", "rm -f -v {x}2",
]


def _compare(cli: subprocess.CompletedProcess[str], mine: tuple[str, str, int], line: str, twin: bool = False) -> None:
    out, err, status = mine
    swap = (lambda s: s.replace("-dk", "-ds").replace(f"{RUN}-dk", f"{RUN}-ds")) if twin else (lambda s: s)
    if cli.returncode == 0 and cli.stderr:  # said on success (rm -f of a missing one): after the output here
        cli = subprocess.CompletedProcess(cli.args, 0, cli.stdout + cli.stderr, "")
    assert normalised(out) == normalised(swap(cli.stdout)), line
    assert normalised(err) == normalised(swap(cli.stderr)), line
    assert status == (1 if cli.returncode else 0), line


@pytest.mark.parametrize("line", READS)
def test_reads_print_what_the_docker_cli_prints(state, line):
    cli, mine = docker(*shlex.split(line), check=False), dshell(state, line)
    if line.startswith(("logs", "container logs")) and cli.returncode == 0:  # stderr lines: among stdout's here
        cli.stdout, cli.stderr = "\n".join(sorted((cli.stdout + cli.stderr).splitlines())), ""
        mine = ("\n".join(sorted(mine[0].splitlines())), *mine[1:])
    if line.startswith(("diff ", f"port {P}-b")) and not line.endswith(" 80"):  # in no fixed order (Go maps)
        cli.stdout = "\n".join(sorted(cli.stdout.splitlines()))
        mine = ("\n".join(sorted(mine[0].splitlines())), *mine[1:])
    _compare(cli, mine, line)


def test_changes_print_what_the_docker_cli_prints(state, tmp_path):
    """Each line run by the CLI on its twins, then by dshell on its own, in order (a line changes what the next
    sees)."""
    for template in CHANGES:
        cli = docker(*shlex.split(template.format(x=f"{P}-dk", t=f"{RUN}-dk", d=tmp_path)), check=False)
        line = template.format(x=f"{P}-ds", t=f"{RUN}-ds", d=tmp_path)
        _compare(cli, dshell(state, line), line, twin=True)
    assert (len(READS) + len(CHANGES)) >= 80


def _server_part(text: str) -> list[str]:
    """docker version's or info's lines from ``Server:`` on, with what changes between two calls on a shared engine
    (container and image counts) and Go's random map order (the runtimes) made one; the lines a CLI before v23
    printed besides (the index server, an empty Labels:) left out, as tests/explorer's info_part does."""
    lines = text[text.index("Server:"):].splitlines()
    lines = [re.sub(r"^( +(?:Containers|Running|Paused|Stopped|Images): )\d+$", r"\1N", line) for line in lines]
    lines = [line for n, line in enumerate(lines) if not line.startswith(" Registry: ")  # a CLI before v23's
             and not (line == " Labels:" and not lines[n + 1].startswith("  "))]  # (dshell prints the current one's)
    return [" Runtimes: " + " ".join(sorted(line.split()[1:])) if line.startswith(" Runtimes:") else line
            for line in lines]


def test_version_and_info_print_docker_report_with_dshell_as_the_client(state):
    for line in ("version", "info", "system info"):
        cli, (out, err, status) = docker(line.split()[-1]), dshell(state, line)
        assert (err, status) == ("", 0) and _server_part(out) == _server_part(cli.stdout), line
        client = out[:out.index("Server:")].splitlines()
        assert client[0] == "Client: dshell" and " Context:" in "\n".join(client), line
    assert " API version:       1.41 (downgraded from " in dshell(state, "version")[0]  # dshell speaks 20.10's


def test_system_df_v_prints_docker_four_tables(state):
    """Headings, column titles and this module's objects' rows (the shared engine's others may come and go)."""
    def mine_only(text: str) -> list[str]:
        titles = ("REPOSITORY ", "CONTAINER ID ", "VOLUME NAME ", "CACHE ID ")
        return [line for line in normalised(text) if line.endswith(" usage:") or line.startswith(titles)
                or P in line]

    cli, (out, err, status) = docker("system", "df", "-v"), dshell(state, "system df -v")
    assert (err, status) == ("", 0) and len(mine_only(out)) > 10
    mine, theirs = mine_only(out), mine_only(cli.stdout)  # the daemon lists volumes in no fixed order
    assert [line for line in mine if line.endswith(":")] == [line for line in theirs if line.endswith(":")]
    assert sorted(mine) == sorted(theirs)  # not the build cache's total: another helper may build meanwhile
    assert re.search(r"^Build cache usage: [\d.]+k?M?G?B$", out, re.M)
    assert dshell(state, "system df -v --format '{{json .}}'")[1].endswith("leave out --format (or -v)")


def test_start_a_prints_the_output_and_exits_with_the_container_code(state, engine):
    """``start -a``: attached, started, the output (stderr on stderr), the container's exit code, as docker's."""
    import os
    import sys

    env = {**os.environ, "DOCKER_HOST": engine["docker_host"], "PYTHONPATH": str(Path(__file__).parents[2])}
    for twin in ("dk", "ds"):
        docker("create", "--label", LABEL, "--name", f"{P}-{twin}sa", "busybox", "sh", "-c",
               "echo out1; echo err1 >&2; echo out2; exit 3")
    for line in ("start -a {x}sa", "start -a {x}sa {x}1", "start -a nosuch-{x}"):
        cli = docker(*shlex.split(line.format(x=f"{P}-dk")), check=False)
        mine = subprocess.run([sys.executable, "-m", "dshell", "-c", line.format(x=f"{P}-ds")], capture_output=True,
                              text=True, timeout=60, check=False, env=env)
        said = (cli.stdout + cli.stderr).replace("-dk", "-ds")  # dshell -c says a failure on stdout
        assert (sorted((mine.stdout + mine.stderr).splitlines()), mine.returncode) == (
            sorted(said.splitlines()), cli.returncode), line
        if cli.returncode == 3:
            assert (mine.stdout, mine.stderr) == (cli.stdout, cli.stderr), line


def test_context_use_and_system_events_run_dshell_commands_with_typed_values(state, engine):
    """The words are read once by the table: a context name or a filter with a space stays one value."""
    import os
    import sys

    assert "no endpoint or docker context 'no such'" in dshell(state, "context use 'no such'")[1]
    env = {**os.environ, "DOCKER_HOST": engine["docker_host"], "PYTHONPATH": str(Path(__file__).parents[2])}
    line = f"system events --since 5m --until 0s -f 'label=dsh-dcli=no such {RUN}'"
    done = subprocess.run([sys.executable, "-m", "dshell", "-c", line], capture_output=True, text=True, timeout=60,
                          check=False, env=env)
    assert done.returncode == 0 and "0 lines kept" in done.stdout + done.stderr, done.stdout + done.stderr


def test_one_shot_views_answer_once_instead_of_a_pane(state):
    """No front end's stream handler is plugged into this session: a pane or a printed stream would fail here."""
    big = dshell(state, f"logs {P}-e")
    assert sorted(big[0].splitlines()) == ["err1", *(f"out{i}" for i in range(1, 7))] and big[1:] == ("", 0)
    stats = execute(state, f"stats --no-stream {P}-a")
    assert stats.error is None and stats.result is not None and stats.result.op == "ContainerStats"
    assert execute(state, f"stats --no-stream nosuch-{P}").error.endswith(f"No such container: nosuch-{P}")


def test_prune_without_force_asks_nothing_here_and_says_to_add_f(state):
    out, err, status = dshell(state, "volume prune --filter label=dsh-dcli-prune=none")
    assert (out, status) == ("", 1) and "add -f" in err




@pytest.mark.parametrize("line", [f"ps -a {F} --format '{{{{.Names}}}}\\t{{{{.State}}}}'", f"network ls {F}",
                                  f"rm nosuch-{P}-x", f"volume ls {F} -q"])
def test_dshell_c_prints_what_the_docker_cli_prints(state, engine, line):
    """The real ``dshell -c``: docker's output on stdout as it is (tabs kept), a failure's line and exit status 1."""
    import os
    import sys
    from pathlib import Path

    env = {**os.environ, "DOCKER_HOST": engine["docker_host"], "PYTHONPATH": str(Path(__file__).parents[2])}
    mine = subprocess.run([sys.executable, "-m", "dshell", "-c", line], capture_output=True, text=True, timeout=120,
                          env=env, check=False)
    cli = docker(*shlex.split(line), check=False)
    assert (mine.returncode != 0) == (cli.returncode != 0)
    if cli.returncode:
        assert cli.stderr.strip() in mine.stdout + mine.stderr
    else:
        assert mine.stdout == cli.stdout


def test_prune_asks_docker_question_at_the_prompt(state):
    """At the prompt (``session.ask`` set) docker's question is asked; no keeps everything, yes prunes."""
    docker("volume", "create", "--label", f"dsh-dcli-ask={RUN}", f"{P}-askvol")
    asked: list[str] = []
    answers = iter([False, True])
    state.ask = lambda question: asked.append(question) or next(answers)
    try:
        line = f"volume prune --filter label=dsh-dcli-ask={RUN}"
        assert dshell(state, line) == ("", "", 0)
        assert f"{P}-askvol" in docker("volume", "ls", "-q").stdout
        out, err, status = dshell(state, line)
    finally:
        state.ask = None
    assert asked == ["WARNING! This will remove all local volumes not used by at least one container.\n"
                     "Are you sure you want to continue? [y/N] "] * 2
    assert (out.splitlines()[:2], err, status) == (["Deleted Volumes:", f"{P}-askvol"], "", 0)
    assert f"{P}-askvol" not in docker("volume", "ls", "-q").stdout


def test_targets_from_a_result_and_from_a_substitution(state):
    for n in (1, 2, 3):
        docker("run", "-d", "--label", f"dsh-dcli-sub={RUN}", "--name", f"{P}-sub{n}", "busybox", "sleep", "600")
    listed = dshell(state, f"ps -q -f label=dsh-dcli-sub={RUN} --no-trunc")[0].split()
    stopped = dshell(state, f"stop -t 1 _{state.history.last.n}")
    assert (sorted(stopped[0].split()), stopped[1:]) == (sorted(listed), ("", 0))
    names = dshell(state, f"ps -a -f label=dsh-dcli-sub={RUN} --format '{{{{.Names}}}}'")[0].split()
    removed = dshell(state, f"rm -f $(ps -aq -f label=dsh-dcli-sub={RUN} --format '{{{{.Names}}}}')")
    assert (sorted(removed[0].split()), removed[1:]) == (sorted(names), ("", 0)) and len(names) == 3
    assert docker("ps", "-aq", "--filter", f"label=dsh-dcli-sub={RUN}").stdout == ""
    assert "ps: unknown flag --bogus" in dshell(state, "rm -f $(ps --bogus)")[1]


def test_pull_prints_what_the_docker_cli_prints_and_keeps_the_events(state, engine, monkeypatch, capfd):
    image = engine["registry_image"]
    monkeypatch.setenv("DOCKER_CONFIG", engine["docker_config"])
    env = {**__import__("os").environ}
    docker("rmi", image, check=False)
    cli = docker("pull", image, env=env)
    docker("rmi", image, env=env)
    capfd.readouterr()
    reply = execute(state, f"pull {image}")
    printed = capfd.readouterr().out  # the progress lines as they came, then the reference
    out = printed + (reply.body.plain_text() + "\n" if reply.body is not None else "")
    try:
        assert reply.error is None and normalised(out) == normalised(cli.stdout)
        assert reply.result.op == "ImageCreate" and any(
            str(e.get("status", "")).startswith("Status: Downloaded newer image") for e in reply.result.data)
    finally:
        docker("rmi", image, check=False)
    missing = execute(state, f"pull {engine['registry']}/dshell/nosuch-{RUN}:1")
    assert missing.error.startswith("Error response from daemon: manifest for") and "\n" not in missing.error


def test_logs_of_several_containers_each_line_after_its_name(state):
    docker("run", "--label", LABEL, "--name", f"{P}-l2", "busybox", "sh", "-c", "echo b1")
    out, err, status = dshell(state, f"logs {P}-e {P}-l2")
    width = len(f"{P}-l2")
    assert (err, status) == ("", 0)
    assert f"{P}-l2".ljust(width) + "  | b1" in out.splitlines()
    assert f"{P}-e".ljust(width) + "  | out6" in out.splitlines()
    import os
    import sys

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    for line in (f"logs -f {P}-e {P}-l2", f"container logs -f {P}-e {P}-l2"):  # followed: one stream, each tagged
        done = subprocess.run([sys.executable, "-m", "dshell", "-c", line], capture_output=True, text=True,
                              timeout=120, check=False, env=env)
        assert done.returncode == 0, done.stderr
        said = done.stdout.splitlines() + done.stderr.splitlines()[:-1]  # the last line says how it ended
        assert {f"{P}-e   | stream ended", f"{P}-l2  | stream ended"} <= set(said)  # each one's end, tagged
        shown = sorted(line for line in said if not line.endswith("| stream ended"))
        assert shown == sorted([f"{P}-e   | out{i}" for i in range(1, 7)] + [f"{P}-e   | err1", f"{P}-l2  | b1"])
    missing = dshell(state, f"logs nosuch-{P} {P}-l2")
    assert missing[0].splitlines() == [f"{P}-l2  | b1"] and missing[1] == f"Error: No such container: nosuch-{P}"


def test_stats_no_stream_prints_docker_table_once(state):
    out, err, status = dshell(state, f"stats --no-stream {P}-a {P}-b --format 'table {{{{.Name}}}}\\t{{{{.PIDs}}}}'")
    assert (err, status) == ("", 0)
    assert out.splitlines()[0].split() == ["NAME", "PIDS"] and sorted(line.split()[0] for line in
                                                                       out.splitlines()[1:]) == [f"{P}-a", f"{P}-b"]
    table = dshell(state, f"stats --no-stream {P}-a")[0].splitlines()
    assert re.split(r" {2,}", table[0]) == ["CONTAINER ID", "NAME", "CPU %", "MEM USAGE / LIMIT", "MEM %", "NET I/O",
                                           "BLOCK I/O", "PIDS"]
    assert table[1].split()[1] == f"{P}-a" and re.fullmatch(r"\d+\.\d\d%", table[1].split()[2])
    every = dshell(state, "stats --no-stream")[0]
    assert f"{P}-a" in every and f"{P}-c" not in every  # running ones only (c was created, never started)
    said = docker("stats", "--no-stream", f"nosuch-{P}", check=False).stderr.strip()  # the daemon's words
    assert dshell(state, f"stats --no-stream nosuch-{P}") == ("", said, 1) and said.endswith(f"container: nosuch-{P}")


def test_a_docker_command_on_one_endpoint_as_docker_context(state, engine):
    """``@a ps ...`` runs there as ``docker --context a ps ...``; on several it is one line saying so."""
    import os
    import sys

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    line = f"ps -a {F} --format '{{{{.Names}}}}'"
    done = subprocess.run([sys.executable, "-m", "dshell", "-H", f"a={engine['docker_host']}", "-H",
                           "b=unix:///nonexistent.sock", "-c", f"@a {line}", "-c", f"@a,b {line}"],
                          capture_output=True, text=True, timeout=120, check=False, env=env)
    assert sorted(done.stdout.splitlines()) == sorted(docker(*shlex.split(line)).stdout.splitlines())
    assert done.stderr.startswith("docker's ps runs on one endpoint: @a ps") and done.returncode == 1


def test_prune_ops_ask_docker_question_at_the_prompt_too(state):
    """VolumePrune typed as an op asks what docker volume prune asks, at the prompt only (dshell -c runs it)."""
    docker("volume", "create", "--label", f"dsh-dcli-askop={RUN}", f"{P}-askop")
    asked: list[str] = []
    state.ask = lambda question: asked.append(question) or False
    try:
        kept = execute(state, f"VolumePrune filters=label=dsh-dcli-askop={RUN}")
        assert (kept.error, kept.result) == (None, None) and f"{P}-askop" in docker("volume", "ls", "-q").stdout
        assert asked == ["WARNING! This will remove all local volumes not used by at least one container.\n"
                         "Are you sure you want to continue? [y/N] "]
        images = execute(state, "ImagePrune filters=[dangling=false, label=nothing-dsh-dcli]")
        assert images.result is None and asked[-1].startswith("WARNING! This will remove all images without")
    finally:
        state.ask = None
    pruned = execute(state, f"VolumePrune filters=label=dsh-dcli-askop={RUN}")  # no one to ask: it runs
    assert pruned.result is not None and pruned.result.data["VolumesDeleted"] == [f"{P}-askop"]


def test_system_prune_asks_what_docker_asks_and_answers_no_here(state):
    """docker system prune's question, its filters listed (only asked: it would prune the engine's dangling build
    cache, which no label filter limits)."""
    line = "system prune --filter label=dsh-dcli-sys=1 --filter \"label!=dsh-dcli-x\" --volumes"
    cli = subprocess.run([DOCKER_20, *shlex.split(line)], input="n\n", capture_output=True, text=True, timeout=60,
                         check=False)
    asked: list[str] = []
    state.ask = lambda question: asked.append(question) or False
    try:
        assert execute(state, line).error is None
    finally:
        state.ask = None
    assert asked == [cli.stdout]
