"""The report views against the real engine and the real docker CLI: what dshell shows for the engine's answer
is what `docker top/diff/system df/prune/rmi/version` prints (for the same answer: the CLI is also run on a
daemon replaying it, see oracle.py), through the shell's session, on one endpoint and on two (`@u,v`)."""

from __future__ import annotations

import io
import re
import tarfile
import time
from collections.abc import Iterator
from typing import Any

import pytest
from rich.console import Console

import dshell.client as docker
from dshell.explorer import render
from dshell.shell.commands.dispatch import execute
from dshell.shell.config import Config
from dshell.shell.session import Session

from . import recorded as R
from .oracle import cli

pytestmark = pytest.mark.engine


@pytest.fixture
def session(engine: dict[str, Any]) -> Iterator[Session]:
    """A session whose default endpoint `u` and second one `v` are both the engine's unix socket."""
    host = engine["docker_host"]
    s = Session(Config(endpoint=host, hosts=(f"u={host}", f"v={host}"), pager="off"), results_file=None)
    s.start(background=False)
    yield s
    s.close()


@pytest.fixture
def leftovers(docker_cli: Any) -> Iterator[list[list[str]]]:
    """Docker CLI commands run at teardown whatever happened: removing what a test made, if it is still there."""
    commands: list[list[str]] = []
    yield commands
    for command in commands:
        docker_cli(*command, check=False)


def shown(body: Any, width: int = 200) -> list[str]:
    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(body)
    return [line.rstrip() for line in console.file.getvalue().splitlines()]


def run(session: Session, text: str) -> tuple[Any, list[str]]:
    """`text` run in the session: the result's data and the lines shown under its header line."""
    reply = execute(session, text)
    assert reply.error is None and reply.result is not None, reply.error
    lines = shown(reply.body)
    assert lines[0].startswith(f"[{reply.result.n}] ")
    return reply.result.data, lines[1:]


def cells(lines: list[str]) -> list[list[str]]:
    """Table lines as cells: leading spaces kept (version's indents), columns split at two or more spaces."""
    out = []
    for line in lines:
        indent = line[: len(line) - len(line.lstrip())]
        out.append([indent + cell if i == 0 else cell for i, cell in enumerate(re.split(r" {2,}", line.strip()))])
    while out and out[-1] == [""]:
        out.pop()
    return out


def same_as_cli(ours: list[str], theirs: str) -> None:
    assert cells(ours) == cells(theirs.splitlines())


def retried(check: Any, tries: int = 5) -> None:
    """`check()` until it passes (the engine is shared: a container may come or go between two requests)."""
    for _ in range(tries - 1):
        try:
            return check()
        except AssertionError:
            time.sleep(0.5)
    check()


def test_container_top_shows_the_process_with_the_pid_the_daemon_reports(session: Session, docker_cli: Any,
                                                                          unique_name: Any,
                                                                          cleanup_containers: Any) -> None:
    name = unique_name()
    docker_cli("run", "-d", "--name", name, "busybox:latest", "sleep", "4321")
    pid = docker_cli("inspect", "-f", "{{.State.Pid}}", name).strip()
    data, lines = run(session, f"ContainerTop {name}")
    header, *rows = cells(lines)
    titles = data["Titles"]
    assert header == titles and "PID" in header and "CMD" in header
    (row,) = rows
    assert row[header.index("PID")] == pid and row[header.index("CMD")] == "sleep 4321"
    assert data["Processes"][0][header.index("PID")] == pid  # the data is the daemon's: `_N | Processes` as sent
    retried(lambda: same_as_cli(run(session, f"ContainerTop {name}")[1], docker_cli("top", name)))
    data, lines = run(session, f'ContainerTop {name} ps_args="-o pid,comm"')
    assert data["Titles"] == ["PID", "COMMAND"] and cells(lines) == [["PID", "COMMAND"], [pid, "sleep"]]
    _, lines = run(session, f"@u,v ContainerTop {name}")
    header, *rows = cells(lines)
    assert header == ["HOST", *titles]
    assert [(row[0], row[header.index("PID")]) for row in rows] == [("u", pid), ("v", pid)]


