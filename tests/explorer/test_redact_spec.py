"""Secrets in answers found through the spec (only where an op's schema can hold them), secret-looking
variables and URL passwords, and documents nested as deep as the daemon's decoder allows."""

from __future__ import annotations

from pathlib import Path

import pytest

from dshell.explorer import History, redact, redact_line, secret_names
from dshell.explorer._redact import redact_answer


@pytest.fixture
def names():
    yield secret_names
    secret_names(())


def test_an_answer_is_walked_only_where_its_schema_can_hold_a_secret() -> None:
    rows = [{"Id": f"{i:064x}", "Names": [f"/c{i}"], "Labels": {"password": "label value", "Env": "A_TOKEN=x"}}
            for i in range(1000)]
    assert redact_answer(rows, "ContainerList", "v1.41") is rows  # its schema has no secret: not walked
    inspect = {"Id": "x", "Config": {"Env": ["DB_PASSWORD=hunter2", "PATH=/bin", "URL=postgres://u:pw@db/x"],
                                     "Labels": {"password": "kept"}}}
    masked = redact_answer(inspect, "ContainerInspect", "v1.41")
    assert masked["Config"] == {"Env": ["DB_PASSWORD=***", "PATH=/bin", "URL=postgres://u:***@db/x"],
                                "Labels": {"password": "kept"}}
    assert inspect["Config"]["Env"][0] == "DB_PASSWORD=hunter2"  # the answer itself is left alone
    tasks = [{"ID": "t", "Spec": {"ContainerSpec": {"Env": ["GITHUB_TOKEN=ghp"]}}}]
    assert redact_answer(tasks, "TaskList", "v1.41")[0]["Spec"]["ContainerSpec"]["Env"] == ["GITHUB_TOKEN=***"]
    assert redact_answer({"ID": "s", "JoinTokens": {"Worker": "SWMTKN"}}, "SwarmInspect") == {
        "ID": "s", "JoinTokens": "***"}
    steps = [{"CreatedBy": "|1 NPM_TOKEN=n1 /bin/sh -c true"}, {"CreatedBy": "/bin/sh -c #(nop)  ARG NPM_TOKEN"}]
    assert [s["CreatedBy"] for s in redact_answer(steps, "ImageHistory", "v1.41")] == [
        "|1 NPM_TOKEN=*** /bin/sh -c true", "/bin/sh -c #(nop)  ARG NPM_TOKEN"]  # build args stay in an image
    image = {"ContainerConfig": {"Cmd": ["|1", "NPM_TOKEN=n1", "/bin/sh", "-c", "true"]}, "Config": {"Cmd": ["sh"]}}
    assert redact_answer(image, "ImageInspect", "v1.41")["ContainerConfig"]["Cmd"][1] == "NPM_TOKEN=***"


def test_data_of_no_op_and_raw_fetches_are_masked_as_before(tmp_path: Path) -> None:
    hist = History(tmp_path / "results.jsonl")
    hist.add("fetch", {"method": "GET", "url": "/v1.41/containers/web/json"}, 200, 0.0,
             {"Config": {"Env": ["API_KEY=k123"]}})
    hist.add("fetch", {"method": "GET", "url": "/no/such/route"}, 200, 0.0, {"deep": {"Password": "p456"}})
    hist.add("diff", {}, None, 0.0, [{"auth": "a789"}])
    text = (tmp_path / "results.jsonl").read_text()
    assert "k123" not in text and "p456" not in text and "a789" not in text
    assert History(tmp_path / "results.jsonl")[1].data == {"Config": {"Env": ["API_KEY=***"]}}


