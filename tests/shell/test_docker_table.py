"""The docker command table against the docker CLI's own help, and the planner's reading of docker's words."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from dshell.shell.commands.docker import Docker
from dshell.shell.docker.plan import PlanError, plan, size_bytes
from dshell.shell.docker.table import commands
from dshell.shell.grammar import ParseError
from dshell.shell.parse import parse_line
from dshell.shell.workflows import run as run_workflow

DOCKER_20 = "/usr/bin/docker"  # Debian's docker.io CLI, installed with the engine by scripts/engine


def _cli() -> str:
    found = DOCKER_20 if shutil.which(DOCKER_20) else shutil.which("docker")
    if found is None:
        raise RuntimeError("no docker CLI: run scripts/engine up (it installs docker.io)")
    return found


def _help_flags(name: str) -> set[str]:
    out = subprocess.run([_cli(), *name.split(), "--help"], capture_output=True, text=True, timeout=60,
                         check=True).stdout
    flags: set[str] = set()
    for line in out.split("Options:")[-1].splitlines():
        m = re.match(r"\s+(?:(-\w), )?(--[\w-]+)", line)
        if m:
            flags.update(f for f in m.groups() if f)
    return flags - {"--help"}


def _unique() -> list[str]:
    seen: dict[int, str] = {}
    for name, command in commands().items():
        seen.setdefault(id(command), name)
    return list(seen.values())


@pytest.mark.parametrize("name", _unique())
def test_every_flag_of_docker_help_is_mapped_or_unsupported_with_a_reason(name):
    command = commands()[name]
    known = set(command.flags) | set(command.unsupported)
    if command.op == "create":  # create's flags are run's: the run workflow reads them
        known |= set(run_workflow._FLAGS) | set(run_workflow._VALUES)
    missing = sorted(_help_flags(name) - known)
    assert not missing, f"docker {name}: {missing} neither mapped nor listed unsupported"
    assert all(reason.strip() for reason in command.unsupported.values())


def test_the_table_names_every_command_of_the_issue():
    wanted_text = ("ps container.ls images image.ls pull push rm rmi start stop restart kill pause unpause rename "
                   "inspect "
              "top port diff wait update create commit export history tag save load import search info version "
              "system.df system.info system.events system.prune container.prune image.prune network.prune "
              "volume.prune builder.prune network.ls network.create network.rm network.inspect network.connect "
              "network.disconnect volume.ls volume.create volume.rm volume.inspect context.ls context.use "
              "swarm.init swarm.join swarm.leave swarm.unlock service.ps service.logs service.scale")
    wanted = wanted_text.split()
    wanted += [f"{kind}.{verb}" for kind in ("node", "service", "secret", "config")
               for verb in ("ls", "inspect", "rm", "create", "update")
               if (kind, verb) not in (("node", "create"), ("secret", "update"), ("config", "update"))]
    table = commands()
    assert [w for w in wanted if w.replace(".", " ") not in table] == []


@pytest.mark.parametrize(("words", "calls", "options"), [
    ("ps -a", [("ContainerList", {"all": True}, None)], {}),
    ("ps -aq --filter label=a=b -f status=exited", [("ContainerList", {"all": True, "filters": {
        "label": ["a=b"], "status": ["exited"]}}, None)], {"quiet": True}),
    ("container ls -n 3 --no-trunc", [("ContainerList", {"limit": 3}, None)], {"no-trunc": True}),
    ("rm -f a b c", [("ContainerDelete", {"force": True, "id": t}, t) for t in "abc"], {}),
    ("stop -t5 web", [("ContainerStop", {"t": 5, "id": "web"}, "web")], {}),
    ("stop --time=7 web", [("ContainerStop", {"t": 7, "id": "web"}, "web")], {}),
    ("kill -s HUP a b", [("ContainerKill", {"signal": "HUP", "id": t}, t) for t in "ab"], {}),
    ("pull busybox:1.36", [("ImageCreate", {"fromImage": "busybox", "tag": "1.36"}, None)], {}),
    ("images dsh*", [("ImageList", {"filters": {"reference": ["dsh*"]}}, None)], {}),
    ("image prune -af", [("ImagePrune", {"filters": {"dangling": ["false"]}}, None)], {"force": True}),
    ("top web aux -x", [("ContainerTop", {"id": "web", "ps_args": "aux -x"}, None)], {}),
    ("update -m 512m --cpus 1.5 web", [("ContainerUpdate", {"id": "web", "body": {
        "Memory": 512 * 1024**2, "NanoCpus": 1_500_000_000}}, "web")], {}),
    ("network create -d bridge --label k=v --subnet 10.9.0.0/24 --gateway 10.9.0.1 n", [("NetworkCreate", {"body": {
        "CheckDuplicate": True, "Driver": "bridge", "Labels": {"k": "v"}, "Name": "n",
        "IPAM": {"Config": [{"Subnet": "10.9.0.0/24", "Gateway": "10.9.0.1"}]}}}, None)], {}),
    ("tag busybox dsh/x:2", [("ImageTag", {"name": "busybox", "repo": "dsh/x", "tag": "2"}, None)], {}),
    ("volume rm -f v1 v2", [("VolumeDelete", {"force": True, "name": t}, t) for t in ("v1", "v2")], {}),
])
def test_docker_words_plan_typed_calls(words, calls, options):
    found = plan(words.split())
    assert [(c.op, c.params, c.target) for c in found.calls] == calls
    assert found.options == options


@pytest.mark.parametrize(("words", "message"), [
    ("ps --bogus", "docker ps: unknown flag --bogus; supported: --all, --filter, --format"),
    ("pull --disable-content-trust x", "docker pull: --disable-content-trust is not supported here (content trust"),
    ("service create --mode global --replicas 2 busybox", "replicas can only be used with replicated"),
    ("service inspect --pretty web", "--pretty is not supported here (docker's prose report: dshell prints the JSON"),
    ("service create -p 80:80/xyz busybox", "-p: invalid port '80:80/xyz'"),
    ("service create --publish target=80,proto=udp busybox", "--publish: invalid field 'proto=udp'"),
    ("service create --update-delay 5 busybox", "--update-delay: invalid duration '5'"),
    ("service create --mount type=bind,src=/x busybox", "--mount: target is required"),
    ("service create --mount type=bind,dst=/x,volume-nocopy busybox", "cannot mix 'volume-*' options"),
    ("rm", "docker rm needs at least one ID: usage: rm"),
    ("rename a", "docker rename needs NAME"),
    ("stop -t soon web", "-t: 'soon' is not a int: e.g. -t 5"),
    ("ps -f label", "-f: 'label' is not key=value: e.g. -f label=app"),
    ("kill -s", "docker kill: -s needs a value"),
    ("service scale", "docker service scale needs at least one ID"),
    ("frobnicate", "unknown docker command"),
])
def test_words_that_do_not_fit_get_one_line(words, message):
    with pytest.raises(PlanError) as err:
        plan(words.split())
    assert message in str(err.value) and "\n" not in str(err.value)


def test_service_flags_read_as_the_docker_cli_reads_them():
    body = plan(["service", "create", "--mode", "global", "-p", "8000-8001:80-81/udp", "-p",
                 "published=9,target=90,mode=host", "--mount", "src=v,dst=/d,ro,volume-label=a=b", "--network",
                 "name=n,alias=web", "--restart-delay", "1m30s", "--entrypoint", "sh -c", "docker.io/library/busybox",
                 "echo", "hi"]).calls[0].params["body"]
    assert body["Mode"] == {"Global": {}} and body["EndpointSpec"]["Ports"] == [
        {"Protocol": "udp", "TargetPort": 80, "PublishedPort": 8000, "PublishMode": "ingress"},
        {"Protocol": "udp", "TargetPort": 81, "PublishedPort": 8001, "PublishMode": "ingress"},
        {"Protocol": "tcp", "PublishMode": "host", "PublishedPort": 9, "TargetPort": 90}]
    spec = body["TaskTemplate"]["ContainerSpec"]
    assert spec["Mounts"] == [{"Type": "volume", "Source": "v", "Target": "/d", "ReadOnly": True,
                               "VolumeOptions": {"Labels": {"a": "b"}, "DriverConfig": {}}}]
    assert (spec["Image"], spec["Command"], spec["Args"]) == ("busybox:latest", ["sh", "-c"], ["echo", "hi"])
    assert body["TaskTemplate"]["Networks"] == [{"Target": "n", "Aliases": ["web"]}]
    assert body["TaskTemplate"]["RestartPolicy"] == {"Condition": "any", "Delay": 90 * 10**9, "MaxAttempts": 0}


def test_history_human_false_and_the_typed_rows_of_dshell_commands():
    from dshell.shell.commands.streams import Stream
    from dshell.shell.docker.plan import Call
    from dshell.shell.docker.runner import _followed

    assert plan(["history", "-H=false", "busybox"]).options == {"human": False}
    assert plan(["history", "--human=false", "busybox"]).options == {"human": False}
    events = plan(["system", "events", "-f", "label=a b", "--since", "1700000000", "--until=1700000001"])
    assert events.calls == (Call("SystemEvents", {"filters": {"label": ["a b"]}, "since": "1700000000",
                                                  "until": "1700000001"}),)
    stream = _followed(events)
    assert isinstance(stream, Stream) and (stream.verb, stream.call.op, stream.call.params) == (
        "events", "SystemEvents", events.calls[0].params)
    assert plan(["context", "use", "my ctx"]).calls == (Call("use", {"name": "my ctx"}),)


def test_sizes_read_as_docker_reads_them():
    assert [size_bytes(t) for t in ("100", "1k", "512m", "1g", "1.5G")] == [100, 1024, 512 * 1024**2, 1024**3,
                                                                           int(1.5 * 1024**3)]


@pytest.mark.parametrize("line", ["ps -a", "rm -f a b", "network ls -q", "diff web", "history busybox",
                                  "save -o x.tar busybox", "inspect web --format '{{.Name}}'"])
def test_docker_lines_parse_as_docker_commands(line):
    assert isinstance(parse_line(line), Docker)


@pytest.mark.parametrize("line", ["diff _1 _2", "history", "history 5", "save _3 out.json", "logs -f web",
                                  "ContainerList all=true"])
def test_dshell_own_commands_keep_their_words(line):
    assert not isinstance(parse_line(line), Docker)


def test_docker_output_shows_control_characters_and_keeps_tabs():
    import io

    from rich.console import Console

    from dshell.explorer import Printed

    out = io.StringIO()
    Console(file=out, width=200, color_system=None).print(Printed("web\t\x1b]0;PWNED\x07up\nnext"))
    assert out.getvalue() == "web\t^[]0;PWNED^Gup\nnext\n"


def test_a_substitution_is_one_word_and_its_command_is_kept():
    found = parse_line("rm -f $(ps -aq -f label=x=1) web")
    assert found == Docker(("rm", "-f", "$(0)", "web"), ("ps -aq -f label=x=1",))


def test_bang_and_lcd_are_the_local_machine(tmp_path, monkeypatch):
    import os

    from dshell.shell.commands.local import Lcd, Local
    from dshell.shell.local import change_dir, run_local

    assert parse_line("!docker ps | grep x") == Local("docker ps | grep x")
    assert parse_line("lcd ~/src") == Lcd("~/src")
    monkeypatch.chdir(tmp_path)
    assert change_dir(str(tmp_path / "nope")).error.startswith("lcd: ")
    (tmp_path / "sub").mkdir()
    assert change_dir("sub").body == f"local directory: {tmp_path / 'sub'}" and os.getcwd() == str(tmp_path / "sub")
    reply = run_local("echo hi; pwd; exit 3")  # pytest's stdout is no terminal: the output is the reply
    assert str(reply.body) == f"hi\n{tmp_path / 'sub'}" and reply.error == "!echo: exit status 3" and reply.status == 3


def test_terminal_progress_rewrites_each_layers_line_in_place_as_docker_does():
    from dshell.explorer._progress import TerminalProgress

    board = TerminalProgress()
    events = [{"status": "Pulling from library/busybox", "id": "latest"},
              {"status": "Pulling fs layer", "progressDetail": {}, "id": "aaa"},
              {"status": "Pulling fs layer", "progressDetail": {}, "id": "bbb"},
              {"status": "Downloading", "progressDetail": {"current": 5, "total": 10},
               "progress": "[=====>     ]  5B/10B", "id": "aaa"},
              {"status": "Digest: sha256:x\x1b]0;t\x07"}, {"status": "Status: Downloaded newer image for busybox"}]
    assert [board.chunk(e) for e in events] == [
        "latest: Pulling from library/busybox\n",
        "\n\x1b[1A\x1b[2K\raaa: Pulling fs layer \r\x1b[1B",
        "\n\x1b[1A\x1b[2K\rbbb: Pulling fs layer \r\x1b[1B",
        "\x1b[2A\x1b[2K\raaa: Downloading [=====>     ]  5B/10B\r\x1b[2B",  # two lines up: aaa's, then back
        "Digest: sha256:x^[]0;t^G\n",  # a daemon's control characters are shown, never obeyed
        "Status: Downloaded newer image for busybox\n"]


def test_a_line_piped_to_a_local_command(tmp_path):
    from dshell.explorer import Printed
    from dshell.shell.commands.local import PipeLocal
    from dshell.shell.local import piped
    from dshell.shell.reply import Reply

    assert parse_line("ps -a --format '{{.Names}} | x' | !grep web") == PipeLocal(
        "ps -a --format '{{.Names}} | x'", "grep web")
    assert parse_line("ps -a | grep -c web") == PipeLocal("ps -a", "grep -c web")  # as typed in a shell
    assert parse_line("history | sort") == PipeLocal("history", "sort")
    assert parse_line("ContainerList | sort").query == "sort"  # an op call's (and a result's) | is JMESPath
    for line in ("ps -a |", "ps -a |  "):
        with pytest.raises(ParseError, match="nothing after '|'"):
            parse_line(line)
    reply = piped(Reply(Printed("web-1\tup\ndb-1\tup")), "grep -c web; tr '\\t' ,")
    assert str(reply.body) == "1" and reply.error is None  # grep read all of it: tr got nothing
    reply = piped(Reply(Printed("a\nb"), error="Error: No such container: x"), "wc -l")
    assert str(reply.body).strip() == "2" and reply.error == "Error: No such container: x" and reply.status == 1


def test_system_prune_prints_each_prune_under_its_heading_and_one_total():
    from dshell.explorer import Result
    from dshell.shell.docker.plan import Call
    from dshell.shell.docker.views import VIEWS

    def result(op, data):
        return Result(n=1, op=op, params={}, status=200, duration=0.0, data=data, error=None, time=0.0)

    ok = [(Call("ContainerPrune", {}), result("ContainerPrune", {"ContainersDeleted": ["c1"], "SpaceReclaimed": 1500})),
          (Call("NetworkPrune", {}), result("NetworkPrune", {"NetworksDeleted": None})),
          (Call("ImagePrune", {}), result("ImagePrune", {
              "ImagesDeleted": [{"Untagged": "a:1"}, {"Deleted": "sha256:x"}], "SpaceReclaimed": 2_000_000})),
          (Call("BuildPrune", {}), result("BuildPrune", {"CachesDeleted": None, "SpaceReclaimed": 0}))]
    shown = VIEWS["system-prune"](plan(["system", "prune", "-f"]), ok)
    assert str(shown) == ("Deleted Containers:\nc1\n\nDeleted Images:\nuntagged: a:1\ndeleted: sha256:x\n\n"
                          "Total reclaimed space: 2.002MB")
