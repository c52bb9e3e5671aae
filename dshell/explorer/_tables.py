"""Tables for lists of objects: docker-CLI-like columns for known list operations, a generic fallback."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ._columns import HOST, Column, Columns, Row, TableSpec, at, dig, is_rows, list_rows, same, text, when
from ._format import ellipsis, human_size, short_id, time_ago
from ._grid import GAP, Grid
from ._reports import REPORTS
from ._saved import saved_columns
from ._stats import binary_size, decimal_size, samples

__all__ = ["HOST", "TABLES", "generic_columns", "generic_table", "layout", "op_table", "text"]
GENERIC_COLUMNS = 8
"""The generic table shows at most this many columns."""
GENERIC_SAMPLE = 200
"""A DataFrame's generic columns are those of its first rows, as a shown table's are."""


def _time(header: str, key: str) -> Column:
    return Column(header, cell=at(key, time_ago), value=at(key, when))


def _capitalized(value: Any) -> str:
    return text(value).capitalize()


def _port(port: dict[str, Any], public: str, private: str, protocol: str, host: str) -> str:
    inner = f"{port.get(private, '')}/{port.get(protocol) or 'tcp'}"
    if not port.get(public):
        return inner
    ip = str(port.get(host) or "*")
    return f"{f'[{ip}]' if ':' in ip else ip}:{port[public]}->{inner}"


def _ports(public: str, private: str, protocol: str, host: str) -> Callable[[Any], str]:
    def fmt(ports: Any) -> str:
        cells = (_port(p, public, private, protocol, host) for p in ports or () if isinstance(p, dict))
        return ", ".join(dict.fromkeys(cells))

    return fmt


def _names(names: Any) -> str:
    return ",".join(str(name).lstrip("/") for name in names or ())


def _command(command: Any) -> str:
    return json.dumps(ellipsis(str(command or ""), 20), ensure_ascii=False)


def _full_command(command: Any) -> str:
    return json.dumps(str(command or ""), ensure_ascii=False)


def _image_ref(image: Any) -> str:
    return str(image or "").split("@sha256:")[0]


def _split_tag(reference: str) -> tuple[str, str]:
    repo, sep, tag = reference.rpartition(":")
    return (repo, tag) if sep and "/" not in tag else (reference, "<none>")


def _image_rows(data: Any) -> list[Row] | None:
    """One row per repository tag, like `docker images`; untagged images show <none>."""
    if not is_rows(data):
        return None
    rows: list[Row] = []
    for image in data:
        tags = [tag for tag in image.get("RepoTags") or () if tag != "<none>:<none>"]
        digests = [digest.split("@")[0] for digest in image.get("RepoDigests") or ()]
        pairs = [_split_tag(tag) for tag in tags] or [(digests[0] if digests else "<none>", "<none>")]
        rows.extend({**image, "Repository": repo, "Tag": tag} for repo, tag in pairs)
    return rows


def _volume_rows(data: Any) -> list[Row] | None:
    volumes = (data.get("Volumes") or []) if isinstance(data, dict) else None
    return list_rows(volumes)


def _service_mode(mode: Any) -> str:
    return next(iter(mode), "").lower() if isinstance(mode, dict) else ""


def _replicas(service: Row) -> str:
    status = service.get("ServiceStatus")
    if isinstance(status, dict) and "DesiredTasks" in status:
        return f"{status.get('RunningTasks', 0)}/{status['DesiredTasks']}"
    return text(dig(service, "Spec.Mode.Replicated.Replicas"))


def _manager_status(node: Row) -> str:
    manager = node.get("ManagerStatus")
    if not isinstance(manager, dict):
        return ""
    return "Leader" if manager.get("Leader") else _capitalized(manager.get("Reachability"))


def _task_state(task: Row) -> str:
    return f"{_capitalized(dig(task, 'Status.State'))} {time_ago(dig(task, 'Status.Timestamp'))}".strip()


def _task_name(task: Row) -> str:
    slot = task.get("Slot")
    return short_id(task.get("ServiceID")) + ("" if slot is None else f".{slot}")


def _history_image(image: Any) -> str:
    return short_id(image) if image and image != "<missing>" else "<missing>"


def _created_by(command: Any) -> str:
    return ellipsis(" ".join(str(command or "").split()), 45)


def _id(header: str = "ID", key: str = "ID") -> Column:
    return Column(header, shrink=False, cell=at(key, short_id))


def _pair(first: str, second: str, fmt: Callable[[float], str]) -> Callable[[Row], str]:
    return lambda row: f"{fmt(row.get(first) or 0)} / {fmt(row.get(second) or 0)}"


def _number(header: str, key: str, fmt: str) -> Column:
    return Column(header, shrink=False, justify="right", cell=lambda row: fmt.format(row.get(key) or 0),
                  value=at(key, same))


def _stats_time(value: Any) -> str:
    moment = when(value)
    return moment.strftime("%H:%M:%S.%f")[:-3] if moment else ""


def _stats_rows(data: Any) -> list[Row] | None:
    """The samples of a stats result, each with the HOST a fan-out's merged result gave its raw sample."""
    rows = samples(data) if isinstance(data, list | dict) else None
    if rows is None or not isinstance(data, list):
        return rows
    return [{HOST: raw[HOST], **row} if HOST in raw else row for raw, row in zip(data, rows, strict=True)]


