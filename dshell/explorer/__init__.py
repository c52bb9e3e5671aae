"""Results and the explorer: numbered call results, paths into them, queries, rendering and export.

Plain data in, rich renderables out; nothing here talks to Docker. Each name loads its module when first
asked for (the shell's start-up needs only paths).
"""

from __future__ import annotations

import importlib

from dshell._checking import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

    from ._browse import Browser
    from ._chart import StatsChart, sparkline
    from ._columns import HOST
    from ._complete import path_completions
    from ._diff import Change, diff, format_path
    from ._events import event_text
    from ._export import save
    from ._format import short_id
    from ._logs import LOG_OPS, STDERR_MARK, LogText
    from ._navigator import Navigator
    from ._paths import REF_RE, PathError, Ref, parse_ref, resolve
    from ._query import QueryError, query
    from ._redact import redact
    from ._redact_line import redact_line
    from ._render import error_line, header, render
    from ._reshape import Gestures, ReshapeError, filtered, gestures_from, grep, reshaped, sorted_by, with_columns
    from ._results import History, Result, default_history_path
    from ._saved import expression_error, use_views
    from ._secrets import secret_names
    from ._stats import binary_size, decimal_size
    from ._stats import samples as stats_samples
    from ._stats import summary as stats_summary
    from ._view import Note, Printed, Stack, View
    from ._visible import visible, visible_line

_WHERE = {  # public name -> (module, its name there)
    "Browser": ("._browse", "Browser"),
    "StatsChart": ("._chart", "StatsChart"),
    "sparkline": ("._chart", "sparkline"),
    "HOST": ("._columns", "HOST"),
    "path_completions": ("._complete", "path_completions"),
    "Change": ("._diff", "Change"),
    "diff": ("._diff", "diff"),
    "format_path": ("._diff", "format_path"),
    "event_text": ("._events", "event_text"),
    "save": ("._export", "save"),
    "short_id": ("._format", "short_id"),
    "LOG_OPS": ("._logs", "LOG_OPS"),
    "STDERR_MARK": ("._logs", "STDERR_MARK"),
    "LogText": ("._logs", "LogText"),
    "Navigator": ("._navigator", "Navigator"),
    "REF_RE": ("._paths", "REF_RE"),
    "PathError": ("._paths", "PathError"),
    "Ref": ("._paths", "Ref"),
    "parse_ref": ("._paths", "parse_ref"),
    "resolve": ("._paths", "resolve"),
    "QueryError": ("._query", "QueryError"),
    "query": ("._query", "query"),
    "redact": ("._redact", "redact"),
    "redact_line": ("._redact_line", "redact_line"),
    "secret_names": ("._secrets", "secret_names"),
    "error_line": ("._render", "error_line"),
    "header": ("._render", "header"),
    "render": ("._render", "render"),
    "Gestures": ("._reshape", "Gestures"),
    "ReshapeError": ("._reshape", "ReshapeError"),
    "reshaped": ("._reshape", "reshaped"),
    "gestures_from": ("._reshape", "gestures_from"),
    "filtered": ("._reshape", "filtered"),
    "grep": ("._reshape", "grep"),
    "sorted_by": ("._reshape", "sorted_by"),
    "with_columns": ("._reshape", "with_columns"),
    "expression_error": ("._saved", "expression_error"),
    "use_views": ("._saved", "use_views"),
    "History": ("._results", "History"),
    "Result": ("._results", "Result"),
    "default_history_path": ("._results", "default_history_path"),
    "binary_size": ("._stats", "binary_size"),
    "decimal_size": ("._stats", "decimal_size"),
    "stats_samples": ("._stats", "samples"),
    "stats_summary": ("._stats", "summary"),
    "Note": ("._view", "Note"),
    "Printed": ("._view", "Printed"),
    "Stack": ("._view", "Stack"),
    "View": ("._view", "View"),
    "visible": ("._visible", "visible"),
    "visible_line": ("._visible", "visible_line"),
}


def __getattr__(name: str) -> Any:
    try:
        module, attr = _WHERE[name]
    except KeyError:
        raise AttributeError(f"module 'dshell.explorer' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module, __name__), attr)
    globals()[name] = value  # the next lookup is a plain one
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "Browser",
    "HOST",
    "LOG_OPS",
    "REF_RE",
    "STDERR_MARK",
    "StatsChart",
    "Change",
    "Gestures",
    "History",
    "LogText",
    "Note",
    "Printed",
    "Stack",
    "Navigator",
    "PathError",
    "QueryError",
    "ReshapeError",
    "Ref",
    "Result",
    "View",
    "binary_size",
    "decimal_size",
    "default_history_path",
    "diff",
    "error_line",
    "event_text",
    "expression_error",
    "filtered",
    "format_path",
    "gestures_from",
    "grep",
    "header",
    "parse_ref",
    "path_completions",
    "query",
    "redact",
    "redact_line",
    "render",
    "reshaped",
    "resolve",
    "save",
    "secret_names",
    "short_id",
    "sorted_by",
    "sparkline",
    "stats_samples",
    "stats_summary",
    "use_views",
    "with_columns",
    "visible",
    "visible_line",
]
