"""A BuildKit build from Python: ImageBuild ``version=2`` with a session of dshell's own serving the context.

    from pathlib import Path
    import dshell.client as docker
    from dshell.buildkit import build
    b = build(docker.client(), Path("app"), {"t": "app:1"}, secrets={"token": Path("token.txt")})
    for ev in b: ...            # decoded progress events as they come (progress.event)
    b.result()                  # {"image_id", "steps", "warnings", ["error"]}

``dshell.client``'s ImageBuild with ``version="2"`` and a folder as ``inputStream`` comes here by itself.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Generator, Iterator
from pathlib import Path, PurePath
from typing import Any

from . import _services
from ._grpc import GrpcError
from ._session import Session, context_dirs, new_id
from .progress import Progress, event

# params of ImageBuild ``version=2`` that are not the API's: they configure the session
SESSION_PARAMS = ("secrets", "ssh")


def parse_output(spec: str | dict[str, Any]) -> tuple[str, Any]:
    """``-o`` as (``local``, folder) or (``tar``, file or ``-``): ``type=local,dest=DIR``, ``type=tar,dest=F``,
    a plain folder, or ``-`` (a tar on stdout), or {"type", "dest"}; ValueError naming what is wrong."""
    if isinstance(spec, dict):
        fields = {str(k).lower(): v for k, v in spec.items()}
    elif spec == "-":
        fields = {"type": "tar", "dest": "-"}
    elif "=" not in spec:
        fields = {"type": "local", "dest": spec}
    else:
        fields = {}
        for part in spec.split(","):
            key, sep, value = part.partition("=")
            if not sep:
                raise ValueError(f"-o {spec!r}: {part!r} is not KEY=VALUE (e.g. type=local,dest=out)")
            fields[key.strip().lower()] = value.strip()
    kind, dest = fields.get("type"), fields.get("dest")
    if kind not in ("local", "tar"):
        raise ValueError(f"-o: output type {kind!r} is not supported here (type=local or type=tar)")
    if not dest:
        raise ValueError(f"-o type={kind}: dest=PATH is required")
    return kind, dest


def parse_secret(spec: str) -> tuple[str, Callable[[], bytes]]:
    """``--secret id=ID,src=FILE`` / ``id=ID,env=VAR`` (``source``/``type`` as buildx takes them) as (id, reader)."""
    fields: dict[str, str] = {}
    for part in spec.split(","):
        key, sep, value = part.partition("=")
        if not sep:
            raise ValueError(f"--secret {spec!r}: {part!r} is not KEY=VALUE (id=ID,src=FILE or id=ID,env=VAR)")
        fields[key.strip().lower()] = value
    ident = fields.get("id")
    src = fields.get("src") or fields.get("source") or ""
    env = fields.get("env") or ""
    if fields.get("type") == "env" and src and not env:
        env, src = src, ""
    if not ident:
        ident = env if env and not src else os.path.basename(src or "")
    if not ident:
        raise ValueError(f"--secret {spec!r}: id=ID is required")
    if env:
        found = os.environ.get(env)
        if found is None:
            raise ValueError(f"--secret {ident}: the environment variable {env} is not set")
        data = found.encode()
        return ident, lambda: data
    if not src:
        raise ValueError(f"--secret {ident}: src=FILE or env=VAR is required")
    path = Path(os.path.expanduser(src))
    if not path.is_file():
        raise ValueError(f"--secret {ident}: {src}: no such file")
    return ident, path.read_bytes


def parse_ssh(spec: str) -> tuple[str, str | list[str]]:
    """``--ssh default`` (``$SSH_AUTH_SOCK``), ``ID=SOCKET`` or ``ID=KEY[,KEY]`` as (id, an agent's socket or the
    key files); ValueError naming what is missing."""
    ident, sep, path = spec.partition("=")
    ident = ident.strip() or "default"
    if not sep:
        path = os.environ.get("SSH_AUTH_SOCK", "")
        if not path:
            raise ValueError(f"--ssh {spec}: SSH_AUTH_SOCK is not set (start an agent, or give ID=SOCKET or ID=KEY)")
    paths = [os.path.expanduser(p) for p in path.split(",")]
    if all(os.path.isfile(p) for p in paths):
        return ident, paths
    if len(paths) > 1 or not os.path.exists(paths[0]):
        missing = next(p for p in paths if not os.path.exists(p))
        raise ValueError(f"--ssh {spec}: {missing}: no such agent socket or key file")
    return ident, paths[0]


def _secrets(value: Any) -> dict[str, Callable[[], bytes]]:
    out: dict[str, Callable[[], bytes]] = {}
    if isinstance(value, dict):
        for ident, source in value.items():
            out[str(ident)] = _services.secret_source(source)
    else:
        for spec in value or ():
            ident, read = parse_secret(spec)
            out[ident] = read
    return out


def _ssh(value: Any) -> tuple[dict[str, str], list[Callable[[], None]]]:
    """The agents to forward by id, and what stops the ones started here for key files."""
    if isinstance(value, str):
        value = [value]
    pairs = [(str(k), v) for k, v in value.items()] if isinstance(value, dict) else [parse_ssh(s) for s in value or ()]
    agents: dict[str, str] = {}
    stops: list[Callable[[], None]] = []
    try:
        for ident, where in pairs:
            if isinstance(where, list | tuple):
                from ._keyagent import KeyAgent

                agent = KeyAgent(ident, [str(k) for k in where])
                stops.append(agent.close)
                agents[ident] = agent.socket
            else:
                agents[ident] = str(where)
    except BaseException:
        for stop in stops:
            stop()
        raise
    return agents, stops


def _outputs(value: Any) -> tuple[tuple[str, Any] | None, str | None]:
    """The export the session receives and the ``outputs`` param for the daemon."""
    if not value:
        return None, None
    if isinstance(value, list):
        if len(value) != 1:
            raise ValueError("-o: one output at a time (the daemon's builder takes one)")
        value = value[0]
    if isinstance(value, str) and value.startswith("["):
        value = json.loads(value)[0]
    kind, dest = parse_output(value)
    return (kind, dest), json.dumps([{"Type": kind, "Attrs": {}}])


class Build:
    """A BuildKit build on its way: iterate for the decoded events; ``result()`` runs it to the end."""

    def __init__(self, client: Any, context: str | PurePath, params: dict[str, Any] | None = None,
                 secrets: Any = None, ssh: Any = None) -> None:
        from dshell.client import ValidationError, call

        params = dict(params or {})
        dirs, name = context_dirs(Path(context), params.pop("dockerfile", None))
        try:
            output, outputs = _outputs(params.pop("outputs", None))
            secret_map = _secrets(secrets)
            agents, stops = _ssh(ssh)  # last: it may start agents, which the session stops
        except (ValueError, OSError) as exc:
            raise ValidationError(str(exc)) from None
        self.progress = Progress()
        self.changes: list[tuple[str, Any, Any]] = []
        self.message: dict[str, Any] = {}  # the daemon's JSON message the last event came from (rawjson prints it)
        self.session = Session(dirs, secret_map, agents, output, cleanup=stops)
        self.build_id = new_id()
        request = {**params, "version": "2", "remote": "client-session", "session": self.session.id,
                   "buildid": self.build_id, "dockerfile": name}
        if outputs:
            request["outputs"] = outputs
        self.started, self.elapsed = time.monotonic(), 0.0
        try:
            self.session.open(client)
            self.outcome = call(client, {"op": "ImageBuild", "params": request, "as": "stream"})
        except BaseException:
            self.session.close()
            raise
        self._events = self._read()
        if self.outcome.error is not None:  # refused before it began: nothing to read
            self.session.close()
            self._events.close()
            self.progress.error = self.outcome.error.message

    def _read(self) -> Generator[dict[str, Any], None, None]:
        try:
            for message in self.outcome.data.json():
                if isinstance(message, dict):
                    self.message = message
                    ev = event(message)
                    self.changes = self.progress.feed(ev)  # what the event changed, for a printer
                    yield ev
        finally:
            self.outcome.data.close()
            self.session.close()
            self.elapsed = time.monotonic() - self.started
            errors = self.session.errors  # what failed on this side is the cause the daemon only relays
            if errors:
                first = errors[0]
                self.progress.cause = str(first) if isinstance(first, GrpcError) else f"{type(first).__name__}: {first}"

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return self._events

    def result(self) -> dict[str, Any]:
        """Run the build to its end; its data (image id, steps, warnings, error)."""
        for _ in self._events:
            pass
        return self.progress.result()

    def close(self) -> None:
        """Stop reading (the daemon cancels the build when its stream closes) and end the session."""
        self._events.close()


def build(client: Any, context: str | PurePath, params: dict[str, Any] | None = None, secrets: Any = None,
          ssh: Any = None) -> Build:
    """Start a BuildKit build of the local folder ``context`` with ImageBuild ``params`` (``t``, ``buildargs``,
    ``target``, ``platform``, ``labels``, ``pull``, ``nocache``, ``networkmode``, ``extrahosts``, ``cachefrom``,
    ``outputs``, ``dockerfile`` as a name in the context or a local Path); ``secrets``: {id: Path | bytes} or
    ``--secret`` specs; ``ssh``: {id: agent socket} or ``--ssh`` specs. A daemon that refuses the build
    raises its DockerError."""
    running = Build(client, context, params, secrets, ssh)
    if running.outcome.error is not None:
        raise running.outcome.error
    return running


def _session_stream(running: Build) -> Any:
    """The build's DockerStream (the daemon's JSON messages, as any ``as: stream`` call gives them) that ends the
    session when its body ends or it is closed."""
    from dshell.client import DockerStream

    class SessionStream(DockerStream):
        def read1(self, size: int = -1) -> bytes:
            data = super().read1(size)
            if not data:
                running.session.close()
            return data

        def close(self) -> None:
            super().close()
            running.session.close()

    plain = running.outcome.data
    return SessionStream(plain._body, plain.op, plain._tty, plain.status, plain.headers)  # the same body, read once


def client_call(client: Any, request: dict[str, Any]) -> Any:
    """``dshell.client.call`` of an ImageBuild ``version=2`` whose ``inputStream`` is a local folder: the build
    through a session. Its Outcome's data is the result (``as: data``; a failed build sets ``error`` too) or the
    daemon's stream of JSON messages, the session open until it ends or is closed (``as: stream``;
    ``dshell.buildkit.build`` gives decoded events)."""
    from dshell.client import DockerError, ValidationError

    params = dict(request.get("params") or {})
    context = params.pop("inputStream")
    session = {name: params.pop(name) for name in SESSION_PARAMS if name in params}
    mode = request.get("as", "data")
    if mode not in ("data", "stream"):
        raise ValidationError(f"ImageBuild version=2 with a local folder: 'as' must be data or stream, not {mode!r}")
    running = Build(client, context, params, session.get("secrets"), session.get("ssh"))
    outcome = running.outcome
    if outcome.error is not None:
        return outcome
    if mode == "stream":
        return outcome.replace(data=_session_stream(running))
    result = running.result()
    error = DockerError(0, result["error"], "ImageBuild", result) if "error" in result else None
    return outcome.replace(data=result, error=error, elapsed=running.elapsed)


def buildkit_enabled(ping_headers: dict[str, str], env: dict[str, str] | None = None) -> bool:
    """Whether ``docker build`` would use BuildKit, as the docker CLI 23+ decides: ``DOCKER_BUILDKIT`` when set
    (ValueError when it is not a boolean), else BuildKit unless a Windows daemon does not offer it (no
    ``Builder-Version: 2``); a Linux daemon that sends no such header (API < 1.42, Docker 20.10) gets BuildKit."""
    value = (os.environ if env is None else env).get("DOCKER_BUILDKIT", "")
    if value:
        truth = {"1": True, "t": True, "true": True, "0": False, "f": False, "false": False}.get(value.lower())
        if truth is None:
            raise ValueError(f"DOCKER_BUILDKIT={value!r}: expected a boolean (1 or 0)")
        return truth
    headers = {k.lower(): v for k, v in ping_headers.items()}
    return headers.get("builder-version") == "2" or headers.get("ostype", "linux").lower() != "windows"
