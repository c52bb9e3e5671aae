"""Secrets masked by what they mean: raw requests as their op, values of any shape, in linear time."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from dshell.explorer import History, redact, redact_line


@pytest.mark.parametrize(("typed", "stored"), [
    ("SystemAuth {username: u, password: my secret pass}", "SystemAuth {username: u, password: ***}"),
    ("SystemAuth {username: u, password: [p7, p8], serveraddress: r}",
     "SystemAuth {username: u, password: ***, serveraddress: r}"),
    ("SystemAuth {password: {a: [1, {b: 2}], c: 'x, y'}, username: u}", "SystemAuth {password: ***, username: u}"),
    ("username: u\npassword: |\n  line one\n  line two\nserveraddress: r",
     "username: u\npassword: ***\nserveraddress: r"),
    ("auth:\n  username: u\n  password: p\nname: x", "auth: ***\nname: x"),
    ("password: my secret pass\nname: x", "password: ***\nname: x"),
    ("fetch POST /secrets/create {Name: s, Data: c2VjcmV0}", "fetch POST /secrets/create {Name: s, Data: ***}"),
    ("fetch post /v1.41/secrets/create {\"Data\": \"c2VjcmV0\"}", 'fetch post /v1.41/secrets/create {"Data": ***}'),
    ("fetch POST /configs/create {Name: s, Data: eA==}", "fetch POST /configs/create {Name: s, Data: eA==}"),
    ("SwarmInit {ListenAddr: 0.0.0.0, Spec: {CAConfig: {SigningCAKey: '-----BEGIN KEY-----'}}}",
     "SwarmInit {ListenAddr: 0.0.0.0, Spec: {CAConfig: {SigningCAKey: ***}}}"),
])
def test_redact_line_masks_whole_values(typed: str, stored: str) -> None:
    assert redact_line(typed) == stored


def test_a_raw_request_is_masked_as_its_op(tmp_path: Path) -> None:
    hist = History(tmp_path / "results.jsonl")
    made = hist.add("fetch", {"method": "POST", "url": "/secrets/create", "body": {"Name": "s", "Data": "c2Vj"}},
                    201, 0.0, {"ID": "x"})
    assert made.params["body"] == {"Name": "s", "Data": "***"}
    hist.add("SwarmInit", {"body": {"Spec": {"CAConfig": {"SigningCAKey": "-----BEGIN EC KEY-----"}}}},
             200, 0.0, "node-id")
    text = (tmp_path / "results.jsonl").read_text()
    assert "c2Vj" not in text and "BEGIN EC KEY" not in text
    assert redact({"method": "POST", "url": "/configs/create", "body": {"Data": "eA=="}}, "fetch")["body"] == {
        "Data": "eA=="}


def _mask_seconds(size: int) -> float:
    word = "a" * size
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        redact_line(f"ContainerCreate {word} x={word}-{word}")
        best = min(best, time.perf_counter() - started)
    return best


def test_redact_line_is_linear_in_the_input() -> None:
    """10x the text costs about 10x (the regexes made it 100x: a 20 KB word froze the prompt 21 s)."""
    small, big = _mask_seconds(2_000), _mask_seconds(20_000)
    assert big / small < 40


def test_a_secret_setting_typed_at_the_prompt_is_masked_whole() -> None:
    assert redact_line("set tlspass hunter2") == "set tlspass ***"
    assert redact_line('set tlspass "two words"') == "set tlspass ***"
    assert redact_line("set timeout 5") == "set timeout 5"  # not a secret: kept
