""".dockerignore: reading the file and matching paths with the docker CLI's rules (moby/patternmatcher).

Patterns are slash-separated paths relative to the context, cleaned like Go's ``filepath.Clean``; ``*`` and
``?`` never cross a ``/``, ``**`` crosses any number of them, ``!`` makes a pattern an exception, and the last
pattern that matches a path (or one of its parent directories) decides.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

_BOM = "\ufeff"


def clean(path: str) -> str:
    """Go's ``filepath.Clean`` for slash paths: ``""`` is ``"."``, ``//a/./b/`` is ``/a/b``."""
    if not path:
        return "."
    cleaned = posixpath.normpath(path)
    return "/" + cleaned.lstrip("/") if cleaned.startswith("//") else cleaned


@dataclass(slots=True)
class Pattern:
    """One cleaned pattern; ``exclusion`` for a ``!`` exception."""

    text: str
    exclusion: bool
    kind: str = "exact"  # exact | prefix | suffix | regexp
    regexp: re.Pattern[str] | None = field(default=None, repr=False)
    automaton: _Automaton | None = field(default=None, repr=False)

    @classmethod
    def compile(cls, raw: str) -> Pattern:
        """The pattern for a line of .dockerignore; ValueError naming a bad one."""
        text = clean(raw.strip())
        exclusion = text.startswith("!")
        if exclusion:
            if len(text) == 1:
                raise ValueError('.dockerignore: illegal exclusion pattern "!"')
            text = text[1:]
        pattern = cls(text, exclusion)
        pattern._translate()
        return pattern

    def _translate(self) -> None:
        """Port of patternmatcher's compile: the cheapest kind of match that does, else its regexp; with more
        than one ``*`` (or ``**/`` in the middle) the same meaning as an automaton, matched in time linear in the
        path (a regexp backtracks for ever on ``*a*a*a*…*b``)."""
        steps: list[_Step] = []
        sources: list[str] = []  # each step as a regexp
        kind, text, i, n = "exact", self.text, 0, 0
        while i < len(text):
            ch = text[i]
            i += 1
            if ch == "*" and text[i:i + 1] == "*":
                i += 1
                if text[i:i + 1] == "/":
                    i += 1
                if i >= len(text):
                    if kind == "exact":
                        kind = "prefix"
                    else:
                        steps.append(_ANY)
                        sources.append(".*")
                        kind = "regexp"
                else:
                    steps.append(_DIRS)
                    sources.append("(.*/)?")
                    kind = "regexp"
                if n == 0:
                    kind = "suffix"
            elif ch == "*":
                steps.append(_STAR)
                sources.append("[^/]*")
                kind = "regexp"
            elif ch == "?":
                steps.append(_not_slash)
                sources.append("[^/]")
                kind = "regexp"
            elif ch == "\\":
                if i < len(text):
                    steps.append(_escaped(text[i]))
                    sources.append("\\" + text[i] if text[i] in _CLASSES else re.escape(text[i]))
                    i += 1
                    kind = "regexp"
                else:
                    steps.append("\\")
                    sources.append("\\\\")
            elif ch == "[":
                end = _class_end(text, i)
                if end < 0:
                    raise ValueError(f".dockerignore: bad pattern {self.text!r} (a [ ] class is not closed?)")
                steps.append(_char_class(text[i - 1:end + 1], self.text))
                sources.append(text[i - 1:end + 1])
                i = end + 1
                kind = "regexp"
            elif ch == "]":
                steps.append("]")
                sources.append("\\]")
                kind = "regexp"
            else:
                steps.append(ch)
                sources.append(re.escape(ch))
            n += 1
        self.kind = kind
        if kind == "regexp":
            repeats = [step for step in steps if isinstance(step, int)]
            if repeats.count(_DIRS) <= 1 and len(repeats) - repeats.count(_DIRS) <= 1:
                self.regexp = re.compile("^" + "".join(sources) + "$", re.S)  # one repeat of each kind: fast
            else:
                self.automaton = _Automaton(steps)

    def match(self, path: str) -> bool:
        """Whether the slash path (relative to the context) matches this pattern."""
        if self.kind == "exact":
            return path == self.text
        if self.kind == "prefix":
            return path.startswith(self.text[:-2])
        if self.kind == "suffix":
            suffix = self.text[2:]
            return path.endswith(suffix) or (suffix[:1] == "/" and path == suffix[1:])
        if self.regexp is not None:
            return self.regexp.match(path) is not None
        assert self.automaton is not None
        return self.automaton.match(path)


