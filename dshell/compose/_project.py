"""A project to act on: found by its files (a model) or by name alone (its labels on the engine)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import dshell.client as docker

from . import _attach, _events, _life, _load, _logs, _plan, _state, _up, _views
from . import _labels as L
from ._attach import Attached
from ._errors import ComposeError
from ._logs import Logs
from ._steps import Step, Steps


class Project:
    """One Compose project on one engine. Each lifecycle method sends its ops in order and returns the Steps
    (every request and Outcome, the progress lines); ``dry_run=True`` sends the reads only and lists the writes."""

    def __init__(self, client: docker.Client, name: str, model: _load.Model | None = None,
                 on_step: Callable[[Step], None] | None = None) -> None:
        self.client = client
        self.name = name
        self.model = model
        self.on_step = on_step

    def __repr__(self) -> str:
        files = f" {','.join(self.model.files)}" if self.model else ""
        return f"<dshell.compose.Project {self.name}{files}>"

    def _steps(self, dry_run: bool) -> Steps:
        return Steps(self.client, dry_run, self.on_step)

    def _model(self, what: str) -> _load.Model:
        if self.model is None:
            raise ComposeError(f"{what} needs the project's compose file: none found for project {self.name!r} "
                               "(give it with -f, or run from its folder)")
        return self.model

    def _rows(self, services: Sequence[str], oneoff: bool = False) -> list[dict[str, Any]]:
        rows = _state.containers(self.client, self.name, services, all=True, oneoff=oneoff)
        if self.model is not None:
            unknown = [s for s in services if s not in self.model.services]
            if unknown:
                raise ComposeError(f"no such service: {unknown[0]} (the project has "
                                   f"{', '.join(sorted(self.model.services))})")
        return rows

    # as data
    def config(self) -> dict[str, Any]:
        """The resolved model (``compose config``)."""
        return self._model("config").config()

    def ps(self, services: Sequence[str] = (), all: bool = False) -> list[dict[str, Any]]:
        """``compose ps``: rows with docker compose's JSON fields."""
        return _views.ps(self.client, self.name, services, all)

    def tree(self) -> dict[str, Any]:
        """The project tree as nested data (render it with dshell.explorer's tree)."""
        return _views.tree(self.client, self.name)

    def top(self, services: Sequence[str] = ()) -> list[dict[str, Any]]:
        """``compose top``."""
        return _views.top(self.client, self.name, services)

    def images(self, services: Sequence[str] = ()) -> list[dict[str, Any]]:
        """``compose images``."""
        return _views.images(self.client, self.name, services)

    def port(self, service: str, private: int, protocol: str = "tcp", index: int = 1) -> str:
        """``compose port``."""
        return _views.port(self.client, self.name, service, private, protocol, index)

    def logs(self, services: Sequence[str] = (), follow: bool = False, tail: str | None = None,
             timestamps: bool = False) -> Logs:
        """``compose logs``: one merged stream of LogLines (``for line in p.logs(): print(line.format(...))``);
        ``follow`` as docker compose follows (containers started later too, exits as status lines, until every
        watched container has exited or ``close()``)."""
        own = self.client.copy()
        events = _logs.watch_events(own, self.name) if follow else None
        try:
            rows = self._rows(services)
        except BaseException:
            own.cancel()
            raise
        return Logs(own, rows, follow, tail, timestamps, events=events, services=list(services) or None)

    def event_stream(self, services: Sequence[str] = (), since: str | None = None,
                     until: str | None = None) -> _events.Events:
        """``compose events``, live: docker compose's event objects as they come (``close()`` ends it)."""
        return _events.Events(self.client.copy(), self.name, services, since, until)

    def events(self, since: str | None = None, until: str | None = None) -> list[dict[str, Any]]:
        """``compose events`` (a window: ``until`` defaults to now): the project's container events."""
        import time

        params: dict[str, Any] = {"filters": {"label": [f"{L.PROJECT}={self.name}"], "type": ["container"]},
                                  "until": until or str(int(time.time()))}
        if since:
            params["since"] = since
        data = _state.read(self.client, "SystemEvents", params)
        return list(data or [])

    # lifecycle
    def up(self, services: Sequence[str] = (), build: bool = False, dry_run: bool = False) -> Steps:
        """Create what is missing, recreate what changed, start in dependency order (always detached)."""
        steps = self._steps(dry_run)
        _up.up(steps, self._model("up"), services, build)
        return steps

    def up_attached(self, services: Sequence[str] = (), build: bool = False, attach: Sequence[str] = (),
                    no_attach: Sequence[str] = (), timestamps: bool = False, abort_on_exit: bool = False,
                    exit_code_from: str | None = None, timeout: int | None = None) -> tuple[Steps, Attached]:
        """``up`` without ``-d``: the Steps of creating and starting, and the Attached to iterate (the merged
        logs of the attached services until they have all exited; ``interrupt()`` stops the project)."""
        model = self._model("up")
        names = _attach.attached_services(services, sorted(model.services), attach, no_attach)
        if exit_code_from is not None and exit_code_from not in model.services:
            raise ComposeError(f"--exit-code-from: no such service: {exit_code_from}")
        own = self.client.copy()
        events = _logs.watch_events(own, self.name)
        try:
            steps = self.up(services, build)
            started = {str(s.request["params"]["id"]) for s in steps.done
                       if s.request.get("op") == "ContainerStart" and s.outcome is not None}
            attached = _attach.attach(self, own, events, started, names, timestamps, abort_on_exit=abort_on_exit,
                                      exit_code_from=exit_code_from, timeout=timeout)
        except BaseException:
            own.cancel()
            raise
        return steps, attached

    def down(self, volumes: bool = False, rmi: str | None = None, timeout: int | None = None,
             dry_run: bool = False) -> Steps:
        """Stop and remove the containers, then the networks, then (``volumes``) the volumes, then (``rmi``)
        images."""
        steps = self._steps(dry_run)
        _life.down(steps, self.name, self.model, volumes, rmi, timeout)
        return steps

    def _each(self, act: Callable[..., None], services: Sequence[str], dry_run: bool, **kw: Any) -> Steps:
        steps = self._steps(dry_run)
        act(steps, self._rows(services), **kw)
        return steps

    def start(self, services: Sequence[str] = (), dry_run: bool = False) -> Steps:
        """Start the stopped containers, dependencies first."""
        return self._each(_life.start, services, dry_run)

    def stop(self, services: Sequence[str] = (), timeout: int | None = None, dry_run: bool = False) -> Steps:
        """Stop the running containers, dependents first."""
        return self._each(_life.stop, services, dry_run, timeout=timeout)

    def restart(self, services: Sequence[str] = (), timeout: int | None = None, dry_run: bool = False) -> Steps:
        """Restart the containers."""
        return self._each(_life.restart, services, dry_run, timeout=timeout)

    def pause(self, services: Sequence[str] = (), dry_run: bool = False) -> Steps:
        """Pause the running containers."""
        return self._each(_life.pause, services, dry_run)

    def unpause(self, services: Sequence[str] = (), dry_run: bool = False) -> Steps:
        """Unpause the paused containers."""
        return self._each(_life.unpause, services, dry_run)

    def kill(self, services: Sequence[str] = (), signal: str = "SIGKILL", dry_run: bool = False) -> Steps:
        """Signal the running containers."""
        return self._each(_life.kill, services, dry_run, signal=signal)

    def rm(self, services: Sequence[str] = (), stop: bool = False, volumes: bool = False,
           dry_run: bool = False) -> Steps:
        """Remove the stopped containers (``stop``: stop the running ones first)."""
        return self._each(_life.rm, services, dry_run, stop_first=stop, volumes=volumes)

    def pull(self, services: Sequence[str] = (), dry_run: bool = False) -> Steps:
        """Pull the images of the services that have no ``build``."""
        steps, model = self._steps(dry_run), self._model("pull")
        for name in _up.selected(model, services):
            if not model.services[name].get("build"):
                _up.pull_image(steps, _plan.image_name(model, name))
        return steps

    def build(self, services: Sequence[str] = (), dry_run: bool = False) -> Steps:
        """Build the images of the services that have a ``build`` section (the classic builder)."""
        steps, model = self._steps(dry_run), self._model("build")
        for name in _up.selected(model, services):
            if model.services[name].get("build"):
                _up.build_image(steps, model, name)
        return steps

    def run(self, service: str, command: Sequence[str] | None = None, rm: bool = True,
            dry_run: bool = False) -> tuple[Steps, int | None, str]:
        """``compose run [--rm] SERVICE [CMD...]`` without a terminal: dependencies up, a one-off container
        (``PROJECT-SERVICE-run-SLUG``, labelled oneoff) run to its end; (steps, exit code, output)."""
        model = self._model("run")
        steps = self._steps(dry_run)
        if service not in model.services:
            raise ComposeError(f"no such service: {service} (the project has {', '.join(sorted(model.services))})")
        if model.graph()[service]:
            _up.up(steps, model, model.graph()[service])
        names = [service]
        _up.ensure_networks(steps, model, names)
        _up.ensure_volumes(steps, model, names)
        image = _up.images(steps, model, names)[service]
        slug = secrets.token_hex(32)
        cname = f"{model.name}-{service}-run-{slug[:12]}"
        one = _load.Model(model.name, model.working_dir, model.files,
                          {**model.services, service: {**model.services[service], "ports": []}},
                          model.networks, model.volumes, model.env_file)
        request = _plan.container_request(one, service, 0, image, self.client.api_version, oneoff=True,
                                          command=list(command) if command else None, container=cname)
        request["params"]["body"]["Labels"][L.SLUG] = slug
        _up.create(steps, one, service, request)
        steps.write("ContainerStart", {"id": cname}, f"Container {cname}  Started")
        if dry_run:
            return steps, None, ""
        waited = steps.write("ContainerWait", {"id": cname})
        logs = steps.write("ContainerLogs", {"id": cname, "stdout": True, "stderr": True})
        if rm:
            steps.write("ContainerDelete", {"id": cname, "force": True}, f"Container {cname}  Removed")
        return steps, int((waited or {}).get("StatusCode", 0)), _text(logs)

    def exec(self, service: str, command: Sequence[str], index: int = 1, user: str | None = None,
             workdir: str | None = None, env: Mapping[str, str] | None = None,
             dry_run: bool = False) -> tuple[Steps, int | None, str]:
        """``compose exec SERVICE CMD...`` without a terminal: (steps, exit code, output)."""
        rows = [r for r in self._rows([service]) if (r.get("Labels") or {}).get(L.NUMBER) == str(index)
                and r.get("State") == "running"]
        if not rows:
            raise ComposeError(f"service {service!r} is not running (container #{index})")
        steps = self._steps(dry_run)
        config: dict[str, Any] = {"Cmd": list(command), "AttachStdout": True, "AttachStderr": True}
        if user:
            config["User"] = user
        if workdir:
            config["WorkingDir"] = workdir
        if env:
            config["Env"] = [f"{k}={v}" for k, v in env.items()]
        made = steps.write("ContainerExec", {"id": rows[0]["Id"], "execConfig": config})
        if dry_run:
            return steps, None, ""
        output = steps.write("ExecStart", {"id": made["Id"], "execStartConfig": {"Detach": False}})
        code = steps.read("ExecInspect", {"id": made["Id"]}).data.get("ExitCode")
        return steps, code, _text(output)