@pytest.mark.parametrize(("typed", "stored"), [
    ("run -e GITHUB_TOKEN=ghp_1 --name x busybox", "run -e GITHUB_TOKEN=*** --name x busybox"),
    ("run --env=DB_PASSWORD=a -e A=1 busybox", "run --env=DB_PASSWORD=*** -e A=1 busybox"),
    ("build --build-arg NPM_TOKEN=n -t x .", "build --build-arg NPM_TOKEN=*** -t x ."),
    ("ContainerCreate body={Image: b, Env: [DB_PASSWORD=p, A=1]}",
     "ContainerCreate body={Image: b, Env: [DB_PASSWORD=***, A=1]}"),
    ("run -e URL=postgres://u:pw@db/x busybox", "run -e URL=postgres://u:***@db/x busybox"),
    ("run -e GREETING=hello busybox", "run -e GREETING=hello busybox"),
    ('run -e "DB_PASSWORD=two words" busybox', 'run -e "DB_PASSWORD=***" busybox'),
    ("ContainerCreate {Env: ['GH_TOKEN=a b', \"X=1\"]}", "ContainerCreate {Env: ['GH_TOKEN=***', \"X=1\"]}"),
])
def test_typed_lines_mask_secret_variables_and_url_passwords(typed: str, stored: str) -> None:
    assert redact_line(typed) == stored


def test_params_mask_env_build_args_argv_and_urls() -> None:
    params = {"body": {"Env": ["NPM_TOKEN=1", "X=1"], "Cmd": ["psql", "postgres://a:b@h/db"]},
              "buildargs": '{"NPM_TOKEN": "n", "V": "1"}', "args": ["-e", "AWS_SECRET_ACCESS_KEY=s", "x"]}
    assert redact(params, "ContainerCreate") == {
        "body": {"Env": ["NPM_TOKEN=***", "X=1"], "Cmd": ["psql", "postgres://a:***@h/db"]},
        "buildargs": '{"NPM_TOKEN": "***", "V": "1"}', "args": ["-e", "AWS_SECRET_ACCESS_KEY=***", "x"]}
    assert params["body"]["Env"][0] == "NPM_TOKEN=1"


def test_the_setting_adds_name_patterns(names) -> None:
    env = {"Config": {"Env": ["MY_PW=1", "PIN_CODE=2", "HOME=/root"]}}
    assert redact_answer(env, "ContainerInspect")["Config"]["Env"] == ["MY_PW=1", "PIN_CODE=2", "HOME=/root"]
    assert "*_PW" in names(["*_PW", " pin* "])
    assert redact_answer(env, "ContainerInspect")["Config"]["Env"] == ["MY_PW=***", "PIN_CODE=***", "HOME=/root"]
    assert redact_line("run -e MY_PW=1 x") == "run -e MY_PW=*** x"


def _deep(levels: int, leaf: object) -> object:
    value = leaf
    for i in range(levels):
        value = {"a": value, "n": i} if i % 2 else [value, i]
    return value


@pytest.mark.parametrize("levels", [950, 5000, 9_999])
def test_deep_documents_are_masked_stored_and_read_back_whole(tmp_path: Path, levels: int) -> None:
    """Go's decoder (the daemon's) allows 10,000 levels; 600-950 raised RecursionError in the masking."""
    data = _deep(levels, {"Password": "deep-secret", "big": 2**64, "neg": -2**63 - 1})
    hist = History(tmp_path / "results.jsonl")
    shown = hist.add("fetch", {"method": "GET", "url": "/deep"}, 200, 0.0, data)
    assert shown.data is data  # shown as the daemon sent it
    again = History(tmp_path / "results.jsonl")[shown.n].data
    assert "deep-secret" not in (tmp_path / "results.jsonl").read_text()
    expected = _deep(levels, {"Password": "***", "big": 2**64, "neg": -2**63 - 1})
    assert _flat(again) == _flat(expected)


def _flat(value: object) -> list[object]:
    """A deep value as a flat list of its parts (== on it would recurse)."""
    out, stack = [], [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            out.append(("dict", tuple(item)))
            stack += item.values()
        elif isinstance(item, list):
            out.append(("list", len(item)))
            stack += item
        else:
            out.append(item)
    return out
