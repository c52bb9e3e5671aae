"""A password-protected --tlskey: asked once on the foreground without echo, or given by --tlspass, the setting or
DSHELL_TLS_PASSWORD; OpenSSL never reads the terminal, and without a terminal the error is one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from dshell.shell.config import Config

pytestmark = pytest.mark.engine
REPO = Path(__file__).resolve().parents[2]


def dshell_args(engine) -> list[str]:
    return ["-m", "dshell", "-H", engine["tls_uri"], "--tlscacert", engine["ca"], "--tlscert", engine["cert"],
            "--tlskey", engine["key_enc"], "-c", "SystemPing"]


def env(tmp_path: Path, **extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k != "DSHELL_TLS_PASSWORD"}
    return {**base, "PYTHONPATH": str(REPO), "XDG_DATA_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path),
            **extra}


def test_the_password_is_asked_once_on_the_terminal_without_echo(engine, tmp_path):
    child = pexpect.spawn(sys.executable, dshell_args(engine), cwd=str(REPO), env=env(tmp_path), encoding="utf-8",
                          timeout=30)
    child.expect(f"password for the TLS key {engine['key_enc']}: ")
    child.sendline(engine["key_password"])
    child.expect(pexpect.EOF)
    said = child.before
    child.close()
    assert "OK" in said and engine["key_password"] not in said  # not echoed
    assert "password for" not in said and "Enter PEM pass phrase" not in said and child.exitstatus == 0


@pytest.mark.parametrize("how", ["flag", "environment"])
def test_the_password_given_by_flag_or_environment_is_not_asked(engine, tmp_path, how):
    args, extra = dshell_args(engine), {}
    if how == "flag":
        args += ["--tlspass", engine["key_password"]]
    else:
        extra["DSHELL_TLS_PASSWORD"] = engine["key_password"]
    child = pexpect.spawn(sys.executable, args, cwd=str(REPO), env=env(tmp_path, **extra), encoding="utf-8",
                          timeout=30)
    child.expect(pexpect.EOF)
    child.close()
    assert "OK" in child.before and "password" not in child.before.lower() and child.exitstatus == 0


def test_without_a_terminal_a_missing_password_is_one_line(engine, tmp_path):
    done = subprocess.run([sys.executable, *dshell_args(engine)], cwd=REPO, env=env(tmp_path), capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, timeout=60)
    lines = (done.stdout + done.stderr).strip().splitlines()
    assert done.returncode == 1 and len(lines) == 1 and "is password-protected: give its password" in lines[0]
    assert "--tlspass" in lines[0] and "Traceback" not in done.stderr


def test_the_setting_is_shown_masked():
    config = Config().with_setting("tlspass", "s3cret")
    assert dict(config.items())["tlspass"] == "***" and "s3cret" not in repr(config)
    assert config.with_setting("tlskey", "k.pem").with_setting("endpoint", "tcp://h:2376").conn() == {
        "uri": "tcp://h:2376", "mtls": {"key": "k.pem", "password": "s3cret"}}
