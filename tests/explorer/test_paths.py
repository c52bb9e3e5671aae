"""Path expressions: parsing, resolving, one-line errors with suggestions, completions."""

from __future__ import annotations

import pytest

from dshell.explorer import History, PathError, Ref, parse_ref, path_completions, resolve


@pytest.mark.parametrize(
    ("text", "result", "steps"),
    [
        ("_", None, ()),
        ("_3", 3, ()),
        ("_.Config.Image", None, ("Config", "Image")),
        ("_3.Config.Env[0]", 3, ("Config", "Env", 0)),
        ("_3[0].Names", 3, (0, "Names")),
        ("_12[-1]", 12, (-1,)),
        ('_2["key with spaces"]', 2, ("key with spaces",)),
        ("_2['80/tcp'] ", 2, ("80/tcp",)),
        (r'_2["say \"hi\""]', 2, ('say "hi"',)),
        (
            '_2.Config.Labels[ "com.docker.compose.project" ]',
            2,
            ("Config", "Labels", "com.docker.compose.project"),
        ),
    ],
)
def test_parse_ref(text: str, result: int | None, steps: tuple[str | int, ...]) -> None:
    assert parse_ref(text) == Ref(result, steps)


@pytest.mark.parametrize("ref", ["_3.Config.Env[0]", "_", '_2["80/tcp"][-1]', r'_1["a\"b"]'])
def test_ref_prints_back_as_typed(ref: str) -> None:
    assert str(parse_ref(ref)) == ref


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Config", "a path starts with _"),
        ("_3.Config[", "cannot read '[' (column 10)"),
        ("_3.Config[abc]", "cannot read '[abc]'"),
        ("_3..Config", "cannot read '..Config'"),
        ("_x", "cannot read 'x'"),
    ],
)
def test_parse_errors_are_one_line(text: str, message: str) -> None:
    with pytest.raises(
        PathError, match=message.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)")
    ) as err:
        parse_ref(text)
    assert "\n" not in str(err.value)


def test_resolve_walks_keys_and_indices(history: History) -> None:
    assert resolve(parse_ref("_2.Config.Env[0]"), history) == "PATH=/usr/bin"
    assert resolve(parse_ref("_2.Config.Env[-1]"), history) == "LANG=C"
    assert resolve(parse_ref("_1[0].Names"), history) == ["/web"]
    assert resolve(parse_ref('_2.Config.ExposedPorts["80/tcp"]'), history) == {}
    assert resolve(parse_ref("_"), history) == {"message": "No such container: nope"}
    assert resolve(parse_ref("_1"), history) is history[1].data


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("_2.Config.Envv", "_2.Config.Envv: no key 'Envv' (did you mean 'Env'?)"),
        ("_2.config", "_2.config: no key 'config' (did you mean 'Config'?)"),
        ("_2.Zzzzz", "_2.Zzzzz: no key 'Zzzzz'"),
        ("_9", "_9: no result 9 (have 1-3)"),
        ("_2.Config.Env[7]", "_2.Config.Env[7]: index out of range (length 3)"),
        ("_2.Config.Env[-4]", "_2.Config.Env[-4]: index out of range (length 3)"),
        ("_2.Config[0]", "_2.Config[0]: cannot index a dict{5} by position (use .Key)"),
        ("_1.Names", "_1.Names: a list[2] has no key 'Names' (use [0])"),
        ("_2.Config.Image.Tag", "_2.Config.Image.Tag: a str has no key 'Tag'"),
    ],
)
def test_resolve_errors(history: History, text: str, message: str) -> None:
    with pytest.raises(PathError) as err:
        resolve(parse_ref(text), history)
    assert str(err.value) == message


def test_errors_on_empty_history() -> None:
    empty = History(None)
    with pytest.raises(PathError, match="^_: no results yet$"):
        resolve(parse_ref("_.Id"), empty)
    with pytest.raises(PathError, match=r"^_1: no result 1 \(no results yet\)$"):
        resolve(parse_ref("_1"), empty)


def test_completions_of_keys(history: History) -> None:
    assert path_completions("_2.Config.En", history) == ["_2.Config.Env", "_2.Config.Entrypoint"]
    assert path_completions("_2.Config.", history) == [
        "_2.Config.Image",
        "_2.Config.Env",
        "_2.Config.Entrypoint",
        "_2.Config.ExposedPorts",
        "_2.Config.Labels",
    ]
    assert path_completions("_2.config.im", history) == []
    assert path_completions("_2.Config.im", history) == ["_2.Config.Image"]
    assert path_completions("_2.Config.ExposedPorts.", history) == ['_2.Config.ExposedPorts["80/tcp"]']
    assert path_completions('_2.Config.Labels["com', history) == [
        '_2.Config.Labels["com.docker.compose.project"]'
    ]
    assert path_completions("_.", history) == ["_.message"]


def test_completions_of_indices_and_numbers(history: History) -> None:
    assert path_completions("_1[", history) == ["_1[0]", "_1[1]", "_1[-1]"]
    assert path_completions("_1.", history) == ["_1[0]", "_1[1]", "_1[-1]"]
    assert path_completions("_2.Config.Env[1", history) == ["_2.Config.Env[1]"]
    assert path_completions("_", history) == ["_3", "_2", "_1"]
    assert path_completions("_2", history) == ["_2"]


def test_completions_never_fail_or_load(history: History, tmp_path) -> None:
    assert path_completions("_9.", history) == []
    assert path_completions("_2.Config.Image.", history) == []
    assert path_completions("_2.Nope.", history) == []
    assert path_completions("ContainerList", history) == []
    assert path_completions("_2.Config.Env[0]", history) == []
    path = tmp_path / "results.jsonl"
    History(path, inline_limit=10).add("ImageList", {}, 200, 0.0, {"Big": "x" * 100})
    lazy = History(path)
    assert path_completions("_1.", lazy) == []
    assert not lazy[1].data_loaded
