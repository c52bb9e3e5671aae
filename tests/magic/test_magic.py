"""%docker and %%docker in an in-process IPython against the real engine."""

from __future__ import annotations

import subprocess
import sys

import pytest

from dshell.explorer import History, Result, View, default_history_path
from dshell.magic import CommandError
from dshell.shell.commands.dispatch import execute

pytestmark = pytest.mark.engine


def test_line_magic_returns_the_result(docker):
    result = docker("ContainerList all=true")
    assert isinstance(result, Result)
    assert (result.op, result.status, result.error) == ("ContainerList", 200, None)
    assert isinstance(result.data, list) and result.duration > 0
    bundle = result._repr_mimebundle_()
    assert "CONTAINER ID" in bundle["text/plain"] and "<table" in bundle["text/html"]
    assert "CONTAINER ID" in result._repr_html_()


def test_cell_body_in_yaml_or_json_with_python_values(docker, ip, unique_name):
    name, other = unique_name("dsh-vol"), unique_name("dsh-vol")
    ip.user_ns["vol_name"], ip.user_ns["vol_labels"] = name, {"made-by": "magic"}
    try:
        made = docker("VolumeCreate", "Name: $vol_name\nLabels: $vol_labels\n")
        assert (made.op, made.status) == ("VolumeCreate", 201)
        assert made.data["Name"] == name and made.data["Labels"] == {"made-by": "magic"}
        made = docker("volumes VolumeCreate", f'{{"Name": "{other}", "Labels": {{"n": "010"}}}}')
        assert made.data["Labels"] == {"n": "010"}
        assert docker("VolumeInspect name=$vol_name").data["Name"] == name
        assert docker("VolumeInspect {vol_name}").data["Name"] == name
    finally:
        assert docker(f"VolumeDelete name={name}").status == 204
        assert docker(f"VolumeDelete name={other}").status == 204


def test_python_values_in_a_function_use_its_locals(ip):
    ip.run_cell("def inspect_image(image):\n    return get_ipython().run_line_magic('docker', 'ImageInspect $image')")
    assert "busybox:latest" in ip.user_ns["inspect_image"]("busybox:latest").data["RepoTags"]


@pytest.mark.parametrize("line", ["ContainerLst", "ContainerList al=true", "ContainerList {", "ops contaners",
                                  "ContainerInspect a b", "_99999", "show x"])
def test_bad_input_raises_the_shells_one_line_message(docker, session, line):
    expected = execute(session, line).error
    with pytest.raises(CommandError) as raised:
        docker(line)
    assert str(raised.value) == expected and "\n" not in expected
    assert "Traceback" not in expected


def test_nearest_names_in_messages(docker):
    with pytest.raises(CommandError, match="did you mean ContainerList"):
        docker("ContainerLst all=true")
    with pytest.raises(CommandError, match="unknown param 'al': did you mean all"):
        docker("ContainerList al=true")


def test_a_cell_needs_an_op_and_a_collection(docker):
    with pytest.raises(CommandError, match="first line is an op"):
        docker("history", "Name: x")
    with pytest.raises(CommandError, match="must be a mapping or a list"):
        docker("VolumeCreate", "just-text")
    with pytest.raises(CommandError, match="cannot read"):
        docker("VolumeCreate", "Name: [x")


def test_a_daemon_error_is_a_failed_result_with_status_and_message(docker, unique_name):
    result = docker(f"ContainerInspect {unique_name()}")
    assert result.failed and result.status == 404
    assert "404 No such container" in result._repr_mimebundle_()["text/plain"]


def test_results_share_the_shells_numbered_history(docker, session):
    made = docker("ImageInspect busybox:latest")
    assert made is session.history.last
    on_disk = History(default_history_path())  # what the shell reads at start
    assert on_disk[made.n].op == "ImageInspect" and on_disk[made.n].data["Id"] == made.data["Id"]
    shown = docker(f"_{made.n}")
    assert shown is made
    path = docker(f"_{made.n}.RepoTags")
    assert isinstance(path, View) and "busybox:latest" in str(path)
    query = docker(f"_{made.n} | RepoTags[0]")
    assert "busybox:latest" in str(query)
    assert f"_{made.n}" in str(docker("history 3"))
    queried = docker("ImageInspect busybox:latest | RepoTags")
    assert isinstance(queried, View) and "busybox:latest" in str(queried)
    assert session.history.last.op == "ImageInspect" and session.history.last.n == made.n + 1  # still stored


