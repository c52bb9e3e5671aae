"""The protobuf wire format, as far as BuildKit's session and progress messages need it.

Every message dshell reads or writes is a handful of scalar, bytes and nested fields (fsutil's Packet and Stat,
the control API's StatusResponse, the session services' requests and answers): ``fields`` walks one message's
fields, the ``put_*`` helpers write them. Unknown fields are skipped, as protobuf readers do.
"""

from __future__ import annotations

from collections.abc import Iterator

VARINT, I64, LEN, I32 = 0, 1, 2, 5


class ProtoError(ValueError):
    """Bytes that are not a well-formed protobuf message."""


def varint(n: int) -> bytes:
    """``n`` as a base-128 varint (a negative int64 as its 10-byte two's complement)."""
    if n < 0:
        n += 1 << 64
    out = bytearray()
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _read_varint(buf: bytes | memoryview, i: int) -> tuple[int, int]:
    result = shift = 0
    n = len(buf)
    while True:
        if i >= n or shift > 63:
            raise ProtoError("truncated or overlong varint")
        byte = buf[i]
        i += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, i
        shift += 7


def fields(buf: bytes | memoryview) -> Iterator[tuple[int, int | bytes]]:
    """(field number, value) of each field: an int for varint and fixed fields, bytes for length-delimited ones."""
    i, n = 0, len(buf)
    while i < n:
        key, i = _read_varint(buf, i)
        number, wire = key >> 3, key & 7
        if number == 0:
            raise ProtoError("field number 0")
        if wire == VARINT:
            value, i = _read_varint(buf, i)
            yield number, value
        elif wire == LEN:
            size, i = _read_varint(buf, i)
            if i + size > n:
                raise ProtoError("length-delimited field runs past the message")
            yield number, bytes(buf[i:i + size])
            i += size
        elif wire in (I64, I32):
            width = 8 if wire == I64 else 4
            if i + width > n:
                raise ProtoError("fixed field runs past the message")
            yield number, int.from_bytes(buf[i:i + width], "little")
            i += width
        else:
            raise ProtoError(f"unsupported wire type {wire}")


def signed(n: int) -> int:
    """An int64 read as a varint (two's complement)."""
    return n - (1 << 64) if n >= 1 << 63 else n


def put_varint(number: int, n: int) -> bytes:
    """A varint field (omitted when zero, as proto3 writes it)."""
    return varint(number << 3) + varint(n) if n else b""


def put_bytes(number: int, data: bytes | str) -> bytes:
    """A length-delimited field (string, bytes or an encoded message; omitted when empty)."""
    if isinstance(data, str):
        data = data.encode()
    return varint(number << 3 | LEN) + varint(len(data)) + data if data else b""


def put_message(number: int, data: bytes) -> bytes:
    """A nested message field, written even when empty (its presence means something)."""
    return varint(number << 3 | LEN) + varint(len(data)) + data


def text(value: int | bytes) -> str:
    """A string field's value."""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def timestamp(value: int | bytes) -> float | None:
    """A google.protobuf.Timestamp as Unix seconds (None for a zero one)."""
    seconds = nanos = 0
    if isinstance(value, bytes):
        for number, v in fields(value):
            if number == 1 and isinstance(v, int):
                seconds = signed(v)
            elif number == 2 and isinstance(v, int):
                nanos = signed(v)
    if not seconds and not nanos:
        return None
    return seconds + nanos / 1e9
