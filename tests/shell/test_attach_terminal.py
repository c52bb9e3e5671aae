"""Detach keys, local line editing, tty modes and the attach/exec argument parser (no daemon needed)."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import termios

import pytest

from dshell.shell.targets import Outcome, Target, detach_keys, parse_target
from dshell.shell.terminal import DetachFilter, LineEditor, parse_detach_keys, terminal_mode, terminal_size


@pytest.mark.parametrize(("spec", "keys"), [
    ("ctrl-p,ctrl-q", b"\x10\x11"), ("ctrl-@", b"\x00"), ("ctrl-a,x", b"\x01x"), ("CTRL-Z", b"\x1a"),
    ("ctrl-[,ctrl-\\,ctrl-],ctrl-^,ctrl-_", b"\x1b\x1c\x1d\x1e\x1f"), ("a,b", b"ab"),
])
def test_parse_detach_keys(spec, keys):
    assert parse_detach_keys(spec) == keys


@pytest.mark.parametrize("spec", ["", "ctrl-", "ctrl-pp", "alt-x", "a,,b", "é"])
def test_parse_detach_keys_rejects(spec):
    with pytest.raises(ValueError, match="unknown key"):
        parse_detach_keys(spec)


def test_detach_keys_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    assert detach_keys() == "ctrl-p,ctrl-q"
    (tmp_path / "config.json").write_text('{"detachKeys": "ctrl-x,ctrl-y"}')
    assert detach_keys() == "ctrl-x,ctrl-y"
    assert detach_keys("ctrl-e") == "ctrl-e"


def test_detach_filter_holds_a_prefix_back():
    f = DetachFilter(b"\x10\x11")
    assert f.feed(b"ls\r") == (b"ls\r", False)
    assert f.feed(b"a\x10") == (b"a", False)  # ctrl-p held back
    assert f.feed(b"b") == (b"\x10b", False)  # not the sequence: both go
    assert f.feed(b"\x10") == (b"", False)
    assert f.feed(b"\x10") == (b"\x10", False)  # a second ctrl-p may still start the sequence
    assert f.feed(b"\x11rest") == (b"", True)
    assert f.feed(b"x\x10\x11") == (b"x", True)
    assert DetachFilter(b"").feed(b"\x10\x11") == (b"\x10\x11", False)


def test_line_editor():
    ed = LineEditor()
    edit = ed.feed(b"hel\x7flo\r")
    assert (edit.echo, edit.send, edit.eof) == (b"hel\b \blo\r\n", b"helo\n", False)
    edit = ed.feed("né\x7f\x7fx\x1b[Dy\t\x15ok".encode())
    assert edit.send == b"" and edit.echo == "né".encode() + b"\b \b" * 2 + b"xy\t" + b"\b \b" * 3 + b"ok"
    edit = ed.feed(b"\x04")
    assert (edit.send, edit.eof) == (b"ok", False)  # ctrl-d after text sends it without a newline
    edit = ed.feed(b"\x04ignored")
    assert (edit.send, edit.eof) == (b"", True)
    edit = ed.feed(b"ab\x03cd")
    assert edit.interrupt and edit.echo == b"ab^C" and edit.send == b""


def test_terminal_mode_is_restored_even_on_error():
    leader, follower = pty.openpty()
    try:
        before = termios.tcgetattr(follower)
        for mode in ("raw", "keys"):
            with pytest.raises(RuntimeError), terminal_mode(follower, mode):
                now = termios.tcgetattr(follower)
                assert not now[3] & termios.ICANON and not now[3] & termios.ECHO and not now[3] & termios.ISIG
                assert bool(now[1] & termios.OPOST) == (mode == "keys")
                raise RuntimeError
            assert termios.tcgetattr(follower) == before
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        assert terminal_size(follower) == (24, 80)
        r, w = os.pipe()
        with terminal_mode(r, "raw"):  # not a tty: nothing to do
            pass
        assert terminal_size(r) is None
        os.close(r)
        os.close(w)
    finally:
        os.close(leader)
        os.close(follower)


@pytest.mark.parametrize(("kind", "words", "target"), [
    ("attach", ["web"], Target("attach", "web")),
    ("attach", ["--detach-keys=ctrl-x", "web"], Target("attach", "web", detach_keys="ctrl-x")),
    ("exec", ["web"], Target("exec", "web", ("sh",))),
    ("exec", ["-it", "web", "ls", "-l", "/"], Target("exec", "web", ("ls", "-l", "/"), tty=True)),
    ("exec", ["-u", "root", "-w/tmp", "--env=A=1", "-e", '"B=x y"', "-T", "web", "sh", "-c", "'echo $A'"],
     Target("exec", "web", ("sh", "-c", "echo $A"), "root", "/tmp", ("A=1", "B=x y"), False)),
    ("exec", ["--", "-web", "ls"], Target("exec", "-web", ("ls",))),
])
def test_parse_target(kind, words, target):
    assert parse_target(kind, words) == target


@pytest.mark.parametrize(("kind", "words", "message"), [
    ("attach", [], "usage: attach"), ("attach", ["a", "b"], "usage: attach"), ("attach", ["-u", "x", "a"], "unknown"),
    ("exec", [], "usage: exec"), ("exec", ["-u"], "-u needs a value"), ("exec", ["--bogus", "web"], "unknown"),
])
def test_parse_target_errors(kind, words, message):
    with pytest.raises(ValueError, match=message):
        parse_target(kind, words)


def test_outcome_messages():
    web = Target("attach", "web")
    assert Outcome(web, exit_code=0).message() == "container web exited with code 0"
    assert Outcome(web, detached=True, how="ctrl-p ctrl-q").message() == \
        "detached from container web (ctrl-p ctrl-q); it keeps running"
    assert Outcome(Target("exec", "web", ("ls", "a b")), error="No such container: web").message() == \
        "exec web: No such container: web"
    assert Outcome(Target("exec", "web", ("ls", "a b")), exit_code=2).as_dict()["cmd"] == ["ls", "a b"]