def test_shell_commands_render_as_views(docker):
    for line in ("help", "", "ops volumes", "doc VolumeCreate", "categories"):
        view = docker(line)
        assert isinstance(view, View)
        assert view._repr_mimebundle_()["text/html"].startswith("<pre")
    assert "VolumeCreate" in str(docker("ops volumes"))


def test_attach_and_exec_say_what_to_do_in_a_notebook(docker):
    with pytest.raises(CommandError, match="needs a terminal.*ContainerExec, ExecStart and ExecInspect"):
        docker("exec web ls")


def test_import_dshell_stays_cheap():
    code = "import sys, dshell; print(sorted(m for m in sys.modules if m.startswith(('IPython', 'dshell.'))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_terminal_colours_come_from_rich(docker):
    from dshell._magic.display import ansi_bundle

    text = ansi_bundle(docker("ContainerList all=true"))["text/plain"]
    assert "\x1b[" in text and "ContainerList" in text


def test_an_interrupt_cancels_the_call_and_breaks_its_connection(docker, docker_cli, unique_name,
                                                                  cleanup_containers):
    import signal
    import threading
    import time

    name = unique_name("dsh-magic")
    docker_cli("run", "-d", "--name", name, "busybox:latest", "sleep", "300")
    before = set(threading.enumerate())
    waiting: list[threading.Thread] = []

    def interrupt() -> None:  # the threads are seen as the interrupt comes: a cancelled one may end at once
        waiting.extend(t for t in set(threading.enumerate()) - before if t.name == "dshell-call")
        signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)

    threading.Timer(1.0, interrupt).start()
    with pytest.raises(CommandError, match="^cancelled$"):
        docker(f"ContainerWait {name}")
    calls = list(waiting)
    assert calls  # the abandoned ContainerWait, which would wait for the container for 300 s
    deadline = time.monotonic() + 5
    while any(t.is_alive() for t in calls):
        assert time.monotonic() < deadline, "the cancelled call still waits on the daemon"
        time.sleep(0.05)


def test_a_path_shows_a_tree_whose_nodes_name_their_paths(docker, docker_cli, unique_name, cleanup_containers):
    from ..htmltree import parse

    name = unique_name()
    docker_cli("create", "--name", name, "-e", "A=1", "busybox:latest", "true")
    inspected = docker(f"ContainerInspect {name}")
    for line in (f"_{inspected.n}.Config", "_.Config"):
        page = parse(docker(line)._repr_html_())
        titles = {element.attrs["title"] for element in page.iter() if "title" in element.attrs}
        assert {f"_{inspected.n}.Config.Env", f"_{inspected.n}.Config.Env[0]"} <= titles, line
    query = parse(docker(f"_{inspected.n} | Config")._repr_html_())
    assert not [element for element in query.iter() if "title" in element.attrs]  # a query's value has no path


def test_the_at_prefix_fans_out(docker, session, engine):
    execute(session, f"connect tls {engine['tls_uri']} --tlscacert {engine['ca']} --tlscert {engine['cert']} "
                    f"--tlskey {engine['key']}")
    try:
        r = docker("@all SystemPing")
        assert [row["HOST"] for row in r.data] == [session.hosts.default, "tls"]
        assert [row["Data"] for row in r.data] == ["OK", "OK"]
    finally:
        session.hosts.remove("tls")


def test_a_gesture_gives_its_new_result(docker):
    listed = docker("ContainerList all=true")
    sorted_ = docker(f"_{listed.n} --sort CREATED --reverse")
    assert isinstance(sorted_, Result) and sorted_.n == listed.n + 1 and sorted_.op == "ContainerList"
    assert [row["Created"] for row in sorted_.data] == sorted((row["Created"] for row in listed.data), reverse=True)