_STATS = TableSpec(
    (
        Column("READ", shrink=False, cell=at("read", _stats_time), value=at("read", when)),
        Column("NAME", cell=at("name")),
        _number("CPU %", "cpu_percent", "{:.2f}%"),
        Column("MEM USAGE / LIMIT", justify="right", cell=_pair("mem_usage", "mem_limit", binary_size),
               value=at("mem_usage", same)),
        _number("MEM %", "mem_percent", "{:.2f}%"),
        Column("NET I/O", justify="right", cell=_pair("net_rx", "net_tx", decimal_size), value=at("net_rx", same)),
        Column("BLOCK I/O", justify="right", cell=_pair("block_read", "block_write", decimal_size),
               value=at("block_read", same)),
        _number("PIDS", "pids", "{}"),
    ),
    _stats_rows,
)
"""A kept stats result: one row per sample (the raw figures are the data's keys); `stream=false`'s one raw
sample: one row, as `docker stats --no-stream` shows it."""

_CONTAINER = (
    _id("CONTAINER ID", "Id"),
    Column("IMAGE", cell=at("Image")),
    Column("COMMAND", cell=at("Command", _command), wide=at("Command", _full_command), value=at("Command"),
           wrap=True),
    _time("CREATED", "Created"),
    Column("STATUS", cell=at("Status")),
    Column("PORTS", cell=at("Ports", _ports("PublicPort", "PrivatePort", "Type", "IP"))),
    Column("NAMES", cell=at("Names", _names)),
)


def _container_size(row: Row) -> str:
    writable, virtual = human_size(row.get("SizeRw") or 0), row.get("SizeRootFs") or 0
    return f"{writable} (virtual {human_size(virtual)})" if virtual > 0 else writable


_CONTAINER_SIZE = Column("SIZE", cell=_container_size, value=at("SizeRw", same))


def _container_columns(data: Any) -> Columns:
    """`docker ps`'s columns; and SIZE, as `docker ps --size` adds it, when the daemon sent sizes (size=true)."""
    sized = isinstance(data, list) and any(isinstance(row, dict) and "SizeRw" in row for row in data)
    return (*_CONTAINER, _CONTAINER_SIZE) if sized else _CONTAINER


_SWARM_OBJECT = TableSpec(
    (
        _id(),
        Column("NAME", cell=at("Spec.Name")),
        _time("CREATED", "CreatedAt"),
        _time("UPDATED", "UpdatedAt"),
    )
)

def _compose_top_columns(data: Any) -> Columns:
    """`docker compose top`'s columns: SERVICE, #, then the process titles the daemon sent."""
    keys = list(data[0]) if is_rows(data) and data else ["SERVICE", "#"]
    return tuple(Column(k, cell=at(k)) for k in keys)


COMPOSE_TABLES: dict[str, TableSpec] = {
    "compose ls": TableSpec(
        (Column("NAME", cell=at("Name")), Column("STATUS", cell=at("Status")),
         Column("CONFIG FILES", cell=at("ConfigFiles")))
    ),
    "compose ps": TableSpec(
        (
            Column("NAME", cell=at("Name")),
            Column("IMAGE", cell=at("Image")),
            Column("COMMAND", cell=at("Command", _command), wide=at("Command", _full_command), value=at("Command")),
            Column("SERVICE", cell=at("Service")),
            _time("CREATED", "Created"),
            Column("STATUS", cell=at("Status")),
            Column("PORTS", cell=at("Ports", _ports("PublicPort", "PrivatePort", "Type", "IP"))),
        )
    ),
    "compose images": TableSpec(
        (
            Column("CONTAINER", cell=at("Container")),
            Column("REPOSITORY", cell=at("Repository")),
            Column("TAG", cell=at("Tag")),
            Column("PLATFORM", cell=at("Platform")),
            _id("IMAGE ID", "ID"),
            Column("SIZE", shrink=False, justify="right", cell=at("Size", human_size), value=at("Size", same)),
            _time("CREATED", "Created"),
        )
    ),
    "compose top": TableSpec(_compose_top_columns),
}
"""The tables of `compose ls|ps|images|top` results (dshell.compose's rows), with docker compose's columns."""


