"""Numbered call results and the persistent history that holds them."""

from __future__ import annotations

import os
import threading
import warnings
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from time import time as _now

from dshell._checking import TYPE_CHECKING

from ._redact import fetched_op, redact, redact_answer
from ._store import INLINE_LIMIT, ResultStore, SideFile

if TYPE_CHECKING:
    from typing import Any

    from _typeshed import StrPath
    from rich.console import Console, ConsoleOptions, RenderResult

    from dshell.client import Outcome

    from ._view import View


class _LazyData:
    """Descriptor for `Result.data`: a `SideFile` placeholder is read on first access."""

    def __set_name__(self, owner: type, name: str) -> None:
        self._slot = "_" + name

    def __get__(self, obj: Result | None, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = obj.__dict__[self._slot]
        if isinstance(value, SideFile):
            value = obj.__dict__[self._slot] = value.load()
        return value

    def __set__(self, obj: Result, value: Any) -> None:
        obj.__dict__[self._slot] = value


class Result:
    """The outcome of one API call, numbered `n` in the history; renders itself with rich. Equal to a result
    with equal fields; a plain class, as a dataclass would cost start-up its import."""

    FIELDS = ("n", "op", "params", "status", "duration", "time", "data", "error", "endpoint", "api_version")
    n: int
    op: str
    params: dict[str, Any]
    status: int | None
    duration: float
    time: float
    data = _LazyData()
    error: str | None
    endpoint: str
    api_version: str

    def __init__(self, n: int, op: str, params: dict[str, Any], status: int | None, duration: float, time: float,
                 data: Any = None, error: str | None = None, endpoint: str = "", api_version: str = "") -> None:
        self.n, self.op, self.params, self.status, self.duration, self.time = n, op, params, status, duration, time
        self.data, self.error, self.endpoint, self.api_version = data, error, endpoint, api_version

    def __eq__(self, other: object) -> bool:
        return type(other) is Result and all(getattr(self, f) == getattr(other, f) for f in self.FIELDS)

    __hash__ = None  # type: ignore[assignment]  # params and data are mutable

    def replace(self, **changes: Any) -> Result:
        """A copy with ``changes`` (field=value) applied."""
        return Result(**{f: changes[f] if f in changes else getattr(self, f) for f in self.FIELDS})

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

    def to_pandas(self, view: bool = False) -> Any:
        """A list result as a pandas DataFrame of the API's fields, nested ones flattened (`Labels.app`); `view`:
        of its table's columns (`pip install 'dshell[pandas]'`)."""
        from ._frame import frame

        return frame(self.data, self.op, f"_{self.n}", view=view)

    def plot(self) -> View:
        """A chart of a stats result's CPU % and memory over time (an inline SVG in a notebook)."""
        from ._chart import plot

        return plot(self)


_RECORD_FIELDS = tuple(f for f in Result.FIELDS if f != "data")
_REQUIRED_FIELDS = ("n", "op", "params", "status", "duration", "time")
CACHE_RESULTS = 8
"""Stored results kept in memory at most (the newest made or read); the others are read again on use."""
CACHE_BYTES = 8 << 20
"""Stored size of the results kept in memory at most (the newest one always is); decoded, they take about 4x."""


def _answering_op(op: str, params: dict[str, Any] | None, status: int | None, error: str | None) -> str | None:
    """The op whose answer a result's data is (a raw fetch: the op its method and path name), None for an
    error's body."""
    if error is not None or (status or 0) >= 400:
        return None
    if op == "fetch" and params:
        return fetched_op(str(params.get("method", "GET")), str(params.get("url", "")))
    return op


def default_history_path() -> str:
    """`$XDG_DATA_HOME/dshell/results.jsonl`, or `~/.local/share/dshell/results.jsonl`."""
    base = os.environ.get("XDG_DATA_HOME", "")
    root = base if os.path.isabs(base) else os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(root, "dshell", "results.jsonl")


class History:
    """Numbered results, appended to a JSON-lines file as they are made (in memory only if `path` is None).

    Earlier sessions' results are indexed on construction, so numbering continues across sessions, and read
    on first use: start-up costs the same with a 300 MB file as with an empty one. Memory stays flat however
    many results a session makes: the stored ones are cached up to CACHE_RESULTS and CACHE_BYTES, newest
    used first, and read again from the file when asked for (results not saved stay in memory).
    """

    def __init__(self, path: StrPath | None = None, *, inline_limit: int = INLINE_LIMIT) -> None:
        self._store = ResultStore(path, inline_limit) if path is not None else None
        self._saving = self._store is not None
        self._cache: OrderedDict[int, tuple[Result, int]] = OrderedDict()  # stored results and their size
        self._cached_bytes = 0
        self._unsaved: dict[int, Result] = {}  # results kept in memory only (not in the file)
        self.made_here = 0
        """How many results this History added (other processes may add to the same file meanwhile)."""
        self._lock = threading.Lock()
        self.load()

    @property
    def path(self) -> str | None:
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
        raw: bytes | None = None,
    ) -> Result:
        """Record a call's outcome under the next number and persist it, secrets masked in params and data.

        The number follows the newest result in the file, also one another process just added. What this
        returns is for showing this call's answer: it has the data as the daemon sent it (the unlock key
        SwarmUnlockkey was asked for), while the history keeps and stores the masked result. ``raw``: the
        daemon's JSON document ``data`` was decoded from, stored as it came when nothing in it is masked."""
        masked = redact_answer(data, _answering_op(op, params, status, error), api_version)
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
            self.made_here += 1
            size = self._persist(result, raw if masked is data else None)
            if size is None:
                self._unsaved[result.n] = result
            else:
                self._remember(result, size)
        return result if masked is data else result.replace(data=data)

    def add_outcome(self, op: str, params: dict[str, Any] | None, outcome: Outcome, api_version: str = "") -> Result:
        """Record a client call's ``Outcome`` (its data, or its error's message) as ``add`` does: the one step
        from an outcome to a result."""
        error = outcome.error.message if outcome.error is not None else None
        return self.add(op, params, outcome.status, outcome.elapsed, outcome.data, error, endpoint=outcome.endpoint,
                        api_version=api_version, raw=outcome.json_body)

    def newest(self) -> int:
        """The newest result's number (0 when there is none), also one another process added to the file since
        (its index read, not its results; no file lock taken)."""
        with self._lock:
            self._sync(False)
            return self._last_number()

    def _last_number(self) -> int:
        stored = self._store.last[0] if self._store and self._store.last else 0
        return max(stored, next(reversed(self._unsaved), 0))

    def _file_lock(self) -> AbstractContextManager[bool]:
        return self._store.locked() if self._store and self._saving else nullcontext(False)

    def _persist(self, result: Result, raw: bytes | None) -> int | None:
        """Append ``result`` to the file; its stored size, or None when it is not saved."""
        if self._store is None or not self._saving:
            return None
        try:
            return self._store.append({k: getattr(result, k) for k in _RECORD_FIELDS}, result.data, raw)
        except OSError as exc:
            self._give_up_saving(exc)
            return None

    def _remember(self, result: Result, size: int) -> None:
        """Cache a stored result as the newest used; forget the least recently used beyond the bounds."""
        if not result.data_loaded:
            size = max(size, INLINE_LIMIT)  # its data, when read, is bigger than the line
        old = self._cache.pop(result.n, None)
        self._cached_bytes += size - (old[1] if old else 0)
        self._cache[result.n] = (result, size)
        while len(self._cache) > 1 and (len(self._cache) > CACHE_RESULTS or self._cached_bytes > CACHE_BYTES):
            self._cached_bytes -= self._cache.popitem(last=False)[1][1]

    def _give_up_saving(self, exc: OSError) -> None:
        warnings.warn(f"dshell: results are no longer saved ({exc})", RuntimeWarning, stacklevel=4)
        self._saving = False

    def __getitem__(self, n: int) -> Result:
        with self._lock:
            kept = self._unsaved.get(n)
            if kept is not None:
                return kept
            cached = self._cache.get(n)
            if cached is not None:
                self._cache.move_to_end(n)
                return cached[0]
            found = self._read(n)
            if found is None:
                raise KeyError(n)
            self._remember(*found)
            return found[0]

    def _read(self, n: int) -> tuple[Result, int] | None:
        """Result ``n`` from the file and its stored size (None when it has none, or its line is damaged)."""
        store = self._store
        try:
            entry = store.find(n) if store else None
            found = store.read(entry) if store and entry else None
        except OSError:
            return None
        if found is None or entry is None:
            return None
        record, data = found
        if not all(k in record for k in _REQUIRED_FIELDS):
            return None
        return Result(**{k: record[k] for k in _RECORD_FIELDS if k in record}, data=data), entry[2]

    def numbers(self) -> list[int]:
        """The number of every result, oldest first (reads the index only, no result)."""
        try:
            stored = self._store.numbers() if self._store else []
        except OSError:
            stored = []
        return stored + list(self._unsaved)

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
        newest = self._last_number()
        return self.get(newest) if newest else None

    def __len__(self) -> int:
        return (self._store.count if self._store else 0) + len(self._unsaved)

    def __iter__(self) -> Iterator[Result]:
        return iter(self.recent())
