"""The user's terminal during attach/exec: tty modes, size, SIGWINCH, detach keys, local line editing."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import termios
import tty
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

DEFAULT_DETACH_KEYS = "ctrl-p,ctrl-q"
# docker's names for the control codes 0..31 (github.com/moby/term: ASCII)
_CTRL = ["ctrl-@", *(f"ctrl-{chr(c)}" for c in range(ord("a"), ord("z") + 1)),
         "ctrl-[", "ctrl-\\", "ctrl-]", "ctrl-^", "ctrl-_"]
_ESCAPES = re.compile(rb"\x1b\[[0-9;?]*[@-~]|\x1bO.|\x1b")  # arrow keys & co. mean nothing to a line


def parse_detach_keys(spec: str) -> bytes:
    """docker's ``detachKeys`` format (``ctrl-p,ctrl-q``, ``ctrl-x,a``) as bytes; ValueError when unreadable."""
    codes = bytearray()
    for key in spec.split(","):
        if len(key) == 1 and key.isascii():
            codes.append(ord(key))
        elif key.lower() in _CTRL:
            codes.append(_CTRL.index(key.lower()))
        else:
            raise ValueError(f"unknown key {key!r} in detach keys {spec!r}: use a letter or ctrl-a … ctrl-z, "
                             f"ctrl-@, ctrl-[, ctrl-\\, ctrl-], ctrl-^, ctrl-_ separated by commas")
    return bytes(codes)


def describe_keys(spec: str) -> str:
    """``ctrl-p,ctrl-q`` → ``ctrl-p ctrl-q`` (for messages)."""
    return spec.replace(",", " ")


@contextlib.contextmanager
def terminal_mode(fd: int, mode: Literal["raw", "keys"]) -> Iterator[None]:
    """Put the tty ``fd`` in ``raw`` mode (bytes pass untouched both ways) or ``keys`` mode (each key at
    once, no echo, no signals, output newlines still translated); the settings are always restored."""
    if not os.isatty(fd):
        yield
        return
    saved = termios.tcgetattr(fd)
    try:
        if mode == "raw":
            tty.setraw(fd, termios.TCSANOW)
        else:
            attrs = termios.tcgetattr(fd)
            attrs[0] &= ~(termios.IXON | termios.ICRNL | termios.INLCR | termios.IGNCR)
            attrs[3] &= ~(termios.ICANON | termios.ECHO | termios.ISIG | termios.IEXTEN)
            attrs[6][termios.VMIN], attrs[6][termios.VTIME] = 1, 0
            termios.tcsetattr(fd, termios.TCSANOW, attrs)
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def terminal_size(fd: int) -> tuple[int, int] | None:
    """(rows, columns) of the tty ``fd``, or None when it is not a terminal."""
    try:
        size = os.get_terminal_size(fd)
    except OSError:
        return None
    return (size.lines, size.columns) if size.lines and size.columns else None


class ResizeSignal:
    """SIGWINCH as a readable pipe while in the ``with`` block (the handler can only be set in the main
    thread; elsewhere the pipe never becomes readable)."""

    def __enter__(self) -> ResizeSignal:
        self._read, self._write = os.pipe()
        os.set_blocking(self._read, False)
        os.set_blocking(self._write, False)
        try:
            self._previous = signal.signal(signal.SIGWINCH, self._handler)
            self._installed = True
        except ValueError:
            self._installed = False
        return self

    def _handler(self, signum: int, frame: object) -> None:
        with contextlib.suppress(OSError):
            os.write(self._write, b"w")

    def fileno(self) -> int:
        return self._read

    def drain(self) -> None:
        """Forget the signals seen so far."""
        with contextlib.suppress(OSError):
            while os.read(self._read, 64):
                pass

    def __exit__(self, *exc: object) -> None:
        if self._installed:
            signal.signal(signal.SIGWINCH, self._previous)
        os.close(self._read)
        os.close(self._write)


class DetachFilter:
    """Watches typed bytes for the detach sequence (like docker's escape proxy): a partly typed sequence is
    held back until the next byte shows whether it completes; the whole sequence is never forwarded."""

    def __init__(self, keys: bytes) -> None:
        self.keys = keys
        self._held = 0

    def feed(self, data: bytes) -> tuple[bytes, bool]:
        """(the bytes to forward, whether the sequence was completed)."""
        if not self.keys or (not self._held and self.keys[0] not in data):
            return data, False
        out = bytearray()
        for byte in data:
            if byte == self.keys[self._held]:
                self._held += 1
                if self._held == len(self.keys):
                    self._held = 0
                    return bytes(out), True
                continue
            out += self.keys[:self._held]
            self._held = 1 if byte == self.keys[0] else 0
            if not self._held:
                out.append(byte)
        return bytes(out), False


@dataclass(frozen=True, slots=True)
class Edit:
    """What typed keys amount to: ``echo`` for the screen, ``send`` for the process, stdin ``eof``
    (ctrl-d on an empty line), ``interrupt`` (ctrl-c)."""

    echo: bytes = b""
    send: bytes = b""
    eof: bool = False
    interrupt: bool = False


class LineEditor:
    """Local line editing for a process without a TTY (nothing echoes what it reads): printable keys
    echo, backspace and ctrl-u erase, Enter sends the line, ctrl-d sends EOF (or the pending line)."""

    def __init__(self) -> None:
        self._line = bytearray()

    def feed(self, data: bytes) -> Edit:
        """Apply the keys in ``data``; keys after an EOF or an interrupt are dropped."""
        echo, send = bytearray(), bytearray()
        for byte in _ESCAPES.sub(b"", data):
            if byte in (0x0d, 0x0a):
                send += self._line + b"\n"
                echo += b"\r\n"
                self._line.clear()
            elif byte in (0x7f, 0x08):
                echo += self._erase(1)
            elif byte == 0x15:
                echo += self._erase(len(self._line))
            elif byte == 0x04:
                if not self._line:
                    return Edit(bytes(echo), bytes(send), eof=True)
                send += self._line
                self._line.clear()
            elif byte == 0x03:
                return Edit(bytes(echo) + b"^C", bytes(send), interrupt=True)
            elif byte >= 0x20 or byte == 0x09:
                self._line.append(byte)
                echo.append(byte)
        return Edit(bytes(echo), bytes(send))

    def _erase(self, chars: int) -> bytes:
        erased = 0
        while self._line and erased < chars:
            while self._line and self._line.pop() & 0xC0 == 0x80:  # UTF-8 continuation bytes
                pass
            erased += 1
        return b"\b \b" * erased
