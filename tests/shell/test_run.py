"""``run``: docker run's flags → ContainerCreate's body (no daemon), then the whole workflow on the engine."""

from __future__ import annotations

import io
import os
import socket
import time

import pytest

from dshell.shell.commands.dispatch import execute
from dshell.shell.config import Config
from dshell.shell.session import Session
from dshell.shell.workflows.run import create_params, image_params, parse_run
from tests.conftest import get_published
from tests.parsed import Workflow, parse_line


def body_of(line: str) -> dict:
    return create_params(parse_run(line.split()[1:]))["body"]


def test_run_is_a_workflow_command():
    assert parse_line("run -it --rm busybox sh") == Workflow("run", ("-it", "--rm", "busybox", "sh"))


def test_flags_map_onto_the_create_body(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FROM_HERE", "local")
    (tmp_path / "vars.env").write_text("# comment\nA=1\n\nFROM_HERE\n")
    opts = parse_run(["-dit", "--name", "web", "-e", "B=2", "-eC=3", "--env=D=4", "--env-file", "vars.env",
                      "-p", "127.0.0.1:8080:80", "-p", "53:53/udp", "-p", "9000", "-v", ".:/www:ro", "-v", "/cache",
                      "-v", "named:/data", "-w", "/www", "-u", "nobody", "-l", "team=infra", "--label", "flag",
                      "--entrypoint", "httpd", "--network", "none", "--restart", "on-failure:3", "--hostname",
                      "box", "busybox", "-f", "-p", "80"])
    assert opts.detach and opts.interactive and opts.tty and opts.cmd == ["-f", "-p", "80"]
    params = create_params(opts)
    body = params["body"]
    assert params["name"] == "web"
    assert body["Image"] == "busybox" and body["Cmd"] == ["-f", "-p", "80"] and body["Entrypoint"] == ["httpd"]
    assert body["Env"] == ["A=1", "FROM_HERE=local", "B=2", "C=3", "D=4"]
    assert body["ExposedPorts"] == {"80/tcp": {}, "53/udp": {}, "9000/tcp": {}}
    host = body["HostConfig"]
    assert host["PortBindings"] == {"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8080"}],
                                    "53/udp": [{"HostIp": "", "HostPort": "53"}],
                                    "9000/tcp": [{"HostIp": "", "HostPort": ""}]}
    assert host["Binds"] == [f"{tmp_path}:/www:ro", "named:/data"] and body["Volumes"] == {"/cache": {}}
    assert host["NetworkMode"] == "none" and host["RestartPolicy"] == {"Name": "on-failure", "MaximumRetryCount": 3}
    assert body["Labels"] == {"team": "infra", "flag": ""}
    assert (body["WorkingDir"], body["User"], body["Hostname"]) == ("/www", "nobody", "box")
    assert body["Tty"] and body["OpenStdin"] and body["StdinOnce"] and "AttachStdout" not in body


def test_attached_and_rm():
    body = body_of("run --rm busybox echo 'a b'")
    assert body["Cmd"] == ["echo", "a b"] and body["AttachStdout"] and body["AttachStderr"]
    assert body["HostConfig"] == {"AutoRemove": True} and "Tty" not in body and "OpenStdin" not in body


@pytest.mark.parametrize(("words", "message"), [
    ([], "run needs an image"),
    (["-x", "busybox"], "unknown option '-x'"),
    (["--name"], "--name needs a value"),
    (["-p", "80:http", "busybox"], "-p 80:http: expected [IP:][HOST_PORT:]CONTAINER_PORT"),
    (["-v", "data", "busybox"], "-v data: expected SRC:DST"),
    (["--restart", "sometimes", "busybox"], "--restart sometimes: expected no, always"),
    (["--rm", "--restart", "always", "busybox"], "--rm and --restart conflict"),
])
def test_bad_flags_are_one_line(words, message):
    with pytest.raises(ValueError, match="^" + message.replace("[", r"\[").replace("]", r"\]")) as info:
        create_params(parse_run(words))
    assert "\n" not in str(info.value)


def test_image_references():
    assert image_params("busybox") == {"fromImage": "busybox", "tag": "latest"}
    assert image_params("127.0.0.1:5000/a/b:v1") == {"fromImage": "127.0.0.1:5000/a/b", "tag": "v1"}
    assert image_params("127.0.0.1:5000/a/b") == {"fromImage": "127.0.0.1:5000/a/b", "tag": "latest"}
    assert image_params("b@sha256:00") == {"fromImage": "b@sha256:00"}


def test_dry_run_shows_the_body_and_sends_nothing(shell_home):
    session = Session(Config(endpoint="unix:///tmp/dshell-test-no-such.sock", api_version="v1.41"),
                      results_file=None)
    session.start(background=False)
    try:
        reply = execute(session, "run --dry-run -e A=1 busybox true")
        assert reply.error is None and len(session.history) == 0
        from rich.console import Console

        console = Console(width=100, record=True, color_system=None, file=io.StringIO())
        console.print(reply.body)
        shown = console.export_text()
        assert "ContainerCreate" in shown and '"A=1"' in shown
    finally:
        session.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.engine
