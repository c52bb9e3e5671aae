"""``compose`` words as typed → options (no engine): global flags, subcommands, their flags, one-line errors."""

from __future__ import annotations

import pytest

from dshell.shell.workflows.compose import masked_config, parse_compose


def test_global_and_subcommand_flags():
    opts = parse_compose(["-p", "shop", "-f", "a.yaml", "--file=b.yaml", "--dry-run", "logs", "-f", "--tail", "5",
                          "web", "db"])
    assert (opts.project, opts.files, opts.dry_run, opts.sub) == ("shop", ["a.yaml", "b.yaml"], True, "logs")
    assert opts.flags == {"follow": True, "tail": "5"} and opts.words == ["web", "db"]
    opts = parse_compose(["down", "-v", "--rmi", "local", "-t", "0"])
    assert opts.flags == {"volumes": True, "rmi": "local", "timeout": "0"}


def test_hosts_before_the_subcommand():
    assert parse_compose(["@a,b", "ls", "-a"]).hosts == ("a", "b")
    assert parse_compose(["@all", "ls"]).hosts == ("all",)
    assert parse_compose(["@web1", "-p", "shop", "ps"]).hosts == ("web1",)


def test_run_and_exec_keep_the_command_flags_for_the_container():
    opts = parse_compose(["run", "--rm", "web", "ls", "-la"])
    assert opts.flags == {"rm": True} and opts.words == ["web", "ls", "-la"]
    opts = parse_compose(["exec", "-u", "root", "-e", "A=1", "-e", "B=2", "web", "sh", "-c", "echo -n x"])
    assert opts.flags == {"user": "root", "env": ["A=1", "B=2"]}
    assert opts.words == ["web", "sh", "-c", "echo -n x"]


@pytest.mark.parametrize("words, message", [
    ([], "compose needs a command"),
    (["upp"], "unknown command 'upp': did you mean up?"),
    (["--bogus", "ps"], "compose: unknown option '--bogus'"),
    (["ps", "--bogus"], "compose ps: unknown option '--bogus' (known: --all, -a)"),
    (["logs", "--tail"], "compose logs: --tail needs a value"),
    (["run"], "compose run needs a service"),
    (["exec", "web"], "compose exec needs SERVICE COMMAND"),
    (["port", "web"], "compose port needs SERVICE PRIVATE_PORT"),
    (["config", "extra"], "compose config takes no arguments (got 'extra')"),
    (["-p"], "compose: -p needs a value"),
    (["@a,b", "ps"], "compose ps runs on one endpoint (@NAME compose ps); on several at once: @a,b compose ls"),
    (["@", "ls"], "compose: '@' needs endpoint names"),
])
def test_wrong_words_are_one_line(words, message):
    with pytest.raises(ValueError) as info:
        parse_compose(words)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_config_masks_secret_looking_values_before_it_is_kept():
    config = {"name": "p", "services": {"web": {"environment": {"DB_PASSWORD": "hunter2", "MODE": "prod"},
                                                "build": {"context": "/x", "args": {"NPM_TOKEN": "t0k", "V": "1"}}}}}
    web = masked_config(config)["services"]["web"]
    assert web["environment"] == {"DB_PASSWORD": "***", "MODE": "prod"}
    assert web["build"]["args"] == {"NPM_TOKEN": "***", "V": "1"}
    assert config["services"]["web"]["environment"]["DB_PASSWORD"] == "hunter2"  # the model itself is untouched
