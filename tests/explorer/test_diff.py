"""The structural diff: paths added, removed and changed, lists matched by identity or aligned."""

from dshell.explorer import Change, diff, format_path


def rows(changes: list[Change]) -> list[tuple[str, str, object, object]]:
    return [(c.kind, format_path(c.path), c.old, c.new) for c in changes]


def test_equal_values_have_no_changes() -> None:
    value = {"Config": {"Env": ["A=1"], "Tty": False}, "Id": "x"}
    assert diff(value, value) == []


def test_nested_keys_added_removed_changed_in_document_order() -> None:
    old = {"State": {"Status": "running", "Pid": 10}, "Name": "/web"}
    new = {"State": {"Status": "exited", "ExitCode": 3}, "Name": "/web"}
    assert rows(diff(old, new)) == [
        ("changed", ".State.Status", "running", "exited"),
        ("removed", ".State.Pid", 10, None),
        ("added", ".State.ExitCode", None, 3),
    ]


def test_a_type_change_is_a_change_even_when_equal_in_python() -> None:
    assert rows(diff({"a": 1}, {"a": True})) == [("changed", ".a", 1, True)]
    assert rows(diff({"a": 1}, {"a": 1.0})) == [("changed", ".a", 1, 1.0)]


def test_a_list_of_scalars_is_aligned_so_one_insertion_is_one_change() -> None:
    old = {"Env": ["A=1", "B=2", "C=3"]}
    new = {"Env": ["A=1", "X=9", "B=2", "C=3"]}
    assert rows(diff(old, new)) == [("added", ".Env[1]", None, "X=9")]


def test_a_replaced_item_of_a_list_is_compared_inside() -> None:
    old = {"Mounts": [{"Source": "/a", "RW": True}]}
    new = {"Mounts": [{"Source": "/a", "RW": False}]}
    assert rows(diff(old, new)) == [("changed", ".Mounts[0].RW", True, False)]


def test_objects_with_an_identity_are_matched_by_it_whatever_the_order() -> None:
    old = [{"Id": "a", "State": "running"}, {"Id": "b", "State": "running"}, {"Id": "d"}]
    new = [{"Id": "c", "State": "created"}, {"Id": "b", "State": "exited"}, {"Id": "a", "State": "running"}]
    assert rows(diff(old, new)) == [
        ("added", "[0]", None, {"Id": "c", "State": "created"}),
        ("changed", "[1].State", "running", "exited"),
        ("removed", "[2]", {"Id": "d"}, None),
    ]


def test_identity_must_be_unique_else_lists_are_aligned() -> None:
    old = [{"Name": "x", "v": 1}, {"Name": "x", "v": 2}]
    new = [{"Name": "x", "v": 1}, {"Name": "x", "v": 3}]
    assert rows(diff(old, new)) == [("changed", "[1].v", 2, 3)]


def test_keys_that_need_quoting_and_the_root() -> None:
    assert rows(diff({"a b": 1}, {"a b": 2})) == [("changed", '["a b"]', 1, 2)]
    assert rows(diff(1, "1")) == [("changed", ".", 1, "1")]


def test_rows_are_a_table_of_change_path_old_new() -> None:
    (change,) = diff({"a": 1}, {"a": 2})
    assert change.as_row() == {"Change": "changed", "Path": ".a", "Old": 1, "New": 2}


def test_empty_values_show_as_data_not_blanks() -> None:
    from dshell.explorer import render

    from .conftest import render_text

    rows = [c.as_row() for c in diff({"a": [], "b": None, "c": "", "d": {}, "e": 1},
                                      {"a": None, "b": [], "c": {}, "d": "", "f": None})]
    assert rows[-2] == {"Change": "removed", "Path": ".e", "Old": 1}  # nothing new: no New at all
    assert rows[-1] == {"Change": "added", "Path": ".f", "New": None}  # a null that came
    lines = [line.split() for line in render_text(render(rows, "diff")).splitlines()]
    assert lines == [["Change", "Path", "Old", "New"], ["changed", ".a", "[]", "null"],
                     ["changed", ".b", "null", "[]"], ["changed", ".c", '""', "{}"], ["changed", ".d", "{}", '""'],
                     ["removed", ".e", "1"], ["added", ".f", "null"]]
