"""Saving values as JSON, YAML or raw bytes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from dshell.explorer import save

from .conftest import INSPECT


def test_save_json_with_indent_and_tagged_bytes(tmp_path: Path) -> None:
    path = save({"inspect": INSPECT, "raw": b"\x00\xff"}, tmp_path / "out.json")
    text = path.read_text()
    assert text.startswith('{\n  "inspect": {\n    "Id"')
    assert json.loads(text) == {"inspect": INSPECT, "raw": {"__bytes__": "AP8="}}


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".YAML"])
def test_save_yaml_keeps_key_order(tmp_path: Path, suffix: str) -> None:
    path = save(INSPECT, tmp_path / f"inspect{suffix}")
    assert yaml.safe_load(path.read_text()) == INSPECT
    assert path.read_text().splitlines()[:2] == ["Id: 4fa6e0f0c678", "Name: /web"]


def test_save_yaml_normalizes_tuples_and_keeps_bytes(tmp_path: Path) -> None:
    path = save({"t": (1, 2), "b": b"\x01"}, tmp_path / "x.yaml")
    assert yaml.safe_load(path.read_text()) == {"t": [1, 2], "b": b"\x01"}


def test_save_bin_writes_raw_bytes(tmp_path: Path) -> None:
    assert save(b"\x00\x01log", tmp_path / "logs.bin").read_bytes() == b"\x00\x01log"
    assert save("text é", tmp_path / "t.bin").read_bytes() == "text é".encode()
    with pytest.raises(ValueError, match=r"d.bin: .bin needs bytes or text, not dict"):
        save({"a": 1}, tmp_path / "d.bin")


@pytest.mark.parametrize(
    ("name", "message"),
    [("out.csv", "cannot save list as '.csv' files"), ("out", "cannot save list as files without a suffix")],
)
def test_save_rejects_other_suffixes(tmp_path: Path, name: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as err:
        save([1], tmp_path / name)
    assert ".json, .yaml, .yml, .bin" in str(err.value)
    assert not (tmp_path / name).exists()


@pytest.mark.parametrize("name", ["image.tar", "archive.tar.gz", "blob"])
def test_save_writes_bytes_under_any_name(tmp_path: Path, name: str) -> None:
    """A tar result (ContainerArchive, ImageGet) goes straight to out.tar; it was refused unless named .bin."""
    assert save(b"\x00tar\xff", tmp_path / name).read_bytes() == b"\x00tar\xff"