def test_stats_without_streaming_is_a_row_as_docker_stats_no_stream_shows(session: Session, docker_cli: Any,
                                                                          unique_name: Any,
                                                                          cleanup_containers: Any) -> None:
    name = unique_name()
    docker_cli("run", "-d", "--name", name, "busybox:latest", "sleep", "300")
    data, lines = run(session, f"ContainerStats {name} stream=false")
    header, row = cells(lines)
    assert "cpu_stats" in data and header[:2] == ["READ", "NAME"]
    assert row[1] == name and row[header.index("PIDS")] == str(data["pids_stats"]["current"]) == "1"
    cli_row = docker_cli("stats", "--no-stream", "--format", "{{.Name}} {{.PIDs}}", name).split()
    assert cli_row == [row[1], row[header.index("PIDS")]]
    _, lines = run(session, f"@u,v ContainerStats {name} stream=false")
    header, *rows = cells(lines)
    assert header[:3] == ["HOST", "READ", "NAME"] and [(r[0], r[2]) for r in rows] == [("u", name), ("v", name)]


def test_container_list_with_sizes_is_docker_ps_size(session: Session, docker_cli: Any, unique_name: Any,
                                                      cleanup_containers: Any, engine_facts: Any) -> None:
    name = unique_name()
    docker_cli("run", "-d", "--name", name, "busybox:latest", "sh", "-c", "echo hi > /hi; sleep 300")
    time.sleep(0.5)  # the file written
    _, lines = run(session, f"ContainerList size=true filters={{name: [{name}]}}")
    theirs = cells(docker_cli("ps", "-s", "--filter", f"name={name}").splitlines())
    ours = cells(lines)
    assert ours[0] == theirs[0] and ours[0][-1] == "SIZE"
    # vfs counts the 3 bytes written; a containerd snapshot counts its disk blocks
    assert ours[1][-2:] == theirs[1][-2:]
    assert ours[1][-1].startswith("8.19kB (virtual " if engine_facts.containerd_store else "3B (virtual ")


def test_container_changes_are_the_lines_docker_diff_prints(session: Session, docker_cli: Any, unique_name: Any,
                                                            cleanup_containers: Any, engine_facts: Any) -> None:
    name = unique_name()
    docker_cli("run", "--name", name, "busybox:latest", "sh", "-c", "echo x > /etc/dsh-added; rm /etc/passwd")
    data, lines = run(session, f"ContainerChanges {name}")
    assert {"A /etc/dsh-added", "D /etc/passwd", "C /etc"} <= set(lines) and len(lines) == len(data)
    assert sorted(lines) == sorted(docker_cli("diff", name).splitlines())
    assert {"Path": "/etc/dsh-added", "Kind": 1} in data  # the daemon's data, not the letters
    _, merged = run(session, f"@u,v ContainerChanges {name}")
    assert merged[0].split() == ["HOST", "KIND", "PATH"]
    tagged = {tuple(line.split()) for line in merged[1:]}
    assert {host for host, *_ in tagged} == {"u", "v"}
    right = [h for h in ("u", "v") if {(h, "A", "/etc/dsh-added"), (h, "D", "/etc/passwd")} <= tagged]
    # u and v are one daemon asked at once: Docker 28's containerd store answers two concurrent diffs of one
    # container racily (one answer listed every top-level path deleted, as if its root were empty: a CI dry run)
    assert right == ["u", "v"] or (engine_facts.containerd_store and right), merged


