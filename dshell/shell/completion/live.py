"""Names from the daemon (containers, images, networks, ...) for completion.

A background thread refreshes them and swaps in a new immutable snapshot; a read never waits on the daemon,
and a stale name beats a slow keystroke.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterable

from dshell._checking import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

Names = tuple[tuple[str, str], ...]  # (value, meta)
Invoke = Callable[[str, dict[str, "Any"]], "Any"]  # (op, params) → data

# the kind of live names a path param of each category takes
CATEGORY_KIND = {
    "containers": "containers", "images": "images", "distribution": "images", "networks": "networks",
    "volumes": "volumes", "services": "services", "nodes": "nodes", "tasks": "tasks", "secrets": "secrets",
    "configs": "configs", "plugins": "plugins", "exec": "exec",
}
# ... and the kind a query param or body key of that name takes, wherever it is
NAMED_KIND = {
    "container": "containers", "Container": "containers", "image": "images", "Image": "images",
    "fromImage": "images", "network": "networks", "Network": "networks", "volume": "volumes",
    "platform": "platform", "platforms": "platforms",
}
# the kinds an op of each category may change (refreshed after a non-GET op)
CHANGES = {**CATEGORY_KIND, "build": "images", "commit": "images", "swarm": "nodes"}


def kind_for(category: str | None, param: str, location: str | None) -> str | None:
    """The kind of live names that fits ``param`` (a path param of ``category``, or a named param/key)."""
    if location == "path":
        return CATEGORY_KIND.get(category or "")
    return NAMED_KIND.get(param)


def _pairs(rows: Any, name: Callable[[dict[str, Any]], Any], ident: str,
           meta: Callable[[dict[str, Any]], str]) -> list[tuple[str, str]]:
    """(name, meta) for each name of each row, and (short id, meta + first name) when ``ident`` is set."""
    from dshell.explorer import short_id  # in the refresh thread: not at start-up

    out: list[tuple[str, str]] = []
    for row in rows or ():
        label, found = meta(row), name(row)
        names = [str(v) for v in (found if isinstance(found, list) else [found]) if v]
        out += [(value, label) for value in names]
        if ident and row.get(ident):
            out.append((short_id(row[ident]), " ".join([label, *names[:1]])))
    return out


def _containers(invoke: Invoke) -> list[tuple[str, str]]:
    rows = invoke("ContainerList", {"all": True})
    return _pairs(rows, lambda r: [n.lstrip("/") for n in r.get("Names") or ()], "Id",
                  lambda r: f"container {r.get('State', '')} {r.get('Image', '')}")


def _images(invoke: Invoke) -> list[tuple[str, str]]:
    rows = invoke("ImageList", {})
    return _pairs(rows, lambda r: [t for t in r.get("RepoTags") or () if t != "<none>:<none>"], "Id",
                  lambda r: "image")


def _platforms(invoke: Invoke, many: bool) -> list[tuple[str, str]]:
    """The platforms of the local images (ImageList's manifests, API 1.47+: the containerd image store keeps
    several) as the values of a ``platform`` param (a ``platforms`` one takes a list of them)."""
    out: list[tuple[str, str]] = []
    for row in invoke("ImageList", {"manifests": True}) or ():
        name = next(iter(row.get("RepoTags") or ()), "<untagged>")
        for manifest in row.get("Manifests") or ():
            found = (manifest.get("ImageData") or {}).get("Platform") or {}
            if manifest.get("Kind") != "image" or not found.get("os"):
                continue
            pairs = [f"{key}: {found[key]}" for key in ("os", "architecture", "variant") if found.get(key)]
            value = "{" + ", ".join(pairs) + "}"
            shown = "/".join(str(found[key]) for key in ("os", "architecture", "variant") if found.get(key))
            out.append((f"[{value}]" if many else value, f"platform {shown} of {name}"))
    return out


def _spec_named(op: str, meta: str) -> Callable[[Invoke], list[tuple[str, str]]]:
    return lambda invoke: _pairs(invoke(op, {}), lambda r: (r.get("Spec") or {}).get("Name"), "ID",
                                 lambda r: meta)


def _exec(invoke: Invoke) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for row in invoke("ContainerList", {})[:20]:
        name = (row.get("Names") or ["/?"])[0].lstrip("/")
        for exec_id in invoke("ContainerInspect", {"id": row["Id"]}).get("ExecIDs") or ():
            out.append((exec_id, f"exec in {name}"))
    return out


FETCHERS: dict[str, Callable[[Invoke], list[tuple[str, str]]]] = {
    "containers": _containers,
    "images": _images,
    "networks": lambda invoke: _pairs(invoke("NetworkList", {}), lambda r: r.get("Name"), "Id",
                                      lambda r: f"network {r.get('Driver', '')}"),
    "volumes": lambda invoke: _pairs((invoke("VolumeList", {}) or {}).get("Volumes"), lambda r: r.get("Name"),
                                     "", lambda r: f"volume {r.get('Driver', '')}"),
    "services": _spec_named("ServiceList", "service"),
    "nodes": lambda invoke: _pairs(invoke("NodeList", {}), lambda r: (r.get("Description") or {}).get("Hostname"),
                                   "ID", lambda r: "node"),
    "tasks": lambda invoke: _pairs(invoke("TaskList", {}), lambda r: None, "ID",
                                   lambda r: f"task {(r.get('Status') or {}).get('State', '')}"),
    "secrets": _spec_named("SecretList", "secret"),
    "configs": _spec_named("ConfigList", "config"),
    "plugins": lambda invoke: _pairs(invoke("PluginList", {}), lambda r: r.get("Name"), "", lambda r: "plugin"),
    "exec": _exec,
    "platform": lambda invoke: _platforms(invoke, False),
    "platforms": lambda invoke: _platforms(invoke, True),
}


class LiveNames:
    """Cached daemon names per kind. ``get`` answers from the snapshot at once and, for a kind never
    fetched or older than ``stale`` seconds, asks the background thread for it; kinds once asked for are
    also refreshed every ``interval`` seconds."""

    def __init__(self, invoke: Invoke, interval: float = 30.0, stale: float = 3.0) -> None:
        self._invoke = invoke
        self.interval = interval
        self.stale = stale
        self.snapshot: dict[str, Names] = {}  # replaced whole, never changed in place
        self._fetched: dict[str, float] = {}  # kind → monotonic time of its last fetch
        self.errors: dict[str, str] = {}
        self._wanted: set[str] = set()
        self._due: set[str] = set()
        self._generation = 0
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._stopped = False
        self._thread: threading.Thread | None = None

    def get(self, kind: str) -> Names:
        """The cached names of ``kind`` (maybe empty, maybe stale); never waits."""
        snapshot = self.snapshot
        fresh = time.monotonic() - self._fetched.get(kind, -math.inf) < self.stale
        if kind in FETCHERS and not fresh and kind not in self._due:
            self.refresh([kind])
        return snapshot.get(kind, ())

    def refresh(self, kinds: Iterable[str]) -> None:
        """Fetch ``kinds`` again soon, in the background."""
        kinds = {k for k in kinds if k in FETCHERS}
        if not kinds or self._stopped:
            return
        with self._lock:
            self._wanted |= kinds
            self._due |= kinds
            self._idle.clear()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="dshell-live-names", daemon=True)
                self._thread.start()
        self._wake.set()

    def reset(self, invoke: Invoke | None = None) -> None:
        """Forget every name (another daemon, another version) and fetch the wanted kinds again."""
        with self._lock:
            if invoke is not None:
                self._invoke = invoke
            self._generation += 1
            self.snapshot = {}
        self.refresh(set(self._wanted))

    def settle(self, timeout: float = 5.0) -> bool:
        """Wait until no fetch is pending (for tests and benchmarks); False on timeout."""
        return self._idle.wait(timeout)

    def stop(self) -> None:
        """Stop the background thread."""
        self._stopped = True
        self._wake.set()

    def _run(self) -> None:
        while not self._stopped:
            woken = self._wake.wait(self.interval)
            self._wake.clear()
            with self._lock:
                due, self._due = (self._due | (set() if woken else self._wanted)), set()
                generation, invoke = self._generation, self._invoke
            for kind in sorted(due):
                self._fetch(kind, generation, invoke)
            with self._lock:
                if not self._due:
                    self._idle.set()

    def _fetch(self, kind: str, generation: int, invoke: Invoke) -> None:
        try:
            names: Names = tuple(dict.fromkeys(FETCHERS[kind](invoke)))
        except Exception as exc:  # noqa: BLE001 - a background refresh must never die; stale beats broken
            self.errors[kind] = f"{type(exc).__name__}: {exc}"
            self._fetched[kind] = time.monotonic()  # not again at every keystroke
            return
        with self._lock:
            self._fetched[kind] = time.monotonic()
            if generation == self._generation:
                self.errors.pop(kind, None)
                self.snapshot = {**self.snapshot, kind: names}
