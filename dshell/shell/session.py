"""The shell's state: the endpoints and their clients, the results history and the navigator over it, live names,
the settings, what front ends plugged in, and how to say a line. It runs no command (``shell.commands`` do) and
imports no command module and no front end (an IPython ``%docker`` magic reuses it).

The daemon is reached only inside ``Runner`` calls, so a front end can run them in a worker thread and abandon
them on Ctrl-C.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator

from dshell._checking import TYPE_CHECKING
from dshell._frozen import Record

from .completion.live import LiveNames
from .config import Config
from .endpoints import ClientFactory, Endpoints, real_client, split_named
from .reply import one_line
from .values import LocalPath

if TYPE_CHECKING:
    import os
    from typing import Any

    from dshell.client import Client, Outcome, SpecIndex
    from dshell.explorer import History, Navigator, Result

    from .reply import Reply
    from .worker import Runner

PREFETCH = ("containers", "images")


def print_now(body: Any) -> None:
    """Show ``body`` on this process's terminal (``Session.say`` until a front end sets its own)."""
    from rich.console import Console

    Console(soft_wrap=True).print(body)


class Status(Record):
    """What the toolbar shows: where we are connected (the default endpoint's name, or its URI while it is the
    only endpoint and was not named), the API version, whether loading is done (the result counts come from the
    history itself: another window may add to it)."""

    endpoint: str
    api_version: str
    ready: bool


class Connected(Record):
    """What a keystroke or a worker reads of the connection, swapped whole (never mutated): the default
    endpoint's client (for ``@NAME CMD``, NAME's, with no live names' copy) and the live names' own copy of it.
    The API version is the client's alone (``known_version``)."""

    client: Client | None = None
    live: Client | None = None

    @property
    def spec(self) -> SpecIndex | None:
        """The spec of the version the client speaks, as far as known without asking (the newest before)."""
        if self.client is None:
            return None
        import dshell.client as docker

        return docker.spec(self.client.known_version or docker.NEWEST)


class _Here(threading.local):
    """The endpoint that ``@NAME CMD`` runs its command on, in the thread running it (None: the default)."""

    name: str | None = None
    state: Connected | None = None