def test_events_are_the_lines_docker_events_prints(session: Session, docker_cli: Any, unique_name: Any,
                                                  cleanup_containers: Any) -> None:
    name = unique_name()
    since = int(time.time()) - 1
    docker_cli("run", "--name", name, "busybox:latest", "true")
    until = int(time.time()) + 1
    window = f"since={since} until={until} filters={{container: [{name}]}}"
    data, lines = run(session, f"SystemEvents {window}")
    assert [line.split()[1:3] for line in lines][:2] == [["container", "create"], ["container", "attach"]]
    assert any(line.split()[2] == "die" and f"exitCode=0, image=busybox:latest, name={name})" in line for line in lines)
    theirs = docker_cli("events", "--since", str(since), "--until", str(until), "--filter", f"container={name}")
    assert lines == theirs.splitlines() and len(lines) == len(data)  # what docker events prints, line for line


def test_system_df_figures_are_the_docker_clis(session: Session, docker_cli: Any) -> None:
    def check() -> None:
        _, lines = run(session, "SystemDataUsage")
        same_as_cli(lines, docker_cli("system", "df"))

    retried(check)
    data, lines = run(session, "SystemDataUsage")
    same_as_cli(lines, cli({"/system/df": data}, "system", "df"))  # the CLI on this very answer
    # no `@u,v SystemDataUsage` here: one daemon answers 500 "a disk usage operation is already running" to the
    # second of two at once (test_reports.py shows merged answers)


def test_prunes_show_what_went_and_the_total_as_docker_prints_them(session: Session, docker_cli: Any,
                                                                   unique_name: Any, cleanup_containers: Any,
                                                                   leftovers: list[list[str]],
                                                                   engine_facts: Any) -> None:
    label = unique_name()
    dead = unique_name()
    leftovers += [["volume", "rm", label], ["network", "rm", label]]
    docker_cli("run", "--label", f"dsh.test.tables={label}", "--name", dead, "busybox:latest", "sh", "-c",
               "head -c 1200000 /dev/zero > /big")
    dead_id = docker_cli("inspect", "-f", "{{.Id}}", dead).strip()
    docker_cli("volume", "create", "--label", f"dsh.test.tables={label}", label)
    docker_cli("network", "create", "--label", f"dsh.test.tables={label}", label)
    filters = f'filters={{label: ["dsh.test.tables={label}"]}}'
    data, lines = run(session, f"ContainerPrune {filters}")
    assert data["ContainersDeleted"] == [dead_id] and data["SpaceReclaimed"] >= 1_200_000
    assert lines[:3] == ["Deleted Containers:", dead_id, ""] and lines[3].startswith("Total reclaimed space: 1.2")
    same_as_cli(lines, cli({"/containers/prune": data}, "container", "prune", "-f"))
    # from API 1.42 a named volume goes only with the all filter (docker volume prune -a)
    everything = ', all: ["true"]' if engine_facts.api_at_least("1.42") else ""
    data, lines = run(session, f'VolumePrune filters={{label: ["dsh.test.tables={label}"]{everything}}}')
    assert lines == ["Deleted Volumes:", label, "", "Total reclaimed space: 0B"]
    same_as_cli(lines, cli({"/volumes/prune": data}, "volume", "prune", "-f"))
    data, lines = run(session, f"NetworkPrune {filters}")
    assert lines == ["Deleted Networks:", label]
    same_as_cli(lines, cli({"/networks/prune": data}, "network", "prune", "-f"))
    data, lines = run(session, f"ContainerPrune {filters}")  # nothing left to delete
    assert lines == ["Total reclaimed space: 0B"] and not data["ContainersDeleted"]
    data, lines = run(session, f"@u,v ContainerPrune {filters}")
    assert lines == ["Total reclaimed space: 0B (u: 0B, v: 0B)"]
    data, lines = run(session, 'BuildPrune filters={id: ["dsh-test-no-such-cache-record"]}')
    assert lines == ["Total reclaimed space: 0B"]
    same_as_cli(lines, cli({"/build/prune": data}, "builder", "prune", "-f"))


