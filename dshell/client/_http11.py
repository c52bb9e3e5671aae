"""HTTP/1.1 response framing, apart from any I/O: the head, the body's length, chunks, trailers, limits and the
keep-alive rule, as strict as h11 (RFC 9112).

The functions take what they need from a ``bytearray`` that the transport fills; ``None`` means "not enough bytes
yet". A response that breaks the protocol raises ProtocolError: nothing in it is trusted, its connection is closed.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate, repeat

from dshell._frozen import Record

from ._errors import ConnectionError

MAX_HEAD = 64 * 1024  # a status line with its headers, a chunk-size line, or trailers (h11's default: 16 KiB)
UNTIL_CLOSE = None  # the body's length when it ends with the connection

_BLANK_LINE = re.compile(rb"\n\r?\n")
_OWS = " \t"
_TOKEN = r"[-!#$%&'*+.^_`|~0-9a-zA-Z]+"
_VALUE = r"(?:[^\x00\s]+(?:[ \t]+[^\x00\s]+)*)?"
_FIELD = rf"({_TOKEN}):[ \t]*({_VALUE})[ \t]*"
_FIELD_LINE = re.compile(_FIELD, re.ASCII)
_TOKEN_NAME = re.compile(_TOKEN)
_STATUSES: dict[str, tuple[int, str]] = {}  # plain status lines seen -> (status, reason)
_FIELDS: dict[str, tuple[str, str]] = {}  # plain header lines seen -> (lower-case name, value)
_HEADS: dict[bytes, tuple[int, str, dict[str, str], bool]] = {}  # plain heads seen -> their Head's parts (copied)
_HEAD_MEMO_SIZE = 4096  # larger heads are not remembered
_STATUS_LINE = re.compile(r"HTTP/([0-9]\.[0-9]) ([0-9]{3})(?: ([^\x00\n\r\x0b\x0c]*))?", re.ASCII)
_SIZE = re.compile(rb"[0-9A-Fa-f]{1,20}")  # a chunk size as h11 takes it
_SIZES = re.compile(rb"[0-9A-Fa-f]{1,20}(?:\r\n[0-9A-Fa-f]{1,20})*")  # sizes joined by CRLF (none holds a CRLF)
_WHOLE_RUN = 512  # buffered bytes from which whole chunks are taken at once (fewer cost more so than one by one)
_CHUNK_SIZE = re.compile(rb"([0-9A-Fa-f]{1,20})(?:;.*)?[ \t]*")


class ProtocolError(ConnectionError):
    """The daemon's answer is not valid HTTP/1.1 (its connection is closed, never reused)."""


class Head(Record):
    """A response's status line and headers (lower-case names; repeated ones joined with ``", "``)."""

    status: int
    reason: str
    headers: dict[str, str]
    keep_alive: bool  # as far as the head tells: HTTP/1.1 and no ``Connection: close``


def take_head(buf: bytearray, start: int = 0) -> Head | None:
    """The response head at the start of ``buf``, taken out of it; None while incomplete (no end of the head at or
    after ``start``); ProtocolError for a head that is malformed or larger than MAX_HEAD."""
    end = buf.find(b"\r\n\r\n", start) + 4
    if 4 <= end <= MAX_HEAD:  # the common case: a bare LF before it would fail _plain_head's lines
        raw = bytes(buf[:end])
        seen = _HEADS.get(raw)
        if seen is not None:
            del buf[:end]
            return Head(seen[0], seen[1], seen[2].copy(), seen[3])
        head = _plain_head(raw.decode("latin-1"))
        if head is not None:
            del buf[:end]
            if end <= _HEAD_MEMO_SIZE:
                if len(_HEADS) >= 64:  # Date lines make a new head every second
                    _HEADS.clear()
                _HEADS[raw] = (head.status, head.reason, head.headers.copy(), head.keep_alive)
            return head
    found = _BLANK_LINE.search(buf, start)  # the first blank line, whatever its line ends
    end = found.end() if found else -1
    if end > MAX_HEAD or (end < 0 and len(buf) > MAX_HEAD):
        raise ProtocolError(f"the response head exceeds {MAX_HEAD // 1024} KiB")
    if end < 0:
        return None
    head = parse_head(buf[:end])
    del buf[:end]
    return head


def parse_head(raw: bytes | bytearray) -> Head:
    """The head in ``raw`` (a status line, header lines, the blank line that ends them)."""
    text = raw.decode("latin-1")
    head = _plain_head(text)
    return head if head is not None else _head(text)


