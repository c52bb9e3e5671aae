"""`SystemInfo` as `docker info` prints its Server part (cli/command/system/info.go): one line per fact, in its
order, with its indents; the daemon's warnings after them."""

from __future__ import annotations

from typing import Any

from ._columns import Column, Row, TableSpec, key, per_host
from ._format import human_duration
from ._stats import binary_size


def _go(value: Any) -> str:
    """A value as Go's fmt.Println writes it (true/false, numbers, '' for nothing)."""
    if isinstance(value, bool):
        return str(value).lower()
    return "" if value is None else str(value)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _pairs(value: Any, indent: str) -> list[str]:
    return [f"{indent}{pair[0]}: {pair[1]}" for pair in _list(value) if isinstance(pair, list) and len(pair) == 2]


def _security(options: list[Any]) -> list[str]:
    lines = [" Security Options:"]
    for option in options:
        fields = dict(part.split("=", 1) for part in str(option).split(",") if "=" in part)
        lines.append("  " + fields.get("name", str(option)))
        if "profile" in fields:
            lines.append(f"   Profile: {fields['profile']}")
    return lines


def _seconds(nanos: Any) -> str:
    return human_duration(int(nanos or 0) / 1e9)


def _cluster(swarm: Row) -> list[str]:
    cluster = _dict(swarm.get("Cluster"))
    spec = _dict(cluster.get("Spec"))
    raft, ca = _dict(spec.get("Raft")), _dict(spec.get("CAConfig"))
    retention = _dict(spec.get("Orchestration")).get("TaskHistoryRetentionLimit") or 0
    lines = [f"  ClusterID: {_go(cluster.get('ID'))}", f"  Managers: {_go(swarm.get('Managers'))}",
             f"  Nodes: {_go(swarm.get('Nodes'))}"]
    if cluster.get("DefaultAddrPool") is not None:
        lines += ["  Default Address Pool: " + "".join(f"{pool}  " for pool in _list(cluster["DefaultAddrPool"])),
                  f"  SubnetSize: {_go(cluster.get('SubnetSize'))}"]
    if (cluster.get("DataPathPort") or 0) > 0:
        lines.append(f"  Data Path Port: {cluster['DataPathPort']}")
    lines += ["  Orchestration:", f"   Task History Retention Limit: {_go(retention)}",
              "  Raft:", f"   Snapshot Interval: {_go(raft.get('SnapshotInterval'))}"]
    if raft.get("KeepOldSnapshots") is not None:
        lines.append(f"   Number of Old Snapshots to Retain: {raft['KeepOldSnapshots']}")
    lines += [f"   Heartbeat Tick: {_go(raft.get('HeartbeatTick'))}",
              f"   Election Tick: {_go(raft.get('ElectionTick'))}",
              "  Dispatcher:", f"   Heartbeat Period: {_seconds(_dict(spec.get('Dispatcher')).get('HeartbeatPeriod'))}",
              "  CA Configuration:", f"   Expiry Duration: {_seconds(ca.get('NodeCertExpiry'))}",
              f"   Force Rotate: {_go(ca.get('ForceRotate') or 0)}"]
    if cert := str(ca.get("SigningCACert") or "").strip():
        lines += ["   Signing CA Certificate: ", *cert.splitlines(), ""]
    if externals := [_dict(e) for e in _list(ca.get("ExternalCAs"))]:
        lines += ["   External CAs:", *(f"     {_go(e.get('Protocol'))}: {_go(e.get('URL'))}" for e in externals)]
    return lines + [
        f"  Autolock Managers: {_go(bool(_dict(spec.get('EncryptionConfig')).get('AutoLockManagers')))}",
        f"  Root Rotation In Progress: {_go(bool(cluster.get('RootRotationInProgress')))}"]


def _swarm(swarm: Row) -> list[str]:
    state = swarm.get("LocalNodeState")
    lines = [f" Swarm: {_go(state)}"]
    if state in ("inactive", "locked"):
        return lines
    lines.append(f"  NodeID: {_go(swarm.get('NodeID'))}")
    if swarm.get("Error"):
        lines.append(f"  Error: {swarm['Error']}")
    lines.append(f"  Is Manager: {_go(bool(swarm.get('ControlAvailable')))}")
    if swarm.get("Cluster") and swarm.get("ControlAvailable") and not swarm.get("Error") and state != "error":
        lines += _cluster(swarm)
    lines.append(f"  Node Address: {_go(swarm.get('NodeAddr'))}")
    if managers := sorted(str(_dict(m).get("Addr")) for m in _list(swarm.get("RemoteManagers"))):
        lines += ["  Manager Addresses:", *(f"   {addr}" for addr in managers)]
    return lines


def _registries(config: Row) -> list[str]:
    lines: list[str] = []
    indexes, cidrs = _dict(config.get("IndexConfigs")), _list(config.get("InsecureRegistryCIDRs"))
    if indexes or cidrs:
        lines += [" Insecure Registries:",
                  *(f"  {_go(c.get('Name'))}" for c in map(_dict, indexes.values()) if not c.get("Secure")),
                  *(f"  {cidr}" for cidr in cidrs)]
    if mirrors := _list(config.get("Mirrors")):
        lines += [" Registry Mirrors:", *(f"  {mirror}" for mirror in mirrors)]
    return lines


