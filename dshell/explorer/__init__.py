"""Results and the explorer: numbered call results, paths into them, queries, rendering and export.

Plain data in, rich renderables out; nothing here talks to Docker.
"""

from ._complete import path_completions
from ._diff import Change, diff, format_path
from ._export import save
from ._format import short_id
from ._navigator import Navigator
from ._paths import PathError, parse_ref, resolve
from ._query import QueryError, query
from ._redact import redact, redact_line
from ._render import header, render
from ._results import History, Result, default_history_path
from ._view import View

__all__ = [
    "Change",
    "History",
    "Navigator",
    "PathError",
    "QueryError",
    "Result",
    "View",
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
]
