"""``attach`` and ``exec`` typed in the real dshell, in a real terminal (tmux), against the real engine."""

from __future__ import annotations

import pytest

import dshell.client as docker

pytestmark = pytest.mark.engine
RUN = ("run", "--network", "none")  # no container here needs a network
HINT = r"^\[(attach|exec) .*detaches\]"


@pytest.fixture
def tty_shell(docker_cli, unique_name, cleanup_containers) -> str:
    """A running busybox ``sh`` with a TTY and stdin open."""
    name = unique_name()
    docker_cli(*RUN, "-d", "-it", "--name", name, "busybox", "sh")
    return name


def test_attach_run_resize_detach(term, tty_shell, docker_cli):
    term.run(f"attach {tty_shell}")
    term.wait(HINT)
    term.run("stty size")
    term.wait(r"^50 160\s*$")
    term.tmux("resize-window", "-t", "main", "-x", "120", "-y", "40")
    term.run("stty size")
    term.wait(r"^40 120\s*$")
    term.run("echo $((6 * 7))")
    term.wait(r"^42\s*$")
    term.keys("C-p", "C-q")
    term.wait(rf"detached from container {tty_shell} \(ctrl-p ctrl-q\); it keeps running  \(_\d+\)")
    assert docker_cli("inspect", "-f", "{{.State.Running}}", tty_shell).strip() == "true"
    term.keys("Up")  # the shell's history is intact
    term.wait(rf"^dshell> attach {tty_shell}\s*$")
    term.keys("C-u")
    term.run("ContainerList")
    term.wait(r"\[\d+\] ContainerList\s+200")


def test_exec_prints_the_exit_code(term, tty_shell):
    term.run(f"exec -w /tmp -e GREETING=hi {tty_shell} sh -c 'echo $GREETING from $(pwd); exit 3'")
    term.wait(r"^hi from /tmp\s*$")
    term.wait(rf"{tty_shell}: sh -c 'echo \$GREETING from \$\(pwd\); exit 3' exited with code 3")
    term.run(f"exec {tty_shell}")  # a shell by default
    term.wait(r"^/ #\s*$")  # ash reads (and drops) typeahead while it starts
    term.run("stty size; exit 4")
    term.wait(r"^50 160\s*$")
    term.wait(rf"{tty_shell}: sh exited with code 4")


def test_attach_without_tty_sends_stdin_and_eof(term, engine, unique_name, cleanup_containers):
    name = unique_name()
    c = docker.client(None, conn={"uri": engine["docker_host"]})
    body = {"Image": "busybox", "Cmd": ["sh", "-c", "while read l; do echo got:$l; echo err:$l >&2; done; exit 5"],
            "OpenStdin": True, "StdinOnce": True, "HostConfig": {"NetworkMode": "none"}}
    docker.invoke(c, {"op": "ContainerCreate", "params": {"name": name, "body": body}, "throw": True})
    docker.invoke(c, {"op": "ContainerStart", "params": {"id": name}, "throw": True})
    term.run(f"attach {name}")
    term.wait(r"ctrl-d sends EOF")
    term.run("hello world")
    term.wait(r"^got:hello world\s*$")
    term.wait(r"^err:hello world\s*$")
    term.keys("C-d")
    term.wait(rf"container {name} exited with code 5")
    term.wait(r"^dshell>\s*$")


def test_killing_the_container_gives_the_prompt_back(term, tty_shell, docker_cli):
    term.run(f"attach {tty_shell}")
    term.wait(HINT)
    docker_cli("kill", tty_shell)
    term.wait(rf"container {tty_shell} exited with code 137")
    term.run("ContainerList")
    term.wait(r"\[\d+\] ContainerList\s+200")


def test_attach_errors_are_one_line(term, tty_shell, docker_cli):
    docker_cli("stop", "-t", "0", tty_shell)
    term.run(f"attach {tty_shell}")
    term.wait(rf"attach {tty_shell}: the container is not running")
    term.run("exec")
    term.wait(r"usage: exec \[-u USER\]")


def test_exec_quotes_as_a_posix_shell(term, tty_shell):
    """`\\$A` in double quotes is `$A` for the container's shell, as a POSIX shell passes it."""
    term.run(f'exec -T -e A=posix {tty_shell} sh -c "echo \\$A and \\"q\\" and \'\\$A\'"')
    term.wait(r"^posix and q and \$A\s*$")  # the inner shell's own quotes are its own
