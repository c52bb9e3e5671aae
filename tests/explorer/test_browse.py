"""The explorer's data gestures: sort, filter, columns, grep (the prompt's forms) and the navigator's model."""

from __future__ import annotations

import time
from typing import Any

import pytest

from dshell.explorer import Browser, ReshapeError, filtered, grep, sorted_by, use_views, with_columns
from dshell.explorer._browse import TableLevel, TextLevel, TreeLevel


def rows(count: int = 12) -> list[dict[str, Any]]:
    now = time.time()
    return [{"Id": f"{i:064x}", "Names": [f"/web-{i}"], "Image": "nginx" if i % 3 else "redis",
             "Command": "run", "Created": int(now - 60 * (count - i)), "State": "running" if i % 2 else "exited",
             "Status": "Up 1 minute" if i % 2 else "Exited (0)", "Ports": [], "Labels": {"app": f"a{i % 4}"},
             "Config": {"Env": [f"N={i}", "LANG=C"]}} for i in range(count)]


@pytest.fixture(autouse=True)
def _no_saved_views():
    yield
    use_views({})


def names(data: list[dict[str, Any]]) -> list[str]:
    return [row["Names"][0] for row in data]


def test_sort_by_a_shown_column_is_natural_and_reverses():
    data, op = sorted_by(rows(), "ContainerList", "names")
    assert op == "ContainerList"
    assert names(data)[:3] == ["/web-0", "/web-1", "/web-2"] and names(data)[-1] == "/web-11"  # natural order
    data, _ = sorted_by(rows(), "ContainerList", "NAMES", reverse=True)
    assert names(data)[0] == "/web-11"


def test_sort_by_created_follows_time_not_its_text():
    shuffled = rows()[::-1]
    data, _ = sorted_by(shuffled, "ContainerList", "CREATED")
    assert [row["Created"] for row in data] == sorted(row["Created"] for row in shuffled)


def test_sort_by_an_api_key_when_no_column_has_that_header():
    data, _ = sorted_by(rows(), "ContainerList", "Labels.app")
    assert [row["Labels"]["app"] for row in data] == sorted(row["Labels"]["app"] for row in rows())


def test_filter_substring_regex_and_column_forms():
    data = rows()
    assert len(filtered(data, "ContainerList", "redis")[0]) == 4
    assert names(filtered(data, "ContainerList", r"web-1\d")[0]) == ["/web-10", "/web-11"]
    assert len(filtered(data, "ContainerList", "State=running")[0]) == 6
    assert len(filtered(data, "ContainerList", "STATUS!=up")[0]) == 6
    assert len(filtered(data, "ContainerList", "IMAGE==redis")[0]) == 4
    assert filtered(data, "ContainerList", "IMAGE==Redis")[0] == []
    assert len(filtered(data, "ContainerList", "/WEB-1/")[0]) == 0  # capitals: case matters
    assert filtered(data, "ContainerList", "[")[0] == []  # no regex: the text as it is


def test_filter_of_a_dict_answer_keeps_its_shape():
    volumes = {"Volumes": [{"Name": "a", "Driver": "local"}, {"Name": "b", "Driver": "nfs"}], "Warnings": None}
    data, op = filtered(volumes, "VolumeList", "DRIVER=nfs")
    assert op == "VolumeList" and data == {"Volumes": [{"Name": "b", "Driver": "nfs"}], "Warnings": None}


def test_rows_made_from_the_data_are_kept_as_shown():
    images = [{"Id": "sha256:" + "a" * 64, "RepoTags": ["x:1", "x:2"], "Created": 0, "Size": 10}]
    data, op = sorted_by(images, "ImageList", "TAG", reverse=True)
    assert op == "Table" and [row["TAG"] for row in data] == ["2", "1"]


def test_columns_pick_headers_keys_and_expressions():
    data, op = with_columns(rows(2), "ContainerList", "NAMES, State, app=Labels.app, env=Config.Env[0]")
    assert op == "Table"
    assert data[1] == {"NAMES": "web-1", "State": "running", "app": "a1", "env": "N=1"}


@pytest.mark.parametrize(("call", "message"), [
    (lambda: sorted_by(rows(), "ContainerList", "NOPE["), "NOPE[: no such column (have CONTAINER ID, IMAGE"),
    (lambda: filtered({"a": 1}, "ContainerInspect", "x", "_4"), "--filter: _4 is dict{1}, not a table"),
    (lambda: with_columns(rows(), "ContainerList", " , "), "--columns: name at least one column"),
    (lambda: filtered(rows(), "ContainerList", "/a(/"), r"/a(/: not a regular expression"),
    (lambda: grep(rows(), "x", "_3"), "--grep: _3 is list[12], not text or logs; use --filter on a table"),
])
def test_bad_gestures_are_one_line(call, message):
    with pytest.raises(ReshapeError) as caught:
        call()
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


def test_grep_numbers_lines_as_grep_n():
    text = "alpha\nBeta\ngamma\nbeta two\n"
    assert grep(text, "beta") == "2:Beta\n4:beta two\n"
    assert grep(text, "Beta") == "2:Beta\n"
    assert grep(text, "^g") == "3:gamma\n"


def test_saved_view_columns_replace_the_ops_own():
    use_views({"ContainerList": [("NAME", "Names[0]"), ("APP", "Labels.app")]})
    from dshell.explorer import render

    text = render(rows(2), "ContainerList")
    from rich.console import Console

    console = Console(width=80, record=True)
    with console.capture() as captured:
        console.print(text)
    assert captured.get().splitlines() == ["NAME     APP", "/web-0   a0", "/web-1   a1"]
    data, _ = sorted_by(rows(), "ContainerList", "APP", reverse=True)
    assert data[0]["Labels"]["app"] == "a3"


