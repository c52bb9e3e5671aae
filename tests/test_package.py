"""What a user's install holds: every file of the package that is not Python is named by pyproject's
package-data (``pip install .`` left out the docker command table, and ``dshell -c 'ps -a'`` failed there)."""

from __future__ import annotations

import fnmatch
import subprocess
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_every_data_file_of_the_package_is_installed() -> None:
    patterns = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["dshell"]
    tracked = subprocess.run(["git", "ls-files", "dshell"], cwd=REPO, capture_output=True, text=True,
                             check=True).stdout.split()
    data = [name.removeprefix("dshell/") for name in tracked if not name.endswith(".py")]
    files = [name for name in data if not (REPO / "dshell" / name).is_dir()]  # specs: a link to the folder
    files += [f"specs/{p.name}" for p in (REPO / "dshell" / "specs").iterdir() if p.suffix == ".yaml"]
    assert "shell/docker/commands.yaml" in files
    assert [name for name in files if not any(fnmatch.fnmatch(name, p) for p in patterns)] == []
