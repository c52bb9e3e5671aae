"""A huge cell (a daemon's 8 MiB label, command or JMESPath value) is wrapped in one pass and shown capped;
the result keeps all of it."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest
from rich.cells import cell_len

from dshell.explorer import History, query, render
from dshell.explorer._grid import CELL_CHARS, wrap


@pytest.mark.parametrize("seed", range(30))
def test_wrap_keeps_every_word_within_the_width(seed: int) -> None:
    rnd = random.Random(seed)
    words = ["a", "bb", "ccc", "dddddddddd", "漢字漢字", "é", "", "x" * 30]
    text = " ".join(rnd.choice(words) for _ in range(rnd.randint(0, 60)))
    width = rnd.randint(1, 25)
    lines = wrap(text, width)
    assert all(cell_len(line) <= width or len(line) == 1 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    if cell_len(text) <= width:
        assert lines == [text]


def test_wrap_breaks_after_a_space_when_one_is_near() -> None:
    assert wrap("hello world again", 12) == ["hello world", "again"]
    assert wrap("abcdefghij", 4) == ["abcd", "efgh", "ij"]
    assert wrap("ab cdefghijkl", 8) == ["ab cdefg", "hijkl"]  # the space is too far back: cut at the width
    assert wrap("", 5) == [""]


def test_a_huge_cell_renders_at_once_in_a_subprocess() -> None:
    """Before, wrapping measured the rest of the cell per line: 500 KB took 80 s, 8 MiB minutes."""
    code = ("import io\nfrom rich.console import Console\nfrom dshell.explorer._grid import Grid, GridColumn\n"
            "c = Console(file=io.StringIO(), width=120)\n"
            "c.print(Grid([GridColumn('A'), GridColumn('B')], [['x', 'word ' * (1 << 20)]]))\n"
            "print(len(c.file.getvalue()))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0 and int(done.stdout) < 3 * CELL_CHARS, done.stderr


def test_a_cell_is_capped_on_screen_and_whole_in_the_result() -> None:
    big = "v" * (3 * CELL_CHARS)
    result = History(None).add("ContainerList", {}, 200, 0.0, [{"Id": "a", "Labels": {"big": big}}])
    rows = query(result.data, "[].{L: Labels.big}")
    shown = str(render(rows))
    assert f"… {2 * CELL_CHARS} more characters" in shown and shown.count("v") < CELL_CHARS + 100
    assert result.data[0]["Labels"]["big"] == big


def test_a_huge_key_is_cut_in_a_tree_as_a_huge_value_is() -> None:
    from dshell.explorer._tree import SCALAR_CHARS

    shown = str(render(History(None).add("ContainerInspect", {}, 200, 0.0,
                                           {"Labels": {"k" * (1 << 20): "v" * (1 << 20)}})))
    assert len(shown) < 4 * SCALAR_CHARS and "…" in shown
