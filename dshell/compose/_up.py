"""``up``: a model made real on the engine, idempotently (unchanged containers stay; changed ones are
recreated), in dependency order, waiting for ``depends_on`` conditions as docker compose does."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from . import _labels as L
from . import _order, _plan, _state
from ._errors import ComposeError
from ._load import Model
from ._steps import Steps

POLL = 0.2
"""Seconds between two looks at a dependency's health."""


def selected(model: Model, services: Sequence[str]) -> list[str]:
    """``services`` and every service they need, transitively (all when none is named); an unknown name is one
    line naming the known ones."""
    for name in services:
        if name not in model.services:
            raise ComposeError(f"no such service: {name} (the project has {', '.join(sorted(model.services))})")
    graph = model.graph()
    todo, found = list(services or model.services), set()
    while todo:
        name = todo.pop()
        if name not in found and name in model.services:
            found.add(name)
            todo += graph[name]
    return sorted(found)


def images(steps: Steps, model: Model, names: Sequence[str], build: bool = False) -> dict[str, str]:
    """Each service's image id: inspected, else built (a service with ``build``) or pulled; ``build`` builds
    every service that has a ``build`` section first."""
    out: dict[str, str] = {}
    for name in names:
        svc, image = model.services[name], _plan.image_name(model, name)
        if build and svc.get("build"):
            build_image(steps, model, name)
        found = steps.read("ImageInspect", {"name": image}, ok=(404,))
        if found.error is not None:
            if svc.get("build"):
                build_image(steps, model, name)
            else:
                pull_image(steps, image)
            found = steps.read("ImageInspect", {"name": image}, ok=(404,)) if not steps.dry_run else found
        out[name] = str((found.data or {}).get("Id", "")) if found.error is None else ""
    return out


def pull_image(steps: Steps, image: str) -> None:
    """ImageCreate of ``image`` (``:latest`` when it names no tag)."""
    repo, sep, tag = image.rpartition(":")
    if not sep or "/" in tag:
        repo, tag = image, "latest"
    steps.write("ImageCreate", {"fromImage": repo, "tag": tag}, f"Image {image}  Pulled")


def build_image(steps: Steps, model: Model, name: str) -> None:
    """ImageBuild of a service's ``build`` section (the classic builder), tagged as the service's image."""
    build = model.services[name]["build"]
    context = Path(build["context"])
    if not context.is_dir():
        raise ComposeError(f"build context {context} is not a folder", model.files[0], f"services.{name}.build")
    dockerfile = os.path.join(build["context"], build["dockerfile"])
    params: dict[str, Any] = {"inputStream": context, "t": _plan.image_name(model, name), "rm": True}
    inside = os.path.commonpath([os.path.abspath(dockerfile), str(context.resolve())]) == str(context.resolve())
    params["dockerfile"] = os.path.relpath(dockerfile, context) if inside else Path(dockerfile)
    if build.get("args"):
        params["buildargs"] = json.dumps({k: v for k, v in build["args"].items() if v is not None})
    if build.get("target"):
        params["target"] = build["target"]
    labels = {**build.get("labels", {}), L.PROJECT: model.name, L.SERVICE: name, L.VERSION: L.COMPOSE_VERSION}
    params["labels"] = json.dumps(labels)
    steps.write("ImageBuild", params, f"Image {_plan.image_name(model, name)}  Built")


def ensure_networks(steps: Steps, model: Model, names: Sequence[str]) -> None:
    """Create the project's networks the services use that are not there yet; an external one must exist."""
    used = sorted({k for n in names for k in (model.services[n].get("networks") or {})})
    for key in used:
        net = model.networks[key]
        found = steps.read("NetworkInspect", {"id": net["name"]}, ok=(404,))
        if found.error is None and found.data.get("Name") == net["name"]:
            continue
        if net.get("external"):
            raise ComposeError(f"network {net['name']} declared as external, but could not be found")
        steps.write("NetworkCreate", _plan.network_request(model, key)["params"], f"Network {net['name']}  Created")


def ensure_volumes(steps: Steps, model: Model, names: Sequence[str]) -> None:
    """Create the named volumes the services use that are not there yet; an external one must exist."""
    used = sorted({v["source"] for n in names for v in model.services[n].get("volumes", [])
                   if v["type"] == "volume" and v.get("source")})
    for key in used:
        vol = model.volumes[key]
        found = steps.read("VolumeInspect", {"name": vol["name"]}, ok=(404,))
        if found.error is None:
            continue
        if vol.get("external"):
            raise ComposeError(f"external volume {vol['name']!r} not found")
        steps.write("VolumeCreate", _plan.volume_request(model, key)["params"], f"Volume {vol['name']}  Created")


def create(steps: Steps, model: Model, name: str, request: dict[str, Any], verb: str = "Created") -> None:
    """ContainerCreate, then (API < 1.44) NetworkConnect to the service's other networks."""
    cname = request["params"]["name"]
    steps.write("ContainerCreate", request["params"], f"Container {cname}  {verb}")
    for network, settings in _plan.later_networks(model, name, cname, steps.client.api_version):
        steps.write("NetworkConnect", {"id": network, "container": {"Container": cname, "EndpointConfig": settings}})


