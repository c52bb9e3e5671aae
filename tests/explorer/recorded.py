"""Daemon answers for the report views' tests: recorded from the throwaway engine (Docker 20.10.24, API 1.41),
except SEARCH (Docker Hub's answer shape, written by hand: this machine has no internet) and DF, made to have
every case the docker CLI's sums tell apart."""

from __future__ import annotations

from typing import Any

TOP = {"Processes": [["root", "5207", "5186", "0", "15:09", "?", "00:00:00", "sleep 3000"]],
       "Titles": ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"]}
TOP_AUX = {"Processes": [["root", "5207", "0.0", "0.0", "2268", "1376", "?", "Ss", "15:09", "0:00", "sleep 3000"]],
           "Titles": ["USER", "PID", "%CPU", "%MEM", "VSZ", "RSS", "TTY", "STAT", "START", "TIME", "COMMAND"]}
CHANGES = [{"Path": "/etc", "Kind": 0}, {"Path": "/etc/newfile", "Kind": 1}, {"Path": "/etc/passwd", "Kind": 2},
           {"Path": "/tmp", "Kind": 0}, {"Path": "/tmp/d", "Kind": 1}]
CONTAINER_PRUNE = {"ContainersDeleted": ["1d2d00bfbbb27992f21c9a5610448522a73fc22733ffaec9ae3c928f3ac5c6d2"],
                   "SpaceReclaimed": 1200000}
VOLUME_PRUNE = {"VolumesDeleted": ["dsh-test-tables-vol"], "SpaceReclaimed": 0}
NETWORK_PRUNE = {"NetworksDeleted": ["dsh-test-tables-net"]}
NOTHING_PRUNED = {"ContainersDeleted": None, "SpaceReclaimed": 0}
IMAGE_PRUNE = {"ImagesDeleted": [
    {"Untagged": "dsh-test-tables-p:old"},
    {"Deleted": "sha256:b687f8208ba909fb04239cb5e49538940695f80e2f3a0c84767fb86a475cc510"},
    {"Deleted": "sha256:7329337c1e1f243b3f4ae69d5be611171afe1c50c2637f31cb1e14eac08b25f7"},
    {"Deleted": "sha256:2dcfdd92ceeb2b58d24979873ca6f90816e5c06096ee43c6fd1b7de2ef51b1a5"}], "SpaceReclaimed": 3}
BUILD_PRUNE = {"CachesDeleted": None, "SpaceReclaimed": 0}
IMAGE_DELETE = [{"Untagged": "dsh-test-tables-d:y"},
                {"Deleted": "sha256:95198dc43b078308247775fb42e6b8c82109cc9d4cfcd8fa62dffbd05f315734"},
                {"Deleted": "sha256:2ced4637dbcf8ea5cb344c291b4414fbda40e134611f5035c62753a55f3ef949"}]
SEARCH = [
    {"star_count": 3412, "is_official": True, "name": "busybox", "is_automated": False,
     "description": "Busybox base image.\nThe Swiss Army Knife of Embedded Linux, in one small binary"},
    {"star_count": 0, "is_official": False, "name": "someone/busybox-tools", "is_automated": True,
     "description": "tools"},
]
VERSION = {
    "Platform": {"Name": ""},
    "Components": [
        {"Name": "Engine", "Version": "20.10.24+dfsg1",
         "Details": {"ApiVersion": "1.41", "Arch": "amd64", "BuildTime": "2026-05-07T21:09:36.000000000+00:00",
                     "Experimental": "false", "GitCommit": "5d6db84", "GoVersion": "go1.19.8",
                     "KernelVersion": "6.18.44-fc-v1045", "MinAPIVersion": "1.12", "Os": "linux"}},
        {"Name": "containerd", "Version": "1.6.20~ds1", "Details": {"GitCommit": "1.6.20~ds1-1+deb12u3"}},
        {"Name": "runc", "Version": "1.1.5+ds1", "Details": {"GitCommit": "1.1.5+ds1-1+deb12u1"}},
        {"Name": "docker-init", "Version": "0.19.0", "Details": {"GitCommit": ""}},
    ],
    "Version": "20.10.24+dfsg1", "ApiVersion": "1.41", "MinAPIVersion": "1.12", "GitCommit": "5d6db84",
    "GoVersion": "go1.19.8", "Os": "linux", "Arch": "amd64", "KernelVersion": "6.18.44-fc-v1045",
    "BuildTime": "2026-05-07T21:09:36.000000000+00:00",
}


PODMAN_VERSION = {  # Podman 4.3's answer: no component named Engine, runc's version on several lines
    "Platform": {"Name": "linux/amd64/debian-12"},
    "Components": [
        {"Name": "Podman Engine", "Version": "4.3.1",
         "Details": {"APIVersion": "4.3.1", "Arch": "amd64", "BuildTime": "1970-01-01T00:00:00Z",
                     "Experimental": "false", "GitCommit": "", "GoVersion": "go1.19.8",
                     "KernelVersion": "6.1.0", "MinAPIVersion": "4.0.0", "Os": "linux"}},
        {"Name": "Conmon", "Version": "conmon version 2.1.6, commit: unknown",
         "Details": {"Package": "conmon_2.1.6+ds1-1_amd64"}},
        {"Name": "OCI Runtime (runc)",
         "Version": "runc version 1.1.5+ds1\ncommit: 1.1.5+ds1-1+deb12u1\nspec: 1.0.2-dev\ngo: go1.19.8",
         "Details": {"Package": "runc_1.1.5+ds1-1+deb12u1_amd64"}},
    ],
    "Version": "4.3.1", "ApiVersion": "1.41", "MinAPIVersion": "1.24", "GitCommit": "", "GoVersion": "go1.19.8",
    "Os": "linux", "Arch": "amd64", "KernelVersion": "6.1.0", "BuildTime": "1970-01-01T00:00:00Z",
}

NOTHING_PRUNED = {"VolumesDeleted": None, "CachesDeleted": None, "SpaceReclaimed": 4096}  # as a daemon may say

OLD_VERSION = {  # an engine before API 1.35: no components at all
    "Version": "17.09.1-ce", "ApiVersion": "1.32", "MinAPIVersion": "1.12", "GitCommit": "19e2cf6",
    "GoVersion": "go1.8.3", "Os": "linux", "Arch": "amd64", "BuildTime": "2017-12-07T22:24:23.000000000+00:00",
    "Experimental": True,
}


def _image(name: str, size: int, shared: int, containers: int) -> dict[str, Any]:
    return {"Id": f"sha256:{name * 64}", "RepoTags": [f"{name}:1"], "Size": size, "VirtualSize": size,
            "SharedSize": shared, "Containers": containers, "Created": 1796135592}


DF: dict[str, Any] = {
    "LayersSize": 10_000_000,
    "Images": [_image("a", 6_000_000, 1_000_000, 2), _image("b", 4_000_000, 1_000_000, 0)],
    "Containers": [{"Id": "c1", "State": "running", "SizeRw": 1000}, {"Id": "c2", "State": "exited", "SizeRw": 2500},
                   {"Id": "c3", "State": "paused", "SizeRw": 0}],
    "Volumes": [{"Name": "v1", "UsageData": {"Size": 2_000_000, "RefCount": 1}},
                {"Name": "v2", "UsageData": {"Size": 1_234_567, "RefCount": 0}},
                {"Name": "v3", "UsageData": {"Size": -1, "RefCount": 0}}],
    "BuildCache": [{"ID": "r1", "Size": 500_000, "InUse": True, "Shared": False},
                   {"ID": "r2", "Size": 300_000, "InUse": False, "Shared": True},
                   {"ID": "r3", "Size": 200_000, "InUse": False, "Shared": False}],
}
DF_EMPTY = {"LayersSize": 0, "Images": [], "Containers": [], "Volumes": [], "BuildCache": None}
STATS_ONCE = {  # ContainerStats stream=false (percpu and blkio lists trimmed)
    "read": "2026-12-01T15:20:30.794979207Z", "preread": "2026-12-01T15:20:29.790148367Z", "pids_stats": {"current": 1},
    "cpu_stats": {"cpu_usage": {"total_usage": 29418235, "usage_in_kernelmode": 10000000,
                                "usage_in_usermode": 10000000},
                  "system_cpu_usage": 38664000000000, "online_cpus": 2,
                  "throttling_data": {"periods": 0, "throttled_periods": 0, "throttled_time": 0}},
    "precpu_stats": {"cpu_usage": {"total_usage": 29418235, "usage_in_kernelmode": 10000000,
                                   "usage_in_usermode": 10000000},
                     "system_cpu_usage": 38662080000000, "online_cpus": 2,
                     "throttling_data": {"periods": 0, "throttled_periods": 0, "throttled_time": 0}},
    "memory_stats": {"usage": 315392, "max_usage": 4071424, "limit": 25275990016,
                     "stats": {"cache": 4096, "inactive_file": 4096, "total_inactive_file": 4096}},
    "name": "/dsh-test-tables-top", "id": "801552203bdf471ecda71258a42fb70e99d875ce7cc15d7009bbff00cd3ceb5c",
    "networks": {"eth0": {"rx_bytes": 1226, "rx_packets": 15, "rx_errors": 0, "rx_dropped": 0, "tx_bytes": 0,
                          "tx_packets": 0, "tx_errors": 0, "tx_dropped": 0}},
}
INFO: dict[str, Any] = {'ID': 'RJPN:XG6X:AZ76:QY4E:UHQL:XC7D:U756:474S:RP6K:ETWB:EODQ:JSBZ',
 'Containers': 20,
 'ContainersRunning': 0,
 'ContainersPaused': 0,
 'ContainersStopped': 20,
 'Images': 3,
 'Driver': 'vfs',
 'DriverStatus': None,
 'Plugins': {'Volume': ['local'],
             'Network': ['bridge', 'host', 'ipvlan', 'macvlan', 'null', 'overlay'],
             'Authorization': None,
             'Log': ['awslogs',
                     'fluentd',
                     'gcplogs',
                     'gelf',
                     'journald',
                     'json-file',
                     'local',
                     'logentries',
                     'splunk',
                     'syslog']},
 'MemoryLimit': True,
 'SwapLimit': True,
 'KernelMemory': True,
 'KernelMemoryTCP': True,
 'CpuCfsPeriod': True,
 'CpuCfsQuota': True,
 'CPUShares': True,
 'CPUSet': True,
 'PidsLimit': True,
 'IPv4Forwarding': True,
 'BridgeNfIptables': True,
 'BridgeNfIp6tables': True,
 'Debug': False,
 'NFd': 43,
 'OomKillDisable': True,
 'NGoroutines': 55,
 'SystemTime': '2026-12-01T15:40:20.348792305Z',
 'LoggingDriver': 'json-file',
 'CgroupDriver': 'cgroupfs',
 'CgroupVersion': '1',
 'NEventsListener': 0,
 'KernelVersion': '6.18.44-fc-v1045',
 'OperatingSystem': 'Debian GNU/Linux 12 (bookworm)',
 'OSVersion': '12',
 'OSType': 'linux',
 'Architecture': 'x86_64',
 'IndexServerAddress': 'https://index.docker.io/v1/',
 'RegistryConfig': {'AllowNondistributableArtifactsCIDRs': [],
                    'AllowNondistributableArtifactsHostnames': [],
                    'InsecureRegistryCIDRs': ['127.0.0.0/8'],
                    'IndexConfigs': {'docker.io': {'Name': 'docker.io',
                                                   'Mirrors': [],
                                                   'Secure': True,
                                                   'Official': True}},
                    'Mirrors': []},
 'NCPU': 2,
 'MemTotal': 25275990016,
 'GenericResources': None,
 'DockerRootDir': '/tmp/dsh/data',
 'HttpProxy': '',
 'HttpsProxy': '',
 'NoProxy': '',
 'Name': 'vm',
 'Labels': [],
 'ExperimentalBuild': False,
 'ServerVersion': '20.10.24+dfsg1',
 'Runtimes': {'io.containerd.runc.v2': {'path': 'runc'},
              'io.containerd.runtime.v1.linux': {'path': 'runc'},
              'runc': {'path': 'runc'}},
 'DefaultRuntime': 'runc',
 'Swarm': {'NodeID': '',
           'NodeAddr': '',
           'LocalNodeState': 'inactive',
           'ControlAvailable': False,
           'Error': '',
           'RemoteManagers': None},
 'LiveRestoreEnabled': False,
 'Isolation': '',
 'InitBinary': 'docker-init',
 'ContainerdCommit': {'ID': '1.6.20~ds1-1+deb12u3', 'Expected': '1.6.20~ds1-1+deb12u3'},
 'RuncCommit': {'ID': '1.1.5+ds1-1+deb12u1', 'Expected': '1.1.5+ds1-1+deb12u1'},
 'InitCommit': {'ID': '', 'Expected': ''},
 'SecurityOptions': ['name=seccomp,profile=default'],
 'Warnings': None}
INFO_SWARM: dict[str, Any] = {  # INFO on a swarm manager in debug mode, with labels, warnings and a driver's status
    **INFO, "Debug": True, "Labels": ["zone=a", "disk=ssd"], "DriverStatus": [["Backing Filesystem", "extfs"]],
    "Warnings": ["WARNING: No swap limit support"],
    "Swarm": {"NodeID": "x1l6bm2yfsm0tq0gyrxgovwyu", "NodeAddr": "127.0.0.1", "LocalNodeState": "active",
              "ControlAvailable": True, "Error": "", "RemoteManagers": [{"NodeID": "x1l6bm2yfsm0tq0gyrxgovwyu",
                                                                         "Addr": "127.0.0.1:2377"}],
              "Nodes": 1, "Managers": 1,
              "Cluster": {"ID": "o1ebpsf3spxaw2x3bb10c5dxz", "Version": {"Index": 10},
                          "CreatedAt": "2026-12-01T15:00:00.0Z", "UpdatedAt": "2026-12-01T15:00:00.5Z",
                          "Spec": {"Name": "default", "Labels": {}, "Orchestration": {"TaskHistoryRetentionLimit": 5},
                                   "Raft": {"SnapshotInterval": 10000, "KeepOldSnapshots": 0,
                                            "LogEntriesForSlowFollowers": 500, "ElectionTick": 10,
                                            "HeartbeatTick": 1},
                                   "Dispatcher": {"HeartbeatPeriod": 5000000000},
                                   "CAConfig": {"NodeCertExpiry": 7776000000000000},
                                   "TaskDefaults": {}, "EncryptionConfig": {"AutoLockManagers": False}},
                          "TLSInfo": {}, "RootRotationInProgress": False, "DefaultAddrPool": ["10.0.0.0/8"],
                          "SubnetSize": 24, "DataPathPort": 4789}},
}