def _plain_head(text: str) -> Head | None:
    """The common case, quickly: HTTP/1.1, CRLF lines, token names each once, values without control characters
    but tabs, a plain Content-Length; lines seen before are looked up, not parsed again. None for anything else
    (``_head`` then decides, as h11 does)."""
    lines = text.split("\r\n")
    if len(lines) < 3 or lines[-1] or lines[-2]:  # not ended by CRLF CRLF
        return None
    status = _STATUSES.get(lines[0]) or _plain_status(lines[0])
    if status is None:
        return None
    fields = [_FIELDS.get(line) or _plain_field(line) for line in lines[1:-2]]
    if None in fields:
        return None
    headers = dict(fields)  # type: ignore[arg-type]  # no None in it
    if len(headers) != len(fields):  # a name came twice: joined by _head
        return None
    length = headers.get("content-length")
    if (length is not None and not (length.isdigit() and length.isascii() and len(length) <= 20)) or (
            "transfer-encoding" in headers):
        _check_framing_headers(headers)
    connection = headers.get("connection")
    return Head(status[0], status[1], headers, connection is None or "close" not in _tokens(connection))


def _plain_status(line: str) -> tuple[int, str] | None:
    """(status, reason) of an ``HTTP/1.1 NNN reason`` line, remembered; None for any other line."""
    code = line[9:12]
    if not (line.startswith("HTTP/1.1 ") and code.isdigit() and code.isascii() and line[12:13] in ("", " ")
            and code[0] != "0" and _plain_text(line)):
        return None
    status = (int(code), line[13:])
    if len(_STATUSES) < 64:
        _STATUSES[line] = status
    return status


def _plain_text(text: str) -> bool:
    """No CR, LF, NUL, vertical tab or form feed: what h11 refuses in a status line or a header value."""
    return not ("\r" in text or "\n" in text or "\x00" in text or "\x0b" in text or "\x0c" in text)


def _plain_field(line: str) -> tuple[str, str] | None:
    """(lower-case name, value) of a ``token: value`` line, remembered (all are forgotten when too many are, as
    Date lines make more every second); None for any other line."""
    name, colon, value = line.partition(":")
    if not colon or _TOKEN_NAME.fullmatch(name) is None or not _plain_text(value):
        return None
    field = (name.lower(), value.strip(_OWS))
    if len(_FIELDS) >= 512:
        _FIELDS.clear()
    _FIELDS[line] = field
    return field


def _head(text: str) -> Head:
    """Any head h11 accepts (HTTP/1.0, bare LF line ends, folded lines), or ProtocolError saying what is wrong."""
    lines = _lines(text)
    status_line = _STATUS_LINE.fullmatch(lines[0]) if lines else None
    if status_line is None:
        first = lines[0] if lines else text
        raise ProtocolError(f"not an HTTP/1.1 status line: {first[:60]!r}")
    version, code, reason = status_line.groups()
    status = int(code)
    if status < 100:
        raise ProtocolError(f"not an HTTP status: {code}")
    headers = _join(_fields(lines[1:]))
    _check_framing_headers(headers)
    connection = headers.get("connection")
    keep_alive = version >= "1.1" and (connection is None or "close" not in _tokens(connection))
    return Head(status, reason or "", headers, keep_alive)


def chunk_size(line: bytes | bytearray) -> int:
    """The size in a chunk-size line (without its CRLF; extensions ignored)."""
    if line.isalnum() and len(line) <= 20 and line[1:2] not in (b"x", b"X"):  # the common case: hex (int()
        try:  # alone would also take "_", "+", spaces, a 0x prefix)
            return int(line, 16)
        except ValueError:
            raise ProtocolError(f"bad chunk size line: {bytes(line[:40])!r}") from None
    found = _CHUNK_SIZE.fullmatch(line)
    if found is None:
        raise ProtocolError(f"bad chunk size line: {bytes(line[:40])!r}")
    return int(found.group(1), 16)


def parse_trailers(raw: bytes) -> dict[str, str]:
    """The trailer fields after the last chunk (``raw`` ends with the blank line)."""
    return _join(_fields(_lines(raw.decode("latin-1"))))


def _matching(sizes: list[bytearray], lengths: list[int]) -> int:
    """How many size lines, from the first, are hex digits giving their datum's length (not 0: the last chunk)."""
    for index, size in enumerate(sizes):
        if not (_SIZE.fullmatch(size) and 0 < lengths[index] == int(size, 16)):
            return index
    return len(sizes)