class Up:
    """One ``up``: the observed containers, the image ids and the ids of containers made so far."""

    def __init__(self, steps: Steps, model: Model, names: Sequence[str], image_ids: dict[str, str]) -> None:
        self.steps, self.model, self.names, self.image_ids = steps, model, names, image_ids
        self.api = steps.client.api_version
        rows = _state.containers(steps.client, model.name, all=True)
        self.observed: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            self.observed.setdefault(row["Labels"].get(L.SERVICE, ""), []).append(row)
        self.made: dict[str, list[str]] = {}

    def run(self) -> None:
        """Each wave of services at once: wait for its dependencies, then converge and start it."""
        graph = {n: [d for d in _order.needs(self.model.services[n]) if d in self.names] for n in self.names}
        for wave in _order.levels(graph):
            if len(wave) == 1:
                self.service(wave[0])
                continue
            with ThreadPoolExecutor(len(wave)) as pool:
                for future in [pool.submit(self.service, n) for n in wave]:
                    future.result()

    def service(self, name: str) -> None:
        self.wait_for(name)
        svc, steps = self.model.services[name], self.steps
        want, image = _plan.config_hash(svc), self.image_ids.get(name, "")
        rows = {int(r["Labels"].get(L.NUMBER, "0") or 0): r for r in self.observed.get(name, [])}
        ids = {d: self.made[d][0] for d in self.made if self.made[d]}
        names = []
        for n in range(1, svc["scale"] + 1):
            row = rows.pop(n, None)
            cname = _plan.container_name(self.model, name, n)
            if row is not None and row["Labels"].get(L.CONFIG_HASH) == want and row["Labels"].get(L.IMAGE) == image:
                names.append(_state.name_of(row))
                if row.get("State") == "running":
                    steps.note(f"Container {_state.name_of(row)}  Running")
                else:
                    steps.write("ContainerStart", {"id": row["Id"]}, f"Container {_state.name_of(row)}  Started")
                continue
            if row is not None:
                self.remove(row, "Recreate")
            request = _plan.container_request(self.model, name, n, image, self.api, ids)
            create(steps, self.model, name, request, "Recreated" if row is not None else "Created")
            steps.write("ContainerStart", {"id": cname}, f"Container {cname}  Started")
            names.append(cname)
        for row in rows.values():
            self.remove(row, "Removed")
        self.made[name] = names

    def remove(self, row: dict[str, Any], why: str) -> None:
        grace = self.model.services.get(row["Labels"].get(L.SERVICE, ""), {}).get("stop_grace_period")
        stop: dict[str, Any] = {"id": row["Id"]} if grace is None else {"id": row["Id"], "t": grace // 10**9}
        if row.get("State") in ("running", "paused", "restarting"):
            self.steps.write("ContainerStop", stop, f"Container {_state.name_of(row)}  Stopped", ok=(304,))
        self.steps.write("ContainerDelete", {"id": row["Id"], "force": True},
                         f"Container {_state.name_of(row)}  {why}", ok=(404,))

    def wait_for(self, name: str) -> None:
        """Block until each dependency of ``name`` meets its condition; one line when one cannot."""
        for dep, cfg in (self.model.services[name].get("depends_on") or {}).items():
            if dep not in self.made or self.steps.dry_run:
                continue
            for container in self.made[dep]:
                if cfg["condition"] == "service_healthy":
                    self.healthy(container)
                elif cfg["condition"] == "service_completed_successfully":
                    self.completed(dep, container)

    def healthy(self, container: str) -> None:
        self.steps.note(f"Container {container}  Waiting")
        while True:
            data = _state.read(self.steps.client, "ContainerInspect", {"id": container})
            state = data.get("State") or {}
            health = (state.get("Health") or {}).get("Status")
            if health is None:
                raise ComposeError(f"container {container} has no healthcheck configured")
            if health == "healthy":
                self.steps.note(f"Container {container}  Healthy")
                return
            if health == "unhealthy" or not state.get("Running"):
                raise ComposeError(f"dependency failed to start: container {container} is "
                                   f"{'unhealthy' if health == 'unhealthy' else 'not running'}")
            time.sleep(POLL)

    def completed(self, dep: str, container: str) -> None:
        self.steps.note(f"Container {container}  Waiting")
        answer = _state.read(self.steps.client, "ContainerWait", {"id": container, "condition": "not-running"})
        code = (answer or {}).get("StatusCode", 0)
        if code:
            raise ComposeError(f"service {dep!r} didn't complete successfully: exit {code}")
        self.steps.note(f"Container {container}  Exited")


def up(steps: Steps, model: Model, services: Sequence[str] = (), build: bool = False) -> None:
    """Networks, volumes, images, then each service's containers in dependency order."""
    names = selected(model, services)
    ensure_networks(steps, model, names)
    ensure_volumes(steps, model, names)
    Up(steps, model, names, images(steps, model, names, build)).run()
