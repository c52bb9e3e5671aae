"""dshell's BuildKit builds against ``docker buildx build --load`` on the same engine (its built-in BuildKit):
the same Dockerfiles, and the images compared (config fields, each layer's files), plus what only a session
can prove (secrets, SSH, cache mounts, exports, a private FROM, a failing step)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from .conftest import REPO, write

pytestmark = pytest.mark.engine

MULTI = """\
FROM busybox AS base
RUN mkdir /out && echo one > /out/one && echo two > /out/two
FROM busybox AS final
ARG GREETING=hi
ARG TARGETPLATFORM
COPY --from=base /out /copied
COPY --chmod=0751 tool.sh /usr/local/bin/tool
COPY . /ctx
RUN echo "$GREETING on $TARGETPLATFORM" > /greeting
ENV APP_MODE=test PATH=/usr/local/bin:/usr/bin:/bin
LABEL org.example.who=dshell
WORKDIR /app
USER 1000:1000
EXPOSE 8080/tcp
ENTRYPOINT ["sh", "-c"]
CMD ["cat /greeting"]
FROM busybox AS other
RUN echo never > /never
"""


def _context(tmp_path: Path) -> Path:
    return write(tmp_path / "ctx", {
        "Dockerfile": MULTI, "tool.sh": "#!/bin/sh\necho tool\n", "keep.txt": "kept\n", "drop.log": "dropped\n",
        "logs/keep.log": "exception\n", "logs/other.log": "dropped too\n", "sub/deep/file.txt": "deep\n",
        ".dockerignore": "*.log\nlogs\n!logs/keep.log\nsub/**/file.txt\n"})


def test_a_multi_stage_build_makes_the_image_buildx_makes(tmp_path, client, buildx, images, facts, docker_cli):
    import dshell.client as docker

    ctx = _context(tmp_path)
    ours, theirs = images("ours"), images("buildx")
    params = {"inputStream": ctx, "version": "2", "t": ours, "nocache": True, "target": "final",
              "platform": "linux/amd64", "buildargs": {"GREETING": "hello"}, "labels": {"built.by": "test"}}
    out = docker.call(client, {"op": "ImageBuild", "params": params})
    assert out.error is None, out.data
    assert out.data["image_id"].startswith("sha256:")
    names = [s["name"] for s in out.data["steps"]]
    assert any("COPY --from=base /out /copied" in n for n in names), names
    assert not any("echo never" in n for n in names)  # the other stage is not built
    assert all(s["completed"] for s in out.data["steps"] if not s["cached"])
    buildx(ctx, "-t", theirs, "--no-cache", "--target", "final", "--platform", "linux/amd64",
           "--build-arg", "GREETING=hello", "--label", "built.by=test")
    mine, reference = facts(ours), facts(theirs)
    assert mine["config"] == reference["config"]
    assert mine["config"]["Labels"] == {"org.example.who": "dshell", "built.by": "test"}
    assert mine["layers"] == reference["layers"]
    files = {entry[0]: entry for layer in mine["layers"] for entry in layer}
    assert files["usr/local/bin/tool"][2] & 0o7777 == 0o751  # COPY --chmod
    assert {"ctx/keep.txt", "ctx/logs/keep.log"} <= files.keys()  # ! exception of .dockerignore
    assert not {"ctx/drop.log", "ctx/logs/other.log", "ctx/sub/deep/file.txt"} & files.keys()
    greeting = docker_cli("run", "--rm", "--user", "0", "--entrypoint", "cat", ours, "/greeting")
    assert greeting == "hello on linux/amd64\n"


def test_a_cached_rebuild_sends_nothing_new_and_uses_the_cache(tmp_path, client, images):
    from dshell.buildkit import build

    ctx = _context(tmp_path)
    tag = images("cached")
    first = build(client, ctx, {"t": tag, "target": "final"}).result()
    again = build(client, ctx, {"t": tag, "target": "final"})
    second = again.result()
    assert second["image_id"] == first["image_id"]
    # the steps that do work (RUN, COPY): BuildKit reports a FROM's vertex without the cached mark after a fresh
    # daemon's first builds (it failed so on a purged engine in CI), though nothing of it runs again
    runs = [s for s in second["steps"] if s["name"].startswith("[final") and " FROM " not in s["name"]]
    assert runs and all(s["cached"] for s in runs), [(s["name"], s["cached"]) for s in runs]
    # the daemon kept the context of the shared key: no file asked again (a newer frontend reads .dockerignore
    # afresh every time)
    assert again.session.sent in (0, (ctx / ".dockerignore").stat().st_size)


def test_a_cache_mount_is_reused_by_the_next_build(tmp_path, client, images, docker_cli):
    import dshell.client as docker

    ctx = write(tmp_path / "ctx", {"Dockerfile": (
        f"FROM busybox\nARG RUN\nRUN --mount=type=cache,target=/cache,id=dsh-buildkit-{os.urandom(4).hex()} "
        "echo $RUN >> /cache/runs && cp /cache/runs /runs\n")})
    tag = images("cachemount")
    for run in ("first", "second"):  # the arg changes the step: it runs again, with the same cache mount
        out = docker.call(client, {"op": "ImageBuild", "params": {"inputStream": ctx, "version": "2", "t": tag,
                                                                  "buildargs": {"RUN": run}}})
        assert out.error is None, out.data
    assert docker_cli("run", "--rm", tag, "cat", "/runs") == "first\nsecond\n"


def test_a_secret_is_readable_in_its_step_and_nowhere_in_the_image(tmp_path, client, buildx, images, facts,
                                                                   docker_cli):
    import dshell.client as docker

    value = "dsh-s3cret-" + os.urandom(6).hex()
    (tmp_path / "token").write_text(value)
    ctx = write(tmp_path / "ctx", {"Dockerfile": (
        "FROM busybox\n"
        f'RUN --mount=type=secret,id=tok test "$(cat /run/secrets/tok)" = "{value[:11]}$(echo {value[11:]})" '
        "&& wc -c < /run/secrets/tok > /size\n")})
    ours, theirs = images("secret"), images("secret-buildx")
    out = docker.call(client, {"op": "ImageBuild", "params": {
        "inputStream": ctx, "version": "2", "t": ours, "nocache": True, "secrets": {"tok": tmp_path / "token"}}})
    assert out.error is None, out.data
    buildx(ctx, "-t", theirs, "--no-cache", "--secret", f"id=tok,src={tmp_path / 'token'}")
    mine = facts(ours)
    assert mine["layers"] == facts(theirs)["layers"]
    assert docker_cli("run", "--rm", ours, "cat", "/size").strip() == str(len(value))
    assert value.encode() not in mine["raw"]
    assert value not in docker_cli("history", "--no-trunc", ours)
    # without the secret the step fails, naming it
    failed = docker.call(client, {"op": "ImageBuild", "params": {"inputStream": ctx, "version": "2",
                                                                 "nocache": True}})
    assert failed.error is not None and "tok" in failed.error.message


@pytest.fixture
def agent(tmp_path) -> tuple[str, str]:
    """A test ssh-agent holding a fresh key: (socket, the key's comment)."""
    if not shutil.which("ssh-agent"):
        subprocess.run(["bash", "-c", f"source {REPO}/scripts/_common.sh && apt_install openssh-client"],
                       check=True, timeout=600)
    key = tmp_path / "agent-key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "dsh-buildkit-agent", "-f", str(key)],
                   check=True, timeout=30)
    sock = str(tmp_path / "agent.sock")
    proc = subprocess.Popen(["ssh-agent", "-D", "-a", sock], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if os.path.exists(sock):
                break
            subprocess.run(["sleep", "0.05"], check=False)
        subprocess.run(["ssh-add", str(key)], env={**os.environ, "SSH_AUTH_SOCK": sock}, check=True,
                       capture_output=True, timeout=30)
        yield sock, "dsh-buildkit-agent"
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        proc.wait(10)


def _ssh_add_into(ctx: Path) -> None:
    """The machine's ssh-add and its libraries, to run in a busybox step (which has no ssh client)."""
    tool = shutil.which("ssh-add")
    assert tool, "ssh-add (openssh-client) is needed"
    (ctx / "x").mkdir()
    shutil.copy(tool, ctx / "x")
    libs = subprocess.run(["ldd", tool], capture_output=True, text=True, check=True).stdout
    for word in libs.split():
        if word.startswith("/") and os.path.exists(word):
            shutil.copy(word, ctx / "x")


def test_the_ssh_agent_is_forwarded_into_the_step(tmp_path, client, images, agent):
    from dshell.buildkit import build

    sock, comment = agent
    ctx = write(tmp_path / "ctx", {"Dockerfile": (
        "FROM busybox\nCOPY x /x\n"
        "RUN --mount=type=ssh /x/ld-linux-x86-64.so.2 --library-path /x /x/ssh-add -l\n")})
    _ssh_add_into(ctx)
    result = build(client, ctx, {"t": images("ssh"), "nocache": True}, ssh=[f"default={sock}"]).result()
    assert "error" not in result, result.get("error")
    step = next(s for s in result["steps"] if "ssh-add -l" in s["name"])
    assert comment in step["log"] and "ED25519" in step["log"]
    # an id the session does not forward: the build says so
    other = write(tmp_path / "ctx2", {"Dockerfile": "FROM busybox\nRUN --mount=type=ssh,id=other,required=true true\n"})
    failing = build(client, other, {"nocache": True}, ssh={"default": sock}).result()
    assert "other" in failing["error"]


def test_key_files_are_forwarded_through_an_agent_of_their_own(tmp_path, client, images):
    from dshell.buildkit import build

    key = tmp_path / "deploy-key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "dsh-buildkit-keyfile", "-f", str(key)],
                   check=True, timeout=30)
    ctx = write(tmp_path / "ctx", {"Dockerfile": (
        "FROM busybox\nCOPY x /x\n"
        "RUN --mount=type=ssh,id=deploy /x/ld-linux-x86-64.so.2 --library-path /x /x/ssh-add -l\n")})
    _ssh_add_into(ctx)
    running = build(client, ctx, {"t": images("keyfile"), "nocache": True}, ssh=[f"deploy={key}"])
    folder = os.path.dirname(running.session.agents["deploy"])
    result = running.result()
    assert "error" not in result, result.get("error")
    step = next(s for s in result["steps"] if "ssh-add -l" in s["name"])
    assert "dsh-buildkit-keyfile" in step["log"]
    assert not os.path.exists(folder)  # the agent stopped, its folder removed
    (tmp_path / "locked-key").write_text("-----BEGIN OPENSSH PRIVATE KEY-----\nnot a key\n")
    with pytest.raises(ValueError, match="locked-key: ssh-add"):
        build(client, ctx, {}, ssh=[f"deploy={tmp_path / 'locked-key'}"])


