"""Chunked bodies of many small chunks (a daemon sends a log line per chunk), as BodyReader takes a run of them at
once: fed in pieces cut anywhere, read with any limit, the same data as h11 decodes from the same bytes, or both
refuse. The data is drawn from bytes that make chunks look alike (CR, LF, hex digits, ``;``), so that a datum holding
a CRLF or a size line, extensions, upper-case hex and leading zeros all occur.
"""

from __future__ import annotations

import h11
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dshell.client._http11 import BodyReader, ProtocolError, take_head

FUZZ = settings(max_examples=300, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HEAD = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"

alike = st.binary(max_size=0) | st.sampled_from([b"\r", b"\n", b"\r\n", b"0", b"a", b"F", b";", b" ", b"x" * 100])
data = st.lists(alike, min_size=1, max_size=8).map(b"".join).filter(bool)
size_lines = st.sampled_from(["%x", "%X", "00%x", "%x;ext=1", "%x ", "0x%x", "+%x", "%x_"])


def chunked(chunks: list[tuple[bytes, str]]) -> bytes:
    return b"".join((form % len(datum)).encode() + b"\r\n" + datum + b"\r\n" for datum, form in chunks) + b"0\r\n\r\n"


def theirs(wire: bytes) -> bytes | str:
    c = h11.Connection(h11.CLIENT)
    c.send(h11.Request(method="GET", target="/", headers=[("Host", "docker")]))
    c.send(h11.EndOfMessage())
    c.receive_data(wire)
    c.receive_data(b"")
    out = b""
    try:
        while True:
            event = c.next_event()
            if isinstance(event, h11.Data):
                out += event.data
            elif isinstance(event, h11.EndOfMessage):
                return out
            elif event is h11.NEED_DATA:
                return "refused"
    except h11.RemoteProtocolError:
        return "refused"


def ours(wire: bytes, at: list[int], limit: int) -> bytes | str:
    """The body read as a transport reads it: the buffer grows by the pieces ``at`` cuts, taken while it can."""
    points = sorted({min(i, len(wire)) for i in at} | {len(wire)})
    buf, out, reader, fed = bytearray(), b"", None, 0
    try:
        for point in points:
            buf += wire[fed:point]
            fed = point
            if reader is None:
                head = take_head(buf)
                if head is None:
                    continue
                reader = BodyReader("GET", head)
            while (piece := reader.take(buf, limit)) is not None:
                if not piece:
                    return out
                assert len(piece) <= limit
                out += piece
        return "refused"  # the end never came: cut short
    except ProtocolError:
        return "refused"


@FUZZ
@given(chunks=st.lists(st.tuples(data, st.sampled_from(["%x"]) | size_lines), min_size=1, max_size=40),
       at=st.lists(st.integers(0, 5000), max_size=6), limit=st.sampled_from([1, 7, 100, 1000, 65536]))
def test_runs_of_chunks_read_as_h11_reads_them(chunks, at, limit):
    wire = HEAD + chunked(chunks)
    assert ours(wire, at, limit) == theirs(wire)


@FUZZ
@given(chunks=st.lists(data, min_size=1, max_size=40), flip=st.integers(0, 10**6), byte=st.integers(0, 255),
       at=st.lists(st.integers(0, 5000), max_size=4))
def test_a_damaged_run_is_refused_or_read_as_h11_reads_it(chunks, flip, byte, at):
    wire = bytearray(HEAD + chunked([(datum, "%x") for datum in chunks]))
    wire[len(HEAD) + flip % (len(wire) - len(HEAD))] = byte
    assert ours(bytes(wire), at, 65536) == theirs(bytes(wire))


@pytest.mark.parametrize(("body", "expected"), [
    (b"0x2\r\nok\r\n0\r\n\r\n", "refused"),  # int(..., 16) alone takes a 0x prefix: h11 does not
    (b"+2\r\nok\r\n0\r\n\r\n", "refused"),
    (b"2_\r\nok\r\n0\r\n\r\n", "refused"),
    (b"2\r\nok\r\n" * 100 + b"0x2\r\nok\r\n0\r\n\r\n", "refused"),
    (b"2\r\nok\r\n" * 100 + b"3\r\no\r\n\r\n0\r\n\r\n", b"ok" * 100 + b"o\r\n"),  # a datum holding a CRLF
    (b"2\r\nok\r\n" * 100 + b"0\r\n\r\n", b"ok" * 100),
    (b"2\r\nok\r\n" * 100 + b"0\r\nX-A: 1\r\n\r\n", b"ok" * 100),
    (b"2\r\nok\r\n" * 100 + b"2\r\nokX\r\n0\r\n\r\n", "refused"),  # a datum longer than its size
    (b"2\r\nok\r\n" * 100 + b"000000000000000000002\r\nok\r\n0\r\n\r\n", "refused"),  # 21 digits
    (b"2\r\nok\r\n" * 100 + b"00000000000000000002\r\nok\r\n0\r\n\r\n", b"ok" * 101),  # 20 digits
])
def test_edge_cases_after_a_run_of_whole_chunks(body, expected):
    wire = HEAD + body
    assert theirs(wire) == expected
    for cut in range(len(HEAD), len(wire)):  # any one cut: a run, then a chunk cut in its size, data or CRLF
        assert ours(wire, [cut], 65536) == expected


def test_a_run_stops_at_the_read_limit_and_a_cut_chunk_is_taken_in_part():
    buf = bytearray(HEAD + b"a\r\n0123456789\r\n" * 100 + b"a\r\n01234")
    reader = BodyReader("GET", take_head(buf))  # type: ignore[arg-type]
    assert reader.take(buf, 95) == b"0123456789" * 9 + b"01234"
    assert (reader.chunk_left, reader.crlf_due) == (5, False)
    rest = reader.take(buf, 10**6)
    assert rest == b"56789" + b"0123456789" * 90 + b"01234" and buf == b""
    assert (reader.chunk_left, reader.crlf_due) == (5, False)
    buf += b"56789"
    assert reader.take(buf, 10**6) == b"56789" and reader.crlf_due
    buf += b"\r\n0\r\n\r\n"
    assert reader.take(buf, 10**6) == b"" and reader.done
