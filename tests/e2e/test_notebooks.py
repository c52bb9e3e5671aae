"""The notebooks in notebooks/ run top to bottom against the real engine, in a kernel of their own."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from ..htmltree import Element, parse

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
# the static checks need no engine: only the tests that run notebooks are marked, so `-m "not engine"` keeps them


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 4


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_committed_without_outputs(path):
    import nbformat

    nb = nbformat.read(path, as_version=4)
    stale = [cell.id for cell in nb.cells if cell.cell_type == "code" and (cell.outputs or cell.execution_count)]
    assert not stale, f"{path.name}: clear the outputs of cells {stale} (they would not match a run)"


@pytest.fixture
def kernel_manager(engine, tmp_path, monkeypatch):
    """A python3 kernel manager (IPC on loopback files) whose kernel talks to the engine, its files in tmp."""
    from jupyter_client import KernelManager

    for var, sub in (("HOME", "home"), ("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config")):
        (tmp_path / sub).mkdir()
        monkeypatch.setenv(var, str(tmp_path / sub))
    monkeypatch.setenv("XDG_CACHE_HOME", os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache"))
    monkeypatch.setenv("DOCKER_HOST", engine["docker_host"])
    for var in ("DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"):
        monkeypatch.delenv(var, raising=False)
    return KernelManager(kernel_name="python3", transport="ipc", connection_file=str(tmp_path / "kernel.json"))


@pytest.mark.engine
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path, kernel_manager, tmp_path):
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, km=kernel_manager, timeout=120, resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError when a cell fails (cells tagged raises-exception may)
    plain = [out.data["text/plain"] for cell in nb.cells for out in cell.get("outputs", []) if "data" in out]
    assert not [text for text in plain if "\x1b[" in text], "rich printed into the kernel (shown twice)"
    pages = [parse(out.data["text/html"]) for cell in nb.cells for out in cell.get("outputs", [])
             if "text/html" in out.get("data", {})]  # each one well nested
    assert pages and not [page for page in pages if list(page.iter("script"))], "no JavaScript needed"
    if path.stem == "04-debugging-a-container":
        debugging_outputs(pages)
    for cell in nb.cells:
        if "raises-exception" in cell.metadata.get("tags", []):
            (error,) = [out for out in cell.outputs if out.output_type == "error"]
            assert error.ename == "CommandError" and error.traceback == [f"CommandError: {error.evalue}"], error
            assert "\n" not in error.evalue and not [out for out in cell.outputs if out.output_type == "stream"]


@pytest.mark.engine
def test_a_failing_docker_line_stops_the_notebook_with_one_line(kernel_manager, tmp_path):
    """Run All stops at a %docker line that cannot run (nbclient sees an error), which says why in one line."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in (
        "%load_ext dshell", "%docker ContainerList al=true", "reached = True")])
    client = NotebookClient(nb, km=kernel_manager, timeout=60, resources={"metadata": {"path": str(tmp_path)}})
    with pytest.raises(CellExecutionError) as stopped:
        client.execute()
    assert stopped.value.ename == "CommandError"
    assert stopped.value.evalue == "ContainerList: unknown param 'al': did you mean all?"
    (error,) = nb.cells[1].outputs
    assert error.output_type == "error" and error.traceback == [f"CommandError: {error.evalue}"]
    assert not nb.cells[2].outputs and nb.cells[2].execution_count is None  # never ran


def debugging_outputs(pages: list[Element]) -> None:
    """The debugging notebook shows a real table, a foldable tree with paths, marked logs and a stats chart."""
    tables = [table for page in pages for table in page.iter("table")]
    listed = next(t for t in tables if [th.text for th in t.iter("th")][-1] == "NAMES")
    names = [tr.kids("td")[-1].text for tr in listed.find("tbody").kids("tr")]
    assert len(names) == 3 and all(re.fullmatch(r"nb-debug-(good|bad|busy)-[0-9a-f]{6}", n) for n in names)  # not cut
    assert any(th.text == "Change" for t in tables for th in t.iter("th"))  # the diff of two inspects
    summaries = [s for page in pages for s in page.iter("summary")]
    state = next(s for s in summaries if s.attrs.get("title", "").endswith(".State"))
    assert state.attrs["title"].startswith("_") and state.text.endswith(state.attrs["title"])
    stderr = [div for page in pages for div in page.iter("div")
              if div.kids("span") and div.kids("span")[0].text == "stderr"]
    assert any(div.text.endswith("cannot read /etc/app.conf") for div in stderr)
    charts = [svg for page in pages for svg in page.iter("svg")]
    assert charts and all(len(list(svg.iter("polyline"))) == 2 for svg in charts)
    final = charts[-1].find("polyline").attrs["points"].split()
    assert len(final) >= 3  # several samples before the interrupt


@pytest.mark.engine
def test_a_kernel_interrupt_stops_a_stream_and_the_kernel_goes_on(kernel_manager, docker_cli, unique_name,
                                                                 cleanup_containers):
    name = unique_name("dsh-interrupt")
    docker_cli("run", "-d", "--name", name, "busybox:latest", "sh", "-c",
               "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done")
    kernel_manager.start_kernel()
    kc = kernel_manager.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        reply = kc.execute_interactive("%load_ext dshell", timeout=60)
        assert reply["content"]["status"] == "ok"
        outputs: list[dict] = []
        msg_id = kc.execute(f"r = %docker logs -f {name}\nr")
        time.sleep(3)
        kernel_manager.interrupt_kernel()
        reply = kc.get_shell_msg(timeout=30)
        while True:
            msg = kc.get_iopub_msg(timeout=10)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
            outputs.append(msg)
        assert reply["content"]["status"] == "ok"
        updates = [m for m in outputs if m["msg_type"] == "update_display_data"]
        assert "stopped by interrupt" in updates[-1]["content"]["data"]["text/plain"]
        result = next(m for m in outputs if m["msg_type"] == "execute_result")["content"]["data"]["text/plain"]
        assert "ContainerLogs  200" in result and "tick 3" in result
        after = kc.execute_interactive("assert r.data.startswith('tick 1\\n') and r.status == 200", timeout=30)
        assert after["content"]["status"] == "ok"
    finally:
        kc.stop_channels()
        kernel_manager.shutdown_kernel(now=True)


@pytest.mark.engine
def test_without_an_engine_the_first_cell_says_where_it_looked(kernel_manager, monkeypatch, tmp_path):
    import nbformat

    firsts = []
    for path in NOTEBOOKS:
        cells = nbformat.read(path, as_version=4).cells
        index = next(i for i, cell in enumerate(cells) if cell.cell_type == "code")
        assert "scripts/engine up" in " ".join(cell.source for cell in cells[:index] if cell.cell_type == "markdown")
        firsts.append(cells[index].source)
    assert len(set(firsts)) == 1 and "%docker SystemPing" in firsts[0]  # the same check opens every notebook
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")
    kernel_manager.start_kernel()
    kc = kernel_manager.client()
    kc.start_channels()
    said: list[str] = []
    try:
        kc.wait_for_ready(timeout=60)
        kc.execute_interactive(firsts[0], timeout=60, output_hook=lambda msg: said.append(
            msg["content"].get("text", "") + "\n".join(msg["content"].get("traceback", []))))
    finally:
        kc.stop_channels()
        kernel_manager.shutdown_kernel(now=True)
    text = "".join(said)
    assert text.startswith("CommandError: cannot connect to unix://") and "DOCKER_HOST" in text, text
    assert "\n" not in text, text  # one line, no traceback