class BodyReader:
    """Takes one response body out of a connection's buffer, framed as the request's method and the head say: a
    Content-Length, chunks, or all until close (none after HEAD, 204, 304 or 1xx)."""

    __slots__ = ("remaining", "chunk_left", "crlf_due", "trailers", "done")

    def __init__(self, method: str, head: Head) -> None:
        status, headers = head.status, head.headers
        if method == "HEAD" or status in (204, 304) or status < 200:
            length: int | None = 0
        elif "transfer-encoding" in headers:
            length = -1
        else:
            value = headers.get("content-length")
            length = UNTIL_CLOSE if value is None else int(value)
        self.remaining = length  # -1: chunked; None: until close
        self.chunk_left = 0
        self.crlf_due = False  # the CRLF that ends a chunk's data
        self.trailers: dict[str, str] = {}
        self.done = length == 0

    def take(self, buf: bytearray, limit: int) -> bytes | None:
        """Up to ``limit`` bytes of the body from ``buf``; b"" at its end; None when ``buf`` holds too little."""
        remaining = self.remaining
        if self.done:
            return b""
        if remaining is None:
            if not buf:
                return None
            n = min(limit, len(buf))
        elif remaining >= 0:
            if not buf:
                return None
            n = min(limit, len(buf), remaining)
            self.remaining = remaining - n
            self.done = remaining == n
        else:
            return self._take_chunked(buf, limit)
        data = bytes(buf[:n])
        del buf[:n]
        return data

    def _take_chunked(self, buf: bytearray, limit: int) -> bytes | None:
        """The data of as many chunks as ``buf`` holds, up to ``limit`` bytes (a daemon sends a log line per
        chunk: one read takes them all, with one cut of the buffer); None when it holds none yet.

        The chunk a read began in an earlier one is finished first; then the whole chunks that follow are taken
        at once (``_whole_chunks``, once a read, so its cost stays linear); what is left, chunk by chunk."""
        pos, parts, have, fast = 0, list[bytearray](), 0, True
        try:
            while have < limit:
                if not self.chunk_left:
                    if self.crlf_due:
                        if len(buf) - pos < 2:
                            break
                        if buf[pos] != 13 or buf[pos + 1] != 10:
                            raise ProtocolError(f"a chunk does not end with CRLF: {bytes(buf[pos:pos + 20])!r}")
                        pos += 2
                        self.crlf_due = False
                    if fast and len(buf) - pos >= _WHOLE_RUN:
                        fast = False
                        taken, got = self._run(buf, pos, limit - have, parts)
                        pos += taken
                        have += got
                        continue
                    end = buf.find(b"\r\n", pos)
                    if end - pos > MAX_HEAD or (end < 0 and len(buf) - pos > MAX_HEAD):
                        raise ProtocolError(f"a chunk-size line exceeds {MAX_HEAD // 1024} KiB")
                    if end < 0:
                        break
                    size = chunk_size(buf[pos:end])
                    if size == 0:
                        if parts:  # the end, after what is taken now
                            break
                        del buf[:pos]
                        end, pos = end - pos, 0
                        return self._take_trailers(buf, end + 2)
                    pos = end + 2
                    self.chunk_left = size
                if pos >= len(buf):
                    break
                n = min(limit - have, self.chunk_left, len(buf) - pos)
                parts.append(buf[pos:pos + n])
                pos += n
                have += n
                self.chunk_left -= n
                self.crlf_due = not self.chunk_left
        except ProtocolError:
            if not parts:
                raise  # else what came before the damage is returned now, and the next read raises
        finally:
            del buf[:pos]
        return b"".join(parts) if parts else None

    def _run(self, buf: bytearray, start: int, limit: int, parts: list[bytearray]) -> tuple[int, int]:
        """Take the chunks that lie whole in ``buf`` from ``start`` (size line, data, CRLF) into ``parts`` while
        they fit in ``limit``, then the start of the one cut by the buffer's end; the length of what is taken, and
        the bytes of data in it.

        Work per read, not per chunk: ``buf`` is cut at every CRLF and checked with C-level operations on the lists
        of size lines and data. A run of pieces is a run of whole chunks exactly when each size line is hex digits
        and each datum is as long as its size says (a datum holding a CRLF fails that and ends the run: the
        careful path takes that chunk)."""
        pieces = buf[start:start + 2 * limit].split(b"\r\n")
        count = (len(pieces) - 1) // 2  # pairs followed by a CRLF
        lengths = list(map(len, pieces[1:2 * count:2]))
        ends = list(accumulate(lengths))
        whole = min(count, bisect_right(ends, limit))
        sizes = pieces[0:2 * whole:2]
        if whole and (_SIZES.fullmatch(b"\r\n".join(sizes)) is None or 0 in lengths[:whole]
                      or list(map(int, sizes, repeat(16))) != lengths[:whole]):
            whole = _matching(sizes, lengths)
        if not whole:
            return 0, 0
        parts += pieces[1:2 * whole:2]
        have = ends[whole - 1]
        taken = have + sum(map(len, sizes[:whole])) + 4 * whole
        if whole == count and len(pieces) == 2 * count + 2 and have < limit:  # then a size line and some data
            line, data = pieces[-2:]
            size = int(line, 16) if _SIZE.fullmatch(line) else 0
            if 0 < len(data) <= size:
                data = data[:limit - have]
                parts.append(data)
                self.chunk_left = size - len(data)
                self.crlf_due = not self.chunk_left
                return taken + len(line) + 2 + len(data), have + len(data)
        return taken, have

    def _take_trailers(self, buf: bytearray, start: int) -> bytes | None:
        """After the last chunk (its size line ends at ``start``): the trailers up to a blank line, then the end."""
        if buf[start:start + 2] == b"\r\n" or buf[start:start + 1] == b"\n":
            end = start + (2 if buf[start] == 13 else 1)
        else:
            found = _BLANK_LINE.search(buf, start)
            end = found.end() if found else -1
            if end - start > MAX_HEAD or (end < 0 and len(buf) - start > MAX_HEAD):
                raise ProtocolError(f"the trailers exceed {MAX_HEAD // 1024} KiB")
            if end < 0:
                return None
            self.trailers = parse_trailers(bytes(buf[start:end]))
        del buf[:end]
        self.done = True
        return b""

    def at_eof(self) -> None:
        """The connection ended: the end of a body read until close, else ProtocolError (it was cut short)."""
        if self.remaining is not None and not self.done:
            what = "the last chunk" if self.remaining < 0 else f"{self.remaining} more bytes"
            raise ProtocolError(f"the connection closed mid-response ({what} never came)")
        self.done = True


