"""The notebook path's first impression: `%load_ext dshell` plus the first `%docker ContainerList` (its result
formatted as a notebook does: text/plain and text/html) against the same call's text rendering with the client
and explorer alone (goal: at most 1.5x). Each run is a fresh interpreter with IPython already up, as in a kernel.

    DOCKER_HOST=... python bench/bench_magic.py [--runs N]

Needs an engine that answers; prints the best times and their ratio; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SETUP = """
import time
from IPython.core.interactiveshell import InteractiveShell
ip = InteractiveShell.instance()
"""
MAGIC = SETUP + """
start = time.perf_counter()
ip.run_line_magic("load_ext", "dshell")
result = ip.run_line_magic("docker", "ContainerList all=true")
bundle, _ = ip.display_formatter.format(result)
assert result.status == 200 and "<table" in bundle["text/html"], bundle
print(time.perf_counter() - start)
"""
TEXT = SETUP + """
start = time.perf_counter()
import dshell.client as docker
from dshell.explorer import History, render
c = docker.client("containers")
t = time.perf_counter()
data = docker.invoke(c, {"op": "ContainerList", "params": {"all": True}, "throw": True})
result = History().add("ContainerList", {"all": True}, 200, time.perf_counter() - t, data)
text = str(render(result))
assert "CONTAINER ID" in text
print(time.perf_counter() - start)
"""


def seconds(code: str, env: dict[str, str]) -> float:
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True, check=True)
    return float(out.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "PYTHONPATH": str(REPO), "HOME": home, "XDG_DATA_HOME": f"{home}/data",
               "XDG_CONFIG_HOME": f"{home}/config"}
        text = min(seconds(TEXT, env) for _ in range(runs))
        magic = min(seconds(MAGIC, env) for _ in range(runs))
    print(f"client + explorer: ContainerList as text:           {text * 1000:8.1f} ms")
    print(f"%load_ext dshell + %docker ContainerList, both mimes: {magic * 1000:8.1f} ms")
    print(f"ratio magic/text: {magic / text:.2f}  (goal: <= 1.5)")


if __name__ == "__main__":
    main()
