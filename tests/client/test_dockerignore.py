""".dockerignore matching against moby/patternmatcher's own cases, and reading the file as ignorefile does."""

from __future__ import annotations

import subprocess
import sys

import pytest

from dshell.client._dockerignore import Matcher, keep_build_files, read_patterns

# (pattern, path, excluded?) from patternmatcher_test.go's TestMatches
PATTERNMATCHER_CASES = [
    ("**", "file", True),
    ("**", "file/", True),
    ("**/", "file", True),
    ("**/", "file/", True),
    ("**", "/", True),
    ("**/", "/", True),
    ("**", "dir/file", True),
    ("**/", "dir/file", True),
    ("**", "dir/file/", True),
    ("**/", "dir/file/", True),
    ("**/**", "dir/file", True),
    ("**/**", "dir/file/", True),
    ("dir/**", "dir/file", True),
    ("dir/**", "dir/file/", True),
    ("dir/**", "dir/dir2/file", True),
    ("dir/**", "dir/dir2/file/", True),
    ("**/dir", "dir", True),
    ("**/dir", "dir/file", True),
    ("**/dir2/*", "dir/dir2/file", True),
    ("**/dir2/*", "dir/dir2/file/", True),
    ("**/dir2/**", "dir/dir2/dir3/file", True),
    ("**/dir2/**", "dir/dir2/dir3/file/", True),
    ("**file", "file", True),
    ("**file", "dir/file", True),
    ("**/file", "dir/file", True),
    ("**file", "dir/dir/file", True),
    ("**/file", "dir/dir/file", True),
    ("**/file*", "dir/dir/file", True),
    ("**/file*", "dir/dir/file.txt", True),
    ("**/file*txt", "dir/dir/file.txt", True),
    ("**/file*.txt", "dir/dir/file.txt", True),
    ("**/file*.txt*", "dir/dir/file.txt", True),
    ("**/**/*.txt", "dir/dir/file.txt", True),
    ("**/**/*.txt2", "dir/dir/file.txt", False),
    ("**/*.txt", "file.txt", True),
    ("**/**/*.txt", "file.txt", True),
    ("a**/*.txt", "a/file.txt", True),
    ("a**/*.txt", "a/dir/file.txt", True),
    ("a**/*.txt", "a/dir/dir/file.txt", True),
    ("a/*.txt", "a/dir/file.txt", False),
    ("a/*.txt", "a/file.txt", True),
    ("a/*.txt**", "a/file.txt", True),
    ("a[b-d]e", "ae", False),
    ("a[b-d]e", "ace", True),
    ("a[b-d]e", "aae", False),
    ("a[^b-d]e", "aze", True),
    (".*", ".foo", True),
    (".*", "foo", False),
    ("abc.def", "abcdef", False),
    ("abc.def", "abc.def", True),
    ("abc.def", "abcZdef", False),
    ("abc?def", "abcZdef", True),
    ("abc?def", "abcdef", False),
    ("a\\\\", "a\\", True),
    ("**/foo/bar", "foo/bar", True),
    ("**/foo/bar", "dir/foo/bar", True),
    ("**/foo/bar", "dir/dir2/foo/bar", True),
    ("abc/**", "abc", False),
    ("abc/**", "abc/def", True),
    ("abc/**", "abc/def/ghi", True),
    ("**/.foo", ".foo", True),
    ("**/.foo", "bar.foo", False),
    ("a(b)c/def", "a(b)c/def", True),
    ("a(b)c/def", "a(b)c/xyz", False),
    ("a.|)$(}+{bc", "a.|)$(}+{bc", True),
    ("dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
     "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", True),
    ("dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", True),
    ("a\\*b", "a*b", True),
]

MULTI = [
    (["**", "!util/docker/web"], "util/docker/web/foo", False),
    (["**", "!util/docker/web", "util/docker/web/foo"], "util/docker/web/foo", True),
    (["**", "!dist/*.whl"], "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", False),
    (["*.log", "!keep.log"], "keep.log", False),
    (["*.log", "!keep.log"], "other.log", True),
    (["docs", "!docs/README.md"], "docs/README.md", False),
    (["docs", "!docs/README.md"], "docs/other.md", True),
]


