""".dockerignore: reading the file and matching paths with the docker CLI's rules (moby/patternmatcher).

Patterns are slash-separated paths relative to the context, cleaned like Go's ``filepath.Clean``; ``*`` and
``?`` never cross a ``/``, ``**`` crosses any number of them, ``!`` makes a pattern an exception, and the last
pattern that matches a path (or one of its parent directories) decides.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

_ESCAPE = frozenset(".+()|{}$")
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
        """Port of patternmatcher's compile: the cheapest kind of match that does, else a regexp."""
        out, kind, text, i, n = ["^"], "exact", self.text, 0, 0
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
                        out.append(".*")
                        kind = "regexp"
                else:
                    out.append("(.*/)?")
                    kind = "regexp"
                if n == 0:
                    kind = "suffix"
            elif ch == "*":
                out.append("[^/]*")
                kind = "regexp"
            elif ch == "?":
                out.append("[^/]")
                kind = "regexp"
            elif ch in _ESCAPE:
                out.append("\\" + ch)
            elif ch == "\\":
                if i < len(text):
                    out.append("\\" + text[i])
                    i += 1
                    kind = "regexp"
                else:
                    out.append("\\\\")
            elif ch in "[]":
                out.append(ch)
                kind = "regexp"
            else:
                out.append(ch)
            n += 1
        self.kind = kind
        if kind == "regexp":
            try:
                self.regexp = re.compile("".join(out) + "$", re.S)
            except re.error:
                raise ValueError(f".dockerignore: bad pattern {self.text!r} (a [ ] class is not closed?)") from None

    def match(self, path: str) -> bool:
        """Whether the slash path (relative to the context) matches this pattern."""
        if self.kind == "exact":
            return path == self.text
        if self.kind == "prefix":
            return path.startswith(self.text[:-2])
        if self.kind == "suffix":
            suffix = self.text[2:]
            return path.endswith(suffix) or (suffix[:1] == "/" and path == suffix[1:])
        assert self.regexp is not None
        return self.regexp.match(path) is not None


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
