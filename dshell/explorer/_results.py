"""Numbered call results and the persistent history that holds them."""

from __future__ import annotations

import os
import threading
import warnings
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, fields
from pathlib import Path
from time import time as _now
from typing import TYPE_CHECKING, Any

from ._redact import redact
from ._store import INLINE_LIMIT, ResultStore, SideFile

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

    from ._chart import StatsChart


class _LazyData:
    """Descriptor for `Result.data`: a `SideFile` placeholder is read on first access."""

    def __set_name__(self, owner: type, name: str) -> None:
        self._slot = "_" + name

    def __get__(self, obj: Result | None, owner: type | None = None) -> Any:
        if obj is None:  # dataclass asks the class for the field default
            return None
        value = obj.__dict__[self._slot]
        if isinstance(value, SideFile):
            value = obj.__dict__[self._slot] = value.load()
        return value

    def __set__(self, obj: Result, value: Any) -> None:
        obj.__dict__[self._slot] = value


@dataclass(repr=False)
class Result:
    """The outcome of one API call, numbered `n` in the history; renders itself with rich."""

    n: int
    op: str
    params: dict[str, Any]
    status: int | None
    duration: float
    time: float
    data: Any = _LazyData()
    error: str | None = None
    endpoint: str = ""
    api_version: str = ""

    @property
    def failed(self) -> bool:
        """True for transport errors and HTTP statuses of 400 and above."""
        return self.error is not None or (self.status or 0) >= 400

    @property
    def data_loaded(self) -> bool:
        """False while the data still sits unread in a side file."""
        return not isinstance(self.__dict__.get("_data"), SideFile)

    def __repr__(self) -> str:
        return f"<Result _{self.n} {self.op} status={self.status}>"

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from ._render import render

        yield render(self)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        from ._render import render

        return render(self)._repr_mimebundle_(include, exclude)

    def _repr_html_(self) -> str:
        return self._repr_mimebundle_(include=["text/html"])["text/html"]

    def to_pandas(self) -> Any:
        """A list result as a pandas DataFrame with its table's columns (`pip install 'dshell[pandas]'`)."""
        from ._frame import frame

        return frame(self.data, self.op, f"_{self.n}")

    def plot(self) -> StatsChart:
        """A chart of a stats result's CPU % and memory over time (an inline SVG in a notebook)."""
        from ._chart import plot

        return plot(self)


_RECORD_FIELDS = tuple(f.name for f in fields(Result) if f.name != "data")
_REQUIRED_FIELDS = ("n", "op", "params", "status", "duration", "time")


def default_history_path() -> Path:
    """`$XDG_DATA_HOME/dshell/results.jsonl`, or `~/.local/share/dshell/results.jsonl`."""
    base = os.environ.get("XDG_DATA_HOME", "")
    root = Path(base) if os.path.isabs(base) else Path.home() / ".local" / "share"
    return root / "dshell" / "results.jsonl"


class History:
    """Numbered results, appended to a JSON-lines file as they are made (in memory only if `path` is None).

    Earlier sessions' results are loaded on construction, so numbering continues across sessions.
    """

    def __init__(self, path: Path | None = None, *, inline_limit: int = INLINE_LIMIT) -> None:
        self._store = ResultStore(Path(path), inline_limit) if path is not None else None
        self._results: dict[int, Result] = {}
        self._lock = threading.Lock()
        self.load()

    @property
    def path(self) -> Path | None:
        """The results file, or None when results are kept in memory only."""
        return self._store.path if self._store else None

    def load(self) -> int:
        """(Re)read the results file, keeping results not yet in it; returns how many were read."""
        if self._store is None:
            return 0
        with self._lock:
            return self._read(new_only=False)

    def _read(self, new_only: bool) -> int:
        try:
            records = list(self._store.read(new_only)) if self._store else []
        except OSError as exc:
            self._give_up_saving(exc)
            return 0
        loaded = {
            record["n"]: Result(**{k: record[k] for k in _RECORD_FIELDS if k in record}, data=data)
            for record, data in records
            if all(k in record for k in _REQUIRED_FIELDS)
        }
        if loaded:
            self._results = dict(sorted({**self._results, **loaded}.items()))
        return len(loaded)

    def add(
        self,
        op: str,
        params: dict[str, Any] | None,
        status: int | None,
        duration: float,
        data: Any,
        error: str | None = None,
        *,
        endpoint: str = "",
        api_version: str = "",
        time: float | None = None,
    ) -> Result:
        """Record a call's outcome under the next number (params are redacted) and persist it.

        The number follows the newest result in the file, also one another process just added."""
        with self._lock, self._file_lock():
            self._read(new_only=True)
            result = Result(
                n=(last.n if (last := self.last) else 0) + 1,
                op=op,
                params=redact(params or {}, op),
                status=status,
                duration=duration,
                time=_now() if time is None else time,
                data=redact(data),
                error=error,
                endpoint=endpoint,
                api_version=api_version,
            )
            self._results[result.n] = result
            self._persist(result)
        return result

    def _file_lock(self) -> AbstractContextManager[None]:
        return self._store.locked() if self._store else nullcontext()

    def _persist(self, result: Result) -> None:
        if self._store is None:
            return
        try:
            self._store.append({k: getattr(result, k) for k in _RECORD_FIELDS}, result.data)
        except OSError as exc:
            self._give_up_saving(exc)

    def _give_up_saving(self, exc: OSError) -> None:
        warnings.warn(f"dshell: results are no longer saved ({exc})", RuntimeWarning, stacklevel=4)
        self._store = None

    def __getitem__(self, n: int) -> Result:
        return self._results[n]

    @property
    def last(self) -> Result | None:
        """The newest result, or None when there are none."""
        return self._results[next(reversed(self._results))] if self._results else None

    def __len__(self) -> int:
        return len(self._results)

    def __iter__(self) -> Iterator[Result]:
        return iter(list(self._results.values()))
