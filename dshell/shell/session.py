"""The shell's core: run a Command against a client and the results history, and say what to show.

Free of prompt_toolkit (an IPython ``%docker`` magic can reuse it). The daemon is reached only inside
``runner`` calls, so a front end can run them in a worker thread and abandon them on Ctrl-C.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, Protocol, TypeVar

from dshell.explorer import Ref

from . import bind as binding
from . import parse as P
from .completion.live import CHANGES, LiveNames
from .config import Config
from .hosts import ClientFactory, Hosts, real_client, split_named
from .reply import Reply, one_line
from .values import LocalPath

if TYPE_CHECKING:
    from dshell.client import Client, Outcome, SpecIndex
    from dshell.explorer import History, Navigator, Result

T = TypeVar("T")


class Runner(Protocol):
    """How a command runs its calls to the daemon: here (``run_here``), or in a worker it can abandon."""

    def __call__(self, fn: Callable[[], T], /) -> T: ...

PREFETCH = ("containers", "images")
VERSION_RE = re.compile(r"v?\d+\.\d+")


def run_here(fn: Callable[[], T]) -> T:
    """The plain runner: call ``fn`` in this thread."""
    return fn()


class Status(NamedTuple):
    """What the toolbar shows: where we are connected (the default endpoint's name, or its URI while it is the
    only endpoint and was not named), the API version, how many results there are."""

    endpoint: str
    api_version: str
    results: int
    ready: bool


class Connected(NamedTuple):
    """What a keystroke or a worker reads of the connection, swapped whole (never mutated): the default
    endpoint's client (for ``@NAME CMD``, NAME's, with no live names' copy), the live names' own copy of it, the
    spec index and the API version (None: not known yet) that go with it."""

    client: Client | None = None
    live: Client | None = None
    spec: SpecIndex | None = None
    version: str | None = None


class _Here(threading.local):
    """The endpoint that ``@NAME CMD`` runs its command on, in the thread running it (None: the default)."""

    name: str | None = None
    state: Connected | None = None


class Session:
    """A client, a results history, a navigator and live names; ``execute`` runs one input."""

    def __init__(self, config: Config | None = None,
                 results_file: Path | Literal["default"] | None = "default",
                 clients: ClientFactory = real_client) -> None:
        """``clients`` makes each endpoint's client (tests give one over ``docker.MockTransport``)."""
        self.config = config or Config()
        if self.config.secret_names:
            self._mask_names()
        self.results_file = results_file
        self.hosts = Hosts(clients)
        self.hosts.timeouts = self.config.timeouts()
        self.history: History | None = None
        self.navigator: Navigator | None = None
        self.live = LiveNames(self._live_invoke, self.config.refresh)
        self._host_live: dict[str, tuple[LiveNames, Client]] = {}  # the other endpoints' names, when asked
        self._streams: dict[str, Callable[[P.Stream], Reply]] = {}  # what front ends plug in: register_stream
        self._handlers: dict[type, Callable[[Any, Runner], Reply]] = {
            P.OpCall: self._op_call, P.Doc: self._doc, P.Ops: self._ops, P.Categories: self._categories,
            P.Use: self._use, P.Connect: self._connect, P.Disconnect: self._disconnect, P.Fetch: self._fetch,
            P.History: self._history, P.Help: self._help, P.Show: self._show, P.Cd: self._cd, P.Ls: self._ls,
            P.Pwd: self._pwd, P.Save: self._save, P.Set: self._set, P.Exit: lambda cmd, run: Reply(exit=True),
            P.Stream: self._stream, P.Workflow: self._workflow, P.Hosts: self._hosts, P.FanOut: self._fan_out,
            P.OnHost: self._on_host, P.Docker: self._docker, P.Local: self._local, P.Lcd: self._lcd,
        }
        self.say: Callable[[Any], None] | None = None  # how a workflow shows a line as it goes (front ends set it)
        self.ask: Callable[[str], bool] | None = None  # a y/N question to the user (the prompt sets it; -c: never)
        self.on_disconnect: list[Callable[[str], None]] = []  # front ends end what streams from an endpoint
        self._state = Connected()
        self._here = _Here()
        self._ready = threading.Event()
        self._lock = threading.Lock()  # the start flag and the swaps of _state
        self._starting = False
        self._load_error: str | None = None

    # ------------------------------------------------------------------ loading
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
            from dshell.explorer import History, Navigator, default_history_path, use_views

            use_views(dict(self.config.views))
            path = default_history_path() if self.results_file == "default" else self.results_file
            self.history = History(path)
            self.navigator = Navigator(self.history)
            named = [split_named(text) for text in self.config.hosts]
            first = self.config.host_conn(named[0][1]) if len(named) > 1 else self.config.conn()
            self._switch(first, self.config.api_version, named[0][0] if named else None)
            for name, uri in named[1:]:
                self.hosts.add(name, self.config.host_conn(uri), self.config.api_version)
        except Exception as exc:  # noqa: BLE001 - reported on the first command instead of killing a thread
            self._load_error = one_line(exc)
        finally:
            self._ready.set()
        self._negotiate()

    def _switch(self, conn: dict[str, Any] | None, api_version: str | None, name: str | None = None) -> Client:
        """Connect the default endpoint (or the one ``name``, made the default) to ``conn``."""
        import dshell.client as docker

        conn = conn or docker.default_conn()
        self.hosts.check(conn, api_version)
        name = self.hosts.add(name or self.hosts.default, conn, api_version)
        return self._make_default(name)

    def _make_default(self, name: str) -> Client:
        import dshell.client as docker

        new = self.hosts.client(name)
        spec = docker.spec(new.pinned or docker.NEWEST)
        with self._lock:
            self.hosts.default = name
            old, self._state = self._state, Connected(new, new.copy(), spec, new.pinned)
        if (old_live := old.live) is not None:
            old_live.cancel()  # a refresh in flight is for the old daemon: its answer is dropped anyway
            old_live.close()
        self.live.reset()
        self.live.refresh(PREFETCH)
        return new

    def _negotiate(self) -> None:
        """Learn the API version (and so the spec) now, so completion offers what the daemon speaks."""
        c = self.client
        if c is None:
            return
        try:
            self._learned(c, c.spec, c.api_version)
        except Exception:  # noqa: BLE001 - an unreachable daemon is reported when a command needs it
            return

    def _learned(self, c: Client, spec: SpecIndex | None, version: str | None) -> None:
        """Keep what ``c``'s daemon speaks, unless ``c`` is no longer the default (a switch came first)."""
        with self._lock:
            if self._state.client is c:
                self._state = self._state._replace(spec=spec, version=version)

    @property
    def state(self) -> Connected:
        """The connection as it is now, one consistent snapshot: the default endpoint's, or in a thread running
        ``@NAME CMD``, the endpoint NAME's (its client, spec and version) until that command is done."""
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
        state = self._state
        c = state.client
        version = state.version or ((c.pinned or "auto") if c else "…")
        name, hosts = self.hosts.default, self.hosts
        where = "connecting…" if c is None else c.uri
        if c is not None and name is not None and (name in hosts.named or len(hosts.names()) > 1):
            where = name
        return Status(where, version, len(self.history) if self.history else 0, self._ready.is_set())

    def require_client(self) -> Client:
        """The connected client (once loading finished), or DshellError saying why there is none."""
        self._ready.wait()
        c = self.client
        if c is None:
            import dshell.client as docker

            raise docker.DshellError(f"not connected ({self._load_error}): use connect URI")
        return c

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

    def _live_invoke(self, op: str, params: dict[str, Any]) -> Any:
        import dshell.client as docker

        c = self._state.live
        if c is None:
            return []
        return docker.invoke(c, {"op": op, "params": params, "throw": True})

    # ------------------------------------------------------------------ running
    def execute(self, text: str | P.Command | None, runner: Runner = run_here) -> Reply:
        """Parse (if given text) and run one input; user and daemon errors come back as ``Reply.error``."""
        import dshell.client as docker

        try:
            cmd = P.parse_line(text) if isinstance(text, str) else text
            if cmd is None:
                return Reply()
            self._ready.wait()
            return self._handlers[type(cmd)](cmd, runner)
        except (docker.DshellError, ValueError, OSError) as exc:
            return Reply(error=one_line(exc))

    def record(self, op: str, params: dict[str, Any], outcome: Outcome) -> Reply:
        """Store a call's outcome as the next numbered result; the reply renders it (or says its error)."""
        return self.reply(self.store(op, params, outcome))

    @staticmethod
    def reply(result: Result) -> Reply:
        """The reply for a stored result: it rendered, or its error."""
        from dshell.explorer import render

        if result.failed:
            return Reply(error=f"[{result.n}] {result.status} {result.error}", result=result)
        return Reply(render(result), result=result)

    def store(self, op: str, params: dict[str, Any], outcome: Outcome, api_version: str | None = None) -> Result:
        """Store a call's outcome as the next numbered result (``op`` and ``params`` as the user gave them;
        ``api_version``: the one it was sent in, when not ``state``'s)."""
        error = outcome.error.message if outcome.error is not None else None
        return self.keep(op, params, outcome.data, status=outcome.status, elapsed=outcome.elapsed, error=error,
                         endpoint=outcome.endpoint, api_version=api_version, raw=outcome.json_body)

    def keep(self, op: str, params: dict[str, Any], data: Any, *, status: int | None, elapsed: float,
             error: str | None, endpoint: str, api_version: str | None = None, raw: bytes | None = None) -> Result:
        """Store what a command made (a call, a pane's lines, an attach session) as the next numbered result;
        never waits on the daemon (the API version is ``api_version``, else the one ``state`` knows by now;
        ``raw``: the JSON document ``data`` was decoded from)."""
        assert self.history is not None
        from .bodies import storable

        state = self.state
        c = state.client
        version = api_version or state.version or (c.pinned if c else None) or ""
        return self.history.add(op, storable(params), status, elapsed, data, error, endpoint=endpoint,
                                api_version=version, raw=raw)

    def _op_call(self, cmd: P.OpCall, run: Runner) -> Reply:
        import dshell.client as docker

        c = self.require_client()
        if self._is_key_here(cmd):  # `Networks` after `cd _3.NetworkSettings`
            return self._show(P.Show(None, cmd.query, path=cmd.op), run)

        from . import follow as F

        def bind() -> dict[str, Any]:
            spec = c.spec
            self._learned(c, spec, c.api_version)
            return binding.bind(cmd, spec, self.resolve)

        params, told = F.with_defaults(cmd.op, run(bind))
        if told:
            F.note(self, told)
        if F.streams(cmd.op, params):
            return F.follow(self, cmd.op, params, c, run)
        if cmd.op in ("ImageCreate", "ImagePush", "ImageLoad") and cmd.query is None:  # docker's progress as it comes
            from dshell.explorer import header

            from .docker.runner import progress

            shown = progress(self, cmd.op, params)
            return shown if shown.error or shown.result is None else shown._replace(body=header(shown.result))
        if cmd.op in F.LOG_READS:  # stderr lines marked in the result, as in a pane
            outcome = run(lambda: F.marked_logs(c, cmd.op, params))
        else:
            outcome = run(lambda: docker.call(c, {"op": cmd.op, "params": params}))
        op = self.spec_index.ops.get(cmd.op) if self.spec_index else None
        if op is not None and op.method != "GET" and op.category in CHANGES:
            self.live_here().refresh([CHANGES[op.category]])
        reply = self.record(cmd.op, params, outcome)
        if cmd.query is None or reply.error or reply.result is None:
            return reply
        from dshell.explorer import query, render

        return Reply(render(query(reply.result.data, cmd.query)), result=reply.result)

    def _is_key_here(self, cmd: P.OpCall) -> bool:
        """Whether ``cmd`` is a lone word that is no op but a key where ``cd`` went."""
        nav, spec = self.navigator, self.spec_index
        if nav is None or nav.ref is None or spec is None or cmd.op in spec.ops or cmd.params or cmd.args:
            return False
        return cmd.op in nav.names_here()

    def bind_words(self, words: list[str], spec: SpecIndex | None = None) -> tuple[str, dict[str, Any]]:
        """Op words as scanned (``ContainerLogs web since="1 hour ago"``) → (op, params), each word read as a
        prompt line's and typed by the spec once (``spec``, else that of the version ``state``'s client speaks)."""
        cmd = P.op_call(words)
        spec = spec or self.require_client().spec
        if cmd.op not in spec.ops:
            raise P.ParseError(f"{cmd.op!r} is not an op: see `ops`")
        return cmd.op, binding.bind(cmd, spec, self.resolve)

    def resolve(self, value: Any) -> Any:
        """``value`` with every Ref replaced by the data it points at."""
        if isinstance(value, Ref):
            from dshell.explorer import resolve

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

    def _fetch(self, cmd: P.Fetch, run: Runner) -> Reply:
        import dshell.client as docker

        c = self.require_client()
        request = {"conn": c, "url": cmd.path, "method": cmd.method.lower(), "query": self.resolve(cmd.query),
                   "body": self.resolve(cmd.body)}
        outcome = run(lambda: docker.fetch_outcome(request))
        params = {"method": cmd.method, "url": cmd.path, "query": request["query"], "body": request["body"]}
        params = {k: v for k, v in params.items() if v not in (None, {})}
        return self.record("fetch", params, outcome)

    # ------------------------------------------------------------------ the spec
    def _spec(self) -> SpecIndex:
        self._ready.wait()
        spec = self.spec_index
        if spec is None:
            self.require_client()
            spec = self.spec_index
        assert spec is not None
        return spec

    def _doc(self, cmd: P.Doc, run: Runner) -> Reply:
        import dshell.client as docker

        from .views import doc_view

        c = self.require_client()
        if not (cmd.full or self.config.full_docs == "on"):
            return Reply(doc_view(docker.doc(c, cmd.op)))
        from .docs import DownloadError, upstream_folder

        version = run(lambda: c.listing_spec().version)
        try:
            folder, url = run(lambda: upstream_folder(version, self.config.docs_url))
        except DownloadError as exc:  # the structure still shows, under the one line saying why no prose
            return Reply(doc_view(docker.doc(c, cmd.op)), error=str(exc))
        if url:
            from .follow import note

            note(self, f"downloaded the API {version} descriptions from {url} to {folder} (kept for next time)")
        return Reply(doc_view(docker.doc(c, cmd.op, folder)))

    def _ops(self, cmd: P.Ops, run: Runner) -> Reply:
        from .views import ops_view

        spec = self._spec()
        if cmd.category and cmd.category not in spec.categories:
            import dshell.client as docker
            from dshell.client import did_you_mean

            hint = did_you_mean(cmd.category, spec.categories) or ": see `categories`"
            raise docker.ValidationError(f"unknown category {cmd.category!r}{hint}")
        return Reply(ops_view(spec, cmd.category))

    def _categories(self, cmd: P.Categories, run: Runner) -> Reply:
        from .views import categories_view

        return Reply(categories_view(self._spec()))

    def _help(self, cmd: P.Help, run: Runner) -> Reply:
        from .views import help_view

        if cmd.topic is None or cmd.topic in P.COMMANDS:
            return Reply(help_view(cmd.topic))
        if cmd.topic == "docker":
            from .views import docker_view

            return Reply(docker_view())
        return self._doc(P.Doc(cmd.topic), run)

    # ------------------------------------------------------------------ connection
    def _use(self, cmd: P.Use, run: Runner) -> Reply:
        c = self.require_client()
        if cmd.version != "auto" and not VERSION_RE.fullmatch(cmd.version):
            return self._use_host(cmd.version, run)
        assert self.hosts.default is not None
        self.hosts.pin(self.hosts.default, None if cmd.version == "auto" else cmd.version)
        live = self._state.live
        assert live is not None
        live.pin(c.pinned)
        if c.pinned is None:
            self._learned(c, self.spec_index, None)  # the status says auto until negotiated
        self.live.reset()
        spec = run(lambda: c.spec)
        self._learned(c, spec, c.api_version)
        return Reply(f"API {c.api_version} ({'pinned' if c.pinned else 'negotiated'})")

    def _use_host(self, name: str, run: Runner) -> Reply:
        name = self.hosts.find(name)
        c = self._make_default(name)
        try:
            run(self._negotiate_or_raise)
        except Exception as exc:  # noqa: BLE001 - the default anyway: the daemon may come up later
            return Reply(error=f"default endpoint {name} ({c.uri}), but: {one_line(exc)}")
        return Reply(f"default endpoint {name} ({c.uri}, API {self._state.version})")

    def _hosts(self, cmd: P.Hosts, run: Runner) -> Reply:
        from .fanout import hosts_reply

        return hosts_reply(self, run)

    def _fan_out(self, cmd: P.FanOut, run: Runner) -> Reply:
        from .fanout import fan_out

        return fan_out(self, cmd, run)

    def _on_host(self, cmd: P.OnHost, run: Runner) -> Reply:
        """``@NAME CMD``: ``CMD`` on the endpoint NAME (its version asked first, cancellably, when not known):
        in this thread, ``state`` is NAME's until it is done."""
        self.require_client()
        if self._here.state is not None:
            raise P.ParseError("one @NAME per command")
        name = self.hosts.find(cmd.host)
        c = self.hosts.client(name)
        spec = run(lambda: c.spec)
        self._here.name, self._here.state = name, Connected(c, None, spec, spec.version)
        try:
            return self._handlers[type(cmd.command)](cmd.command, run)
        finally:
            self._here.name = self._here.state = None

    def _connect(self, cmd: P.Connect, run: Runner) -> Reply:
        self._ready.wait()  # not require_client: connect is how to recover from a first connection that failed
        if cmd.name is not None and self.hosts.default not in (None, cmd.name):
            return self._add_host(cmd, run)
        c = self._switch(self._connect_conn(cmd), cmd.api_version, cmd.name)
        try:
            run(self._negotiate_or_raise)
        except Exception as exc:  # noqa: BLE001 - connected anyway: the daemon may come up later
            return Reply(error=f"connected to {c.uri}, but: {one_line(exc)}")
        return Reply(f"connected to {c.uri} (API {self._state.version})")

    def _connect_conn(self, cmd: P.Connect) -> dict[str, Any] | None:
        if cmd.uri is None:
            return self.config.conn()
        return {"uri": cmd.uri, "timeouts": self.config.timeouts(), **({"mtls": cmd.tls} if cmd.tls else {})}

    def _add_host(self, cmd: P.Connect, run: Runner) -> Reply:
        import dshell.client as docker

        conn = self._connect_conn(cmd) or docker.default_conn()
        self.hosts.check(conn, cmd.api_version)  # a bad URI or version: nothing added
        name = self.hosts.add(cmd.name, conn, cmd.api_version)
        stale = self._host_live.pop(name, None)  # names of what the name meant before
        if stale is not None:
            stale[0].stop()
            stale[1].close()
        c = self.hosts.client(name)
        try:
            version = run(lambda: c.api_version)
        except Exception as exc:  # noqa: BLE001 - added anyway: the daemon may come up later
            return Reply(error=f"added {name} ({c.uri}), but: {one_line(exc)}")
        return Reply(f"added {name} ({c.uri}, API {version}); @{name} CMD runs a command there, use {name} switches")

    def _disconnect(self, cmd: P.Disconnect, run: Runner) -> Reply:
        import dshell.client as docker

        self._ready.wait()
        names = self.hosts.names()
        if cmd.name not in names:
            hint = docker.did_you_mean(cmd.name, names)
            raise docker.ValidationError(f"no endpoint {cmd.name!r}{hint} (endpoints: {', '.join(names) or 'none'})")
        if cmd.name == self.hosts.default:
            others = [n for n in names if n != cmd.name]
            first = f"use {others[0]}" if others else "connect NAME URI and use NAME"
            raise docker.ValidationError(f"{cmd.name} is the default endpoint: make another the default first "
                                         f"({first}), then disconnect {cmd.name}")
        uri = self.hosts.conn(cmd.name).get("uri", "")
        stale = self._host_live.pop(cmd.name, None)
        if stale is not None:
            stale[0].stop()
            stale[1].close()
        self.hosts.remove(cmd.name)
        for hook in self.on_disconnect:
            hook(cmd.name)
        return Reply(f"disconnected {cmd.name} ({uri}); endpoints: {', '.join(self.hosts.names())}")

    def _negotiate_or_raise(self) -> None:
        c = self.require_client()
        self._learned(c, c.spec, c.api_version)

    # ------------------------------------------------------------------ results
    def _nav(self) -> Navigator:
        if self.navigator is None:
            self.require_client()  # waits for the load, and says why it failed
        assert self.navigator is not None
        return self.navigator

    def _show(self, cmd: P.Show, run: Runner) -> Reply:
        from dshell.explorer import query, render, resolve

        assert self.history is not None
        if cmd.ref is not None:
            ref = cmd.ref
        elif cmd.path is not None:
            found = self._nav().locate(cmd.path) if self._nav().ref is not None else None
            if found is None:
                return Reply(error=f"{cmd.path}: a path like this is relative to where cd went: cd _3 first, "
                                   f"or name the result (_3.{cmd.path})")
            ref = found
        elif (here := self._nav().ref) is not None:
            ref = here
        else:
            return Reply(error="nothing to show here: name a result (_3) or cd into one")
        limit = None if cmd.full else 200
        value = resolve(ref, self.history)  # checks that the result and the path exist
        if not ref.steps and cmd.query is None:
            result = self.history.last if ref.result is None else self.history[ref.result]
            return Reply(render(result, full=cmd.full, limit=limit))
        if cmd.query is not None:
            return Reply(render(query(value, cmd.query), full=cmd.full, limit=limit))
        last = self.history.last  # `_` is that one: paths in a notebook name it by number
        where = replace(ref, result=last.n) if ref.result is None and last is not None else ref
        return Reply(render(value, full=cmd.full, limit=limit, path=str(where)))

    def _history(self, cmd: P.History, run: Runner) -> Reply:
        from .views import history_view

        self._nav()
        assert self.history is not None
        results = self.history.recent(cmd.limit)
        return Reply(history_view(results) if results else "no results yet")

    def _cd(self, cmd: P.Cd, run: Runner) -> Reply:
        return Reply(self._nav().cd(cmd.target or "/"))

    def _ls(self, cmd: P.Ls, run: Runner) -> Reply:
        return Reply(self._nav().ls(cmd.target or "."))

    def _pwd(self, cmd: P.Pwd, run: Runner) -> Reply:
        return Reply(self._nav().pwd())

    def _save(self, cmd: P.Save, run: Runner) -> Reply:
        from dshell.explorer import save

        path = save(self.resolve(cmd.ref), os.path.expanduser(cmd.path))
        return Reply(f"saved {cmd.ref} to {path}")

    # ------------------------------------------------------------------ settings and the rest
    def _set(self, cmd: P.Set, run: Runner) -> Reply:
        from .views import settings_view

        if cmd.key is None:
            return Reply(settings_view(self.config.items()))
        self.config = self.config.with_setting(cmd.key, cmd.value)
        self.live.interval = self.config.refresh
        if cmd.key == "secret_names":
            self._mask_names()
        if cmd.key in ("timeout", "connect_timeout") and (c := self.client) is not None:  # a client's are fixed
            self.hosts.timeouts = timeouts = self.config.timeouts()
            for name in self.hosts.names():
                if name != self.hosts.default:
                    self.hosts.add(name, {**self.hosts.conn(name), "timeouts": timeouts}, self.hosts.pinned(name))
            self._switch({**c.conn, "timeouts": timeouts}, c.pinned)
        return Reply(f"{cmd.key} = {getattr(self.config, cmd.key)}")

    def _mask_names(self) -> None:
        from dshell.explorer import secret_names

        secret_names(self.config.secret_names.split(","))

    def register_stream(self, name: str, handler: Callable[[P.Stream], Reply]) -> None:
        """Run the stream command ``name`` (tail, logs, attach, ...) with ``handler``: how a front end (the
        panes, the terminal, the magic) plugs in; without one, the command says it needs the prompt."""
        if name not in P.STREAM_COMMANDS:
            raise ValueError(f"{name!r} is not a stream command (have {', '.join(P.STREAM_COMMANDS)})")
        self._streams[name] = handler

    def _stream(self, cmd: P.Stream, run: Runner) -> Reply:
        from .docker.once import once

        if (line := once(cmd)) is not None:  # logs without -f, stats --no-stream: the answer once, no pane
            return self._docker(line, run)
        handler = self._streams.get(cmd.name)
        if handler is None:
            return Reply(error=f"{cmd.name} needs the interactive prompt (panes); run dshell without -c")
        return handler(cmd)

    def _docker(self, cmd: P.Docker, run: Runner) -> Reply:
        from .docker.runner import run_words

        return run_words(self, list(cmd.words), run, cmd.subs)

    def _local(self, cmd: P.Local, run: Runner) -> Reply:
        from .local import run_local

        return run_local(cmd.command)

    def _lcd(self, cmd: P.Lcd, run: Runner) -> Reply:
        from .local import change_dir

        return change_dir(cmd.target)

    def _workflow(self, cmd: P.Workflow, run: Runner) -> Reply:
        from .workflows import command

        return command(self, cmd, run)

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
