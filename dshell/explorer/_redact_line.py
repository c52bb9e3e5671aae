"""Masking of the secrets a typed input spells out, for history files.

A linear scan reads each `key: value` or `key=value` the way YAML and the shell do (a quoted, bracketed,
multi-word or block value is masked whole), never by the shape of a single line: credential keys of the op
typed (`_secrets`), variables whose names look secret (`-e GITHUB_TOKEN=...`, `--build-arg NPM_TOKEN=...`,
`Env: [DB_PASSWORD=...]`), and the password of every URL.
"""

from __future__ import annotations

import re

from ._redact import fetched_op, keys_for
from ._secrets import MASK, is_secret_key, is_secret_name, mask_urls

_OP = re.compile(r"\s*(?:[a-z]+\s+)?([A-Z]\w*)")  # the op of `[category] Op ...`
_LOGIN = re.compile(r"\s*login\s")  # `login [-u USER] [-p PASSWORD] [REGISTRY]`
_SET = re.compile(r"\s*set\s+(\S+)\s+(?=\S)")  # set KEY VALUE: a secret setting's value is the rest
_FETCH = re.compile(r"\s*fetch\s+(?:([A-Za-z]+)\s+)?(/\S*)")  # `fetch [METHOD] /path`
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
_CLOSERS = {"{": "}", "[": "]"}


def redact_line(text: str) -> str:
    """An input (one line or several) with the secrets it spells out replaced by '***', for history files;
    linear in the length of the input."""
    fetch = _FETCH.match(text)
    op = _OP.match(text)
    keys = keys_for(fetched_op(fetch[1] or "GET", fetch[2]) if fetch else op[1] if op else None)
    if _LOGIN.match(text):
        keys |= {"p"}  # login -p PASSWORD (--password is a secret key anyway)
    setting = _SET.match(text)
    if setting and is_secret_key(setting[1], keys):  # set tlspass VALUE: the value is all that follows
        return text[:setting.end()] + MASK
    return mask_urls(_LineMasker(text, keys).run())