def test_a_private_from_is_pulled_with_the_docker_config_login(tmp_path, client, buildx, images, facts, engine,
                                                                 monkeypatch):
    from dshell.buildkit import build

    private = engine["registry_image"]
    ctx = write(tmp_path / "ctx", {"Dockerfile": f"FROM {private}\nRUN echo private > /which\n"})
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "nobody"))  # no login: the registry refuses
    refused = build(client, ctx, {"pull": "1", "nocache": True}).result()
    assert "error" in refused and ("401" in refused["error"] or "unauthorized" in refused["error"].lower()), refused
    config = engine.get("docker_config") or str(Path(engine["state_dir"]) / "docker-config")
    monkeypatch.setenv("DOCKER_CONFIG", config)
    from dshell.client import _auth

    asked: list[str] = []
    real = _auth.lookup
    monkeypatch.setattr(_auth, "lookup", lambda host: asked.append(host) or real(host))
    ours, theirs = images("private"), images("private-buildx")
    result = build(client, ctx, {"t": ours, "pull": "1", "nocache": True}).result()
    assert "error" not in result, result.get("error")
    assert asked == [engine["registry"]] * len(asked) and asked  # the session's Auth service, asked by the daemon
    buildx(ctx, "-t", theirs, "--pull", "--no-cache")
    assert facts(ours)["layers"] == facts(theirs)["layers"]


