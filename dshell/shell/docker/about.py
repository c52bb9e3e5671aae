"""``docker version`` and ``docker info`` as the docker CLI lays them out (cli/command/system): a Client part of
dshell's own facts (dshell is the client: its version, the API version it speaks, Python's, the endpoint as the
context) and the Server part from the daemon's answer. Pure: the facts come in, the lines go out."""

from __future__ import annotations

import platform
import re
import sys
from datetime import datetime
from typing import Any

_ARCH = {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm", "i686": "386", "ppc64le": "ppc64le", "s390x": "s390x"}


def client_facts(context: str, api_version: str, newest: str) -> dict[str, Any]:
    """dshell as docker's ``Client`` of ``docker version --format`` (its field names)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        mine = version("dshell")
    except PackageNotFoundError:  # run from a checkout
        mine = "dev"
    return {"Platform": {"Name": "dshell"}, "Version": mine, "ApiVersion": api_version.lstrip("v"),
            "DefaultAPIVersion": newest.lstrip("v"), "PythonVersion": platform.python_version(),
            "Os": sys.platform, "Arch": _ARCH.get(platform.machine(), platform.machine()), "Context": context}


def _ansic(text: str) -> str:
    """An RFC 3339 build time as Go's time.ANSIC (``Thu May  7 21:09:36 2026``), as docker version reformats it."""
    try:
        moment = datetime.fromisoformat(re.sub(r"\.\d+", "", text).replace("Z", "+00:00"))
    except ValueError:
        return text
    return moment.strftime("%a %b ") + f"{moment.day:>2}" + moment.strftime(" %H:%M:%S %Y")


def version_text(client: dict[str, Any], server: dict[str, Any] | None) -> str:
    """docker version's default template, tab-aligned as its tabwriter (20 wide, padding 1)."""
    from dshell.explorer._gotemplate import tabwrite

    api = client["ApiVersion"]
    downgraded = f" (downgraded from {client['DefaultAPIVersion']})" if api != client["DefaultAPIVersion"] else ""
    lines = [f"Client: {client['Platform']['Name']}", f" Version:\t{client['Version']}",
             f" API version:\t{api}{downgraded}", f" Python version:\t{client['PythonVersion']}",
             f" OS/Arch:\t{client['Os']}/{client['Arch']}", f" Context:\t{client['Context']}"]
    if server is not None:
        name = (server.get("Platform") or {}).get("Name") or ""
        lines += ["", f"Server:{' ' + name if name else ''}"]
        for component in _components(server):
            details: dict[str, str] = component.get("Details") or {}
            lines.append(f" {component.get('Name')}:")
            if component.get("Name") == "Engine":
                d = {key: details.get(key, "") for key in ("ApiVersion", "MinAPIVersion", "GoVersion", "GitCommit",
                                                           "BuildTime", "Os", "Arch", "Experimental")}
                lines += [f"  Version:\t{component.get('Version', '')}",
                          f"  API version:\t{d['ApiVersion']} (minimum version {d['MinAPIVersion']})",
                          f"  Go version:\t{d['GoVersion']}", f"  Git commit:\t{d['GitCommit']}",
                          f"  Built:\t{_ansic(d['BuildTime'])}", f"  OS/Arch:\t{d['Os']}/{d['Arch']}",
                          f"  Experimental:\t{d['Experimental']}"]
            else:
                lines.append(f"  Version:\t{component.get('Version', '')}")
                lines += [f"  {key}:\t{details[key]}" for key in sorted(details)]
    return tabwrite("\n".join(lines), minwidth=20, padding=1)


def _components(server: dict[str, Any]) -> list[dict[str, Any]]:
    """The server's components, an Engine made of its top-level facts when it names none (an old daemon)."""
    found = [c for c in server.get("Components") or [] if isinstance(c, dict)]
    if any(c.get("Name") == "Engine" for c in found):
        return found
    engine = {"Name": "Engine", "Version": server.get("Version", ""), "Details": {
        "ApiVersion": server.get("ApiVersion", ""), "MinAPIVersion": server.get("MinAPIVersion", ""),
        "GitCommit": server.get("GitCommit", ""), "GoVersion": server.get("GoVersion", ""),
        "Os": server.get("Os", ""), "Arch": server.get("Arch", ""), "BuildTime": server.get("BuildTime", ""),
        "Experimental": str(bool(server.get("Experimental"))).lower()}}
    return [*found, engine]


def _go(value: Any) -> str:
    """A value as Go's fmt prints it (booleans lower-case, nothing for None)."""
    return str(value).lower() if isinstance(value, bool) else "" if value is None else str(value)


def info_text(client: dict[str, Any], info: dict[str, Any]) -> str:
    """docker info: the Client part (dshell, its context) and docker's Server report of the daemon's answer."""
    lines = [f"Client: {client['Platform']['Name']}", f" Version:    {client['Version']}",
             f" Context:    {client['Context']}", " Debug Mode: false", "", "Server:"]
    return "\n".join(lines + _server(info))


def _server(i: dict[str, Any]) -> list[str]:  # noqa: C901 - docker's report, line by line (prettyPrintServerInfo)
    from dshell.explorer._stats import binary_size

    out = [f" Containers: {_go(i.get('Containers'))}", f"  Running: {_go(i.get('ContainersRunning'))}",
           f"  Paused: {_go(i.get('ContainersPaused'))}", f"  Stopped: {_go(i.get('ContainersStopped'))}",
           f" Images: {_go(i.get('Images'))}"]
    out += _some(i, ("Server Version", "ServerVersion"), ("Storage Driver", "Driver"))
    out += [f"  {k}: {v}" for k, v in i.get("DriverStatus") or []]
    out += [f" {k}: {v}" for k, v in i.get("SystemStatus") or []]
    out += _some(i, ("Logging Driver", "LoggingDriver"), ("Cgroup Driver", "CgroupDriver"),
                 ("Cgroup Version", "CgroupVersion"))
    plugins = i.get("Plugins") or {}
    out += [" Plugins:", f"  Volume: {' '.join(plugins.get('Volume') or [])}",
            f"  Network: {' '.join(plugins.get('Network') or [])}"]
    if plugins.get("Authorization"):
        out.append(f"  Authorization: {' '.join(plugins['Authorization'])}")
    out.append(f"  Log: {' '.join(plugins.get('Log') or [])}")
    swarm = i.get("Swarm") or {}
    out += [f" Swarm: {_go(swarm.get('LocalNodeState'))}", *_swarm(swarm)]
    if i.get("Runtimes"):
        out += [" Runtimes: " + " ".join(sorted(i["Runtimes"])), f" Default Runtime: {_go(i.get('DefaultRuntime'))}"]
    if i.get("OSType") == "linux":
        out.append(f" Init Binary: {_go(i.get('InitBinary'))}")
        for name, key in (("containerd", "ContainerdCommit"), ("runc", "RuncCommit"), ("init", "InitCommit")):
            commit = i.get(key) or {}
            expected = f" (expected: {commit.get('Expected')})" if commit.get("ID") != commit.get("Expected") else ""
            out.append(f" {name} version: {_go(commit.get('ID'))}{expected}")
        if i.get("SecurityOptions"):
            out.append(" Security Options:")
            for option in i["SecurityOptions"]:
                fields = dict(part.partition("=")[::2] for part in str(option).split(","))
                out.append(f"  {fields.get('name', '')}")
                if "profile" in fields:
                    out.append(f"   Profile: {fields['profile']}")
    if i.get("OSType") == "windows":
        out.append(f" Default Isolation: {_go(i.get('Isolation'))}")
    out += _some(i, ("Kernel Version", "KernelVersion"), ("Operating System", "OperatingSystem"),
                 ("OSType", "OSType"), ("Architecture", "Architecture"))
    out += [f" CPUs: {_go(i.get('NCPU'))}", f" Total Memory: {binary_size(float(i.get('MemTotal') or 0))}"]
    out += _some(i, ("Name", "Name"), ("ID", "ID"))
    out += [f" Docker Root Dir: {_go(i.get('DockerRootDir'))}", f" Debug Mode: {_go(bool(i.get('Debug')))}"]
    if i.get("Debug"):
        out += [f"  File Descriptors: {_go(i.get('NFd'))}", f"  Goroutines: {_go(i.get('NGoroutines'))}",
                f"  System Time: {_go(i.get('SystemTime'))}", f"  EventsListeners: {_go(i.get('NEventsListener'))}"]
    out += _some(i, ("HTTP Proxy", "HttpProxy"), ("HTTPS Proxy", "HttpsProxy"), ("No Proxy", "NoProxy"))
    if i.get("IndexServerAddress"):
        out.append(f" Registry: {i['IndexServerAddress']}")
    if i.get("Labels") is not None:
        out += [" Labels:", *(f"  {label}" for label in i["Labels"])]
    out.append(f" Experimental: {_go(bool(i.get('ExperimentalBuild')))}")
    out += _some(i, ("Cluster Store", "ClusterStore"), ("Cluster Advertise", "ClusterAdvertise"))
    out += _registries(i.get("RegistryConfig") or {})
    out.append(f" Live Restore Enabled: {_go(bool(i.get('LiveRestoreEnabled')))}")
    if i.get("ProductLicense"):
        out.append(f" Product License: {i['ProductLicense']}")
    if i.get("DefaultAddressPools"):
        out += [" Default Address Pools:",
                *(f"   Base: {p.get('Base')}, Size: {p.get('Size')}" for p in i["DefaultAddressPools"])]
    out.append("")
    return out + [str(w) for w in i.get("Warnings") or []]


def _some(info: dict[str, Any], *pairs: tuple[str, str]) -> list[str]:
    """docker's fprintlnNonEmpty: a line per fact that is not empty."""
    return [f" {label}: {_go(info[key])}" for label, key in pairs if info.get(key) not in (None, "")]


def _registries(config: dict[str, Any]) -> list[str]:
    indexes = config.get("IndexConfigs") or {}
    cidrs = config.get("InsecureRegistryCIDRs") or []
    out: list[str] = []
    if cidrs or indexes:
        out.append(" Insecure Registries:")
        out += [f"  {name}" for name, index in sorted(indexes.items()) if not (index or {}).get("Secure")]
        out += [f"  {cidr}" for cidr in cidrs]  # "127.0.0.0/8", as the API's NetIPNet marshals it
    if config.get("Mirrors"):
        out += [" Registry Mirrors:", *(f"  {mirror}" for mirror in config["Mirrors"])]
    return out


def _swarm(s: dict[str, Any]) -> list[str]:
    """docker info's swarm lines (printSwarmInfo) of an active node."""
    from dshell.explorer._format import human_duration

    if s.get("LocalNodeState") in (None, "", "inactive", "locked"):
        return []
    out = [f"  NodeID: {_go(s.get('NodeID'))}"]
    if s.get("Error"):
        out.append(f"  Error: {s['Error']}")
    out.append(f"  Is Manager: {_go(bool(s.get('ControlAvailable')))}")
    cluster = s.get("Cluster")
    if cluster and s.get("ControlAvailable") and not s.get("Error") and s.get("LocalNodeState") != "error":
        spec = cluster.get("Spec") or {}
        raft, ca = spec.get("Raft") or {}, spec.get("CAConfig") or {}
        out += [f"  ClusterID: {_go(cluster.get('ID'))}", f"  Managers: {_go(s.get('Managers'))}",
                f"  Nodes: {_go(s.get('Nodes'))}"]
        if cluster.get("DefaultAddrPool") is not None:
            out += ["  Default Address Pool: " + "".join(f"{p}  " for p in cluster["DefaultAddrPool"]),
                    f"  SubnetSize: {_go(cluster.get('SubnetSize'))}"]
        if cluster.get("DataPathPort"):
            out.append(f"  Data Path Port: {cluster['DataPathPort']}")
        out += ["  Orchestration:", "   Task History Retention Limit: "
                f"{_go((spec.get('Orchestration') or {}).get('TaskHistoryRetentionLimit') or 0)}",
                "  Raft:", f"   Snapshot Interval: {_go(raft.get('SnapshotInterval'))}"]
        if raft.get("KeepOldSnapshots") is not None:
            out.append(f"   Number of Old Snapshots to Retain: {raft['KeepOldSnapshots']}")
        heartbeat = ((spec.get("Dispatcher") or {}).get("HeartbeatPeriod") or 0) / 1e9
        out += [f"   Heartbeat Tick: {_go(raft.get('HeartbeatTick'))}",
                f"   Election Tick: {_go(raft.get('ElectionTick'))}", "  Dispatcher:",
                f"   Heartbeat Period: {human_duration(heartbeat)}", "  CA Configuration:",
                f"   Expiry Duration: {human_duration((ca.get('NodeCertExpiry') or 0) / 1e9)}",
                f"   Force Rotate: {_go(ca.get('ForceRotate') or 0)}"]
        if str(ca.get("SigningCACert") or "").strip():
            out.append(f"   Signing CA Certificate: \n{ca['SigningCACert'].strip()}\n")
        if ca.get("ExternalCAs"):
            out += ["   External CAs:", *(f"     {e.get('Protocol')}: {e.get('URL')}" for e in ca["ExternalCAs"])]
        out += ["  Autolock Managers: "
                f"{_go(bool((spec.get('EncryptionConfig') or {}).get('AutoLockManagers')))}",
                f"  Root Rotation In Progress: {_go(bool(cluster.get('RootRotationInProgress')))}"]
    out.append(f"  Node Address: {_go(s.get('NodeAddr'))}")
    managers = sorted(str(m.get("Addr")) for m in s.get("RemoteManagers") or [] if isinstance(m, dict))
    if managers:
        out += ["  Manager Addresses:", *(f"   {addr}" for addr in managers)]
    return out
