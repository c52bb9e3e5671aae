"""The shell's ``build`` on BuildKit, as ``dshell -c`` runs it: the builder decided as the docker CLI 23+ does,
buildx's plain ``#N`` lines, the flags people use, a failing step in one line."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dshell.buildkit import buildkit_enabled
from dshell.shell.workflows.build import parse_build

from .conftest import REPO, write


@pytest.mark.parametrize(("headers", "env", "expected"), [
    ({"Builder-Version": "2", "OSType": "linux"}, {}, True),
    ({"OSType": "linux"}, {}, True),  # Docker 20.10 sends no Builder-Version: its BuildKit works
    ({"Builder-Version": "1", "OSType": "linux"}, {}, True),
    ({"Builder-Version": "1", "OSType": "windows"}, {}, False),
    ({"OSType": "windows"}, {}, False),
    ({"Builder-Version": "2", "OSType": "windows"}, {}, True),
    ({"Builder-Version": "2"}, {"DOCKER_BUILDKIT": "0"}, False),
    ({"OSType": "windows"}, {"DOCKER_BUILDKIT": "true"}, True),
])
def test_the_builder_is_chosen_as_the_docker_cli_does(headers, env, expected):
    assert buildkit_enabled(headers, env) is expected


def test_a_wrong_docker_buildkit_value_and_wrong_flags_are_one_line(monkeypatch):
    with pytest.raises(ValueError, match="DOCKER_BUILDKIT='maybe'"):
        buildkit_enabled({}, {"DOCKER_BUILDKIT": "maybe"})
    with pytest.raises(ValueError, match="--progress 'fancy'"):
        parse_build(["--progress", "fancy", "ctx"])
    with pytest.raises(ValueError, match="--builder 'mybuilder'"):
        parse_build(["--builder", "mybuilder", "ctx"])
    opts = parse_build(["-t", "a", "-t", "b", "--secret", "id=s,src=f", "--ssh", "default", "-o", "type=tar,dest=x",
                        "--add-host", "h:1.2.3.4", "--label", "k=v", "--pull", "-q", "--platform", "linux/amd64",
                        "--cache-to", "type=inline", "--cache-from", "img", "--iidfile", "id.txt", "ctx"])
    assert (opts.tags, opts.secrets, opts.ssh, opts.outputs, opts.add_hosts, opts.labels, opts.pull, opts.quiet,
            opts.platform, opts.cache_to, opts.cache_from, opts.iidfile) == (
        ["a", "b"], ["id=s,src=f"], ["default"], ["type=tar,dest=x"], ["h:1.2.3.4"], ["k=v"], True, True,
        "linux/amd64", ["type=inline"], ["img"], "id.txt")
    monkeypatch.setenv("BUILDKIT_PROGRESS", "plain")
    assert parse_build(["ctx"]).progress == "plain"  # the docker CLI's default, from the environment
    assert parse_build(["--progress", "quiet", "ctx"]).progress == "quiet"
    monkeypatch.setenv("BUILDKIT_PROGRESS", "fancy")
    with pytest.raises(ValueError, match="BUILDKIT_PROGRESS= 'fancy'"):
        parse_build(["ctx"])


def _dshell(engine, line: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "DOCKER_BUILDKIT"}
    environ.update(DOCKER_HOST=engine["docker_host"], PYTHONPATH=str(REPO), **env)
    return subprocess.run([sys.executable, "-m", "dshell", "-c", line], env=environ, capture_output=True,
                          text=True, timeout=300, check=False, stdin=subprocess.DEVNULL)


@pytest.mark.engine
def test_build_prints_buildx_lines_and_takes_the_flags_people_use(engine, shell_home, tmp_path, images, docker_cli):
    ctx = write(tmp_path / "ctx", {"Dockerfile": (
        "FROM busybox\nARG WHO\nRUN --mount=type=secret,id=tok echo \"hello $WHO\" && wc -c < /run/secrets/tok\n"
        "COPY a.txt /a.txt\n"), "a.txt": "a\n"})
    first, second = images("shell"), images("shell-two")
    iid = tmp_path / "iid"
    done = _dshell(engine, f"build -t {first} -t {second} --build-arg WHO=dshell --secret id=tok,env=DSH_TOK "
                   f"--label org.example.k=v --platform linux/amd64 --add-host db.test:10.9.8.7 --iidfile {iid} "
                   f"--no-cache --progress plain {ctx}", DSH_TOK="twelve-bytes")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stderr.splitlines()  # progress on stderr, as buildx prints it
    assert "#1 [internal] load build definition from Dockerfile" in lines
    run = next(line for line in lines if "RUN --mount=type=secret" in line)
    number = run.split()[0]
    assert any(line.startswith(f"{number} ") and line.endswith(" hello dshell") for line in lines)
    assert any(line.startswith(f"{number} ") and line.endswith(" 12") for line in lines)
    assert f"{number} DONE" in " ".join(lines)
    assert "twelve-bytes" not in done.stdout + done.stderr
    image = iid.read_text()
    # stdout holds nothing, as buildx's (the id is dshell's note, on stderr); -q: the id alone, as buildx -q
    assert image.startswith("sha256:") and done.stdout == "" and f"{image}  (_" in done.stderr
    inspect = json.loads(docker_cli("image", "inspect", first, second))
    assert {i["Id"] for i in inspect} == {image} and inspect[0]["Config"]["Labels"] == {"org.example.k": "v"}
    stored = (shell_home / "data" / "dshell" / "results.jsonl").read_text()
    assert "twelve-bytes" not in stored
    third = images("shell-quiet")
    quiet = _dshell(engine, f"build -q -t {third} --build-arg WHO=dshell --secret id=tok,env=DSH_TOK {ctx}",
                    DSH_TOK="twelve-bytes")
    assert quiet.returncode == 0 and re.fullmatch(r"sha256:[0-9a-f]{64}\n", quiet.stdout), quiet.stdout + quiet.stderr
    assert json.loads(docker_cli("image", "inspect", third))[0]["Id"] == quiet.stdout.strip()


@pytest.mark.engine
def test_a_failing_step_is_one_line_and_exit_1(engine, shell_home, tmp_path):
    ctx = write(tmp_path / "ctx", {"Dockerfile": "FROM busybox\nRUN echo about to fail && exit 7\n"})
    done = _dshell(engine, f"build -q {ctx}")
    assert done.returncode == 1
    errors = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert len(errors) == 1 and "RUN echo about to fail" in errors[0], done.stdout + done.stderr
    assert "exit code 7" in errors[0] and "about to fail" in errors[0]


@pytest.mark.engine
def test_docker_buildkit_0_keeps_the_classic_builder_and_refuses_buildkit_flags(engine, shell_home, tmp_path,
                                                                                 images):
    ctx = write(tmp_path / "ctx", {"Dockerfile": "FROM busybox\nRUN --mount=type=cache,target=/c true\n"})
    classic = _dshell(engine, f"build {ctx}", DOCKER_BUILDKIT="0")
    assert classic.returncode == 1 and "requires BuildKit" in classic.stdout + classic.stderr
    assert _dshell(engine, f"build --no-cache -t {images('default')} {ctx}").returncode == 0  # on BuildKit by default
    refused = _dshell(engine, f"build --builder classic --secret id=a,env=HOME {ctx}")
    assert refused.returncode == 1 and "--secret needs BuildKit" in refused.stdout + refused.stderr


@pytest.mark.engine
def test_an_export_to_a_folder_from_the_shell(engine, shell_home, tmp_path):
    ctx = write(tmp_path / "ctx", {"Dockerfile": "FROM busybox AS b\nRUN echo out > /o\nFROM scratch\n"
                                                 "COPY --from=b /o /\n"})
    done = _dshell(engine, f"build -o type=local,dest={tmp_path / 'out'} {ctx}")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "out" / "o").read_text() == "out\n"


@pytest.mark.engine
def test_on_a_terminal_build_draws_the_live_view(engine, shell_home, tmp_path, images):
    ctx = write(tmp_path / "ctx", {"Dockerfile": "FROM busybox\nRUN for i in 1 2 3; do echo line $i; sleep 0.4; "
                                                 "done\n"})
    typescript = tmp_path / "typescript"
    environ = {k: v for k, v in os.environ.items() if k != "DOCKER_BUILDKIT"}
    environ.update(DOCKER_HOST=engine["docker_host"], PYTHONPATH=str(REPO), COLUMNS="100")
    command = f"{sys.executable} -m dshell -c 'build --no-cache -t {images('live')} {ctx}'"
    done = subprocess.run(["script", "-qec", command, str(typescript)], env=environ, capture_output=True,
                          timeout=300, check=False, stdin=subprocess.DEVNULL)
    shown = typescript.read_bytes().decode("utf-8", "replace")
    assert done.returncode == 0, shown
    assert "\x1b[J[+] Building" in shown and " FINISHED" in shown and "\x1b[" in shown.split("FINISHED")[0]
    assert " => => # line 1" in shown  # the running step's log tail, while it ran
    final = shown.split("FINISHED", 1)[1]
    assert "RUN for i in 1 2 3" in final and "# line" not in final  # the last frame: steps and times only
    command = f"{sys.executable} -m dshell -c 'build -o type=tar,dest=- {ctx}'"
    refused = subprocess.run(["script", "-qec", command, str(typescript)], env=environ, capture_output=True,
                             timeout=300, check=False, stdin=subprocess.DEVNULL)
    assert refused.returncode == 1 and "would write a tar to the terminal" in typescript.read_text()


@pytest.mark.engine
def test_inline_cache_goes_with_the_image_and_cache_from_reads_it_from_the_registry(engine, shell_home, tmp_path,
                                                                                      docker_cli, docker_bytes):
    import io
    import secrets
    import tarfile

    ref = f"{engine['registry']}/dsh-buildkit/cache-{secrets.token_hex(4)}:latest"
    ctx = write(tmp_path / "ctx", {"Dockerfile": f"FROM busybox\nRUN echo {ref} > /built\n"})
    config = engine.get("docker_config") or str(Path(engine["state_dir"]) / "docker-config")
    try:
        first = _dshell(engine, f"build --cache-to type=inline -t {ref} --progress plain {ctx}",
                        DOCKER_CONFIG=config)
        assert first.returncode == 0, first.stdout + first.stderr
        with tarfile.open(fileobj=io.BytesIO(docker_bytes("save", ref))) as saved:
            manifest = json.load(saved.extractfile("manifest.json"))  # type: ignore[arg-type]
            image_config = json.load(saved.extractfile(manifest[0]["Config"]))  # type: ignore[arg-type]
        assert "moby.buildkit.cache.v0" in image_config  # the cache rides in the image
        docker_cli("push", ref)
        again = _dshell(engine, f"build --cache-from {ref} -t {ref} --progress plain {ctx}", DOCKER_CONFIG=config)
        assert again.returncode == 0, again.stdout + again.stderr
        assert f"importing cache manifest from {ref}" in again.stderr
        refused = _dshell(engine, f"build --cache-to type=registry,ref={ref} {ctx}")
        assert refused.returncode == 1 and "type=inline only" in refused.stdout + refused.stderr
    finally:
        docker_cli("rmi", "-f", ref, check=False)


@pytest.mark.engine
def test_a_build_tailed_in_a_pane_is_buildx_lines_and_as_stream_is_the_daemons_json(engine, shell_home, tmp_path,
                                                                                    client, images):
    import dshell.client as docker

    ctx = write(tmp_path / "ctx", {"Dockerfile": "FROM busybox\nRUN echo tailed-line\n"})
    done = _dshell(engine, f"tail ImageBuild inputStream=@{ctx} version=2 nocache=true t={images('tail')}")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    run = next(line for line in lines if "RUN echo tailed-line" in line and "DONE" in line)
    assert f"{run.split()[0]} tailed-line" in lines and any(line.startswith("writing image sha256:") for line in lines)
    assert "moby.buildkit.trace" not in done.stdout
    opened = docker.call(client, {"op": "ImageBuild", "params": {"inputStream": ctx, "version": "2",
                                                                 "t": images("tail-stream")}, "as": "stream"})
    assert isinstance(opened.stream, docker.DockerStream)
    with opened.stream as stream:
        messages = list(stream.json())
    assert any(m.get("id") == "moby.buildkit.trace" for m in messages)
    assert any(m.get("id") == "moby.image.id" for m in messages)