# ---------------------------------------------------------------------------------------------- the model


def test_a_table_drills_into_its_rows_by_their_place_in_the_data():
    browser = Browser(7, rows(), "ContainerList")
    level = browser.level
    assert isinstance(level, TableLevel)
    level.set_query("redis")
    level.column = [c.header for c in level.columns].index("NAMES")
    level.sort_here()
    level.sort_here()  # again: reversed
    assert level.status() == "4 of 12 rows  sort NAMES ↓  /redis"
    assert browser.path() == "_7[0]"  # the cursor stays on its row
    level.home()
    assert browser.path() == "_7[9]"
    assert browser.enter() and isinstance(browser.level, TreeLevel)
    browser.level.set_query("config")
    assert browser.path() == "_7[9].Config"
    assert browser.enter()
    assert browser.enter() and browser.path() == "_7[9].Config.Env[0]"
    assert browser.copied() == "N=9"
    assert browser.back() and browser.back() and browser.back()
    assert browser.path() == "_7[9]" and not browser.back()


def test_a_row_made_from_an_item_drills_into_that_item():
    images = [{"Id": "sha256:" + "b" * 64, "RepoTags": ["y:1"], "Created": 0, "Size": 1},
              {"Id": "sha256:" + "a" * 64, "RepoTags": ["x:1", "x:2"], "Created": 0, "Size": 1}]
    browser = Browser(3, images, "ImageList")
    browser.level.move(2)
    assert browser.path() == "_3[1]"


def test_windowing_formats_only_the_lines_shown():
    browser = Browser(2, rows(5000), "ContainerList")
    level = browser.level
    screen = level.screen(120, 11)
    assert len(screen.lines) == 10 and screen.header.startswith("CONTAINER ID")
    level.move(level.page)
    screen = level.screen(120, 11)
    assert screen.lines[0].text.split()[-1] == "web-1" and screen.lines[-1].current
    assert screen.lines[-1].text.split()[-1] == "web-10"
    level.end()
    assert level.screen(120, 11).lines[-1].text.split()[-1] == "web-4999"


def test_text_searches_with_n_and_N_and_numbers_its_lines():
    text = "".join(f"line {i}{' ERROR' if i % 1000 == 7 else ''}\n" for i in range(300_000))
    browser = Browser(5, text, "ContainerLogs")
    level = browser.level
    assert isinstance(level, TextLevel)
    level.set_query("error")
    assert level.cursor == 7
    assert level.next_match() and level.cursor == 1007
    assert level.next_match(backwards=True) and level.cursor == 7
    assert not level.next_match(backwards=True) and level.note == "/error: no earlier match"
    level.end()
    line = level.screen(80, 5).lines[-1]
    assert line.text == "300000  line 299999" and line.current
    assert level.status() == "line 300,000 of 300,000  /error"


def test_a_bad_filter_or_column_is_a_note_and_changes_nothing():
    level = Browser(1, rows(), "ContainerList").level
    assert isinstance(level, TableLevel)
    level.set_query("/a(/")
    assert level.note.startswith("/a(/: not a regular expression") and level.count() == 12
    level.set_columns("NAMES,NOPE[")
    assert level.note.startswith("NOPE[: no such column") and len(level.columns) == 7
    level.set_columns("names,State")
    assert [c.header for c in level.columns] == ["NAMES", "State"] and level.note == ""


def test_a_search_with_nothing_below_the_cursor_starts_from_the_top():
    level = Browser(5, "a\nhit\nb\nc\n", "ContainerLogs").level
    level.end()
    level.set_query("hit")
    assert level.cursor == 1 and level.note == ""
    level.set_query("nothing")
    assert level.cursor == 1 and level.note == "/nothing: no match"


def test_gestures_combine_in_one_order_and_say_what_cannot_go_together():
    from dshell.explorer import Gestures, reshaped

    data, op = reshaped(rows(), "ContainerList", Gestures(filter="IMAGE=nginx", sort="NAMES", reverse=True,
                                                          columns="NAMES,State"))
    assert op == "Table" and data[0] == {"NAMES": "web-11", "State": "running"} and len(data) == 8
    assert str(Gestures(filter="a b", sort="X", reverse=True)) == "--filter a b --sort X --reverse"
    with pytest.raises(ReshapeError, match="^--reverse goes with --sort COL$"):
        reshaped(rows(), "ContainerList", Gestures(reverse=True))
    with pytest.raises(ReshapeError, match="^--grep reads text and logs; --filter"):
        reshaped("a\n", "ContainerLogs", Gestures(grep="a", sort="X"))


def test_gestures_read_from_words():
    from dshell.explorer import Gestures, gestures_from

    assert gestures_from(["--sort", "NAMES", "--reverse", "--filter=State=running"]) == Gestures(
        filter="State=running", sort="NAMES", reverse=True)
    assert gestures_from(["--columns", "NAMES,app=Labels.app", "--grep", "err"]).columns == "NAMES,app=Labels.app"
    for words, message in ((["--sort"], "--sort needs a value"), (["--sort", "--reverse"], "--sort needs a value"),
                           (["--nope"], "unknown '--nope': after a result comes --filter EXPR"),
                           (["--grep", "a", "--grep", "b"], "--grep given twice")):
        with pytest.raises(ReshapeError, match=f"^{message}"):
            gestures_from(words)