def _text(data: Any) -> str:
    """A log or exec answer as text (demultiplexed frames joined)."""
    if isinstance(data, bytes):
        return data.decode("utf-8", "replace")
    if isinstance(data, list):
        return "".join(_text(d if not isinstance(d, tuple) else d[1]) for d in data)
    return "" if data is None else str(data)


def project(client: docker.Client, files: Sequence[str] = (), name: str | None = None,
            workdir: str | None = None, env: Mapping[str, str] | None = None, env_file: str | None = None,
            profiles: Sequence[str] = (), on_step: Callable[[Step], None] | None = None) -> Project:
    """The project of ``files`` (default: found from ``workdir`` as docker compose finds them), named by
    ``name``/``COMPOSE_PROJECT_NAME``/``name:``/the folder; with ``name`` and no file found, the project as its
    labels show it (ps, logs, stop, down work; up, config need the file)."""
    if name and not files and not (env or os.environ).get("COMPOSE_FILE"):
        try:
            model = _load.load((), workdir, name, env, env_file, profiles)
        except ComposeError as e:
            if "no configuration file provided" not in str(e):
                raise
            from ._files import check_name

            return Project(client, check_name(name, "-p"), None, on_step)
        return Project(client, model.name, model, on_step)
    model = _load.load(files, workdir, name, env, env_file, profiles)
    return Project(client, model.name, model, on_step)


def ls(client: docker.Client, all: bool = False) -> list[dict[str, Any]]:
    """``compose ls [-a]``: every project on the engine (whoever started it) with its status and files."""
    return _state.projects(client, all)


def ls_on(clients: Mapping[str, docker.Client], all: bool = False) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """``compose ls`` on several engines at once: rows with HOST, and each failed host's one-line error."""
    return _state.projects_on(clients, all)
