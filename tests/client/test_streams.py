"""Frame and JSON-lines parsers, fed in pieces split anywhere (no daemon)."""

from __future__ import annotations

import json
import struct
import time
import tracemalloc

import pytest

from dshell.client import FrameDecoder, JSONDecoder, demux
from dshell.client._errors import DockerError
from dshell.client._response import decode, parse_json, stream_errors


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


def test_a_frame_passes_through_as_it_comes():
    decoder = FrameDecoder()
    assert decoder.feed(frame(2, b"abc")[:-1]) == [(2, b"ab")]
    assert decoder.pending == 1
    assert decoder.feed(b"c") == [(2, b"c")]
    assert decoder.pending == 0


def test_a_header_claiming_4_gb_holds_nothing_back():
    decoder = FrameDecoder()
    piece = b"x" * 65536
    assert decoder.feed(struct.pack(">BxxxL", 1, 2**32 - 1) + piece) == [(1, piece)]
    for _ in range(16):
        assert decoder.feed(piece) == [(1, piece)]
    assert decoder.pending == 2**32 - 1 - 17 * 65536


def _feed_one_frame(size: int) -> float:
    """The CPU time this process spent feeding a frame of ``size`` bytes in 64 KB pieces, the least of five
    tries: the time other processes took on a loaded machine is not counted, nor a try they slowed."""
    data = frame(1, b"x" * size)
    spent = []
    for _ in range(5):
        decoder = FrameDecoder()
        started = time.process_time()
        for i in range(0, len(data), 65536):
            decoder.feed(data[i:i + 65536])
        spent.append(time.process_time() - started)
    return min(spent)


def test_one_big_frame_in_64k_pieces_takes_linear_time():
    """8x the frame costs about 8x the time (a rescan of the buffer per piece made it 64x)."""
    assert _feed_one_frame(16 << 20) / _feed_one_frame(2 << 20) < 24


def test_logs_as_data_cost_a_small_multiple_of_the_text():
    line = b"2026-01-01T00:00:00Z a log line of fifty bytes ..\n"
    raw = b"".join(frame(1 + i % 2, line) for i in range(100_000))
    tracemalloc.start()
    try:
        text = decode("ContainerLogs", {}, raw, lambda: False)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert text == line.decode() * 100_000
    assert peak < 3 * len(text)  # the joined payloads and the text; per-frame copies made it 4.5x


def test_logs_as_data_are_demultiplexed_as_they_are_read():
    """A data-mode ContainerLogs never holds the whole body beside its payloads (707 MB peak for 200 MB)."""
    import dshell.client as docker

    line = b"2026-01-01T00:00:00Z a log line of fifty bytes ..\n"
    raw = b"".join(frame(1 + i % 2, line) for i in range(100_000)) + frame(0, b"echo\n")
    daemon = docker.MockTransport(lambda req: docker.MockResponse(
        200, raw, {"Content-Type": "application/vnd.docker.multiplexed-stream"}) if "/logs" in req.path else
        docker.MockResponse.json({"Config": {"Tty": False}}))
    c = docker.client(conn={"uri": "unix:///mock.sock"}, api_version="v1.41", transport=daemon)
    tracemalloc.start()
    try:
        text = docker.invoke(c, {"op": "ContainerLogs", "params": {"id": "web", "stdout": True}, "throw": True})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert text == line.decode() * 100_000  # stdin's echo left out, as demux_text does
    assert text == decode("ContainerLogs", {}, raw, lambda: False)
    assert peak < 2.5 * len(text)  # the payloads and their text (3x when the body was read whole first)


@pytest.mark.parametrize(("pieces", "values"), [
    ([b"1", b"0.0\n"], [10.0]),
    ([b"0", b".0\n"], [0.0]),
    ([b"-", b"2e", b"3\n"], [-2000.0]),
    ([b"[1, 2]\n1", b"2"], [[1, 2], 12]),
    ([b'{"a": 1}', b"\n7"], [{"a": 1}, 7]),
])
def test_a_number_split_across_reads_is_joined(pieces, values):
    decoder = JSONDecoder()
    out = []
    for piece in pieces:
        out += decoder.feed(piece)
    assert out + decoder.close() == values


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


def test_error_objects_inside_a_200_stream_are_errors():
    data = [{"status": "Pulling"}, {"errorDetail": {"message": "unauthorized"}, "error": "unauthorized"}]
    err = stream_errors("ImageCreate", 200, data)
    assert isinstance(err, DockerError) and (err.status, err.message, err.body) == (200, "unauthorized", data)
    assert stream_errors("ImageCreate", 200, [{"status": "ok"}]) is None
