"""The ``dshell`` command line, read without argparse: the forms argparse and the docker CLI accept, one line
for what is wrong, and the help."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dshell._options import OPTIONS, Options, UsageError, parse, usage

from .tmux import REPO


@pytest.mark.parametrize(("argv", "read"), [
    ([], Options()),
    (["-c", "ps", "-c", "images"], Options(command=("ps", "images"))),
    (["-cps", "--command=images", "--command", "info"], Options(command=("ps", "images", "info"))),
    (["-H", "unix:///a.sock", "-Hb=tcp://h:1", "--host=c=ssh://u@h"],
     Options(host=("unix:///a.sock", "b=tcp://h:1", "c=ssh://u@h"))),
    (["--api-version", "v1.41", "--vi", "--timeout=3", "--connect-timeout", "2"],
     Options(api_version="v1.41", vi=True, timeout="3", connect_timeout="2")),
    (["--api", "v1.41", "--exit"], Options(api_version="v1.41", exit_at_prompt=True)),  # a prefix only one has
    (["-c", "-H"], Options(command=("-H",))),  # a value is the next word, whatever it looks like
    (["--tlscacert", "ca.pem", "--tlscert", "c.pem", "--tlskey", "k.pem", "--tlspass", "pw"],
     Options(tlscacert="ca.pem", tlscert="c.pem", tlskey="k.pem", tlspass="pw")),
    (["-h"], Options(help=True)), (["--help"], Options(help=True)),
])
def test_options_read_as_argparse_reads_them(argv: list[str], read: Options) -> None:
    assert parse(argv) == read


@pytest.mark.parametrize(("argv", "said"), [
    (["--nope"], "unknown option --nope: dshell --help lists the options"),
    (["-x"], "unknown option -x: dshell --help lists the options"),
    (["--"], "unknown option --: dshell --help lists the options"),
    (["ps -a"], "unexpected argument 'ps -a': to run a line, dshell -c 'ps -a'"),
    (["-c"], "-c needs a value: --command INPUT"),
    (["--api-version"], "--api-version needs a value: --api-version VERSION"),
    (["--vi=yes"], "--vi takes no value; got '--vi=yes'"),
    (["--tls", "x"], "--tls could be --tlscacert or --tlscert or --tlskey or --tlspass: write more of it"),
])
def test_a_wrong_command_line_is_one_line_saying_what_would_be_right(argv: list[str], said: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse(argv)
    assert str(caught.value) == said


def test_every_option_is_in_the_help_with_its_text() -> None:
    text = usage()
    assert text.startswith("usage: dshell [-h] [-H [NAME=]URI] ")
    flat = " ".join(text.split())
    for option in OPTIONS:
        assert all(flag in text for flag in option.flags) and " ".join(option.help.split()) in flat
    assert max(map(len, text.splitlines())) <= 100


def test_the_command_says_a_wrong_option_in_one_line_and_prints_its_help(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "COLUMNS": "80"}
    wrong = subprocess.run([sys.executable, "-m", "dshell", "--api-versoin", "v1.41"], env=env, capture_output=True,
                           text=True, timeout=60, check=False)
    assert (wrong.returncode, wrong.stdout) == (2, "")
    assert wrong.stderr == "dshell: unknown option --api-versoin: dshell --help lists the options\n"
    helped = subprocess.run([sys.executable, "-m", "dshell", "--help"], env=env, capture_output=True, text=True,
                            timeout=60, check=False)
    assert (helped.returncode, helped.stderr) == (0, "") and helped.stdout == usage()
