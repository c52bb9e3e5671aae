"""Property tests of the stream parsers: round trips split anywhere, garbage gives one error type.

A fixed seed (derandomize) and a small example budget keep them fast and the same on every run.
"""

from __future__ import annotations

import json
import math
import struct

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dshell.client import FrameDecoder, JSONDecoder

FUZZ = settings(max_examples=150, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])

frames = st.lists(st.tuples(st.sampled_from([0, 1, 2]), st.binary(max_size=300)), max_size=12)
cuts = st.lists(st.integers(min_value=0, max_value=4000), max_size=12)
json_scalars = (st.none() | st.booleans() | st.integers(min_value=-(10**20), max_value=10**20)
                | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20))
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)


def split(data: bytes, at: list[int]) -> list[bytes]:
    points = sorted({min(i, len(data)) for i in at})
    return [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]


def per_stream(pairs: list[tuple[int, bytes]]) -> dict[int, bytes]:
    out: dict[int, bytes] = {}
    for stream, payload in pairs:
        out[stream] = out.get(stream, b"") + payload
    return out


@FUZZ
@given(frames, cuts)
def test_frames_round_trip_split_anywhere(pairs, at):
    data = b"".join(struct.pack(">BxxxL", stream, len(payload)) + payload for stream, payload in pairs)
    decoder = FrameDecoder()
    got = [piece for part in split(data, at) for piece in decoder.feed(part)]
    assert per_stream(got) == per_stream([p for p in pairs if p[1]])
    assert decoder.pending == 0
    changes = [s for i, (s, p) in enumerate(pairs) if p and s != next((t for t, q in pairs[:i][::-1] if q), None)]
    assert [s for i, (s, _) in enumerate(got) if i == 0 or s != got[i - 1][0]] == changes


@FUZZ
@given(st.binary(max_size=2000), cuts)
def test_frame_garbage_never_raises_and_never_invents_bytes(data, at):
    decoder = FrameDecoder()
    got = [piece for part in split(data, at) for piece in decoder.feed(part)]
    assert sum(len(p) for _, p in got) <= len(data)


def same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    return a == b


@FUZZ
@given(st.lists(json_values, max_size=6), cuts, st.sampled_from(["\n", "\r\n", " "]))
def test_json_lines_round_trip_split_anywhere(values, at, sep):
    data = "".join(json.dumps(v, ensure_ascii=False) + sep for v in values).encode()
    decoder = JSONDecoder()
    out = [v for part in split(data, at) for v in decoder.feed(part)] + decoder.close()
    assert out == values


@FUZZ
@given(st.binary(max_size=500), cuts)
def test_json_garbage_is_a_value_error_only(data, at):
    decoder = JSONDecoder()
    try:
        for part in split(data, at):
            decoder.feed(part)
        decoder.close()
    except ValueError:
        pass


def test_json_nested_too_deeply_is_a_value_error():
    decoder = JSONDecoder()
    try:
        decoder.feed(b"[" * 100_000 + b"\n")
    except ValueError as exc:
        assert "nested too deeply" in str(exc)
    else:
        raise AssertionError("no error")
