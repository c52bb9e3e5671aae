"""The notebooks in notebooks/ run top to bottom against the real engine, in a kernel of their own."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))

pytestmark = pytest.mark.engine


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_committed_without_outputs(path):
    import nbformat

    nb = nbformat.read(path, as_version=4)
    stale = [cell.id for cell in nb.cells if cell.cell_type == "code" and (cell.outputs or cell.execution_count)]
    assert not stale, f"{path.name}: clear the outputs of cells {stale} (they would not match a run)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path, engine, tmp_path, monkeypatch):
    import nbformat
    from jupyter_client import KernelManager
    from nbclient import NotebookClient

    for var, sub in (("HOME", "home"), ("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config")):
        (tmp_path / sub).mkdir()
        monkeypatch.setenv(var, str(tmp_path / sub))
    monkeypatch.setenv("XDG_CACHE_HOME", os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache"))
    monkeypatch.setenv("DOCKER_HOST", engine["docker_host"])
    for var in ("DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"):
        monkeypatch.delenv(var, raising=False)
    nb = nbformat.read(path, as_version=4)
    km = KernelManager(kernel_name="python3", transport="ipc", connection_file=str(tmp_path / "kernel.json"))
    client = NotebookClient(nb, km=km, timeout=120, resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError when a cell fails (cells tagged raises-exception may)
    plain = [out.data["text/plain"] for cell in nb.cells for out in cell.get("outputs", []) if "data" in out]
    assert not [text for text in plain if "\x1b[" in text], "rich printed into the kernel (shown twice)"
    for cell in nb.cells:
        if "raises-exception" in cell.metadata.get("tags", []):
            said = "".join(out.get("text", "") for out in cell.outputs if out.output_type == "stream")
            assert said.startswith("UsageError: ") and said.count("\n") == 1, said