def _tree(root: Path) -> list[tuple[str, int, bool]]:
    return sorted((str(p.relative_to(root)), p.lstat().st_mode, p.is_symlink()) for p in root.rglob("*"))


def test_exports_to_a_folder_and_a_tar_as_buildx_does(tmp_path, client, buildx):
    import tarfile

    import dshell.client as docker

    ctx = write(tmp_path / "ctx", {"Dockerfile": (
        "FROM busybox AS b\nRUN mkdir -p /out/d && echo exported > /out/d/file && ln -s d/file /out/link "
        "&& chmod 0640 /out/d/file\nFROM scratch\nCOPY --from=b /out /\n")})
    for kind in ("local", "tar"):
        dest = tmp_path / f"ours-{kind}"
        out = docker.call(client, {"op": "ImageBuild", "params": {
            "inputStream": ctx, "version": "2", "outputs": f"type={kind},dest={dest}"}})
        assert out.error is None, out.data
        buildx(ctx, "-o", f"type={kind},dest={tmp_path / f'theirs-{kind}'}")
    assert (tmp_path / "ours-local/d/file").read_text() == "exported\n"
    assert _tree(tmp_path / "ours-local") == _tree(tmp_path / "theirs-local")
    with tarfile.open(tmp_path / "ours-tar") as a, tarfile.open(tmp_path / "theirs-tar") as b:
        assert sorted((m.name, m.mode, m.linkname) for m in a) == sorted((m.name, m.mode, m.linkname) for m in b)