def _lines(text: str) -> list[str]:
    """The lines of a head or trailers (CRLF or a bare LF), without the blank line that ends them."""
    lines = [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]
    return lines[:-2] if len(lines) >= 2 and lines[-1] == lines[-2] == "" else lines


def _fields(lines: list[str]) -> list[tuple[str, str]]:
    """(name, value) of each field line; a line starting with a space or tab continues the previous (obs-fold)."""
    folded: list[str] = []
    for line in lines:
        if line[:1] in (" ", "\t"):
            if not folded:
                raise ProtocolError(f"a continuation line before any header: {line[:60]!r}")
            folded[-1] = f"{folded[-1]} {line.lstrip(_OWS)}"
        else:
            folded.append(line)
    out = []
    for line in folded:
        found = _FIELD_LINE.fullmatch(line)
        if found is None:
            raise ProtocolError(f"not an HTTP header line: {line[:60]!r}")
        out.append((found.group(1), found.group(2)))
    return out


def _join(fields: list[tuple[str, str]]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in fields:
        key = name.lower()
        old = headers.get(key)
        headers[key] = value if old is None else f"{old}, {value}"
    return headers


def _tokens(value: str) -> list[str]:
    return [token.strip() for token in value.lower().split(",")]


def _check_framing_headers(headers: dict[str, str]) -> None:
    """A Content-Length that is one decimal number (repeats must agree), a Transfer-Encoding that is chunked."""
    length = headers.get("content-length")
    if length is not None:
        values = {value.strip() for value in length.split(",")}
        value = values.pop()
        if values:
            raise ProtocolError(f"conflicting Content-Length headers: {length[:60]!r}")
        if not (value.isascii() and value.isdigit()) or len(value) > 20:
            raise ProtocolError(f"bad Content-Length: {length[:60]!r}")
        headers["content-length"] = value
    encoding = headers.get("transfer-encoding")
    if encoding is not None:
        if encoding.lower() != "chunked":
            raise ProtocolError(f"unsupported Transfer-Encoding {encoding[:60]!r} (only chunked, once)")
        headers["transfer-encoding"] = "chunked"
