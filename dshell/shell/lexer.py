"""Syntax colouring of the input: commands, op names, categories, param names, literals, refs, queries."""

from __future__ import annotations

import re
from collections.abc import Callable

from prompt_toolkit.document import Document
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.lexers import Lexer

from dshell.explorer import REF_RE

from .commands import find
from .grammar import CATEGORY_RE, OP_RE
from .words import name_value, scan

Span = tuple[int, int, str]  # start, end, style class
_LITERAL = re.compile(
    r"""(?P<string>"(?:[^"\\]|\\.)*"?|'[^']*'?)
      | (?P<ref>(?<![\w.])_\d*(?:\.[A-Za-z0-9_\-]+|\[[^\]\s]*\])*)
      | (?P<keyword>\b(?:true|false|null|True|False|TRUE|FALSE|NULL)\b)
      | (?P<number>(?<![\w.:-])[-+]?(?:0[xXoObB][0-9a-fA-F]+|\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)(?![\w.:]))
      | (?P<key>[A-Za-z_][\w.-]*(?=\s*:\s))
      | (?P<punct>[{}\[\],:])""",
    re.VERBOSE,
)


def _literal_spans(text: str, offset: int) -> list[Span]:
    """Spans of a value: a bare word is a string unless it reads as a number, keyword or ref."""
    if REF_RE.fullmatch(text):
        return [(offset, offset + len(text), "ref")]
    spans = [(offset + m.start(), offset + m.end(), m.lastgroup or "") for m in _LITERAL.finditer(text)]
    if not text.startswith(("{", "[", '"', "'")) and not spans:
        return [(offset, offset + len(text), "string")]
    return spans


def highlight(text: str, is_op: Callable[[str], bool]) -> list[Span]:
    """Style spans over ``text``; ``is_op`` tells a known op name from a typo."""
    found = scan(text)
    words = found.words
    spans: list[Span] = []
    if found.pipe is not None:
        spans.append((found.pipe, len(text), "query"))
    if not words:
        return spans
    head, rest = words[0], list(words[1:])
    if REF_RE.fullmatch(head.text):
        spans.append((head.start, head.end, "ref"))
        return spans + [(w.start, w.end, "flag") for w in rest]
    declared = find(head.text)
    op = head
    if rest and declared is not None and declared.args[:1] == ("call",):  # tail/watch [SECONDS] Op params...
        spans.append((head.start, head.end, "command"))
        if declared.interval and len(rest) > 1 and rest[0].text[:1].isdigit():
            spans.append((rest[0].start, rest[0].end, "number"))
            rest.pop(0)
        op = rest.pop(0)
    elif rest and (declared is None or declared.category) and CATEGORY_RE.fullmatch(head.text) \
            and OP_RE.fullmatch(rest[0].text):
        spans.append((head.start, head.end, "category"))
        op = rest.pop(0)
    elif declared is not None:
        spans.append((head.start, head.end, "command"))
        return spans + [s for w in rest for s in
                        ([(w.start, w.end, "op")] if is_op(w.text) else _literal_spans(w.text, w.start))]
    elif not is_op(head.text) and _is_docker(head.text):  # ps -a, network ls: docker's words, flags dimmed
        spans.append((head.start, head.end, "command"))
        return spans + [(w.start, w.end, "flag") for w in rest if w.text.startswith("-")]
    spans.append((op.start, op.end, "op" if is_op(op.text) else "op.unknown"))
    for word in rest:
        pair = name_value(word.text)
        if pair:
            name_end = word.start + len(pair[0])
            spans += [(word.start, name_end, "param"), (name_end, name_end + 1, "punct")]
            spans += _literal_spans(pair[1], name_end + 1)
        else:
            spans += _literal_spans(word.text, word.start)
    return spans


def _is_docker(word: str) -> bool:
    from .docker.table import heads

    return word in heads()


class DshellLexer(Lexer):
    """The prompt_toolkit lexer over ``highlight``; styles are ``class:dshell.<kind>``."""

    def __init__(self, is_op: Callable[[str], bool]) -> None:
        self.is_op = is_op

    def lex_document(self, document: Document) -> Callable[[int], StyleAndTextTuples]:
        text = document.text
        styles = [""] * len(text)
        for start, end, kind in highlight(text, self.is_op):
            styles[start:end] = [f"class:dshell.{kind}"] * (end - start)
        lines: list[StyleAndTextTuples] = []
        pos = 0
        for line in document.lines:
            fragments: StyleAndTextTuples = []
            for i, ch in enumerate(line, pos):
                if fragments and fragments[-1][0] == styles[i]:
                    fragments[-1] = (styles[i], fragments[-1][1] + ch)
                else:
                    fragments.append((styles[i], ch))
            lines.append(fragments)
            pos += len(line) + 1
        return lambda lineno: lines[lineno] if lineno < len(lines) else []