def test_a_failing_run_is_one_line_naming_the_step_its_exit_code_and_last_output(tmp_path, client, buildx):
    import dshell.client as docker

    ctx = write(tmp_path / "ctx", {"Dockerfile": (
        "FROM busybox\nRUN echo first line && echo about to fail && exit 3\n")})
    out = docker.call(client, {"op": "ImageBuild", "params": {"inputStream": ctx, "version": "2",
                                                              "nocache": True}})
    assert out.error is not None
    line = out.error.message
    assert "\n" not in line
    assert line.startswith("build failed at step #") and "RUN echo first line" in line
    assert "exit code 3" in line and "about to fail" in line
    step = next(s for s in out.data["steps"] if s["error"])
    assert "first line" in step["log"]
    assert buildx(ctx, "--no-cache", check=False).returncode != 0


def test_heredocs_build_as_buildx_builds_them_or_fail_as_it_does(tmp_path, client, buildx, images, facts):
    """Docker 28's built-in frontend has heredocs, 20.10's has not: dshell does what buildx does on each."""
    import dshell.client as docker

    ctx = write(tmp_path / "ctx", {"Dockerfile": (
        "FROM busybox\nRUN <<EOF\necho one > /one\necho two > /two\nEOF\n"
        "COPY <<EOT /etc/greeting\nhello from a heredoc\nEOT\n")})
    ours, theirs = images("heredoc"), images("heredoc-buildx")
    out = docker.call(client, {"op": "ImageBuild", "params": {"inputStream": ctx, "version": "2", "t": ours,
                                                              "nocache": True}})
    reference = buildx(ctx, "-t", theirs, "--no-cache", check=False)
    if reference.returncode == 0:
        assert out.error is None, out.data
        mine = facts(ours)
        assert mine["layers"] == facts(theirs)["layers"]
        assert any(entry[0] == "etc/greeting" for layer in mine["layers"] for entry in layer)
    else:
        assert out.error is not None and "\n" not in out.error.message