TABLES: dict[str, TableSpec] = {
    "ContainerList": TableSpec(_container_columns),
    "ImageList": TableSpec(
        (
            Column("REPOSITORY", cell=at("Repository")),
            Column("TAG", cell=at("Tag")),
            _id("IMAGE ID", "Id"),
            _time("CREATED", "Created"),
            Column("SIZE", shrink=False, justify="right", cell=at("Size", human_size), value=at("Size", same)),
        ),
        _image_rows,
    ),
    "ImageHistory": TableSpec(
        (
            Column("IMAGE", shrink=False, cell=at("Id", _history_image)),
            Column("CREATED", cell=at("Created", time_ago)),
            Column("CREATED BY", cell=at("CreatedBy", _created_by), wrap=True),
            Column("SIZE", shrink=False, justify="right", cell=at("Size", human_size)),
            Column("COMMENT", cell=at("Comment"), wrap=True),
        )
    ),
    "NetworkList": TableSpec(
        (
            _id("NETWORK ID", "Id"),
            Column("NAME", cell=at("Name")),
            Column("DRIVER", cell=at("Driver")),
            Column("SCOPE", cell=at("Scope")),
        )
    ),
    "VolumeList": TableSpec(
        (Column("DRIVER", cell=at("Driver")), Column("VOLUME NAME", cell=at("Name"))),
        _volume_rows,
    ),
    "ServiceList": TableSpec(
        (
            _id(),
            Column("NAME", cell=at("Spec.Name")),
            Column("MODE", cell=at("Spec.Mode", _service_mode)),
            Column("REPLICAS", cell=_replicas),
            Column("IMAGE", cell=at("Spec.TaskTemplate.ContainerSpec.Image", _image_ref)),
            Column(
                "PORTS", cell=at("Endpoint.Ports", _ports("PublishedPort", "TargetPort", "Protocol", "Host"))
            ),
        )
    ),
    "NodeList": TableSpec(
        (
            _id(),
            Column("HOSTNAME", cell=at("Description.Hostname")),
            Column("STATUS", cell=at("Status.State", _capitalized)),
            Column("AVAILABILITY", cell=at("Spec.Availability", _capitalized)),
            Column("MANAGER STATUS", cell=_manager_status),
            Column("ENGINE VERSION", cell=at("Description.Engine.EngineVersion")),
        )
    ),
    "TaskList": TableSpec(
        (
            _id(),
            Column("NAME", cell=_task_name),
            Column("IMAGE", cell=at("Spec.ContainerSpec.Image", _image_ref)),
            Column("NODE", cell=at("NodeID", short_id)),
            Column("DESIRED STATE", cell=at("DesiredState", _capitalized)),
            Column("CURRENT STATE", cell=_task_state),
            Column("ERROR", cell=at("Status.Err"), wrap=True),
        )
    ),
    "ContainerStats": _STATS,
    "SecretList": _SWARM_OBJECT,
    "ConfigList": _SWARM_OBJECT,
    "PluginList": TableSpec(
        (
            _id(key="Id"),
            Column("NAME", cell=at("Name")),
            Column("DESCRIPTION", cell=at("Config.Description"), wrap=True),
            Column("ENABLED", cell=at("Enabled", lambda enabled: str(bool(enabled)).lower())),
        )
    ),
    **REPORTS,
    **COMPOSE_TABLES,
}


HOST_COLUMN = Column(HOST, cell=at(HOST))


def op_table(data: Any, op: str | None, limit: int | None) -> Grid | None:
    """The known table for `op`'s data, or None when `op` has none or the data has another shape."""
    spec = _spec(op)
    found = _op_layout(spec, data)
    if spec is None or found is None:
        return None
    columns, rows = found
    hosted = bool(columns) and columns[0] is HOST_COLUMN
    header = spec.header == "always" or hosted or (spec.header == "rows" and bool(rows))
    footer = spec.footer(data) if spec.footer else []
    return table(columns, rows, limit, header=header, footer=footer, gap=spec.gap)


