"""Numbered call results and the persistent history that holds them."""

from __future__ import annotations

import os
import threading
import warnings
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, fields, replace
from pathlib import Path
from time import time as _now
from typing import TYPE_CHECKING, Any

from ._redact import redact
from ._store import INLINE_LIMIT, ResultStore, SideFile

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

    from ._view import View


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

    def plot(self) -> View:
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

    Earlier sessions' results are indexed on construction, so numbering continues across sessions, and read
    on first use: start-up costs the same with a 300 MB file as with an empty one.
    """

    def __init__(self, path: Path | None = None, *, inline_limit: int = INLINE_LIMIT) -> None:
        self._store = ResultStore(Path(path), inline_limit) if path is not None else None
        self._saving = self._store is not None
        self._cache: dict[int, Result] = {}  # results read or made by this process
        self._unsaved: list[int] = []  # numbers of results kept in memory only
        self._lock = threading.Lock()
        self.load()

    @property
    def path(self) -> Path | None:
        """The results file, or None when results are kept in memory only."""
        return self._store.path if self._store and self._saving else None

    def load(self) -> int:
        """Catch up with the results file (what other processes added); returns how many results it has."""
        if self._store is None:
            return 0
        with self._lock, self._file_lock() as held:
            self._sync(held)
            if held and self._store is not None:
                self._store.sweep_side_files()
        return self._store.count if self._store else 0

    def _sync(self, repair: bool) -> None:
        store = self._store
        if store is None:
            return
        try:
            store.sync(repair and self._saving)
        except OSError as exc:
            self._give_up_saving(exc)
            if not store.count:
                self._store = None
            return
        if store.skipped:
            where = ", ".join(f"byte {offset}" for offset in store.skipped[:3])
            warnings.warn(f"dshell: {store.path}: skipped {len(store.skipped)} damaged record(s) ({where}; "
                          "a write cut short?)", RuntimeWarning, stacklevel=4)
            store.skipped.clear()

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
        """Record a call's outcome under the next number and persist it, secrets masked in params and data.

        The number follows the newest result in the file, also one another process just added. What this
        returns is for showing this call's answer: it has the data as the daemon sent it (the unlock key
        SwarmUnlockkey was asked for), while the history keeps and stores the masked result."""
        masked = redact(data)
        with self._lock, self._file_lock() as held:
            self._sync(held)
            result = Result(
                n=self._last_number() + 1,
                op=op,
                params=redact(params or {}, op),
                status=status,
                duration=duration,
                time=_now() if time is None else time,
                data=masked,
                error=error,
                endpoint=endpoint,
                api_version=api_version,
            )
            self._cache[result.n] = result
            if not self._persist(result):
                self._unsaved.append(result.n)
        return result if masked is data else replace(result, data=data)

    def _last_number(self) -> int:
        stored = self._store.last[0] if self._store and self._store.last else 0
        return max(stored, self._unsaved[-1] if self._unsaved else 0)

    def _file_lock(self) -> AbstractContextManager[bool]:
        return self._store.locked() if self._store and self._saving else nullcontext(False)

    def _persist(self, result: Result) -> bool:
        if self._store is None or not self._saving:
            return False
        try:
            self._store.append({k: getattr(result, k) for k in _RECORD_FIELDS}, result.data)
        except OSError as exc:
            self._give_up_saving(exc)
            return False
        return True

    def _give_up_saving(self, exc: OSError) -> None:
        warnings.warn(f"dshell: results are no longer saved ({exc})", RuntimeWarning, stacklevel=4)
        self._saving = False

    def __getitem__(self, n: int) -> Result:
        if n in self._cache:
            return self._cache[n]
        result = self._read(n)
        if result is None:
            raise KeyError(n)
        self._cache[n] = result
        return result

    def _read(self, n: int) -> Result | None:
        """Result ``n`` from the file (None when it has none, or its line is damaged)."""
        store = self._store
        try:
            entry = store.find(n) if store else None
            found = store.read(entry) if store and entry else None
        except OSError:
            return None
        if found is None:
            return None
        record, data = found
        if not all(k in record for k in _REQUIRED_FIELDS):
            return None
        return Result(**{k: record[k] for k in _RECORD_FIELDS if k in record}, data=data)

    def numbers(self) -> list[int]:
        """The number of every result, oldest first (reads the index only, no result)."""
        try:
            stored = self._store.numbers() if self._store else []
        except OSError:
            stored = []
        return stored + self._unsaved

    def recent(self, limit: int | None = None) -> list[Result]:
        """The newest ``limit`` results (all without one), oldest first; damaged ones left out."""
        numbers = self.numbers()
        return [r for n in (numbers[-limit:] if limit else numbers) if (r := self.get(n)) is not None]

    def get(self, n: int) -> Result | None:
        """Result ``n``, or None."""
        try:
            return self[n]
        except KeyError:
            return None

    @property
    def last(self) -> Result | None:
        """The newest result, or None when there are none."""
        numbers = self._unsaved[-1:] or ([self._store.last[0]] if self._store and self._store.last else [])
        return self.get(numbers[0]) if numbers else None

    def __len__(self) -> int:
        return (self._store.count if self._store else 0) + len(self._unsaved)

    def __iter__(self) -> Iterator[Result]:
        return iter(self.recent())