def test_added_hosts_reach_the_steps_and_a_refused_build_is_an_outcome(tmp_path, client, images):
    import dshell.client as docker

    ctx = write(tmp_path / "ctx", {"Dockerfile": "FROM busybox\nRUN cat /etc/hosts\n"})
    out = docker.call(client, {"op": "ImageBuild", "params": {
        "inputStream": ctx, "version": "2", "nocache": True, "extrahosts": ["a.test:10.1.2.3", "b.test:10.4.5.6"],
        "t": images("hosts")}})
    assert out.error is None, out.data
    log = next(s["log"] for s in out.data["steps"] if "cat /etc/hosts" in s["name"])
    assert "10.1.2.3\ta.test" in log and "10.4.5.6\tb.test" in log
    refused = docker.call(client, {"op": "ImageBuild", "params": {"inputStream": ctx, "version": "2",
                                                                  "extrahosts": "no-address"}})
    assert refused.status >= 400 and "no-address" in refused.error.message


def test_a_tar_context_on_buildkit_gives_decoded_progress_not_base64(client, images):
    import io
    import tarfile

    import dshell.client as docker

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tar:
        data = b"FROM busybox\nRUN echo from-a-tar\n"
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    out = docker.call(client, {"op": "ImageBuild", "params": {"inputStream": buf.getvalue(), "version": "2",
                                                              "t": images("tar"), "nocache": True}})
    assert out.error is None, out.data
    assert out.data["image_id"].startswith("sha256:")
    step = next(s for s in out.data["steps"] if "echo from-a-tar" in s["name"])
    assert "from-a-tar" in step["log"] and "moby.buildkit.trace" not in str(out.data)


def test_a_dockerfile_outside_the_context_builds_as_with_buildx(tmp_path, client, buildx, images, facts):
    import dshell.client as docker

    ctx = write(tmp_path / "ctx", {"app.txt": "app\n", "Dockerfile": "FROM busybox\nRUN echo wrong-file\n"})
    outside = write(tmp_path / "ops", {"Dockerfile.dev": "FROM busybox\nCOPY app.txt /srv/app.txt\n"})
    dockerfile = outside / "Dockerfile.dev"
    ours, theirs = images("outside"), images("outside-buildx")
    out = docker.call(client, {"op": "ImageBuild", "params": {"inputStream": ctx, "version": "2", "t": ours,
                                                              "dockerfile": dockerfile, "nocache": True}})
    assert out.error is None, out.data
    assert not any("wrong-file" in s["name"] for s in out.data["steps"])
    buildx(ctx, "-t", theirs, "-f", str(dockerfile), "--no-cache")
    mine = facts(ours)
    assert mine["layers"] == facts(theirs)["layers"]
    assert any(entry[0] == "srv/app.txt" for entry in mine["layers"][-1])


def test_a_build_over_mutual_tls_serves_its_session_through_the_tls_stream(tmp_path, engine, images):
    import dshell.client as docker

    ctx = write(tmp_path / "ctx", {"Dockerfile": "FROM busybox\nCOPY t.txt /t.txt\nRUN cat /t.txt\n",
                                   "t.txt": "over tls\n"})
    c = docker.client(conn={"uri": engine["tls_uri"],
                            "mtls": {"ca": engine["ca"], "cert": engine["cert"], "key": engine["key"]}})
    try:
        out = docker.call(c, {"op": "ImageBuild", "params": {"inputStream": ctx, "version": "2", "nocache": True,
                                                             "t": images("tls")}})
    finally:
        c.close()
    assert out.error is None, out.data
    assert "over tls" in next(s for s in out.data["steps"] if "cat /t.txt" in s["name"])["log"]
