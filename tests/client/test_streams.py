"""Frame and JSON-lines parsers, fed in pieces split anywhere (no daemon)."""

from __future__ import annotations

import json
import struct

import pytest

from dshell.client import FrameDecoder, JSONDecoder, demux
from dshell.client._errors import DockerError
from dshell.client._response import check_stream_errors, decode, parse_json


def frame(stream: int, payload: bytes) -> bytes:
    return struct.pack(">BxxxL", stream, len(payload)) + payload


STREAM = frame(1, b"out one\n") + frame(1, b"out two\n") + frame(2, b"err\n") + frame(1, b"") + frame(1, b"x" * 70000)


def test_demux_joins_adjacent_frames_of_one_stream():
    assert demux(STREAM) == [(1, b"out one\nout two\n"), (2, b"err\n"), (1, b"x" * 70000)]


@pytest.mark.parametrize("step", [1, 3, 7, 8, 9, 4096])
def test_frames_split_across_reads_decode_the_same(step):
    decoder = FrameDecoder()
    got: dict[int, bytes] = {1: b"", 2: b""}
    for i in range(0, len(STREAM), step):
        for stream, payload in decoder.feed(STREAM[i:i + step]):
            got[stream] += payload
    assert got == {1: b"out one\nout two\n" + b"x" * 70000, 2: b"err\n"}
    assert decoder.pending == 0


def test_incomplete_frame_is_held_back():
    decoder = FrameDecoder()
    assert decoder.feed(frame(2, b"abc")[:-1]) == []
    assert decoder.pending == 10
    assert decoder.feed(b"c") == [(2, b"abc")]


@pytest.mark.parametrize("step", [1, 5, 1000])
def test_json_lines_split_anywhere(step):
    values = [{"status": "Pulling", "id": "a"}, {"status": "Done", "progressDetail": {}}, [1, 2], "s"]
    data = b"".join(json.dumps(v).encode() + b"\r\n" for v in values)
    decoder = JSONDecoder()
    out = []
    for i in range(0, len(data), step):
        out += decoder.feed(data[i:i + step])
    decoder.close()
    assert out == values


@pytest.mark.parametrize("step", [1, 2, 3])
def test_multibyte_characters_and_tokens_split_across_reads(step):
    data = '{"name": "café ☕", "ok": true, "n": -1.5}\n{"a": null}\n'.encode()
    decoder = JSONDecoder()
    out = []
    for i in range(0, len(data), step):
        out += decoder.feed(data[i:i + step])
    assert out == [{"name": "café ☕", "ok": True, "n": -1.5}, {"a": None}]


def test_a_line_that_is_not_json_is_an_error_not_a_stall():
    with pytest.raises(ValueError, match="not JSON in the stream: 'oops"):
        JSONDecoder().feed(b'{"a": 1}\noops\n{"b": 2}\n')
    assert parse_json(b"oops, not JSON after all") == "oops, not JSON after all"


def test_json_decoder_reports_garbage_left_at_the_end():
    decoder = JSONDecoder()
    decoder.feed(b'{"a": 1}\n{"b"')
    with pytest.raises(ValueError, match="undecodable"):
        decoder.close()


def test_parse_json_one_document_or_many():
    assert parse_json(b'{"a": 1}') == {"a": 1}
    assert parse_json(b'{"a": 1}\n{"b": 2}\n') == [{"a": 1}, {"b": 2}]
    assert parse_json(b'{"a": 1}', many=True) == [{"a": 1}]


def test_decode_by_op_and_content_type():
    js = {"content-type": "application/json"}
    assert decode("ImageCreate", js, b'{"status": "x"}') == [{"status": "x"}]
    assert decode("ContainerList", js, b"[]") == []
    assert decode("SystemPing", {"content-type": "text/plain; charset=utf-8"}, b"OK") == "OK"
    assert decode("ContainerExport", {"content-type": "application/x-tar"}, b"\x00tar") == b"\x00tar"
    assert decode("ContainerStart", {}, b"") is None
    assert decode("ContainerLogs", {}, STREAM, lambda: False).startswith("out one\nout two\nerr\n")
    assert decode("ContainerLogs", {}, b"raw tty", lambda: True) == "raw tty"


def test_error_objects_inside_a_200_stream_raise():
    data = [{"status": "Pulling"}, {"errorDetail": {"message": "unauthorized"}, "error": "unauthorized"}]
    with pytest.raises(DockerError) as err:
        check_stream_errors("ImageCreate", 200, data)
    assert err.value.message == "unauthorized" and err.value.body == data
    check_stream_errors("ImageCreate", 200, [{"status": "ok"}])