def _spec(op: str | None) -> TableSpec | None:
    """`op`'s table: its own, with a saved view's columns instead of its own when there is one."""
    spec, saved = TABLES.get(op or ""), saved_columns(op)
    if saved is None:
        return spec
    return TableSpec(saved) if spec is None else replace(spec, columns=saved)


def _op_layout(spec: TableSpec | None, data: Any) -> tuple[Columns, list[Row]] | None:
    """`spec`'s columns and rows for `data`, HOST first for a fan-out's merged rows."""
    found = spec.layout(data) if spec else None
    if found is None:
        return None
    columns, rows = found
    hosted = bool(rows) and all(HOST in row for row in rows)
    return ((HOST_COLUMN, *columns) if hosted else columns), rows


EPOCH_KEYS = ("Created", "created", "time", "Time", "timeNano")
"""Keys whose numbers are times (epoch seconds; `timeNano` nanoseconds), shown as "5 minutes ago"."""
_EPOCH_RANGE = (1e8, 1e11)  # seconds: from 1973 to 5138, so a count or a size is not read as a time


def generic_table(rows: list[Row], limit: int | None) -> Grid:
    """A table of every key the rows have (scalar keys first; keys empty in every row left out), nested
    values shown compactly, numbers right-aligned, epoch times as docker shows them."""
    return table(generic_columns(rows[:limit]), rows, limit)


def generic_columns(rows: list[Row]) -> Columns:
    """The columns of `generic_table` for `rows`."""
    return tuple(
        Column(key, justify="right" if _numeric(rows, key) and not _is_time(rows, key) else "left",
               cell=_key_cell(key), value=_key_value(key))
        for key in _all_keys(rows)
    )


def _epoch(key: str, value: Any) -> float | None:
    if key not in EPOCH_KEYS or not isinstance(value, int | float) or isinstance(value, bool):
        return None
    seconds = value / 1e9 if key == "timeNano" else value
    return seconds if _EPOCH_RANGE[0] < seconds < _EPOCH_RANGE[1] else None


def _is_time(rows: list[Row], key: str) -> bool:
    return key in EPOCH_KEYS and any(_epoch(key, row.get(key)) is not None for row in rows)


def _numeric(rows: list[Row], key: str) -> bool:
    values = [row[key] for row in rows if row.get(key) is not None]
    return bool(values) and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


def _key_cell(key: str) -> Callable[[Row], str]:
    def cell(row: Row) -> str:
        value = row.get(key)
        seconds = _epoch(key, value)
        return text(value) if seconds is None else time_ago(seconds)

    return cell


def _key_value(key: str) -> Callable[[Row], Any]:
    return lambda row: row.get(key) if not isinstance(row.get(key), dict | list | tuple) else text(row.get(key))


def _all_keys(rows: list[Row]) -> list[str]:
    """Every key of the rows that has a value in one of them, mostly-scalar keys first, at most
    GENERIC_COLUMNS."""
    present: Counter[str] = Counter()
    scalar: Counter[str] = Counter()
    for row in rows:
        for key, value in row.items():
            if value not in (None, "", {}, []):
                present[key] += 1
                scalar[key] += not isinstance(value, dict | list | tuple)
    keys = list(present)
    keys.sort(key=lambda key: scalar[key] * 2 < present[key])  # stable: mostly-scalar keys first
    return keys[:GENERIC_COLUMNS]


def layout(data: Any, op: str | None) -> tuple[Columns, list[Row]] | None:
    """The columns and all rows of the table `data` shows as (`op`'s own, else generic); None if no table."""
    if (found := _op_layout(_spec(op), data)) is not None:
        return found
    if isinstance(data, list | tuple) and data and all(isinstance(row, dict) for row in data):
        return generic_columns(list(data[:GENERIC_SAMPLE])), list(data)
    return None


def table(columns: Columns, rows: list[Row], limit: int | None, *, header: bool = True,
          footer: list[str] | None = None, gap: int = GAP) -> Grid:
    """A grid of the first `limit` rows (all if None), noting how many more there are; `header`, `footer` and
    `gap` as `Grid` takes them."""
    shown = rows if limit is None else rows[:limit]
    wide = {i: [column.wide(row) for row in shown] for i, column in enumerate(columns) if column.wide}
    return Grid(columns, [[column.cell(row) for column in columns] for row in shown], len(rows) - len(shown), wide,
                header=header, footer=footer or [], gap=gap)
