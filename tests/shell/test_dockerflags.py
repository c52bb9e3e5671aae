"""The docker CLI's flags of logs, events and stats, typed as there, read straight into the op's params (typed
values: never made into name=value words to be read again)."""

from __future__ import annotations

import pytest

from dshell.shell.dockerflags import read_flags
from dshell.shell.grammar import ParseError
from dshell.shell.parse import parse_line


@pytest.mark.parametrize(("command", "args", "params", "rest"), [
    ("logs", ["-f", "--tail", "10", "web"], {"follow": True, "tail": "10"}, ["web"]),
    ("logs", ["web", "-n", "5", "-t", "--details"], {"tail": "5", "timestamps": True, "details": True}, ["web"]),
    ("logs", ["--tail=3", "--since=1700000000", "--until", "1700000100", "web"],
     {"tail": "3", "since": "1700000000", "until": "1700000100"}, ["web"]),
    ("events", ["--since", "1700000000.5", "-f", "type=container", "--filter=event=start"],
     {"since": "1700000000.5", "filters": {"type": ["container"], "event": ["start"]}}, []),
    ("stats", ["--no-stream", "web"], {"stream": False}, ["web"]),
    ("logs", ["web", "tail=5", "-"], {}, ["web", "tail=5", "-"]),
])
def test_docker_flags_become_typed_params(command, args, params, rest):
    assert read_flags(command, args) == (params, rest)


def test_a_duration_is_read_as_the_docker_cli_reads_it():
    params, _ = read_flags("logs", ["--since", "10m"])
    assert params["since"].isdigit()  # whole seconds: ContainerLogs types since as an integer


@pytest.mark.parametrize(("command", "args", "message"), [
    ("logs", ["--foo", "web"], "logs: unknown flag '--foo': use --details, --follow, --since, --tail"),
    ("logs", ["web", "--tail"], "logs: --tail needs a value, e.g. --tail 10"),
    ("events", ["--since"], "events: --since needs a value, e.g. --since 10m"),
    ("logs", ["--follow=yes", "web"], "logs: --follow takes no value"),
    ("stats", ["-a"], "stats: unknown flag '-a': use --no-stream, or name=value words"),
    ("events", ["-f", "nokey"], "events -f: a filter is KEY=VALUE, got 'nokey'"),
])
def test_a_wrong_flag_is_one_line(command, args, message):
    with pytest.raises(ValueError) as found:
        read_flags(command, args)
    assert str(found.value).startswith(message) and "\n" not in str(found.value)


def test_the_container_is_found_among_the_flags_and_the_flags_override_the_pane_defaults():
    call = parse_line("logs -f --tail 2 web --timestamps").call
    assert (call.op, call.args) == ("ContainerLogs", ("web",))
    assert call.params == {"follow": True, "stdout": True, "stderr": True, "tail": "2", "timestamps": True}
    assert parse_line("logs -f web tail=all").call.params["tail"] == "all"  # a word typed after the defaults wins


def test_logs_without_follow_answer_once_as_docker_logs_does():
    from dshell.shell.commands.docker import Docker
    from dshell.shell.grammar import OpCall

    assert parse_line("logs -n 5 -t web") == Docker(("logs", "-n", "5", "-t", "web"))  # the docker table's logs
    once = parse_line("logs web tail=5")  # dshell's words: the op, answered once (no follow)
    assert isinstance(once, OpCall) and once.op == "ContainerLogs" and "follow" not in once.params
    assert parse_line("stats --no-stream web") == Docker(("stats", "--no-stream", "web"))  # docker's table, once
    assert parse_line("logs @a web").call.params["follow"] is True  # several hosts: a pane, followed


def test_events_words_and_flags_gather_into_one_filters_map():
    call = parse_line("events type=container --filter event=start until=1700000000").call
    assert call.params == {"filters": {"type": ["container"], "event": ["start"]}, "until": "1700000000"}
    with pytest.raises(ParseError, match="expected KEY=VALUE, got 'web'"):
        parse_line("events web")
