"""Result history: numbering, persistence across sessions, crash safety, redaction, side files."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from dshell.explorer import History, Result, default_history_path, redact


def test_redact_masks_secret_keys_at_any_depth_without_touching_the_input() -> None:
    params = {
        "X-Registry-Auth": "token",
        "name": "web",
        "body": {"Password": "hunter2", "Username": "me", "nested": [{"auth": "abc", "keep": 1}]},
        "x_registry_config": "cfg",
        "IdentityToken": "t",
        "RegistryToken": "r",
        "authconfig": {"whole": "thing"},
    }
    masked = redact(params)
    assert masked == {
        "X-Registry-Auth": "***",
        "name": "web",
        "body": {"Password": "***", "Username": "me", "nested": [{"auth": "***", "keep": 1}]},
        "x_registry_config": "***",
        "IdentityToken": "***",
        "RegistryToken": "***",
        "authconfig": "***",
    }
    assert params["body"]["Password"] == "hunter2"


def test_redact_masks_swarm_tokens_and_a_secrets_data() -> None:
    swarm = {"ID": "s", "JoinTokens": {"Worker": "SWMTKN-1-w", "Manager": "SWMTKN-1-m"}}
    assert redact(swarm) == {"ID": "s", "JoinTokens": "***"}
    assert redact({"body": {"JoinToken": "SWMTKN-1-w", "RemoteAddrs": ["h"]}}) == {
        "body": {"JoinToken": "***", "RemoteAddrs": ["h"]}}
    assert redact({"UnlockKey": "SWMKEY-1-k"}) == {"UnlockKey": "***"}
    spec = {"body": {"Name": "db-pass", "Data": "c2VjcmV0"}}
    assert redact(spec, op="SecretCreate") == {"body": {"Name": "db-pass", "Data": "***"}}
    assert redact(spec, op="SecretUpdate")["body"]["Data"] == "***"
    assert redact(spec, op="ConfigCreate") == spec  # a config's data is not a secret


def test_a_secrets_data_is_not_stored(tmp_path: Path) -> None:
    hist = History(tmp_path / "results.jsonl")
    made = hist.add("SecretCreate", {"body": {"Name": "db-pass", "Data": "c2VjcmV0"}}, 201, 0.0, {"ID": "x"})
    assert made.params == {"body": {"Name": "db-pass", "Data": "***"}}
    assert "c2VjcmV0" not in (tmp_path / "results.jsonl").read_text()


def test_add_numbers_results_and_redacts(tmp_path: Path) -> None:
    hist = History(tmp_path / "results.jsonl")
    first = hist.add("ImagePull", {"fromImage": "nginx", "X-Registry-Auth": "s3cret"}, 200, 0.5, "ok")
    second = hist.add("ContainerList", {}, 200, 0.01, [])
    assert (first.n, second.n) == (1, 2)
    assert first.params == {"fromImage": "nginx", "X-Registry-Auth": "***"}
    assert hist[1] is first and hist.last is second and len(hist) == 2
    assert [r.n for r in hist] == [1, 2]
    assert "s3cret" not in (tmp_path / "results.jsonl").read_text()


def test_results_persist_and_numbering_continues_across_sessions(tmp_path: Path) -> None:
    path = tmp_path / "dshell" / "results.jsonl"
    first = History(path)
    first.add(
        "ContainerList",
        {"all": True},
        200,
        0.012,
        [{"Id": "abc"}],
        endpoint="GET /containers/json",
        api_version="1.45",
    )
    first.add("ContainerLogs", {"id": "web"}, 200, 0.02, b"\x01\x00\x00\x00\x00\x00\x00\x03hi\n")
    first.add("ContainerInspect", {"id": "x"}, 404, 0.001, None, "No such container: x")

    second = History(path)
    assert len(second) == 3
    assert second[1].data == [{"Id": "abc"}]
    assert second[1].endpoint == "GET /containers/json" and second[1].api_version == "1.45"
    assert second[2].data == b"\x01\x00\x00\x00\x00\x00\x00\x03hi\n"
    assert second[3].error == "No such container: x" and second[3].status == 404
    assert second.add("Ping", {}, 200, 0.001, "OK").n == 4
    assert History(path).last.op == "Ping"


def test_bytes_are_stored_base64_tagged(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    History(path).add("ContainerExport", {}, 200, 0.1, b"\xff\x00raw")
    line = json.loads(path.read_text())
    assert line["data"] == {"__bytes__": "/wByYXc="}


def test_truncated_last_line_is_skipped_and_appending_still_works(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    hist = History(path)
    hist.add("ContainerList", {}, 200, 0.01, [1])
    hist.add("ImageList", {}, 200, 0.01, [2])
    text = path.read_text()
    path.write_text(text[: len(text) - 15])  # a crash in the middle of writing result 2

    survivor = History(path)
    assert [r.n for r in survivor] == [1]
    assert survivor.add("VolumeList", {}, 200, 0.01, {"Volumes": []}).n == 2
    assert [(r.n, r.op) for r in History(path)] == [(1, "ContainerList"), (2, "VolumeList")]


def test_garbage_lines_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    path.write_text('not json\n{"no": "number"}\n[1, 2]\n')
    hist = History(path)
    assert len(hist) == 0
    assert hist.add("Ping", {}, 200, 0.0, "OK").n == 1


def test_huge_result_goes_to_a_side_file_and_loads_lazily(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    big = [{"Id": f"{i:064x}", "Blob": b"\x00" * 10} for i in range(50)]
    History(path, inline_limit=1_000).add("ContainerList", {}, 200, 0.3, big)

    side = tmp_path / "results" / "1.json"
    assert side.exists()
    line = json.loads(path.read_text())
    assert line["data_file"] == "results/1.json" and "data" not in line
    assert len(path.read_text()) < 1_000

    loaded = History(path)[1]
    assert not loaded.data_loaded
    assert loaded.data == big
    assert loaded.data_loaded


def test_missing_side_file_gives_a_note_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    History(path, inline_limit=10).add("ImageList", {}, 200, 0.3, ["x" * 100])
    (tmp_path / "results" / "1.json").unlink()
    assert "data unavailable" in History(path)[1].data


def test_in_memory_history_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    hist = History(None)
    hist.add("Ping", {}, 200, 0.0, "OK")
    assert hist.path is None and hist.load() == 0 and len(hist) == 1
    assert list(tmp_path.iterdir()) == []


def test_load_is_idempotent_and_picks_up_other_writers(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    mine, other = History(path), History(path)
    mine.add("Ping", {}, 200, 0.0, "OK")
    assert len(other) == 0
    assert other.load() == 1 and other.load() == 1
    assert [r.op for r in other] == ["Ping"]


def test_concurrent_adds_get_distinct_numbers_and_lines(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    hist = History(path)

    def worker() -> None:
        for _ in range(25):
            hist.add("Ping", {}, 200, 0.0, "OK")

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.n for r in hist] == list(range(1, 201))
    assert [json.loads(line)["n"] for line in path.read_text().splitlines()] == list(range(1, 201))


def test_unwritable_file_warns_and_keeps_results_in_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.warns(RuntimeWarning, match="no longer saved"):
        hist = History(blocker / "results.jsonl")  # parent is a file: cannot be read or created
    assert hist.path is None
    assert [hist.add("Ping", {}, 200, 0.0, "OK").n for _ in range(2)] == [1, 2]


def test_failing_write_warns_and_keeps_results_in_memory(tmp_path: Path) -> None:
    hist = History(tmp_path / "results.jsonl")
    hist.add("Ping", {}, 200, 0.0, "OK")
    (tmp_path / "results.jsonl").unlink()
    (tmp_path / "results.jsonl").mkdir()  # appending now fails
    with pytest.warns(RuntimeWarning, match="no longer saved"):
        second = hist.add("Ping", {}, 200, 0.0, "OK")
    assert second.n == 2 and hist.path is None and len(hist) == 2


def test_default_history_path_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_history_path() == str(tmp_path / "dshell" / "results.jsonl")
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_history_path() == str(tmp_path / "home" / ".local" / "share" / "dshell" / "results.jsonl")


def test_result_failed_and_repr() -> None:
    ok = Result(1, "Ping", {}, 200, 0.0, 0.0, "OK")
    assert not ok.failed and repr(ok) == "<Result _1 Ping status=200>"
    assert Result(2, "ContainerInspect", {}, 404, 0.0, 0.0).failed
    assert Result(3, "Ping", {}, None, 0.0, 0.0, error="connection refused").failed


def test_two_processes_sharing_the_file_never_reuse_a_number(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "results.jsonl"
    code = ("import sys; from pathlib import Path; from dshell.explorer import History; "
            "h = History(Path(sys.argv[1])); [h.add('Ping', {}, 200, 0.0, i) for i in range(40)]")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(path)]) for _ in range(3)]
    mine = History(path)
    numbers = [mine.add("Mine", {}, 200, 0.0, i).n for i in range(40)]
    assert all(p.wait(60) == 0 for p in procs)
    assert numbers == sorted(numbers)
    reread = History(path)
    assert sorted(r.n for r in reread) == list(range(1, 161))


def test_secrets_in_a_results_data_are_masked_too(tmp_path: Path) -> None:
    hist = History(tmp_path / "results.jsonl")
    result = hist.add("SystemAuth", {"authConfig": {"username": "u", "password": "pw"}}, 200, 0.0,
                      {"Status": "Login Succeeded", "IdentityToken": "tok-123"})
    assert result.params == {"authConfig": "***"}
    assert result.data["IdentityToken"] == "tok-123"  # shown for this call, as asked
    assert hist[result.n].data["IdentityToken"] == "***" and History(hist.path)[1].data["IdentityToken"] == "***"
    assert "tok-123" not in (tmp_path / "results.jsonl").read_text()


@pytest.mark.parametrize(("typed", "stored"), [
    ("ImageCreate fromImage=r/x X-Registry-Auth={username: u, password: p}",
     "ImageCreate fromImage=r/x X-Registry-Auth=***"),
    ("ImagePush name=r/x X-Registry-Auth=eyJ1c2VyIjoidSJ9", "ImagePush name=r/x X-Registry-Auth=***"),
    ('SystemAuth {username: u, "password": "p w", serveraddress: r}',
     'SystemAuth {username: u, "password": ***, serveraddress: r}'),
    ('fetch post /auth {"password":"s3cret","identitytoken": t}',
     'fetch post /auth {"password":***,"identitytoken": ***}'),
    ("ContainerList all=true", "ContainerList all=true"),
    ("connect tcp://h:2376 --tlskey k.pem --tlspass 'p w'", "connect tcp://h:2376 --tlskey k.pem --tlspass ***"),
    ("connect tcp://h:2376 --tlspass=s3cret --tlscert c.pem", "connect tcp://h:2376 --tlspass=*** --tlscert c.pem"),
    ("SwarmJoin {JoinToken: SWMTKN-1-x, RemoteAddrs: [h]}", "SwarmJoin {JoinToken: ***, RemoteAddrs: [h]}"),
    ('swarm SwarmUnlock {"UnlockKey": "SWMKEY-1-k"}', 'swarm SwarmUnlock {"UnlockKey": ***}'),
    ("SecretCreate {Name: db-pass, Data: c2VjcmV0}", "SecretCreate {Name: db-pass, Data: ***}"),
    ("ConfigCreate {Name: app, Data: eA==}", "ConfigCreate {Name: app, Data: eA==}"),
    ("ImagePush name=r/x password=p", "ImagePush name=r/x password=***"),
])
def test_redact_line_masks_what_a_typed_line_spells_out(typed: str, stored: str) -> None:
    from dshell.explorer import redact_line

    assert redact_line(typed) == stored


def test_files_and_folders_made_for_results_are_the_owners_only(tmp_path: Path) -> None:
    import os
    import stat

    def mode(path: Path) -> int:
        return stat.S_IMODE(path.stat().st_mode)

    umask = os.umask(0o022)  # the usual one, which leaves new files readable by everyone
    try:
        hist = History(tmp_path / "data" / "dshell" / "results.jsonl", inline_limit=10)
        hist.add("ContainerInspect", {}, 200, 0.0, {"Config": {"Env": ["GREETING=hunter2"]}})
    finally:
        os.umask(umask)
    side = tmp_path / "data" / "dshell" / "results" / "1.json"
    assert "hunter2" in side.read_text()
    assert mode(tmp_path / "data" / "dshell") == mode(side.parent) == 0o700
    assert mode(tmp_path / "data" / "dshell" / "results.jsonl") == mode(side) == 0o600


def test_memory_holds_a_bounded_cache_and_evicted_results_read_back_the_same(tmp_path: Path) -> None:
    from dshell.explorer import _results

    hist = History(tmp_path / "results.jsonl")
    made = {}
    for i in range(1, 3 * _results.CACHE_RESULTS + 1):
        rows = [{"Id": f"{i}-{j}", "Big": 2**64 + j, "Names": [f"/c{j}"], "Env": [f"DB_PASSWORD={j}"]}
                for j in range(50)]
        made[hist.add("ContainerList", {"all": True}, 200, 0.0, rows).n] = rows
    assert len(hist._cache) == _results.CACHE_RESULTS  # the rest is on disk only
    assert hist[1].n == 1 and 1 in hist._cache and len(hist._cache) == _results.CACHE_RESULTS
    for n, rows in made.items():
        assert hist[n].data == rows  # ContainerList's schema has no Env: kept as the daemon sent it
    last = 3 * _results.CACHE_RESULTS
    assert [r.n for r in hist.recent(3)] == [last - 2, last - 1, last]


def test_a_result_too_big_for_the_cache_is_kept_until_the_next_and_read_again(tmp_path: Path, monkeypatch) -> None:
    from dshell.explorer import _results

    monkeypatch.setattr(_results, "CACHE_BYTES", 1000)
    hist = History(tmp_path / "results.jsonl")
    first = hist.add("ImageList", {}, 200, 0.0, [{"Id": "x" * 2000}])
    assert hist[first.n] is hist._cache[first.n][0]  # the newest always stays
    hist.add("ImageList", {}, 200, 0.0, [{"Id": "y" * 2000}])
    assert list(hist._cache) == [2]
    assert hist[1].data == [{"Id": "x" * 2000}]


def test_the_daemons_json_bytes_are_stored_as_they_came(tmp_path: Path) -> None:
    raw = b'[{"Id":"a","Size":18446744073709551616,"F":1.0e2,"S":"\\u00e9\\n"},\n {"Id":"b"}]\n'
    import json

    hist = History(tmp_path / "results.jsonl")
    hist.add("ImageList", {}, 200, 0.0, json.loads(raw), raw=raw)
    line = (tmp_path / "results.jsonl").read_bytes()
    assert b'"data": [{"Id":"a","Size":18446744073709551616,"F":1.0e2,"S":"\\u00e9\\n"},  {"Id":"b"}]' in line
    assert line.count(b"\n") == 1
    assert History(tmp_path / "results.jsonl")[1].data == json.loads(raw)
    secret = b'{"Config": {"Env": ["DB_PASSWORD=x"]}}'
    hist.add("ContainerInspect", {}, 200, 0.0, json.loads(secret), raw=secret)  # masked: encoded again
    assert b"DB_PASSWORD=x" not in (tmp_path / "results.jsonl").read_bytes()
    utf16 = '{"Id": "c"}'.encode("utf-16-le")
    hist.add("ImageInspect", {}, 200, 0.0, {"Id": "c"}, raw=utf16)  # not UTF-8: encoded again
    assert History(tmp_path / "results.jsonl")[3].data == {"Id": "c"}


def test_a_big_text_is_stored_in_pieces_and_read_back_the_same(tmp_path: Path) -> None:
    import json

    text = 'a log line with "quotes", a \\ and é\u2028😀\x01\n' * 5000
    hist = History(tmp_path / "results.jsonl", inline_limit=1000)
    hist.add("ContainerLogs", {"id": "web"}, 200, 0.0, text)
    side = tmp_path / "results" / "1.json"
    assert side.read_text() == json.dumps(text, ensure_ascii=False)
    assert History(tmp_path / "results.jsonl")[1].data == text


def test_log_text_shows_its_last_lines_without_splitting_them_all() -> None:
    from dshell.explorer._logs import LogText

    text = "".join(f"line {i}\n" for i in range(100_000)) + "last, no newline"
    shown = LogText(text, limit=3)
    assert shown.lines == ["line 99998", "line 99999", "last, no newline"] and shown.before == 100_001 - 3
    assert LogText("a\r\nb\rc\u2028d", limit=2).before == 2 and LogText("a\r\nb\rc\u2028d", limit=2).lines == ["c", "d"]
    assert LogText("", limit=2).lines == [] and LogText("", limit=2).before == 0
    assert LogText("x\n" * 5, limit=9).lines == ["x"] * 5


def test_all_of_a_log_into_a_pipe_is_never_split_into_lines() -> None:
    """``logs -n all`` into a pipe writes ``plain_text``: splitting 200,000 lines (and counting them) was wasted."""
    from dshell.explorer._logs import LogText

    whole = LogText("a\n[stderr] b\nc\x1b[31m\n", limit=None)
    assert whole.plain_text() == "a\nb\nc^[[31m" and "lines" not in vars(whole) and "before" not in vars(whole)
    assert whole.lines == ["a", "[stderr] b", "c\x1b[31m"] and whole.before == 0


def test_a_history_named_by_a_relative_path_indexes_and_stores_beside_it(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """``History("r.jsonl")`` (in the working folder): its index rebuilt after a loss and a big result's side
    file both go beside it (the folder of a bare name is ".")."""
    monkeypatch.chdir(tmp_path)
    hist = History("r.jsonl", inline_limit=10)
    hist.add("SystemPing", {}, 200, 0.01, "OK")
    hist.add("SystemPing", {}, 200, 0.01, "x" * 100)  # a side file
    (tmp_path / "r.idx").unlink()
    again = History("r.jsonl")
    assert again.numbers() == [1, 2] and again[2].data == "x" * 100 and (tmp_path / "r.idx").stat().st_size > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r", "r.idx", "r.jsonl"]
