"""Streamed bodies: stdout/stderr frame demultiplexing, JSON-lines decoding, and the file-like stream."""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable, Iterator
from typing import Any

from ._errors import DockerError
from ._transport import Body

STDIN, STDOUT, STDERR = 0, 1, 2
_HEADER = 8


class FrameDecoder:
    """Incremental parser of the daemon's multiplexed stream (8-byte header: stream, 0, 0, 0, size BE32).

    ``feed`` accepts arbitrary pieces (frames may be split anywhere) and returns complete payloads; adjacent
    payloads of the same stream are joined, which keeps the per-frame cost off the hot path.
    """

    __slots__ = ("_buf",)

    def __init__(self) -> None:
        self._buf = b""

    def feed(self, data: bytes) -> list[tuple[int, bytes]]:
        """Return the (stream, payload) pairs completed by ``data``."""
        buf = self._buf + data if self._buf else data
        out: list[tuple[int, bytes]] = []
        pos, end = 0, len(buf)
        cur_stream, parts = -1, []
        while end - pos >= _HEADER:
            size = int.from_bytes(buf[pos + 4:pos + 8], "big")
            stop = pos + _HEADER + size
            if stop > end:
                break
            stream = buf[pos]
            if stream != cur_stream and parts:
                out.append((cur_stream, b"".join(parts)))
                parts = []
            cur_stream = stream
            parts.append(buf[pos + _HEADER:stop])
            pos = stop
        if parts:
            out.append((cur_stream, b"".join(parts)))
        self._buf = buf[pos:]
        return out

    @property
    def pending(self) -> int:
        """Bytes of an incomplete frame held back."""
        return len(self._buf)


def demux(data: bytes) -> list[tuple[int, bytes]]:
    """Split a whole multiplexed body into (stream, payload) pairs."""
    return FrameDecoder().feed(data)


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
            out.append(value)
            pos = pos2
        self._buf = buf[pos:]
        return out

    def close(self) -> None:
        """Raise if undecodable data is left over."""
        if self._buf.strip():
            raise ValueError(f"undecodable JSON at end of stream: {self._buf[:80]!r}")


def json_values(data: bytes) -> list[Any]:
    """Every JSON value in ``data`` (one document, or JSON lines)."""
    decoder = JSONDecoder()
    values = decoder.feed(data)
    decoder.close()
    return values


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
        while piece := self.read1():
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
        decoder.close()

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