def test_run_detached_with_env_port_and_volume(engine, shell_home, tmp_path, unique_name, docker_cli,
                                               cleanup_containers):
    name, port = unique_name(), _free_port()
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("served from a local dir\n")
    said: list = []
    session = Session(Config(endpoint=engine["docker_host"]), results_file=None)
    session.say = said.append
    session.start(background=False)
    try:
        reply = execute(session, f"run -d --name {name} -e GREETING=hi -p 127.0.0.1:{port}:80 -v {site}:/www "
                                "busybox httpd -f -p 80 -h /www")
        assert reply.error is None, reply.error
        ops = [r.op for r in session.history]
        assert ops == ["ImageInspect", "ContainerCreate", "ContainerStart", "run"]
        assert len(said) == 3  # each op announced as it ran
        assert reply.result.data["Id"] == session.history[2].data["Id"]
        assert docker_cli("exec", name, "sh", "-c", "echo $GREETING").strip() == "hi"
        for _ in range(50):
            try:
                page = get_published(engine, f"http://127.0.0.1:{port}/index.html")
                break
            except OSError:
                time.sleep(0.1)
        assert page == b"served from a local dir\n"
    finally:
        session.close()


@pytest.mark.engine
def test_run_attached_streams_output_and_keeps_the_exit_code(engine, shell_home, unique_name, docker_cli,
                                                             capfd):
    name = unique_name()
    session = Session(Config(endpoint=engine["docker_host"]), results_file=None)
    session.say = lambda body: None
    session.start(background=False)
    try:
        reply = execute(session, f"run --rm --name {name} busybox sh -c 'echo out; echo err >&2; exit 3'")
        assert reply.error is None and reply.result.data["exit_code"] == 3
        out, err = capfd.readouterr()
        assert "out" in out.split() and "err" in err.split()
        assert docker_cli("ps", "-aq", "--filter", f"name={name}").strip() == ""  # --rm: gone
    finally:
        session.close()


@pytest.mark.engine
def test_run_pulls_a_missing_image_with_layer_progress(engine, shell_home, unique_name, docker_cli, monkeypatch):
    image, maker = f"{engine['registry']}/dshell/{unique_name()}:latest", unique_name()
    docker_cli("run", "--name", maker, "--network", "none", engine["image"], "sh", "-c", f"echo {maker} > /made")
    docker_cli("commit", maker, image)  # a layer of its own: the pull has one to download
    docker_cli("rm", maker)
    docker_cli("push", image)
    docker_cli("rmi", image)
    monkeypatch.setenv("DOCKER_CONFIG", engine["docker_config"])  # the registry login
    said: list = []
    session = Session(Config(endpoint=engine["docker_host"]), results_file=None)
    session.say = said.append
    session.start(background=False)
    try:
        reply = execute(session, f"run --rm {image} true")
        assert reply.error is None, reply.error
        ops = [(r.op, r.status) for r in session.history]
        assert ops[:3] == [("ImageInspect", 404), ("ImageCreate", 200), ("ContainerCreate", 201)]
        lines = [str(getattr(s, "plain", s)) for s in said]
        assert any(line.endswith(": Pull complete") for line in lines), lines
        assert reply.result.data["exit_code"] == 0
    finally:
        session.close()
        docker_cli("rmi", image, check=False)


@pytest.mark.engine
def test_dshell_c_run_exits_with_the_containers_exit_code(engine, shell_home, unique_name):
    import subprocess
    import sys

    env = {**os.environ, "DOCKER_HOST": engine["docker_host"], "HOME": str(shell_home / "home"),
           "XDG_DATA_HOME": str(shell_home / "data"), "XDG_CONFIG_HOME": str(shell_home / "config")}
    for code in (0, 7):
        done = subprocess.run([sys.executable, "-m", "dshell", "-c", f"run --rm busybox sh -c 'exit {code}'"],
                              env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == code, done.stderr  # as docker run gives it


def _create_keys(version: str) -> set[str]:
    """The keys of ContainerCreate's body in the spec of ``version`` (allOf parts merged)."""
    from dshell.client import spec

    s = spec(version)

    def keys(schema: dict) -> set[str]:
        schema = s.resolve(schema)
        return set(schema.get("properties", {})).union(*(keys(part) for part in schema.get("allOf", [])))

    return keys(s.ops["ContainerCreate"].body_param.schema)


def test_mac_address_and_networks_follow_the_api_version():
    mac = "02:42:ac:11:00:42"
    old = create_params(parse_run(["--mac-address", mac, "busybox"]), "v1.43")["body"]
    assert old["MacAddress"] == mac and "NetworkingConfig" not in old  # before 1.44: the container's own field
    new = create_params(parse_run(["--mac-address", mac, "busybox"]), "v1.44")["body"]
    assert "MacAddress" not in new and new["NetworkingConfig"] == {"EndpointsConfig": {"default": {"MacAddress": mac}}}
    several = create_params(parse_run(["--network", "a", "--network", "b", "--mac-address", mac, "busybox"]),
                            "v1.52")["body"]
    assert several["HostConfig"]["NetworkMode"] == "a"
    assert several["NetworkingConfig"] == {"EndpointsConfig": {"a": {"MacAddress": mac}, "b": {}}}
    assert "MacAddress" in _create_keys("v1.51") and "MacAddress" not in _create_keys("v1.52")  # 1.52 dropped it
    assert set(several) <= _create_keys("v1.52")
    with pytest.raises(ValueError, match=r"^run: several --network need API 1\.44 or newer \(this engine speaks "
                                         r"v1\.41\): give one, then NetworkConnect the others$"):
        create_params(parse_run(["--network", "a", "--network", "b", "busybox"]), "v1.41")
    with pytest.raises(ValueError, match=r"^--mac-address 02:4g:ac:11:00:42: expected six hex pairs"):
        create_params(parse_run(["--mac-address", "02:4g:ac:11:00:42", "busybox"]), "v1.44")
