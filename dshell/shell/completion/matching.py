"""Fuzzy matching of a typed word against candidates: prefix, then substring, then subsequence."""

from __future__ import annotations

from collections.abc import Iterable

from dshell._frozen import Record


class Candidate(Record):
    """A completion: the ``text`` that replaces the word, what to ``display``, and a ``meta`` line."""

    text: str
    meta: str = ""
    display: str | None = None


def score(word: str, text: str) -> tuple[int, int, int] | None:
    """How well ``word`` matches ``text`` (lower is better), or None. Case-insensitive."""
    if not word:
        return (0, 0, 0)  # nothing typed: keep the given order
    w, t = word.lower(), text.lower()
    if t.startswith(w):
        return (0, 0 if text.startswith(word) else 1, len(t))  # `Contai`: the ops before `containers`
    pos = t.find(w)
    if pos >= 0:
        return (1, pos, len(t))
    first = last = -1
    i = 0
    for j, ch in enumerate(t):
        if ch == w[i]:
            if first < 0:
                first = j
            i += 1
            if i == len(w):
                last = j
                break
    if last < 0:
        return None
    return (2, last - first, len(t))


def rank(word: str, candidates: Iterable[Candidate]) -> list[Candidate]:
    """The candidates whose text matches ``word``, best first (then shorter, then in the given order)."""
    scored = []
    for n, cand in enumerate(candidates):
        s = score(word, cand.text)
        if s is not None:
            scored.append((s, n, cand))
    scored.sort(key=lambda item: (item[0], item[1]))
    return [cand for _, _, cand in scored]