# A pattern's steps: a literal character, a test of one character, or a repeat: _STAR ``[^/]*``, _ANY ``.*``,
# _DIRS ``(.*/)?`` (nothing, or anything that ends with a slash).
_STAR, _ANY, _DIRS = 1, 2, 3
_Step = str | int | Callable[[str], bool]
_CLASSES = "dDwWsS"
_CACHE = 1024  # state sets remembered per pattern


def _not_slash(ch: str) -> bool:
    return ch != "/"


def _escaped(ch: str) -> _Step:
    """``\\x``: the character itself; ``\\d \\w \\s`` (and capitals) their classes, as in the regexp."""
    if ch in _CLASSES:
        return re.compile("\\" + ch, re.S).fullmatch  # type: ignore[return-value]
    return ch


def _class_end(text: str, start: int) -> int:
    """The index of the ``]`` that closes the class opened before ``start``; -1 when none does."""
    i = start + (text[start:start + 1] == "^")
    i += text[i:i + 1] == "]"  # a ] first is a member
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == "]":
            return i
        i += 1
    return -1


def _char_class(source: str, pattern: str) -> _Step:
    try:
        return re.compile(source, re.S).fullmatch  # type: ignore[return-value]
    except re.error:
        raise ValueError(f".dockerignore: bad pattern {pattern!r} (a [ ] class is not closed?)") from None


class _Automaton:
    """The steps as a nondeterministic automaton run over the path once (a set of states per character, as
    Go's regexp does): linear in the path, whatever the pattern. State ``2k`` waits at step ``k``, ``2k+1`` is
    inside a _DIRS at step ``k``; a set is a bit mask, numbered when first reached, its moves remembered (a
    lazy DFA, started afresh past _CACHE sets)."""

    __slots__ = ("steps", "start", "final", "sets", "numbers", "rows")

    def __init__(self, steps: list[_Step]) -> None:
        self.steps = steps
        self.start = self._closure(1)
        self.final = 1 << (2 * len(steps))
        self.sets: list[int] = []
        self.numbers: dict[int, int] = {}
        self.rows: list[dict[str, int]] = []

    def _closure(self, states: int) -> int:
        """``states`` with every repeat that may match nothing skipped."""
        for k, step in enumerate(self.steps):
            if states >> (2 * k) & 1 and isinstance(step, int):
                states |= 1 << (2 * k + 2)
        return states

    def _move(self, states: int, ch: str) -> int:
        out = 0
        for k, step in enumerate(self.steps):
            if states >> (2 * k + 1) & 1:  # inside a _DIRS
                out |= 1 << (2 * k + 1) | ((1 << (2 * k + 2)) if ch == "/" else 0)
            if not states >> (2 * k) & 1:
                continue
            if isinstance(step, str):
                out |= (1 << (2 * k + 2)) if ch == step else 0
            elif step == _STAR:
                out |= (1 << (2 * k)) if ch != "/" else 0
            elif step == _ANY:
                out |= 1 << (2 * k)
            elif step == _DIRS:
                out |= 1 << (2 * k + 1) | ((1 << (2 * k + 2)) if ch == "/" else 0)
            elif not isinstance(step, int) and step(ch):
                out |= 1 << (2 * k + 2)
        return self._closure(out)

    def _number(self, states: int) -> int:
        number = self.numbers.get(states)
        if number is None:
            number = self.numbers[states] = len(self.sets)
            self.sets.append(states)
            self.rows.append({})
        return number

    def _step(self, number: int, ch: str) -> int:
        """The set after ``ch`` from set ``number`` (-1: none), computed and remembered."""
        if len(self.sets) >= _CACHE:
            states = self.sets[number]
            self.sets, self.numbers, self.rows = [], {}, []
            number = self._number(states)
        nxt = self._move(self.sets[number], ch)
        found = self._number(nxt) if nxt else -1
        self.rows[number][ch] = found
        return found

    def match(self, path: str) -> bool:
        at = self._number(self.start)
        rows = self.rows
        for ch in path:
            nxt = rows[at].get(ch)
            if nxt is None:
                nxt = self._step(at, ch)
                rows = self.rows
            if nxt < 0:
                return False
            at = nxt
        return bool(self.sets[at] & self.final)


