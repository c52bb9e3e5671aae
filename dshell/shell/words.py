"""Split an input line into words, keeping quotes and brackets together; tolerant of unfinished input."""

from __future__ import annotations

import re

from dshell._frozen import Record

OPENERS = {"{": "}", "[": "]", "(": ")"}
CLOSERS = {v: k for k, v in OPENERS.items()}
QUOTES = "\"'"
NAME_VALUE = re.compile(r"(?P<name>[A-Za-z_][\w.-]*)=(?P<value>.*)", re.S)


class Word(Record):
    """A word of the input and where it sits (``start``/``end`` offsets into the scanned text)."""

    text: str
    start: int
    end: int


class Scan(Record):
    """The words before a top-level ``|``, the text after it, and what is still open at the end."""

    words: tuple[Word, ...]
    pending: str  # unclosed openers and quotes, innermost last
    pipe: int | None = None  # offset of the top-level "|", if any

    def query(self, text: str) -> str | None:
        """The text after the top-level ``|`` of ``text`` (the scanned text), or None."""
        return None if self.pipe is None else text[self.pipe + 1:].strip()


def scan(text: str) -> Scan:
    """Split ``text`` at top-level whitespace; stop at a top-level ``|``."""
    words: list[Word] = []
    stack: list[str] = []
    start: int | None = None
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if stack and stack[-1] in QUOTES:
            if ch == "\\" and stack[-1] == '"':
                i += 1
            elif ch == stack[-1]:
                stack.pop()
        elif not stack and (ch.isspace() or ch == "|"):
            if start is not None:
                words.append(Word(text[start:i], start, i))
                start = None
            if ch == "|":
                return Scan(tuple(words), "", i)
        else:
            if start is None:
                start = i
            if ch in QUOTES or ch in OPENERS:
                stack.append(ch)
            elif ch in CLOSERS and stack and stack[-1] == CLOSERS[ch]:
                stack.pop()
        i += 1
    if start is not None:
        words.append(Word(text[start:], start, n))
    return Scan(tuple(words), "".join(stack))


def name_value(word: str) -> tuple[str, str] | None:
    """``name=value`` → (name, value as typed); None for any other word, such as a literal that starts with a
    bracket or a quote (its ``=`` is its own)."""
    if word[:1] in "{[\"'":
        return None
    m = NAME_VALUE.fullmatch(word)
    return (m["name"], m["value"]) if m else None


def is_complete(text: str) -> bool:
    """True when every bracket and quote of ``text`` is closed (so the input can run)."""
    return not scan(text).pending


_DOUBLE_QUOTED_ESCAPES = '$`"\\\n'


def shell_words(text: str) -> list[str]:
    """``text`` split as a POSIX shell splits a command line (no expansions): quotes removed, a backslash outside
    quotes keeping the next character as it is, inside double quotes only before $ ` " \\ or a newline (so
    ``sh -c "echo \\$A"`` gives ``echo $A``: Python's shlex keeps that backslash), nothing special inside single
    quotes. ValueError (one line) for a quote left open."""
    words: list[str] = []
    word: list[str] | None = None
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            if word is not None:
                words.append("".join(word))
                word = None
            i += 1
            continue
        word = [] if word is None else word
        if ch == "\\":
            if i + 1 < n and text[i + 1] != "\n":
                word.append(text[i + 1])
            i += 2
        elif ch == "'":
            end = text.find("'", i + 1)
            if end < 0:
                raise ValueError(f"no closing ' in: {text}")
            word.append(text[i + 1:end])
            i = end + 1
        elif ch == '"':
            i += 1
            while i < n and text[i] != '"':
                if text[i] == "\\" and i + 1 < n and text[i + 1] in _DOUBLE_QUOTED_ESCAPES:
                    if text[i + 1] != "\n":
                        word.append(text[i + 1])
                    i += 2
                else:
                    word.append(text[i])
                    i += 1
            if i >= n:
                raise ValueError(f'no closing " in: {text}')
            i += 1
        else:
            word.append(ch)
            i += 1
    if word is not None:
        words.append("".join(word))
    return words
