"""Secrets against the real engine: shown for the call that asked, masked in what is stored; saved 0600."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import time

import pytest

from .tmux import REPO

SWARM_INIT = ("SwarmInit {ListenAddr: '127.0.0.1:2377', AdvertiseAddr: 127.0.0.1, "
              "Spec: {EncryptionConfig: {AutoLockManagers: true}}}")


def dshell(env: dict[str, str], *inputs: str) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "dshell"] + [arg for text in inputs for arg in ("-c", text)]
    return subprocess.run(argv, env=env, cwd=REPO, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.engine
def test_unlock_key_and_join_tokens_show_for_that_call_and_are_masked_when_stored(env, docker_cli, tmp_path):
    env = {**env, "COLUMNS": "200"}
    deadline = time.monotonic() + 60
    while docker_cli("info", "--format", "{{.Swarm.LocalNodeState}}").strip() != "inactive":
        assert time.monotonic() < deadline, "another test's swarm did not go away"
        time.sleep(1)
    try:
        shown = dshell(env, SWARM_INIT, "SwarmUnlockkey", "SwarmInspect", f"save _3 {tmp_path}/swarm.json")
    finally:
        docker_cli("swarm", "leave", "--force", check=False)
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert "SWMKEY-1-" in shown.stdout and "SWMTKN-1-" in shown.stdout
    stored = (tmp_path / "home" / ".local" / "share" / "dshell" / "results.jsonl").read_text()
    assert "SWMKEY-1-" not in stored and "SWMTKN-1-" not in stored
    lines = [json.loads(line) for line in stored.splitlines()]
    assert [line["data"].get("UnlockKey") for line in lines if line["op"] == "SwarmUnlockkey"] == ["***"]
    saved = tmp_path / "swarm.json"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert "SWMTKN-1-" not in saved.read_text()  # `save` writes what is stored


@pytest.mark.engine
def test_secret_variables_build_args_and_url_passwords_show_for_that_call_and_are_masked_when_stored(
        env, docker_cli, unique_name, cleanup_containers, tmp_path):
    name, image = unique_name(), unique_name("dsh-test-img")
    context = tmp_path / "ctx"
    context.mkdir()
    (context / "Dockerfile").write_text("FROM busybox\nARG NPM_TOKEN\nRUN true\n")
    try:
        shown = dshell({**env, "COLUMNS": "200"}, "set secret_names *_PW",
                       f"run -d --name {name} -e DB_PASSWORD=hunter2 -e DATABASE_URL=postgres://app:pw77@db/x "
                       "-e MY_PW=pin55 -e GREETING=hello busybox sleep 60", f"ContainerInspect {name}",
                       f"build --build-arg NPM_TOKEN=npm99 -t {image} {context}", f"ImageHistory {image}",
                       f"ImageInspect {image}")
    finally:
        docker_cli("rmi", "-f", image, check=False)
    assert shown.returncode == 0, shown.stdout + shown.stderr
    for secret in ("hunter2", "pw77", "pin55", "npm99"):
        assert secret in shown.stdout  # the inspects that asked show the container and the image's steps as they are
    stored = (tmp_path / "home" / ".local" / "share" / "dshell" / "results.jsonl").read_text()
    for secret in ("hunter2", "pw77", "pin55", "npm99"):
        assert secret not in stored
    lines = [json.loads(line) for line in stored.splitlines()]
    inspect = next(line for line in lines if line["op"] == "ContainerInspect")
    assert {"DB_PASSWORD=***", "DATABASE_URL=postgres://app:***@db/x", "MY_PW=***", "GREETING=hello"} <= set(
        inspect["data"]["Config"]["Env"])
    create = next(line for line in lines if line["op"] == "ContainerCreate")
    assert "DB_PASSWORD=***" in create["params"]["body"]["Env"]
    build = next(line for line in lines if line["op"] == "ImageBuild")
    assert json.loads(build["params"]["buildargs"]) == {"NPM_TOKEN": "***"}
    steps = next(line for line in lines if line["op"] == "ImageHistory")["data"]
    assert any("NPM_TOKEN=***" in step["CreatedBy"] for step in steps)  # docker keeps build args in the history
