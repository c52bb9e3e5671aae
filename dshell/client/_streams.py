"""Streamed bodies: stdout/stderr frame demultiplexing, JSON-lines decoding, and the file-like stream."""

from __future__ import annotations

import codecs
import json
import struct
from collections.abc import Callable, Iterable, Iterator

from dshell._checking import TYPE_CHECKING

from ._errors import DockerError
from ._transport import Body

if TYPE_CHECKING:
    from typing import Any

STDIN, STDOUT, STDERR = 0, 1, 2
_HEADER = 8
_FRAME_HEAD = struct.Struct(">BxxxL")  # stream, three zero bytes, payload size


class FrameDecoder:
    """Incremental parser of the daemon's multiplexed stream (8-byte header: stream, 0, 0, 0, size BE32).

    ``feed`` accepts arbitrary pieces (frames may be split anywhere) and returns the payload bytes they
    carry as they come, a frame's payload possibly in several pieces: only a split header is ever held
    back, so a header claiming 4 GB costs nothing and time is linear in what is fed. Adjacent payloads of
    the same stream within one ``feed`` are joined, which keeps the per-frame cost off the hot path.
    """

    __slots__ = ("_head", "_left", "_stream")

    def __init__(self) -> None:
        self._head = b""  # the start of a header split across feeds
        self._stream = -1  # the stream of the frame being read
        self._left = 0  # payload bytes of that frame still to come

    def feed(self, data: bytes) -> list[tuple[int, bytes]]:
        """Return the (stream, payload) pieces ``data`` carries."""
        if self._head:
            data, self._head = self._head + data, b""
        view, end = memoryview(data), len(data)
        out: list[tuple[int, bytes]] = []
        cur, parts, stream = -1, list[memoryview](), self._stream
        pos = min(self._left, end)  # the rest of a frame begun in an earlier feed
        if pos:
            cur = stream
            parts.append(view[:pos])
            self._left -= pos
        unpack, append, last = _FRAME_HEAD.unpack_from, parts.append, end - _HEADER
        while pos <= last:
            stream, size = unpack(data, pos)
            pos += _HEADER + size
            if size:
                if stream != cur:
                    if parts:
                        out.append((cur, b"".join(parts)))
                        parts = []
                        append = parts.append
                    cur = stream
                append(view[pos - size:pos])  # cut at the end: the frame goes on in the next feed
        if pos > end:
            self._left = pos - end
        elif pos < end:
            self._head = bytes(view[pos:])
        self._stream = stream
        if parts:
            out.append((cur, b"".join(parts)))
        return out

    @property
    def pending(self) -> int:
        """Bytes of the current frame not received yet (header bytes included while it is split)."""
        return self._left + (_HEADER - len(self._head) if self._head else 0)


def demux(data: bytes) -> list[tuple[int, bytes]]:
    """Split a whole multiplexed body into (stream, payload) pairs."""
    return FrameDecoder().feed(data)


def demux_text(data: bytes) -> str:
    """The stdout and stderr payloads of a whole multiplexed body as one text (stdin echoes left out).

    Copies each payload once into one buffer, so a log costs about its size twice over, not per frame."""
    view, out = memoryview(data), bytearray()
    pos, end = 0, len(view)
    while end - pos >= _HEADER:
        stop = min(end, pos + _HEADER + int.from_bytes(view[pos + 4:pos + 8], "big"))
        if view[pos] != STDIN:
            out += view[pos + _HEADER:stop]
        pos = stop
    return out.decode("utf-8", "replace")


def demux_pieces(pieces: Iterable[bytes]) -> str:
    """`demux_text` of a body read piece by piece: only its payloads are held, never the whole body (a log of
    200 MB costs about twice its size at the peak, the payloads and their text, not three times)."""
    decoder, out = FrameDecoder(), bytearray()
    for piece in pieces:
        for stream, payload in decoder.feed(piece):
            if stream != STDIN:
                out += payload
    return out.decode("utf-8", "replace")


class JSONDecoder:
    """Incremental decoder of concatenated / newline-separated JSON values (UTF-8 split anywhere)."""

    __slots__ = ("_buf", "_decoder", "_text")

    def __init__(self) -> None:
        self._buf = ""
        self._decoder = json.JSONDecoder()
        self._text = codecs.getincrementaldecoder("utf-8")("replace")

    def feed(self, data: bytes) -> list[Any]:
        """Return the JSON values completed by ``data``; ValueError for data that is not JSON."""
        self._buf += self._text.decode(data)
        out = []
        buf, pos, end = self._buf, 0, len(self._buf)
        while True:
            while pos < end and buf[pos] in " \t\r\n":
                pos += 1
            if pos >= end:
                break
            try:
                value, pos2 = self._decoder.raw_decode(buf, pos)
            except json.JSONDecodeError as exc:
                if "\n" in buf[exc.pos:]:  # a whole line that is not JSON (the values are newline-ended)
                    raise ValueError(f"not JSON in the stream: {buf[pos:pos + 80]!r}") from None
                break  # incomplete: wait for more
            except RecursionError:
                raise ValueError(f"JSON nested too deeply in the stream: {buf[pos:pos + 20]!r}...") from None
            if _number(value) and (pos2 == end or buf[pos2] in _NUMBER_CHARS
                                   and not buf[pos2:end].strip(_NUMBER_CHARS)):
                break  # `1` or `1.` may be the start of `10.5e3`: wait for what ends it
            out.append(value)
            pos = pos2
        self._buf = buf[pos:]
        return out

    def close(self) -> list[Any]:
        """The value left at the end (a number only its end completes); ValueError for undecodable data."""
        rest, self._buf = self._buf.strip(), ""
        if not rest:
            return []
        try:
            value, stop = self._decoder.raw_decode(rest)
        except json.JSONDecodeError:
            stop = -1
        if stop != len(rest):
            raise ValueError(f"undecodable JSON at end of stream: {rest[:80]!r}")
        return [value]


