"""shell_words splits as a POSIX shell does: checked against the machine's own /bin/sh."""

from __future__ import annotations

import subprocess

import pytest

from dshell.shell.targets import parse_target
from dshell.shell.words import scan, shell_words

LINES = [
    'sh -c "echo \\$A"',
    "sh -c 'echo \\$A'",
    'a\\ b "c\\\\d" "e\\f" \'g\\h\'',
    'x"y"z \'\'  ""  "a\\"b"',
    "echo \\'quoted\\' \\\\ end",
    "tab\there  many   spaces",
]


def posix(line: str) -> list[str]:
    """What /bin/sh makes of `line`'s words (the lines expand nothing: $ only escaped or in single quotes)."""
    script = "for a in " + line + "; do printf '%s\\0' \"$a\"; done"
    return subprocess.run(["sh", "-c", script], capture_output=True, text=True, check=True).stdout.split("\0")[:-1]


@pytest.mark.parametrize("line", LINES)
def test_words_are_what_a_posix_shell_makes_of_them(line):
    assert shell_words(line) == posix(line)


def test_nothing_is_expanded():
    assert shell_words('"$HOME" `x` "\\`x\\`"') == ["$HOME", "`x`", "`x`"]


def test_exec_gets_the_words_a_shell_would_pass():
    words = [w.text for w in scan('-T web sh -c "echo \\$A"').words]
    assert parse_target("exec", words).cmd == ("sh", "-c", "echo $A")


@pytest.mark.parametrize(("line", "message"), [("a 'b", "no closing ' in: a 'b"), ('a "b', 'no closing " in: a "b')])
def test_an_open_quote_is_one_line(line, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        shell_words(line)


def test_run_and_build_get_the_words_a_shell_would_pass():
    from dshell.shell.workflows.run import parse_run

    words = [w.text for w in scan('--rm -e A=1 busybox sh -c "echo \\$A"').words]
    assert parse_run(words).cmd == ["sh", "-c", "echo $A"]
