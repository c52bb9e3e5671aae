"""The docker CLI's flags of logs, events and stats, typed as there, read as the shell's name=value words."""

from __future__ import annotations

import pytest

from dshell.shell.dockerflags import flag_words
from dshell.shell.panes.sources import source


def bind(words: list[str]) -> tuple[str, dict[str, str]]:
    """The words as params, untyped (the real binding is the spec's; these tests are about the words)."""
    return words[0], dict(w.split("=", 1) for w in words[1:] if "=" in w) | {"id": words[1]}


@pytest.mark.parametrize(("command", "args", "words"), [
    ("logs", ["-f", "--tail", "10", "web"], ["follow=true", "tail=10", "web"]),
    ("logs", ["web", "-n", "5", "-t", "--details"], ["web", "tail=5", "timestamps=true", "details=true"]),
    ("logs", ["--tail=3", "--since=10m", "--until", "1h", "web"], ["tail=3", "since=10m", "until=1h", "web"]),
    ("events", ["--since", "1h", "-f", "type=container", "--filter=event=start"],
     ["since=1h", "type=container", "event=start"]),
    ("stats", ["--no-stream", "web"], ["stream=false", "web"]),
    ("logs", ["web", "tail=5", "-"], ["web", "tail=5", "-"]),
])
def test_docker_flags_become_words(command, args, words):
    assert flag_words(command, args) == words


@pytest.mark.parametrize(("command", "args", "message"), [
    ("logs", ["--foo", "web"], "logs: unknown flag '--foo': use --details, --follow, --since, --tail"),
    ("logs", ["web", "--tail"], "logs: --tail needs a value, e.g. --tail 10"),
    ("events", ["--since"], "events: --since needs a value, e.g. --since 10m"),
    ("logs", ["--follow=yes", "web"], "logs: --follow takes no value"),
    ("stats", ["-a"], "stats: unknown flag '-a': use --no-stream, or name=value words"),
])
def test_a_wrong_flag_is_one_line(command, args, message):
    with pytest.raises(ValueError) as found:
        flag_words(command, args)
    assert str(found.value).startswith(message) and "\n" not in str(found.value)


def test_the_container_is_found_among_the_flags_and_the_flags_override_the_pane_defaults():
    src = source("logs", ["-f", "--tail", "2", "web", "--timestamps"], bind)
    assert src.op == "ContainerLogs" and src.params["id"] == "web"
    assert (src.params["tail"], src.params["timestamps"], src.params["follow"]) == ("2", "true", "true")
    assert source("stats", ["--no-stream", "web"], bind).params["stream"] == "false"