_NUMBER_CHARS = "0123456789.eE+-"


def _number(value: Any) -> bool:
    """True for a number (which more digits, a fraction or an exponent may still extend)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def json_values(data: bytes) -> list[Any]:
    """Every JSON value in ``data`` (one document, or JSON lines)."""
    decoder = JSONDecoder()
    return decoder.feed(data) + decoder.close()


def stream_error(value: Any) -> str | None:
    """The message of an ``error``/``errorDetail`` object inside a 200 stream, else None."""
    if isinstance(value, dict) and ("error" in value or "errorDetail" in value):
        detail = value.get("errorDetail") or {}
        return str(value.get("error") or detail.get("message") or detail)
    return None


class StdioFrames:
    """The stdout/stderr view shared by streams and hijacked sockets.

    ``_tty`` tells whether the output is raw (a container/exec with a TTY) or multiplexed; it may be a
    callable, so that the lookup (an inspect call) happens only when frames are asked for.
    """

    _tty: Callable[[], bool] | bool | None

    def chunks(self) -> Iterator[bytes]:
        """The raw bytes piece by piece as they arrive."""
        raise NotImplementedError

    @property
    def tty(self) -> bool:
        """True when the output is a raw TTY stream rather than multiplexed frames."""
        if callable(self._tty):
            self._tty = bool(self._tty())
        return bool(self._tty)

    def frames(self) -> Iterator[tuple[int, bytes]]:
        """(stream, payload) pairs: 1 stdout, 2 stderr; raw TTY output comes as stdout."""
        if self.tty:
            for piece in self.chunks():
                yield STDOUT, piece
            return
        decoder = FrameDecoder()
        for piece in self.chunks():
            yield from decoder.feed(piece)


class DockerStream(StdioFrames):
    """A response body read as it arrives: file-like bytes, lines, JSON values, or demultiplexed frames."""

    def __init__(self, body: Body, op: str | None = None, tty: Callable[[], bool] | None = None,
                 status: int = 200, headers: dict[str, str] | None = None) -> None:
        self._body = body
        self._buf = b""
        self._tty = tty
        self.op = op
        self.status = status
        self.headers = headers or {}
        self.closed = False

    # file-like bytes ---------------------------------------------------------------------------------
    def read1(self, size: int = -1) -> bytes:
        """Whatever is available now (at least one byte), or b"" at the end."""
        if self._buf:
            n = len(self._buf) if size < 0 else size
            data, self._buf = self._buf[:n], self._buf[n:]
            return data
        return self._body.read1(size if size > 0 else 262144)

    def read(self, size: int = -1) -> bytes:
        """``size`` bytes (fewer only at the end), or everything with ``size < 0``."""
        if size < 0:
            data, self._buf = self._buf + self._body.read_all(), b""
            return data
        parts, have = [], 0
        while have < size:
            piece = self.read1(size - have)
            if not piece:
                break
            parts.append(piece)
            have += len(piece)
        return b"".join(parts)

    def readline(self, size: int = -1) -> bytes:
        """One line including its newline (the last line may lack it)."""
        while b"\n" not in self._buf and (size < 0 or len(self._buf) < size):
            piece = self._body.read1()
            if not piece:
                break
            self._buf += piece
        cut = self._buf.find(b"\n") + 1 or len(self._buf)
        if size >= 0:
            cut = min(cut, size)
        line, self._buf = self._buf[:cut], self._buf[cut:]
        return line

    def __iter__(self) -> Iterator[bytes]:
        while line := self.readline():
            yield line

    def chunks(self) -> Iterator[bytes]:
        """The raw body piece by piece as it arrives."""
        if self._buf:
            yield self.read1()
        read1 = self._body.read1
        while piece := read1(262144):
            yield piece

    # decoded views -------------------------------------------------------------------------------------
    def json(self, throw: bool = False) -> Iterator[Any]:
        """Each JSON value as it completes; with ``throw``, an in-stream error raises DockerError."""
        decoder = JSONDecoder()
        for piece in self.chunks():
            for value in decoder.feed(piece):
                message = stream_error(value) if throw else None
                if message is not None:
                    raise DockerError(self.status, message, self.op, value)
                yield value
        yield from decoder.close()

    # lifecycle -------------------------------------------------------------------------------------
    def close(self) -> None:
        """Stop reading and close the connection."""
        if not self.closed:
            self.closed = True
            self._body.close()

    def readable(self) -> bool:
        return True

    def __enter__(self) -> DockerStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<DockerStream {self.op or ''} status={self.status}{' closed' if self.closed else ''}>"
