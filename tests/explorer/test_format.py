"""Human-readable sizes, durations, ids and previews."""

from __future__ import annotations

import pytest

from dshell.explorer._format import (
    compact,
    ellipsis,
    human_duration,
    human_size,
    short_id,
    time_ago,
    type_label,
)
from dshell.explorer._grid import fit_widths


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.5, "Less than a second"),
        (1, "1 second"),
        (45, "45 seconds"),
        (61, "About a minute"),
        (300, "5 minutes"),
        (3600, "About an hour"),
        (5 * 3600, "5 hours"),
        (3 * 86400, "3 days"),
        (20 * 86400, "2 weeks"),
        (90 * 86400, "3 months"),
        (3 * 365 * 86400, "3 years"),
    ],
)
def test_human_duration_matches_docker(seconds: float, text: str) -> None:
    assert human_duration(seconds) == text


def test_time_ago_takes_epochs_and_rfc3339() -> None:
    now = 1_700_000_000.0
    assert time_ago(now - 300, now=now) == "5 minutes ago"
    assert time_ago("2023-11-14T22:08:20.123456789Z", now=now + 7200) == "2 hours ago"
    assert time_ago(None, now=now) == time_ago("garbage", now=now) == time_ago(0, now=now) == ""


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0B"),
        (999, "999B"),
        (1000, "1kB"),
        (72_800_123, "72.8MB"),
        (1_234_567_890, "1.23GB"),
        (999_999, "1MB"),
    ],
)
def test_human_size(size: int, text: str) -> None:
    assert human_size(size) == text


def test_short_forms() -> None:
    assert short_id("sha256:0123456789abcdef") == "0123456789ab"
    assert ellipsis("abcdef", 4) == "abc…" and ellipsis("abc", 4) == "abc"
    assert [type_label(v) for v in ({}, [1], "s", b"ab", None, 1)] == [
        "dict{0}",
        "list[1]",
        "str",
        "bytes[2]",
        "null",
        "int",
    ]
    assert compact({"a": [1, 2], "b": None, "c": "x\ny"}) == "a=[1, 2], b=null, c=x⏎y"
    assert compact(list(range(100)), 20) == "[0, 1, 2, 3, 4, 5, …"


def test_fit_widths_cuts_widest_first_and_respects_minimums() -> None:
    assert fit_widths([10, 40, 20], [10, 4, 4], 100) == [10, 40, 20]
    assert fit_widths([10, 40, 20], [10, 4, 4], 50) == [10, 20, 20]
    assert fit_widths([10, 40, 20], [10, 4, 4], 40) == [10, 15, 15]
    assert fit_widths([10, 40, 20], [10, 4, 4], 5) == [10, 4, 4]