class _LineMasker:
    """One pass over a typed input: keys are recognised where they start, their values skipped whole."""

    def __init__(self, text: str, keys: frozenset[str]) -> None:
        self.text, self.keys = text, keys
        self.out: list[str] = []
        self.done = 0  # text[:done] is in out
        self.depth: list[str] = []  # the open flow collections' closers

    def run(self) -> str:
        text, i, n = self.text, 0, len(self.text)
        while i < n:
            ch = text[i]
            if ch in "\"'":
                end = _quoted_end(text, i)
                if end <= n and text[end - 1] == ch and end > i + 1:
                    after = self._maybe_key(i, end, text[i + 1:end - 1])
                    if after == end:  # not a key: maybe a quoted NAME=value (-e "A=b c", Env: ["A=b c"])
                        self._quoted_assignment(i + 1, end - 1)
                    i = after
                else:
                    i = end
            elif ch in _NAME_CHARS and (i == 0 or text[i - 1] not in _NAME_CHARS):
                end = i
                while end < n and text[end] in _NAME_CHARS:
                    end += 1
                i = self._maybe_key(i, end, text[i:end].lstrip("-"))
            else:
                if ch in _CLOSERS:
                    self.depth.append(_CLOSERS[ch])
                elif self.depth and ch == self.depth[-1]:
                    self.depth.pop()
                i += 1
        return "".join(self.out) + text[self.done:]

    def _quoted_assignment(self, start: int, stop: int) -> None:
        """Mask the value of the quoted text[start:stop] when it is a NAME=value whose name looks secret."""
        eq = self.text.find("=", start, stop)
        if eq > start and eq + 1 < stop and self.done <= start and is_secret_name(self.text[start:eq]):
            self.out += [self.text[self.done:eq + 1], MASK]
            self.done = stop

    def _maybe_key(self, start: int, end: int, key: str) -> int:
        """Mask the value after the key at text[start:end] when it is a secret one; where to go on."""
        text, n = self.text, len(self.text)
        sep = end
        while sep < n and text[sep] in " \t" and text[start] != "-":
            sep += 1
        if sep >= n or not (is_secret_key(key, self.keys) or (sep == end and text[sep] == "=" and is_secret_name(key))):
            return end
        if text[sep] == ":" and text[start] != "-":
            value = _skip_blanks(text, sep + 1)
            stop = self._flow_value(value) if self.depth else self._block_value(start, value)
        elif text[sep] == "=" or (text[start] == "-" and sep == end and text[sep] in " \t"):
            value = sep + 1 if text[sep] == "=" else _skip_blanks(text, sep)
            stop = self._flow_value(value) if self.depth else _word_end(text, value)
        else:
            return end
        if stop > value:
            on_next_line = text[value] == "\n" and text[value - 1] not in " \t"
            self.out += [text[self.done:value], " " + MASK if on_next_line else MASK]
            self.done = stop
        return max(stop, end)

    def _flow_value(self, i: int) -> int:
        """The end of a value inside {...} or [...]: up to the `,` or closer of this level."""
        text, n, nested = self.text, len(self.text), list[str]()
        last = i  # after the last non-blank character of the value
        while i < n:
            ch = text[i]
            if ch in "\"'":
                i = _quoted_end(text, i)
                last = i
                continue
            if not nested and (ch == "," or ch == self.depth[-1]):
                break
            if ch in _CLOSERS:
                nested.append(_CLOSERS[ch])
            elif nested and ch == nested[-1]:
                nested.pop()
            i += 1
            if not ch.isspace():
                last = i
        return last

    def _block_value(self, key_start: int, i: int) -> int:
        """The end of a value in block YAML: a quoted or bracketed one, else the rest of the line and the
        lines indented deeper than the key (a `|`/`>` block, a nested mapping or list, a folded scalar)."""
        text, n = self.text, len(self.text)
        if i < n and text[i] in "\"'":
            return _quoted_end(text, i)
        if i < n and text[i] in _CLOSERS:
            return _bracketed_end(text, i)
        column = key_start - (text.rfind("\n", 0, key_start) + 1)
        stop = text.find("\n", i)
        stop = n if stop < 0 else stop
        while stop < n:
            line_end = text.find("\n", stop + 1)
            line_end = n if line_end < 0 else line_end
            line = text[stop + 1:line_end]
            if line.strip() and len(line) - len(line.lstrip(" \t")) <= column:
                break
            stop = line_end
        return stop


def _skip_blanks(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t":
        i += 1
    return i


def _quoted_end(text: str, i: int) -> int:
    """The index after the string quoted at text[i] (`\\` escapes in double quotes, `''` in single)."""
    quote, n = text[i], len(text)
    i += 1
    while i < n:
        if text[i] == "\\" and quote == '"':
            i += 2
        elif text[i] == quote:
            if quote == "'" and i + 1 < n and text[i + 1] == "'":
                i += 2
            else:
                return i + 1
        else:
            i += 1
    return n


def _bracketed_end(text: str, i: int) -> int:
    """The index after the collection opened at text[i] (or the end of an unclosed one)."""
    stack, n = [_CLOSERS[text[i]]], len(text)
    i += 1
    while i < n and stack:
        ch = text[i]
        if ch in "\"'":
            i = _quoted_end(text, i)
            continue
        if ch in _CLOSERS:
            stack.append(_CLOSERS[ch])
        elif ch == stack[-1]:
            stack.pop()
        i += 1
    return i


def _word_end(text: str, i: int) -> int:
    """The end of a shell word starting at text[i]: quoted, bracketed, or up to whitespace."""
    n = len(text)
    if i < n and text[i] in "\"'":
        return _quoted_end(text, i)
    if i < n and text[i] in _CLOSERS:
        return _bracketed_end(text, i)
    while i < n and not text[i].isspace():
        i += 1
    return i
