"""Lifecycle of a project on the engine (``start stop restart pause unpause kill rm down``), found by its labels,
in dependency order: starts dependencies first, stops dependents first."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from . import _labels as L
from . import _order, _state
from ._errors import ComposeError
from ._load import Model
from ._steps import Steps


def graph_of(rows: Sequence[dict[str, Any]]) -> dict[str, list[str]]:
    """Service -> the services it needs, read from the containers' ``depends_on`` labels."""
    graph: dict[str, list[str]] = {}
    for row in rows:
        labels = row.get("Labels") or {}
        needs = [item.split(":")[0] for item in labels.get(L.DEPENDS_ON, "").split(",") if item]
        graph.setdefault(labels.get(L.SERVICE, ""), [])
        graph[labels.get(L.SERVICE, "")] += [n for n in needs if n not in graph[labels.get(L.SERVICE, "")]]
    return graph


def waves(rows: Sequence[dict[str, Any]], reverse: bool) -> list[list[dict[str, Any]]]:
    """The containers in waves of services: dependencies first (``reverse``: dependents first)."""
    by_service: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_service.setdefault((row.get("Labels") or {}).get(L.SERVICE, ""), []).append(row)
    order = _order.levels(graph_of(rows))
    if reverse:
        order.reverse()
    return [[r for s in wave for r in by_service.get(s, [])] for wave in order]


def each(rows: Sequence[dict[str, Any]], reverse: bool, act: Callable[[dict[str, Any]], None]) -> None:
    """``act`` on every container, a wave at a time, the containers of a wave at once."""
    for wave in waves(rows, reverse):
        if len(wave) <= 1:
            for row in wave:
                act(row)
            continue
        with ThreadPoolExecutor(min(len(wave), 8)) as pool:
            for future in [pool.submit(act, row) for row in wave]:
                future.result()


def _line(row: dict[str, Any], verb: str) -> str:
    return f"Container {_state.name_of(row)}  {verb}"


def start(steps: Steps, rows: Sequence[dict[str, Any]]) -> None:
    """Start the containers not running, dependencies first."""
    each(rows, False, lambda r: None if r.get("State") == "running" else
         steps.write("ContainerStart", {"id": r["Id"]}, _line(r, "Started"), ok=(304,)))


def stop(steps: Steps, rows: Sequence[dict[str, Any]], timeout: int | None = None) -> None:
    """Stop the running containers, dependents first."""
    extra = {} if timeout is None else {"t": timeout}
    each(rows, True, lambda r: None if r.get("State") not in ("running", "paused", "restarting") else
         steps.write("ContainerStop", {"id": r["Id"], **extra}, _line(r, "Stopped"), ok=(304,)))


def restart(steps: Steps, rows: Sequence[dict[str, Any]], timeout: int | None = None) -> None:
    """Restart every container, dependencies first."""
    extra = {} if timeout is None else {"t": timeout}
    each(rows, False, lambda r: steps.write("ContainerRestart", {"id": r["Id"], **extra}, _line(r, "Restarted")))


def pause(steps: Steps, rows: Sequence[dict[str, Any]]) -> None:
    """Pause the running containers."""
    each(rows, True, lambda r: None if r.get("State") != "running" else
         steps.write("ContainerPause", {"id": r["Id"]}, _line(r, "Paused")))


def unpause(steps: Steps, rows: Sequence[dict[str, Any]]) -> None:
    """Unpause the paused containers."""
    each(rows, False, lambda r: None if r.get("State") != "paused" else
         steps.write("ContainerUnpause", {"id": r["Id"]}, _line(r, "Unpaused")))


def kill(steps: Steps, rows: Sequence[dict[str, Any]], signal: str = "SIGKILL") -> None:
    """Send ``signal`` to the running containers."""
    each(rows, True, lambda r: None if r.get("State") != "running" else
         steps.write("ContainerKill", {"id": r["Id"], "signal": signal}, _line(r, "Killed")))


def rm(steps: Steps, rows: Sequence[dict[str, Any]], stop_first: bool = False, volumes: bool = False) -> None:
    """Remove the stopped containers (with ``stop_first`` the running ones too, stopped first)."""
    if stop_first:
        stop(steps, rows)
    elif any(r.get("State") in ("running", "paused", "restarting") for r in rows):
        running = [_state.name_of(r) for r in rows if r.get("State") in ("running", "paused", "restarting")]
        steps.note(f"Going to leave running: {', '.join(running)} (use -s to stop them first)")
        rows = [r for r in rows if r.get("State") not in ("running", "paused", "restarting")]
    each(rows, True, lambda r: steps.write("ContainerDelete", {"id": r["Id"], "v": volumes, "force": stop_first},
                                           _line(r, "Removed"), ok=(404,)))


def down(steps: Steps, project: str, model: Model | None, volumes: bool = False, rmi: str | None = None,
         timeout: int | None = None) -> None:
    """Containers (stopped, removed), then the project's networks, then with ``volumes`` its volumes, then with
    ``rmi`` (``local``: images built for services without ``image:``; ``all``) its images."""
    if rmi not in (None, "local", "all"):
        raise ComposeError(f"--rmi takes local or all, not {rmi!r}")
    rows = _state.containers(steps.client, project, all=True, oneoff=True)
    images = sorted({str(r.get("Image", "")) for r in rows})
    stop(steps, rows, timeout)
    each(rows, True, lambda r: steps.write("ContainerDelete", {"id": r["Id"], "v": volumes, "force": True},
                                           _line(r, "Removed"), ok=(404,)))
    keep = {n["name"] for n in (model.networks.values() if model else ()) if n.get("external")}
    for net in _state.project_networks(steps.client, project):
        if net["Name"] not in keep:
            steps.write("NetworkDelete", {"id": net["Name"]}, f"Network {net['Name']}  Removed", ok=(404,))
    if volumes:
        keep = {v["name"] for v in (model.volumes.values() if model else ()) if v.get("external")}
        for vol in _state.project_volumes(steps.client, project):
            if vol["Name"] not in keep:
                steps.write("VolumeDelete", {"name": vol["Name"]}, f"Volume {vol['Name']}  Removed", ok=(404,))
    if rmi:
        if model is not None:
            declared = {s.get("image") for s in model.services.values()}
            built = {f"{model.name}-{n}" for n, s in model.services.items() if not s.get("image")}
            images = sorted(built if rmi == "local" else built | (declared - {None}))  # type: ignore[operator]
        elif rmi == "local":
            images = [i for i in images if i.startswith(f"{project}-")]
        for image in images:
            steps.write("ImageDelete", {"name": image}, f"Image {image}  Removed", ok=(404, 409))
