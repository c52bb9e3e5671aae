"""Results and the explorer: numbered call results, paths into them, queries, rendering and export.

Plain data in, rich renderables out; nothing here talks to Docker.
"""

from ._chart import StatsChart, sparkline
from ._complete import path_completions
from ._diff import Change, diff, format_path
from ._export import save
from ._format import short_id
from ._logs import LOG_OPS, STDERR_MARK, LogText
from ._navigator import Navigator
from ._paths import REF_RE, PathError, Ref, parse_ref, resolve
from ._query import QueryError, query
from ._redact import redact, redact_line
from ._render import header, render
from ._results import History, Result, default_history_path
from ._stats import binary_size, decimal_size
from ._stats import samples as stats_samples
from ._stats import summary as stats_summary
from ._view import Note, Stack, View

__all__ = [
    "LOG_OPS",
    "REF_RE",
    "STDERR_MARK",
    "StatsChart",
    "Change",
    "History",
    "LogText",
    "Note",
    "Stack",
    "Navigator",
    "PathError",
    "QueryError",
    "Ref",
    "Result",
    "View",
    "binary_size",
    "decimal_size",
    "default_history_path",
    "diff",
    "format_path",
    "header",
    "parse_ref",
    "path_completions",
    "query",
    "redact",
    "redact_line",
    "render",
    "resolve",
    "save",
    "short_id",
    "sparkline",
    "stats_samples",
    "stats_summary",
]