class Session:
    """The endpoints, a results history, a navigator and live names, and what front ends plugged in."""

    def __init__(self, config: Config | None = None, results_file: str | os.PathLike[str] | None = "default",
                 clients: ClientFactory = real_client) -> None:
        """``clients`` makes each endpoint's client (tests give one over ``docker.MockTransport``)."""
        self.config = config or Config()
        if self.config.secret_names:
            self._mask_names()
        self.results_file = results_file
        self.hosts = Endpoints(clients)
        self.hosts.timeouts = self.config.timeouts()
        self.history: History | None = None
        self._navigator: Navigator | None = None
        self.live = LiveNames(self._live_invoke, self.config.refresh)
        self._host_live: dict[str, tuple[LiveNames, Client]] = {}  # the other endpoints' names, when asked
        self.front = "script"  # where commands run: prompt, script (dshell -c), notebook, ipython
        self.plugs: dict[str, Callable[[Any], Reply]] = {}  # what shows a "pane" or takes the "terminal"
        self.say: Callable[[Any], None] = print_now  # how a command shows a line as it goes
        self.ask: Callable[[str], bool] | None = None  # a y/N question to the user (the prompt sets it; -c: never)
        self.on_disconnect: list[Callable[[str], None]] = []  # front ends end what streams from an endpoint
        self._state = Connected()
        self._here = _Here()
        self._ready = threading.Event()
        self._lock = threading.Lock()  # the start flag and the swaps of _state
        self._starting = False
        self._load_error: str | None = None

    # ------------------------------------------------------------------ loading and connecting
    def start(self, background: bool = True) -> None:
        """Import the client and explorer, open the history and connect; in a thread unless told not to.
        Only the first call does anything."""
        with self._lock:
            if self._starting:
                return
            self._starting = True
        if background:
            threading.Thread(target=self._load, name="dshell-load", daemon=True).start()
        else:
            self._load()

    def _load(self) -> None:
        try:
            from dshell.explorer import History, default_history_path, use_views

            use_views(dict(self.config.views))
            path = default_history_path() if self.results_file == "default" else self.results_file
            self.history = History(path)
            named = [split_named(text) for text in self.config.hosts]
            first = self.config.host_conn(named[0][1]) if len(named) > 1 else self.config.conn()
            self.switch(first, self.config.api_version, named[0][0] if named else None)
            for name, uri in named[1:]:
                self.hosts.add(name, self.config.host_conn(uri), self.config.api_version)
        except Exception as exc:  # noqa: BLE001 - reported on the first command instead of killing a thread
            self._load_error = one_line(exc)
        finally:
            self._ready.set()
        if (c := self.client) is not None:  # negotiate now, so that completion offers what the daemon speaks
            with contextlib.suppress(Exception):  # an unreachable daemon is reported when a command needs it
                c.api_version  # noqa: B018 - asked for its effect

    @property
    def navigator(self) -> Navigator | None:
        """``cd``/``ls``/``pwd`` over the history, made on first use; None before the history is open."""
        with self._lock:
            if self._navigator is None and self.history is not None:
                from dshell.explorer import Navigator
                self._navigator = Navigator(self.history)
        return self._navigator

    def switch(self, conn: dict[str, Any] | None, api_version: str | None, name: str | None = None) -> Client:
        """Connect the default endpoint (or the one ``name``, made the default) to ``conn``."""
        import dshell.client as docker

        conn = conn or docker.default_conn()
        self.hosts.check(conn, api_version)
        return self.make_default(self.hosts.add(name or self.hosts.default, conn, api_version))

    def make_default(self, name: str) -> Client:
        """Make the endpoint ``name`` the default: its client is the one commands and live names use."""
        new = self.hosts.client(name)
        with self._lock:
            self.hosts.default = name
            old, self._state = self._state, Connected(new, new.copy())
        if (old_live := old.live) is not None:
            old_live.cancel()  # a refresh in flight is for the old daemon: its answer is dropped anyway
            old_live.close()
        self.live.reset()
        self.live.refresh(PREFETCH)
        return new

    def pin(self, version: str | None) -> None:
        """Pin the default endpoint's API version (None: negotiate again); live names follow."""
        assert self.hosts.default is not None
        self.hosts.pin(self.hosts.default, version)
        if (live := self._state.live) is not None:
            live.pin(version)
        self.live.reset()

    def configure(self, key: str, value: str) -> None:
        """Change a setting; new timeouts reconnect every endpoint (a client's are fixed)."""
        self.config = self.config.with_setting(key, value)
        self.live.interval = self.config.refresh
        if key == "secret_names":
            self._mask_names()
        if key in ("timeout", "connect_timeout") and (c := self.client) is not None:
            self.hosts.timeouts = timeouts = self.config.timeouts()
            for name in self.hosts.names():
                if name != self.hosts.default:
                    self.hosts.add(name, {**self.hosts.conn(name), "timeouts": timeouts}, self.hosts.pinned(name))
            self.switch({**c.conn, "timeouts": timeouts}, c.pinned)

    def _mask_names(self) -> None:
        from dshell.explorer import secret_names

        secret_names(self.config.secret_names.split(","))

    @contextlib.contextmanager
    def on_host(self, host: str, run: Runner) -> Iterator[None]:
        """In this thread, ``state`` is the endpoint ``host``'s (its version asked first, in ``run``) until the
        block ends: ``@NAME CMD``."""
        from .grammar import ParseError

        if self._here.state is not None:
            raise ParseError("one @NAME per command")
        name = self.hosts.find(host)
        c = self.hosts.client(name)
        run(lambda: c.api_version)
        self._here.name, self._here.state = name, Connected(c, None)
        try:
            yield
        finally:
            self._here.name = self._here.state = None

    # ------------------------------------------------------------------ what is known now
    @property
    def state(self) -> Connected:
        """The connection as it is now, one consistent snapshot: the default endpoint's, or in a thread running
        ``@NAME CMD``, the endpoint NAME's until that command is done."""
        here = self._here.state
        return self._state if here is None else here

    @property
    def client(self) -> Client | None:
        """The client of ``state`` (None until connected)."""
        return self.state.client

    @property
    def spec_index(self) -> SpecIndex | None:
        """The spec of ``state``'s API version (None until connected)."""
        return self.state.spec

    @property
    def here(self) -> str | None:
        """The name of the endpoint ``state`` is: NAME while ``@NAME CMD`` runs, else the default."""
        return self._here.name or self.hosts.default

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Wait for ``start`` to finish (True when it did)."""
        return self._ready.wait(timeout)

    def status(self) -> Status:
        """The toolbar's facts; never waits."""
        c = self._state.client
        version = (c.known_version or "auto") if c else "…"
        name, hosts = self.hosts.default, self.hosts
        where = "connecting…" if c is None else c.uri
        if c is not None and name is not None and (name in hosts.named or len(hosts.names()) > 1):
            where = name
        return Status(where, version, self._ready.is_set())

    def require_client(self) -> Client:
        """The connected client (once loading finished), or DshellError saying why there is none."""
        self._ready.wait()
        c = self.client
        if c is None:
            import dshell.client as docker

            raise docker.DshellError(f"not connected ({self._load_error}): use connect URI")
        return c

    # ------------------------------------------------------------------ live names
    def live_on(self, name: str) -> LiveNames:
        """The live names of the endpoint ``name`` (the default's are ``live``); never waits on a daemon."""
        if name == self.hosts.default:
            return self.live
        found = self._host_live.get(name)
        if found is None:
            import dshell.client as docker

            c = self.hosts.client(name).copy()
            live = LiveNames(lambda op, params: docker.invoke(c, {"op": op, "params": params, "throw": True}),
                             self.config.refresh)
            found = self._host_live.setdefault(name, (live, c))
        return found[0]

    def live_here(self) -> LiveNames:
        """The live names of the endpoint ``state`` is (``here``)."""
        name = self.here
        return self.live if name is None else self.live_on(name)

    def forget_names(self, name: str) -> None:
        """Stop refreshing the live names of the endpoint ``name`` and close their client."""
        stale = self._host_live.pop(name, None)
        if stale is not None:
            stale[0].stop()
            stale[1].close()

    def _live_invoke(self, op: str, params: dict[str, Any]) -> Any:
        import dshell.client as docker

        c = self._state.live
        if c is None:
            return []
        return docker.invoke(c, {"op": op, "params": params, "throw": True})

    # ------------------------------------------------------------------ results
    def store(self, op: str, params: dict[str, Any], outcome: Outcome, api_version: str | None = None) -> Result:
        """Store a call's outcome as the next numbered result (``op`` and ``params`` as the user gave them;
        ``api_version``: the one it was sent in, when not ``state``'s)."""
        assert self.history is not None
        from .bodies import storable

        return self.history.add_outcome(op, storable(params), outcome, api_version or self._version())

    def keep(self, op: str, params: dict[str, Any], data: Any, *, status: int | None, elapsed: float,
             error: str | None, endpoint: str, api_version: str | None = None) -> Result:
        """Store what a command made (a pane's lines, an attach session, a merged fan-out) as the next numbered
        result; never waits on the daemon (the API version is ``api_version``, else the one known by now)."""
        assert self.history is not None
        from .bodies import storable

        return self.history.add(op, storable(params), status, elapsed, data, error, endpoint=endpoint,
                                api_version=api_version or self._version())

    def _version(self) -> str:
        c = self.state.client
        return (c.known_version if c else None) or ""

    def resolve(self, value: Any) -> Any:
        """``value`` with every Ref replaced by the data it points at, and ``@path`` by the local path."""
        from dshell.explorer import Ref, resolve

        if isinstance(value, Ref):
            assert self.history is not None
            return resolve(value, self.history)
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if isinstance(value, LocalPath):
            from .bodies import local_value

            return local_value(value)
        return value

    # ------------------------------------------------------------------ front ends
    def plug(self, front: str, **handlers: Callable[[Any], Reply]) -> None:
        """A front end plugs in: it is ``front`` (prompt, script, notebook, ipython), and shows a ``pane``
        command's stream or gives the ``terminal`` to attach and exec with the handlers given."""
        self.front = front
        self.plugs.update(handlers)

    def note(self, text: str) -> None:
        """Say one dim line."""
        from rich.text import Text

        self.say(Text(text, style="dim"))

    def cancel(self) -> None:
        """Abort the calls in flight (after Ctrl-C): their connections are broken, not left to the daemon."""
        self.hosts.cancel()

    def close(self) -> None:
        """Stop the background refresh and close connections."""
        self.live.stop()
        for live, c in self._host_live.values():
            live.stop()
            c.close()
        self.hosts.close()
        if (own := self._state.live) is not None:
            own.close()
