"""`render`: the fitting renderable for any value: results, list tables, trees, hexdumps, text."""

from __future__ import annotations

from collections.abc import Callable

from dshell._checking import TYPE_CHECKING

from ._logs import LOG_OPS, LogText
from ._results import Result
from ._view import View, html_of
from ._visible import visible, visible_line

if TYPE_CHECKING:
    from typing import Any

    from rich.console import Console, ConsoleOptions, ConsoleRenderable, RenderResult
    from rich.text import Text

DEFAULT_LIMIT = 200
"""Rows, lines, tree children and hexdump lines shown before "… N more"."""
LINE_CHARS = 500
"""Text is cut after `limit * LINE_CHARS` characters even without line breaks."""


def render(
    value: Any, op: str | None = None, *, full: bool = False, limit: int | None = DEFAULT_LIMIT, path: str | None = None
) -> View:
    """A renderable (terminal and notebook) for `value`; `op` picks a known table, `full` shows every key.

    `limit` bounds what is shown (rows, lines, children per node); None shows everything. `path` is where
    `value` lies (`_3.Config`), for the drill-down paths a notebook shows (none when None).
    """
    data, op = (value.data, value.op) if isinstance(value, Result) else (value, op)
    return View(renderable(value, op, full=full, limit=limit, path=path), data, op)


def renderable(
    value: Any, op: str | None = None, *, full: bool = False, limit: int | None = DEFAULT_LIMIT, path: str | None = None
) -> ConsoleRenderable:
    """The plain rich renderable behind `render`."""
    if isinstance(value, Result):
        return ResultView(value, full=full, limit=limit)
    from ._tables import op_table  # the tables' columns only when a table may be shown

    if not full and (table := op_table(value, op, limit)) is not None:
        return table
    if op in LOG_OPS and isinstance(value, str):
        return LogText(value, limit)
    return _by_type(value, full, limit, path)


def _by_type(value: Any, full: bool, limit: int | None, path: str | None) -> ConsoleRenderable:
    """The renderable of ``value``'s kind (of its type or a base: a str subclass is text). Each kind loads its own
    renderer, a one-shot's text none; plain ``isinstance``, as functools.singledispatch's register imports
    typing."""
    show = _KINDS.get(type(value)) or next((f for t, f in _KINDS.items() if isinstance(value, t)), _scalar)
    return show(value, full, limit, path)


def _scalar(value: Any, full: bool, limit: int | None, path: str | None) -> ConsoleRenderable:
    from ._tree import scalar_text

    return scalar_text(value)


def _bytes(value: bytes | bytearray, full: bool, limit: int | None, path: str | None) -> ConsoleRenderable:
    from ._hexdump import WIDTH, Hexdump

    return Hexdump(bytes(value), None if limit is None else limit * WIDTH)


def _str(value: str, full: bool, limit: int | None, path: str | None) -> ConsoleRenderable:
    from rich.console import Group
    from rich.text import Text

    end = _text_end(value, limit)
    if end == len(value):
        return Text(visible(value))
    return Group(Text(visible(value[:end])), Text(f"… {len(value) - end} more characters", style="dim"))


def _text_end(value: str, limit: int | None) -> int:
    """Where text shown up to ``limit`` lines (and ``limit * LINE_CHARS`` characters) is cut."""
    return len(value) if limit is None else min(len(value), limit * LINE_CHARS, _line_end(value, limit))


def _line_end(value: str, lines: int) -> int:
    """The offset of the `lines`-th line break in `value`, or its length if it has fewer."""
    pos = -1
    for _ in range(lines):
        pos = value.find("\n", pos + 1)
        if pos < 0:
            return len(value)
    return pos


def _dict(value: dict[str, Any], full: bool, limit: int | None, path: str | None) -> ConsoleRenderable:
    from ._tree import DataTree, scalar_text

    return DataTree(value, limit, path) if value else scalar_text(value)


def _list(value: list[Any] | tuple[Any, ...], full: bool, limit: int | None, path: str | None) -> ConsoleRenderable:
    from ._tree import DataTree, scalar_text

    if not value:
        return scalar_text(value)
    if not full and all(isinstance(item, dict) for item in value):
        from ._tables import generic_table

        return generic_table(list(value), limit)
    return DataTree(value, limit, path)