class Matcher:
    """The patterns of a .dockerignore, applied in order as the docker CLI does."""

    def __init__(self, patterns: list[str]) -> None:
        self.patterns = [Pattern.compile(p) for p in patterns if p.strip()]
        self.exclusions = any(p.exclusion for p in self.patterns)

    def __bool__(self) -> bool:
        return bool(self.patterns)

    def matches(self, path: str, parent: list[bool] | None = None) -> tuple[bool, list[bool]]:
        """(excluded?, what each pattern said) for ``path``; ``parent`` is what they said of its directory
        (MatchesUsingParentResults: a pattern that matched the parent matches its children)."""
        path = clean(path)
        matched = False
        said = [False] * len(self.patterns)
        for i, pattern in enumerate(self.patterns):
            hit = parent[i] if parent else False
            if not hit:
                if pattern.exclusion != matched:
                    continue
                hit = pattern.match(path)
                if not hit and parent is None:
                    hit = _parent_matches(pattern, path)
            said[i] = hit
            if hit:
                matched = not pattern.exclusion
        return matched, said

    def excluded(self, path: str) -> bool:
        """Whether ``path`` is left out of the context (the context itself never is)."""
        return clean(path) != "." and self.matches(path)[0]

    def may_keep_under(self, directory: str) -> bool:
        """Whether an exception (``!dir/file``) may bring back something under an excluded directory."""
        prefix = clean(directory) + "/"
        return any(p.exclusion and (p.text + "/").startswith(prefix) for p in self.patterns)


def _parent_matches(pattern: Pattern, path: str) -> bool:
    parts = posixpath.dirname(path).split("/") if "/" in path else []
    return any(pattern.match("/".join(parts[:i + 1])) for i in range(len(parts)))


def read_patterns(text: str) -> list[str]:
    """The patterns of a .dockerignore's text (ignorefile.ReadAll): comments and blanks dropped, each cleaned,
    a leading ``/`` removed (``!`` kept in front)."""
    out = []
    for number, line in enumerate(text.splitlines()):
        if number == 0:
            line = line.removeprefix(_BOM)
        if line.startswith("#"):
            continue
        line = line.strip()
        if not line:
            continue
        invert = line.startswith("!")
        if invert:
            line = line[1:].strip()
        if line:
            line = clean(line)
            if len(line) > 1 and line.startswith("/"):
                line = line[1:]
        out.append("!" + line if invert else line)
    return out


def load(context: Path) -> list[str]:
    """The patterns of ``context/.dockerignore`` ([] when there is none)."""
    try:
        text = (context / ".dockerignore").read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return []
    return read_patterns(text)


def keep_build_files(patterns: list[str], dockerfile: str) -> list[str]:
    """TrimBuildFilesFromExcludes: .dockerignore and the Dockerfile are sent even when the patterns exclude them
    (the daemon reads them, then drops them from the context)."""
    matcher = Matcher(patterns)
    extra = [f"!{name}" for name in (".dockerignore", clean(dockerfile)) if matcher.excluded(name)]
    return patterns + extra