@pytest.mark.parametrize(("pattern", "path", "excluded"), PATTERNMATCHER_CASES)
def test_patternmatcher_cases(pattern: str, path: str, excluded: bool) -> None:
    assert Matcher([pattern]).matches(path)[0] is excluded


@pytest.mark.parametrize(("pattern", "path", "excluded"), PATTERNMATCHER_CASES)
def test_parent_results_agree_with_a_fresh_match(pattern: str, path: str, excluded: bool) -> None:
    """Walking a tree passes each folder's results to its children (MatchesUsingParentResults)."""
    m = Matcher([pattern])
    parts = path.rstrip("/").split("/")
    said = None
    for i in range(1, len(parts)):
        said = m.matches("/".join(parts[:i]), said)[1]
    assert m.matches(path, said)[0] is excluded


@pytest.mark.parametrize(("patterns", "path", "excluded"), MULTI)
def test_exceptions(patterns: list[str], path: str, excluded: bool) -> None:
    assert Matcher(patterns).matches(path)[0] is excluded


def test_the_context_itself_is_never_excluded() -> None:
    assert not Matcher(["**"]).excluded(".")


def test_read_patterns_like_ignorefile() -> None:
    text = "\ufeff# comment\n\n  /abs/path  \n! /neg//x/../y\n*.tmp\n #not a comment\n"
    assert read_patterns(text) == ["abs/path", "!neg/y", "*.tmp", "#not a comment"]


def test_an_excluded_dockerfile_and_dockerignore_are_still_sent() -> None:
    assert keep_build_files(["Dockerfile", ".dockerignore"], "Dockerfile") == [
        "Dockerfile", ".dockerignore", "!.dockerignore", "!Dockerfile"]
    assert keep_build_files(["*.md"], "Dockerfile") == ["*.md"]


@pytest.mark.parametrize("bad", ["!", "a[b"])
def test_bad_patterns_are_one_line_errors(bad: str) -> None:
    with pytest.raises(ValueError, match=r"\.dockerignore: ") as info:
        Matcher([bad])
    assert "\n" not in str(info.value)


def test_an_exception_under_an_excluded_folder_keeps_it_walked() -> None:
    m = Matcher(["docs", "!docs/keep.md"])
    assert m.may_keep_under("docs")
    assert not m.may_keep_under("src")


def test_a_backtracking_pattern_matches_in_linear_time() -> None:
    """``*a*a…*b`` against 60 ``a``s ran for ever as a regexp (a cloned repository is enough); the automaton
    answers at once. Run apart, so that the old matcher's hang fails the test instead of holding the GIL."""
    code = ("from dshell.client._dockerignore import Matcher\n"
            "m = Matcher(['*a*a*a*a*a*a*a*a*a*a*a*a*b', '**/x*y*z*w*v*u*t*q'])\n"
            "print(m.matches('a' * 60)[0], m.matches('a' * 59 + 'b')[0], m.matches('d/' + 'xyz' * 40)[0])\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.stdout.split() == ["False", "True", "False"], done.stderr


@pytest.mark.parametrize(("pattern", "path", "excluded"), [
    ("[]a]x", "]x", True), ("[]a]x", "ax", True), ("[^/]x", "/x", False), ("a\\dz", "a5z", True),
    ("a\\dz", "adz", False), ("a[*]b", "a*b", True), ("a[*]b", "axb", False), ("*/b", "a/b", True),
    ("a\\q", "aq", True), ("*.*x", "a.bx", True), ("*.*x", "abx", False), ("*.*x", "a/.bx", False),
    ("**/a/**/b", "x/a/y/z/b", True), ("**/a/**/b", "x/a/b", True), ("**/a/**/b", "x/ab", False),
    ("a*b*c/**", "aXbYc/d/e", True), ("a*b*c/**", "aXbYc", False), ("*?*.go", "x.go", True),
])
def test_classes_and_escapes(pattern: str, path: str, excluded: bool) -> None:
    assert Matcher([pattern]).matches(path)[0] is excluded