def _plugins(plugins: Row) -> list[str]:
    lines = [" Plugins:", "  Volume: " + " ".join(_list(plugins.get("Volume"))),
             "  Network: " + " ".join(_list(plugins.get("Network")))]
    if authorization := _list(plugins.get("Authorization")):
        lines.append("  Authorization: " + " ".join(authorization))
    return [*lines, "  Log: " + " ".join(_list(plugins.get("Log")))]


def _host(info: Row) -> list[str]:
    """Runtimes, the linux binaries' versions, security options and isolation."""
    lines: list[str] = []
    if runtimes := _dict(info.get("Runtimes")):
        lines += [" Runtimes: " + " ".join(sorted(runtimes)), f" Default Runtime: {_go(info.get('DefaultRuntime'))}"]
    if info.get("OSType") == "linux":
        lines.append(f" Init Binary: {_go(info.get('InitBinary'))}")
        commits = (("containerd", "ContainerdCommit"), ("runc", "RuncCommit"), ("init", "InitCommit"))
        lines += [f" {name} version: {_go(_dict(info.get(commit)).get('ID'))}" for name, commit in commits]
        if options := _list(info.get("SecurityOptions")):
            lines += _security(options)
    if info.get("OSType") == "windows":
        lines.append(f" Default Isolation: {_go(info.get('Isolation'))}")
    return lines


def info_lines(info: Row) -> list[str]:
    """The lines of `docker info`'s Server part for a SystemInfo answer."""
    def fact(label: str, name: str) -> str:
        return f" {label}: {_go(info.get(name))}"

    def present(label: str, name: str) -> list[str]:  # docker's fprintlnNonEmpty
        return [fact(label, name)] if info.get(name) else []

    lines = ["Server:", fact("Containers", "Containers"), " " + fact("Running", "ContainersRunning"),
             " " + fact("Paused", "ContainersPaused"), " " + fact("Stopped", "ContainersStopped"),
             fact("Images", "Images"), *present("Server Version", "ServerVersion"),
             *present("Storage Driver", "Driver"),
             *_pairs(info.get("DriverStatus"), "  "), *_pairs(info.get("SystemStatus"), " "),
             *present("Logging Driver", "LoggingDriver"), *present("Cgroup Driver", "CgroupDriver"),
             *present("Cgroup Version", "CgroupVersion"), *_plugins(_dict(info.get("Plugins")))]
    if dirs := _list(info.get("CDISpecDirs")):
        lines += [" CDI spec directories:", *(f"  {d}" for d in dirs)]
    lines += [*_swarm(_dict(info.get("Swarm"))), *_host(info),
              *present("Kernel Version", "KernelVersion"), *present("Operating System", "OperatingSystem"),
              *present("OSType", "OSType"), *present("Architecture", "Architecture"), fact("CPUs", "NCPU"),
              f" Total Memory: {binary_size(info.get('MemTotal') or 0)}", *present("Name", "Name"),
              *present("ID", "ID"), fact("Docker Root Dir", "DockerRootDir"),
              f" Debug Mode: {_go(bool(info.get('Debug')))}"]
    if info.get("Debug"):
        lines += [" " + fact("File Descriptors", "NFd"), " " + fact("Goroutines", "NGoroutines"),
                  " " + fact("System Time", "SystemTime"), " " + fact("EventsListeners", "NEventsListener")]
    lines += [*present("HTTP Proxy", "HttpProxy"), *present("HTTPS Proxy", "HttpsProxy"),
              *present("No Proxy", "NoProxy")]
    if labels := _list(info.get("Labels")):
        lines += [" Labels:", *(f"  {label}" for label in labels)]
    lines += [f" Experimental: {_go(bool(info.get('ExperimentalBuild')))}",
              *_registries(_dict(info.get("RegistryConfig"))),
              f" Live Restore Enabled: {_go(bool(info.get('LiveRestoreEnabled')))}", *present("Product License",
                                                                                              "ProductLicense")]
    if pools := [_dict(p) for p in _list(info.get("DefaultAddressPools"))]:
        lines += [" Default Address Pools:", *(f"   Base: {_go(p.get('Base'))}, Size: {_go(p.get('Size'))}"
                                                for p in pools)]
    return lines


def _info_rows(info: Row) -> list[Row] | None:
    if "ServerVersion" not in info and "Containers" not in info:
        return None
    return [{"Line": line} for line in info_lines(info)]


def _warnings(data: Any) -> list[str]:
    """The daemon's warnings, which docker info prints (to stderr) after the facts."""
    parts = data if isinstance(data, list) else [data]
    return [str(w) for part in parts if isinstance(part, dict) for w in _list(part.get("Warnings"))]


INFO = TableSpec((Column("INFO", cell=key("Line")),), per_host(_info_rows), header="never", footer=_warnings)
"""The SystemInfo view."""