def test_image_prune_and_image_delete_print_untagged_and_deleted(session: Session, docker_cli: Any,
                                                                  unique_name: Any,
                                                                  leftovers: list[list[str]]) -> None:
    repo = unique_name()
    leftovers.append(["rmi", "-f", f"{repo}:old", f"{repo}:other"])
    dockerfile = f"FROM busybox:latest\nLABEL dsh.test.tables={repo}\nRUN echo hi > /hi\n".encode()
    context = io.BytesIO()
    with tarfile.open(fileobj=context, mode="w") as tar:
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(dockerfile)
        tar.addfile(info, io.BytesIO(dockerfile))
    assert session.client is not None
    docker.invoke(session.client, {"op": "ImageBuild", "throw": True,
                                   "params": {"inputStream": context.getvalue(), "t": f"{repo}:old", "rm": True}})
    image_id = docker_cli("image", "inspect", "-f", "{{.Id}}", f"{repo}:old").strip()
    docker_cli("tag", f"{repo}:old", f"{repo}:other")
    data, lines = run(session, f"ImageDelete {repo}:other")
    assert data == [{"Untagged": f"{repo}:other"}] and lines == [f"Untagged: {repo}:other"]
    same_as_cli(lines, cli({f"/images/{repo}:other": data}, "rmi", f"{repo}:other"))
    data, lines = run(session, f'ImagePrune filters={{label: ["dsh.test.tables={repo}"], dangling: ["false"]}}')
    # in the daemon's order: Docker 28's containerd store may list the build's intermediate image (it has the
    # label too) first, as a CI dry run met
    assert lines[0] == "Deleted Images:" and {f"untagged: {repo}:old", f"deleted: {image_id}"} <= set(lines)
    assert lines[-2:] == ["", f"Total reclaimed space: {lines[-1].split(': ')[1]}"]
    same_as_cli(lines, cli({"/images/prune": data}, "image", "prune", "-f"))


def test_system_version_is_the_server_part_of_docker_version(session: Session, docker_cli: Any) -> None:
    _, lines = run(session, "SystemVersion")
    printed = docker_cli("version").splitlines()
    server = printed[printed.index(next(line for line in printed if line.startswith("Server:"))):]
    assert lines[0].startswith("Server:") and cells(lines)[1:] == cells(server)[1:]
    _, merged = run(session, "@u,v SystemVersion")
    assert [row[0] for row in cells(merged)[:2]] == ["HOST", "u"] and any(row[:2] == ["v", "Server:"]
                                                                            for row in cells(merged))


def by_header(lines: list[str], names: list[str]) -> list[list[str]]:
    """The cells of the columns `names` of a table, cut at its header's column starts."""
    header = lines[0]
    starts = sorted(header.index(name) for name in re.split(r" {2,}", header.strip()))
    spans = dict(zip(starts, [*starts[1:], None], strict=True))
    picked = [(header.index(name), spans[header.index(name)]) for name in names]
    return [[line[a:b].strip() for a, b in picked] for line in lines if line.strip()]


def test_image_search_against_the_cli_on_a_recorded_answer() -> None:
    """Docker Hub is out of reach here: the CLI is run on Docker Hub's answer shape (recorded.SEARCH) only."""
    names = ["NAME", "DESCRIPTION", "STARS", "OFFICIAL"]  # a CLI before v25 also prints AUTOMATED: left out
    ours = shown(render(R.SEARCH, "ImageSearch"))
    assert re.split(r" {3,}", ours[0]) == names
    assert by_header(ours, names) == by_header(cli({"/images/search": R.SEARCH}, "search", "bb").splitlines(), names)