_KINDS: dict[type, Callable[[Any, bool, int | None, str | None], ConsoleRenderable]] = {
    str: _str, bytes: _bytes, bytearray: _bytes, dict: _dict, list: _list, tuple: _list}


class ResultView:
    """A result as its header line (`[3] ContainerList  200  12 ms`) and body; a failure is one red line."""

    def __init__(self, result: Result, *, full: bool = False, limit: int | None = DEFAULT_LIMIT) -> None:
        self.result = result
        self.full = full
        self.limit = limit
        data = None if result.failed else result.data
        plain = not result.failed and (data is None or (  # text, not a log: no table, no tree, no colour
            isinstance(data, str) and "\t" not in data and result.op not in LOG_OPS))
        self.plain_text: Callable[[], str] | None = self._plain if plain else None

    def _plain(self) -> str:
        """The header and the text as a pipe gets them, without rich (`dshell -c SystemPing` never loads it)."""
        result, data = self.result, self.result.data
        head = f"[{result.n}] {result.op}" + ("" if result.status is None else f"  {status_text(result)}")
        head += f"  {_duration(result.duration)}"
        if data is None:
            return head
        end = _text_end(data, self.limit)
        more = f"\n… {len(data) - end} more characters" if end < len(data) else ""
        return f"{head}\n{visible(data[:end])}{more}"

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield header(self.result)
        if (body := self._body()) is not None:
            yield body

    def _body(self) -> ConsoleRenderable | None:
        if self.result.failed or self.result.data is None:  # 204 and the like: the header says it all
            return None
        return renderable(self.result.data, self.result.op, full=self.full, limit=self.limit, path=f"_{self.result.n}")

    def __html__(self) -> str:
        from . import _html as H

        result = self.result
        if result.failed:
            return H.error_line(f"[{result.n}] {result.op}  {error_message(result)}  {_duration(result.duration)}")
        colour = H.COLOURS["str"]
        status = "" if result.status is None else f' <span style="color:{colour}">{status_text(result)}</span>'
        head = (f'<div style="{H.MONO}"><b style="color:#2a9fb0">[{result.n}]</b> <b>{H.escape(result.op)}</b>'
                f'{status} <span style="{H.DIM}">{_duration(result.duration)}</span></div>')
        body = self._body()
        return head + ("" if body is None else html_of(body))


def header(result: Result) -> Text:
    """`[n] Op  status  duration`; for a failed result the status part is the red error message."""
    from rich.text import Text

    text = Text.assemble((f"[{result.n}] ", "bold cyan"), (result.op, "bold"))
    if result.failed:
        text.append(f"  {visible_line(error_message(result))}", style="bold red")
    elif result.status is not None:
        text.append(f"  {status_text(result)}", style="green")
    text.append(f"  {_duration(result.duration)}", style="dim")
    return text


NO_CHANGE = {"ContainerStart": "already started", "ContainerStop": "already stopped"}
"""What a 304 (nothing done) means for the ops that answer one, as the API describes it."""


def status_text(result: Result) -> str:
    """A success's status, a 304 with its meaning (`304 already stopped`: docker says nothing, but it is news)."""
    if result.status == 304:
        return f"304 {NO_CHANGE.get(result.op, 'not modified')}"
    return str(result.status)


def error_line(result: Result) -> str:
    """A failed result in one line, always the same shape: `[98] ContainerInspect 404 No such container: x`."""
    return f"[{result.n}] {result.op} {error_message(result)}"


def error_message(result: Result) -> str:
    """`404 No such container: foo`: the status and the best message available."""
    message = result.error
    if not message and isinstance(result.data, dict):
        message = result.data.get("message")
    if not message and result.status is not None:
        message = _reason(result.status)
    return " ".join(str(part) for part in (result.status, message) if part)


def _reason(status: int) -> str:
    from http import HTTPStatus  # here: only an error without a message needs the phrases

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "error"


def _duration(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"
