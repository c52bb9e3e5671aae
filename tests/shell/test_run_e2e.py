"""``run -it`` typed in the real dshell, in a real terminal (tmux), against the real engine."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.engine


def test_run_it_rm_sh_then_exit_3(term, unique_name, docker_cli, cleanup_containers):
    name = unique_name()
    term.run(f"run -it --rm --network none --name {name} busybox sh")
    term.wait(r"^\[\d+\] ContainerCreate\s+201")
    term.wait(r"^\[\d+\] ContainerStart\s+204")
    term.wait(r"^/ #")
    term.run("echo $((6 * 7)); stty size")
    term.wait(r"^42\s*$")
    term.wait(r"^50 160\s*$")  # the container's TTY has the terminal's size
    term.run("exit 3")
    found = term.wait(rf"container {name} exited with code 3  \(_(\d+)\)")
    assert docker_cli("ps", "-aq", "--filter", f"name={name}").strip() == ""  # --rm: gone by now
    term.run(f"_{found[1]}.exit_code")
    term.wait(r"^3\s*$")


def test_run_it_detaches_with_ctrl_p_ctrl_q_and_keeps_running(term, unique_name, docker_cli, cleanup_containers):
    name = unique_name()
    term.run(f"run -it --network none --name {name} busybox sh")
    term.wait(r"^/ #")
    term.keys("C-p", "C-q")
    term.wait(rf"detached from container {name} \(ctrl-p ctrl-q\); it keeps running  \(_\d+\)")
    assert docker_cli("inspect", "-f", "{{.State.Running}}", name).strip() == "true"