def test_recorded_answers_read_as_the_cli_prints_them() -> None:
    for routes, args, op, data in [
        ({"/system/df": R.DF}, ["system", "df"], "SystemDataUsage", R.DF),
        ({"/system/df": R.DF_EMPTY}, ["system", "df"], "SystemDataUsage", R.DF_EMPTY),
        ({"/top": R.TOP_AUX}, ["top", "c", "aux"], "ContainerTop", R.TOP_AUX),
        ({"/changes": R.CHANGES}, ["diff", "c"], "ContainerChanges", R.CHANGES),
        ({"/images/prune": R.IMAGE_PRUNE}, ["image", "prune", "-f"], "ImagePrune", R.IMAGE_PRUNE),
        ({"/containers/prune": R.CONTAINER_PRUNE}, ["container", "prune", "-f"], "ContainerPrune", R.CONTAINER_PRUNE),
        ({"/version": R.VERSION}, ["version"], "SystemVersion", R.VERSION),
        # space reclaimed while nothing went is not counted (the CLI's prunes of volumes, containers and images)
        ({"/volumes/prune": R.NOTHING_PRUNED}, ["volume", "prune", "-f"], "VolumePrune", R.NOTHING_PRUNED),
        ({"/build/prune": R.NOTHING_PRUNED}, ["builder", "prune", "-f"], "BuildPrune", R.NOTHING_PRUNED),
    ]:
        theirs = cli(routes, *args)
        if op == "SystemVersion":
            theirs = theirs[theirs.index("Server:"):]
        same_as_cli(shown(render(data, op)), theirs)


def test_version_adds_the_engine_part_whenever_no_component_is_named_engine() -> None:
    """As the CLI does: Podman's answer gets an " Engine:" part (its API version shown) after its components; a
    value of several lines is printed as lines (the CLI starts them at column 0, dshell under the value)."""
    for answer in (R.PODMAN_VERSION, R.OLD_VERSION):
        ours = shown(render(answer, "SystemVersion"))
        theirs = cli({"/version": answer}, "version")
        theirs = theirs[theirs.index("Server:"):]
        assert [[c.strip() for c in row] for row in cells(ours)][1:] == [
            [c.strip() for c in row] for row in cells(theirs.splitlines())][1:]
    ours = shown(render(R.PODMAN_VERSION, "SystemVersion"))
    engine = ours.index(" Engine:")
    assert re.split(r" {2,}", ours[engine + 2].strip()) == ["API version:", "1.41 (minimum version 1.24)"]
    runc = next(n for n, line in enumerate(ours) if "runc version" in line)
    assert "⏎" not in "".join(ours) and ours[runc + 1].strip() == "commit: 1.1.5+ds1-1+deb12u1"
    assert ours[runc + 1].index("commit") == ours[runc].index("runc version")  # under the value


def info_part(lines: list[str]) -> list[str]:
    """`docker info`'s Server part as comparable lines: Runtimes sorted (the CLI ranges over a Go map); what a
    CLI before v23 printed besides (the index server, an empty Labels:) left out."""
    part = [line.rstrip() for line in lines[lines.index("Server:"):]]
    out = []
    for n, line in enumerate(part):
        if line.startswith(" Runtimes: "):
            line = " Runtimes: " + " ".join(sorted(line.split()[1:]))
        if line.startswith(" Registry: ") or line == " Labels:" and not part[n + 1].startswith("  "):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return out


def test_system_info_is_the_server_part_of_docker_info(session: Session, docker_cli: Any) -> None:
    def check() -> None:
        _, lines = run(session, "SystemInfo")
        assert info_part(lines) == info_part(docker_cli("info").splitlines())

    retried(check)  # Containers: N moves when another test starts one
    data, lines = run(session, "SystemInfo")
    assert info_part(lines) == info_part(cli({"/info": data}, "info").splitlines())
    ours = shown(render(R.INFO_SWARM, "SystemInfo"))
    assert ours[-1] == R.INFO_SWARM["Warnings"][0]  # the CLI prints it on stderr
    assert info_part(ours[:-1]) == info_part(cli({"/info": R.INFO_SWARM}, "info").splitlines())
    _, merged = run(session, "@u,v SystemInfo")
    assert [line.split()[:2] for line in merged if line.split()[1:2] == ["Server:"]] == [["u", "Server:"],
                                                                                        ["v", "Server:"]]
