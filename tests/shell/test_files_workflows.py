"""Local files as bodies (@path), cp, build, login/logout, push/pull with that login, docker CLI hints."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

import dshell.client as docker
from dshell.explorer import Printed
from dshell.shell.bind import bind
from dshell.shell.commands.dispatch import execute
from dshell.shell.config import Config
from dshell.shell.hints import DOCKER_COMMANDS
from dshell.shell.session import Session
from dshell.shell.values import LocalPath
from dshell.shell.workflows.build import parse_build
from dshell.shell.workflows.cp import split_arg
from dshell.shell.workflows.login import parse_login
from tests.parsed import OpCall, ParseError, parse_line

REPO = Path(__file__).resolve().parents[2]


@contextmanager
def session_on(engine: dict[str, Any], said: list[Any] | None = None) -> Iterator[Session]:
    session = Session(Config(endpoint=engine["docker_host"], pager="off"), results_file=None)
    session.say = (said.append if said is not None else lambda body: None)
    session.start(background=False)
    try:
        yield session
    finally:
        session.close()


def _text(body: Any) -> str:
    from rich.console import Console

    console = Console(width=200, file=io.StringIO(), color_system=None)
    console.print(body)
    return console.file.getvalue()  # type: ignore[attr-defined]


@pytest.fixture
def container(docker_cli, unique_name, cleanup_containers):
    """``container()`` starts a busybox container sleeping (removed at the end) and returns its name."""
    def make() -> str:
        name = unique_name()
        docker_cli("run", "-d", "--name", name, "busybox:latest", "sleep", "120")
        return name
    return make


# ------------------------------------------------------------------ no daemon
def test_at_path_is_a_local_path_value():
    cmd = parse_line("PutContainerArchive web path=/tmp @./site")
    assert isinstance(cmd, OpCall) and cmd.args == ("web", LocalPath("./site"))
    assert parse_line("ImageLoad imagesTarball=@img.tar").params == {"imagesTarball": LocalPath("img.tar")}
    quoted = parse_line('ImageLoad imagesTarball="@img.tar"')
    assert isinstance(quoted, OpCall)
    assert bind(quoted, docker.spec("v1.41"), lambda v: v) == {"imagesTarball": "@img.tar"}  # quoted: text
    assert parse_line('ImageLoad @"my images/a b.tar"').args == (LocalPath("my images/a b.tar"),)


@pytest.mark.parametrize(("arg", "split"), [
    ("web:/etc", ("web", "/etc")), ("/abs:x", (None, "/abs:x")), ("./a:b", (None, "./a:b")), ("plain", (None, "plain")),
    ("web:", ("web", "")),
])
def test_cp_arguments_split_like_docker_cp(arg, split):
    assert split_arg(arg) == split


def test_build_and_login_flags():
    opts = parse_build(["-t", "a:1", "--tag=b", "-f", "x/Dockerfile", "--build-arg", "K=V", "--target", "t",
                        "--no-cache", "ctx"])
    assert (opts.tags, opts.file, opts.build_args, opts.target, opts.no_cache, opts.context) == (
        ["a:1", "b"], "x/Dockerfile", ["K=V"], "t", True, "ctx")
    with pytest.raises(ValueError, match="build needs one folder"):
        parse_build(["-t", "x"])
    login = parse_login(["-u", "me", "--password-stdin", "reg:5000"])
    assert (login.username, login.password_stdin, login.registry) == ("me", True, "reg:5000")
    with pytest.raises(ValueError, match="not both"):
        parse_login(["-p", "x", "--password-stdin"])


@pytest.mark.parametrize(("word", "op"), [("plugin", "PluginList")])
def test_docker_commands_get_a_one_line_hint(word, op):
    """A docker command the table does not run (ps, rm... run as typed: tests/shell/test_docker_table.py)."""
    with pytest.raises(ParseError) as err:
        parse_line(f"{word} -a something")
    message = str(err.value)
    assert op in message and "help docker" in message and "\n" not in message
    assert op in DOCKER_COMMANDS[word]


def test_help_docker_prints_the_same_table(tmp_path):
    session = Session(Config(endpoint="unix:///tmp/dshell-test-no-such.sock", api_version="v1.41"),
                      results_file=None)
    session.start(background=False)
    try:
        text = _text(execute(session, "help docker").body)
        rm, pull = (_text(execute(session, f"help {name}").body) for name in ("rm", "pull"))
    finally:
        session.close()
    assert rm.splitlines()[0].split() == ["rm", "[-f|--force]", "[-l|--link]", "[-v|--volumes]", "ID...",
                                          "ContainerDelete"]
    assert "force=true" in rm and "container remove" in rm
    assert "not supported here" in pull and "content trust" in pull
    from dshell.shell.docker.table import commands

    for word, does in DOCKER_COMMANDS.items():
        assert word in commands() or (f"docker {word}" in text and does in text)
    for name in ("ps [-a|--all]", "rm [-f|--force]", "network ls [-f|--filter k=v]", "system prune [-a|--all]"):
        assert name in text


# ------------------------------------------------------------------ the engine
@pytest.mark.engine
def test_cp_a_file_and_a_folder_in_and_back_out_byte_identical(engine, shell_home, tmp_path, container, docker_cli):
    site = tmp_path / "site"
    (site / "sub").mkdir(parents=True)
    (site / "sub" / "data.bin").write_bytes(os.urandom(200_000))
    (site / "run.sh").write_text("#!/bin/sh\necho run\n")
    (site / "run.sh").chmod(0o754)
    (site / "link").symlink_to("run.sh")
    note = tmp_path / "note.txt"
    note.write_bytes(b"a single file\n")
    name = container()
    back = tmp_path / "back"
    back.mkdir()
    with session_on(engine) as session:
        replies = [execute(session, line) for line in (
            f"cp {site} {name}:/tmp", f"cp {note} {name}:/tmp/renamed.txt", f"cp {site}/. {name}:/tmp/contents",
            f"cp {name}:/tmp/site {back}", f"cp {name}:/tmp/renamed.txt {back}/note.txt",
            f"cp {name}:/tmp/contents/. {back}/copy")]
        assert [r.error for r in replies] == [None] * 6
        ops = [r.op for r in session.history]
    assert ops[:3] == ["ContainerArchiveInfo", "PutContainerArchive", "cp"]
    assert ops.count("ContainerArchive") == 3 and ops.count("cp") == 6
    assert docker_cli("exec", name, "cat", "/tmp/renamed.txt") == "a single file\n"
    assert docker_cli("exec", name, "ls", "/tmp/contents").split() == ["link", "run.sh", "sub"]
    for copied in (back / "site", back / "copy"):
        assert (copied / "sub" / "data.bin").read_bytes() == (site / "sub" / "data.bin").read_bytes()
        assert (copied / "run.sh").stat().st_mode & 0o777 == 0o754
        assert os.readlink(copied / "link") == "run.sh"
    assert (back / "note.txt").read_bytes() == note.read_bytes()


@pytest.mark.engine
def test_cp_refuses_what_docker_cp_refuses(engine, shell_home, tmp_path, container):
    name = container()
    (tmp_path / "f.txt").write_text("x")
    with session_on(engine) as session:
        assert "one side must be CONTAINER:PATH" in execute(session, f"cp {tmp_path}/f.txt {tmp_path}/g").error
        assert "directory onto the file" in execute(session, f"cp {tmp_path} {name}:/etc/hostname").error
        assert "no such directory" in execute(session, f"cp {tmp_path}/f.txt {name}:/nowhere/").error
        assert "Could not find the file" in execute(session, f"cp {name}:/nope {tmp_path}").error
        assert "no such local file" in execute(session, f"cp {tmp_path}/nope {name}:/tmp").error


@pytest.mark.engine
def test_at_path_bodies_and_save_of_a_tar_result(engine, shell_home, tmp_path, container, docker_cli):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("hello\n")
    name = container()
    with session_on(engine) as session:
        assert execute(session, f"PutContainerArchive {name} path=/tmp @{site}").error is None
        stored = session.history.last
        assert stored.params["inputStream"] == f"@{site}"
        got = execute(session, f"ContainerArchive {name} path=/tmp/index.html")
        assert got.error is None
        saved = execute(session, f"save _{got.result.n} {tmp_path}/out.tar")
        assert saved.error is None, saved.error
    assert docker_cli("exec", name, "cat", "/tmp/index.html") == "hello\n"
    with tarfile.open(tmp_path / "out.tar") as tar:
        assert tar.extractfile("index.html").read() == b"hello\n"  # type: ignore[union-attr]


@pytest.mark.engine
def test_at_dash_reads_stdin_in_c_mode(engine, shell_home, tmp_path, container, docker_cli):
    name = container()
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w") as tar:
        info = tarfile.TarInfo("piped.txt")
        info.size = 6
        tar.addfile(info, io.BytesIO(b"piped\n"))
    env = {**os.environ, "DOCKER_HOST": engine["docker_host"], "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "dshell", "-c", f"PutContainerArchive {name} path=/tmp @-"],
                          input=data.getvalue(), env=env, capture_output=True, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert docker_cli("exec", name, "cat", "/tmp/piped.txt") == "piped\n"


@pytest.mark.engine
def test_build_with_dockerignore_and_run_the_result(engine, shell_home, tmp_path, unique_name, docker_cli):
    ctx = tmp_path / "ctx"
    (ctx / "docs").mkdir(parents=True)
    (ctx / ".dockerignore").write_text("*.secret\ndocs\n!docs/keep.md\n**/*.tmp\n")
    for name in ("app.txt", "db.secret", "docs/keep.md", "docs/drop.md", "docs/x.tmp"):
        (ctx / name).write_text(name)
    outside = tmp_path / "Dockerfile.dev"
    outside.write_text("FROM busybox:latest\nARG GREETING=none\nRUN echo \"greeting=$GREETING\"\nCOPY . /ctx/\n"
                       "CMD [\"find\", \"/ctx\", \"-type\", \"f\"]\n")
    tag = unique_name()
    said: list[Any] = []
    with session_on(engine, said) as session:
        reply = execute(session, f"build --builder classic -t {tag} -f {outside} --build-arg GREETING=hi {ctx}")
        assert reply.error is None, reply.error
        shown = "\n".join(_text(s) for s in said)
        assert "greeting=hi" in shown and "Successfully built" in shown
        assert '"stream"' not in shown and "⏎" not in shown
        image = reply.result.data["Id"]
        assert image.startswith("sha256:") and reply.body is None and reply.note.startswith(image)  # docker's
        assert all(isinstance(s, Printed) for s in said[:-1])  # lines (stdout under -c) said, then its ImageBuild
        assert [r.op for r in session.history] == ["ImageBuild", "build"]
        ran = execute(session, f"run --rm {tag}")
        assert ran.error is None, ran.error
    try:
        listing = docker_cli("run", "--rm", tag).split()
        assert sorted(listing) == ["/ctx/.dockerignore", "/ctx/app.txt", "/ctx/docs/keep.md"]
    finally:
        docker_cli("rmi", "-f", tag, check=False)


@pytest.mark.engine
def test_login_then_push_and_pull_back(engine, shell_home, tmp_path, monkeypatch, unique_name, docker_cli):
    config = tmp_path / "docker-config"
    monkeypatch.setenv("DOCKER_CONFIG", str(config))
    repo, tag = f"{engine['registry']}/dsh-test/files-login", unique_name()
    env = {**os.environ, "DOCKER_HOST": engine["docker_host"], "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "dshell", "-c", f"login -u {engine['registry_user']} "
                           f"--password-stdin {engine['registry']}"], input=engine["registry_password"] + "\n",
                          text=True, env=env, capture_output=True, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Login Succeeded" in done.stdout and engine["registry_password"] not in done.stdout + done.stderr
    assert config.stat().st_mode & 0o777 == 0o700 and (config / "config.json").stat().st_mode & 0o777 == 0o600
    stored = json.loads((config / "config.json").read_text())["auths"][engine["registry"]]
    assert stored == {"auth": __import__("base64").b64encode(
        f"{engine['registry_user']}:{engine['registry_password']}".encode()).decode()}
    docker_cli("tag", engine["image"], f"{repo}:{tag}")
    with session_on(engine) as session:
        pushed = execute(session, f"ImagePush {repo} tag={tag}")
        assert pushed.error is None, pushed.error
        assert execute(session, f"ImageDelete {repo}:{tag}").error is None
        pulled = execute(session, f"ImageCreate fromImage={repo} tag={tag}")
        assert pulled.error is None, pulled.error
        assert execute(session, f"ImageInspect {repo}:{tag}").error is None
        assert "Removed login" in _text(execute(session, f"logout {engine['registry']}").body)
        assert engine["registry"] not in json.loads((config / "config.json").read_text())["auths"]
        history = [json.dumps(r.params) for r in session.history]
    docker_cli("rmi", f"{repo}:{tag}", check=False)
    assert not any(engine["registry_password"] in h for h in history)


@pytest.mark.engine
def test_login_uses_the_credential_store_when_configured(engine, shell_home, tmp_path, monkeypatch):
    helper = tmp_path / "bin" / "docker-credential-dshelltest"
    helper.parent.mkdir()
    kept = tmp_path / "kept.json"
    helper.write_text(f"#!/bin/sh\n[ \"$1\" = store ] && cat > {kept}\n[ \"$1\" = erase ] && rm -f {kept}\nexit 0\n")
    helper.chmod(0o755)
    config = tmp_path / "docker-config"
    config.mkdir()
    (config / "config.json").write_text(json.dumps({"credsStore": "dshelltest"}))
    env = {**os.environ, "DOCKER_HOST": engine["docker_host"], "PYTHONPATH": str(REPO), "DOCKER_CONFIG": str(config),
           "PATH": f"{helper.parent}:{os.environ['PATH']}"}
    done = subprocess.run([sys.executable, "-m", "dshell", "-c", f"login -u {engine['registry_user']} "
                           f"--password-stdin {engine['registry']}"], input=engine["registry_password"],
                          text=True, env=env, capture_output=True, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(kept.read_text()) == {"ServerURL": engine["registry"], "Username": engine["registry_user"],
                                            "Secret": engine["registry_password"]}
    saved = json.loads((config / "config.json").read_text())
    assert saved["auths"] == {engine["registry"]: {}} and saved["credsStore"] == "dshelltest"


@pytest.mark.engine
def test_login_with_a_wrong_password_stores_nothing(engine, shell_home, tmp_path):
    env = {**os.environ, "DOCKER_HOST": engine["docker_host"], "PYTHONPATH": str(REPO),
           "DOCKER_CONFIG": str(tmp_path / "dc")}
    done = subprocess.run([sys.executable, "-m", "dshell", "-c", f"login -u x --password-stdin {engine['registry']}"],
                          input="wrong\n", text=True, env=env, capture_output=True, timeout=60, check=False)
    assert done.returncode == 1 and "login failed" in done.stderr
    assert not (tmp_path / "dc" / "config.json").exists()
    no_tty = subprocess.run([sys.executable, "-m", "dshell", "-c", f"login {engine['registry']}"],
                            stdin=subprocess.DEVNULL, text=True, env=env, capture_output=True, timeout=60, check=False)
    assert "give -u USER" in no_tty.stderr


def test_paths_complete_after_at_and_in_cp_and_build(sources, tmp_path, monkeypatch):
    from dshell.shell.completion.engine import complete

    monkeypatch.chdir(tmp_path)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("x")
    (tmp_path / "sitemap.txt").write_text("x")
    (tmp_path / ".hidden").write_text("x")

    def texts(line: str) -> list[str]:
        return [c.text for c in complete(line, sources)[1]]

    assert texts("PutContainerArchive web path=/tmp @si") == ["@site/", "@sitemap.txt"]
    assert texts("PutContainerArchive web path=/tmp @site/") == ["@site/index.html"]
    assert texts("ImageLoad imagesTarball=@sitem") == ["@sitemap.txt"]
    assert texts("cp si") == ["site/", "sitemap.txt"]
    assert texts("build -t ") == []  # a tag, not a path
    assert texts("build -t x ") == ["site/"]
    assert texts("build ") == ["site/"]  # the context is a folder
    assert ".hidden" in texts("cp .h")
    assert texts(f"cp {tmp_path}/site/i") == [f"{tmp_path}/site/index.html"]


@pytest.mark.parametrize(("line", "kept"), [
    ("login -u me -p s3cret reg:5000", "login -u me -p *** reg:5000"),
    ("login --password=s3cret reg", "login --password=*** reg"),
    ("login -u me --password-stdin reg", "login -u me --password-stdin reg"),
])
def test_a_login_password_typed_on_the_line_is_masked_in_the_history_file(line, kept):
    from dshell.explorer import redact_line

    assert redact_line(line) == kept


@pytest.mark.engine
@pytest.mark.parametrize("repl", [False, True], ids=["c-mode-at-a-terminal", "prompt"])
def test_login_at_a_terminal_asks_and_never_echoes_the_password(engine, shell_home, tmp_path, repl):
    import pexpect

    config = tmp_path / "docker-config"
    env = {**os.environ, "DOCKER_HOST": engine["docker_host"], "PYTHONPATH": str(REPO), "DOCKER_CONFIG": str(config),
           "TERM": "xterm"}
    args = ["-m", "dshell"] if repl else ["-m", "dshell", "-c", f"login {engine['registry']}"]
    child = pexpect.spawn(sys.executable, args, env=env, timeout=30, encoding="utf-8", dimensions=(40, 120))
    try:
        if repl:
            child.expect("dshell")
            child.expect("> ")
            child.sendline(f"login {engine['registry']}")
        child.expect(f"Username for {engine['registry']}: ")
        child.sendline(engine["registry_user"])
        child.expect("Password: ")
        child.sendline(engine["registry_password"])
        child.expect("Login Succeeded")
        seen = child.before + child.after
        if repl:
            child.expect("> ")
            child.sendline("exit")
        child.expect(pexpect.EOF)
        seen += child.before
    finally:
        child.close(force=True)
    assert engine["registry_password"] not in seen
    assert engine["registry"] in json.loads((config / "config.json").read_text())["auths"]


@pytest.mark.engine
def test_cp_dash_is_a_tar_on_stdin_or_stdout(engine, shell_home, tmp_path, container, docker_cli):
    name = container()
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w") as tar:
        info = tarfile.TarInfo("from-stdin.txt")
        info.size = 6
        tar.addfile(info, io.BytesIO(b"stdin\n"))
    env = {**os.environ, "DOCKER_HOST": engine["docker_host"], "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "dshell", "-c", f"cp - {name}:/tmp"], input=data.getvalue(),
                          env=env, capture_output=True, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert docker_cli("exec", name, "cat", "/tmp/from-stdin.txt") == "stdin\n"
    out = subprocess.run([sys.executable, "-m", "dshell", "-c", f"cp {name}:/tmp/from-stdin.txt -"], env=env,
                         capture_output=True, timeout=60, check=False)
    assert out.returncode == 0, out.stderr
    assert b"ContainerArchive" in out.stderr  # the op it ran is told on stderr: stdout is the archive alone
    with tarfile.open(fileobj=io.BytesIO(out.stdout)) as tar:
        assert tar.extractfile("from-stdin.txt").read() == b"stdin\n"  # type: ignore[union-attr]


@pytest.mark.engine
def test_cp_follow_link_and_archive(engine, shell_home, tmp_path, container, docker_cli):
    name = container()
    real = tmp_path / "real"
    real.mkdir()
    (real / "f.txt").write_text("behind a link\n")
    (tmp_path / "alias").symlink_to(real)
    docker_cli("exec", name, "sh", "-c", "mkdir -p /opt/data && echo in-ctr > /opt/data/x && ln -s /opt/data /opt/ln")
    with session_on(engine) as session:
        assert execute(session, f"cp {tmp_path}/alias {name}:/tmp").error is None  # the link itself
        assert execute(session, f"cp -aL {tmp_path}/alias {name}:/srv-copy").error is None  # what it points to
        assert execute(session, f"cp -L {name}:/opt/ln {tmp_path}/out").error is None
        assert execute(session, f"cp {name}:/opt/ln {tmp_path}/link-only").error is None
        assert "unknown option '-x'" in execute(session, f"cp -x {tmp_path} {name}:/tmp").error
    assert docker_cli("exec", name, "readlink", "/tmp/alias").strip() == str(real)
    assert docker_cli("exec", name, "cat", "/srv-copy/f.txt") == "behind a link\n"
    assert (tmp_path / "out" / "x").read_text() == "in-ctr\n"
    assert os.readlink(tmp_path / "link-only") == "/opt/data"


@pytest.mark.engine
def test_cp_out_of_a_hostile_container_never_touches_a_host_file(engine, shell_home, tmp_path, docker_cli,
                                                                 unique_name, cleanup_containers):
    # the reproduction: /x/s a symlink to a host file, /x/h a hard link to that symlink; before, cp
    # linked the host file and made it mode 0777; and `cp web:/app/. DEST` re-moded DEST itself
    victim = tmp_path / "victim"
    victim.write_text("secret\n")
    victim.chmod(0o600)
    os.utime(victim, (1_000_000_000, 1_000_000_000))
    name = unique_name()
    docker_cli("run", "-d", "--name", name, "busybox:latest", "sh", "-c",
               f"mkdir /x && ln -s {victim} /x/s && ln /x/s /x/h && chmod 777 /x && sleep 120")
    home = tmp_path / "dest-home"
    home.mkdir()
    home.chmod(0o700)
    with session_on(engine) as session:
        assert execute(session, f"cp {name}:/x {tmp_path}/dst").error is None
        assert execute(session, f"cp {name}:/x/. {home}").error is None
    st = victim.stat()
    assert (st.st_mode & 0o7777, int(st.st_mtime), st.st_nlink) == (0o600, 1_000_000_000, 1)
    assert os.readlink(tmp_path / "dst" / "h") == str(victim)
    assert (home.stat().st_mode & 0o7777, os.readlink(home / "s")) == (0o700, str(victim))


@pytest.mark.engine
def test_build_with_a_backtracking_dockerignore_pattern(engine, shell_home, tmp_path, unique_name, docker_cli):
    """A cloned repository's ``*a*a…*b`` and a file named with 60 ``a``s made build spin for ever at 100% CPU."""
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (ctx / ".dockerignore").write_text("*a*a*a*a*a*a*a*a*a*a*a*a*b\n")
    (ctx / ("a" * 60)).write_text("kept\n")
    (ctx / ("a" * 59 + "b")).write_text("left out\n")
    (ctx / "Dockerfile").write_text("FROM busybox:latest\nCOPY . /ctx/\nCMD [\"ls\", \"/ctx\"]\n")
    tag = unique_name()
    env = {**os.environ, "DOCKER_HOST": engine["docker_host"]}  # the engine under test, not the developer's
    done = subprocess.run([sys.executable, "-m", "dshell", "-c", f"build -t {tag} {ctx}"], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    try:
        assert done.returncode == 0, done.stdout + done.stderr
        assert docker_cli("run", "--rm", tag).split() == ["Dockerfile", "a" * 60]
    finally:
        docker_cli("rmi", "-f", tag, check=False)
