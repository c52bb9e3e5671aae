"""docker CLI commands and the ops (or dshell commands) that do their work: one table, for the hint an unknown
word gets (``ps`` → ContainerList) and for ``help docker``."""

from __future__ import annotations

DOCKER_COMMANDS: dict[str, str] = {
    "ps": "ContainerList (all=true for ps -a)",
    "container": "ContainerList, ContainerInspect, ... (ops containers)",
    "create": "ContainerCreate",
    "start": "ContainerStart",
    "stop": "ContainerStop",
    "restart": "ContainerRestart",
    "kill": "ContainerKill",
    "rm": "ContainerDelete (force=true for rm -f)",
    "inspect": "ContainerInspect, ImageInspect, NetworkInspect, VolumeInspect",
    "top": "ContainerTop",
    "port": "ContainerInspect (NetworkSettings.Ports)",
    "rename": "ContainerRename",
    "pause": "ContainerPause",
    "unpause": "ContainerUnpause",
    "wait": "ContainerWait",
    "diff": "ContainerChanges",
    "export": "ContainerExport",
    "commit": "ImageCommit",
    "update": "ContainerUpdate",
    "images": "ImageList",
    "image": "ImageList, ImageInspect, ... (ops images)",
    "pull": "ImageCreate fromImage=NAME tag=TAG",
    "push": "ImagePush NAME tag=TAG (after login)",
    "tag": "ImageTag",
    "rmi": "ImageDelete",
    "load": "ImageLoad @file.tar",
    "import": "ImageCreate fromSrc=- @file.tar",
    "search": "ImageSearch term=WORD",
    "network": "NetworkList, NetworkCreate, ... (ops networks)",
    "volume": "VolumeList, VolumeCreate, ... (ops volumes)",
    "info": "SystemInfo",
    "version": "SystemVersion",
    "system": "SystemInfo, SystemDataUsage, ... (ops system)",
    "prune": "ContainerPrune, ImagePrune, NetworkPrune, VolumePrune",
    "service": "ServiceList, ServiceCreate, ... (ops services)",
    "node": "NodeList (ops nodes)",
    "swarm": "SwarmInit, SwarmJoin, SwarmInspect (ops swarm)",
    "secret": "SecretList, SecretCreate (ops secrets)",
    "config": "ConfigList, ConfigCreate (ops configs)",
    "plugin": "PluginList (ops plugins)",
    "run": "run (ImageCreate, ContainerCreate, ContainerAttach, ContainerStart)",
    "cp": "cp (ContainerArchiveInfo, PutContainerArchive, ContainerArchive)",
    "build": "build (ImageBuild)",
    "login": "login (SystemAuth)",
    "logout": "logout",
    "logs": "logs NAME (ContainerLogs in a pane)",
    "exec": "exec NAME CMD (ExecCreate, ExecStart)",
    "attach": "attach NAME (ContainerAttach)",
    "stats": "stats NAME (ContainerStats in a pane)",
    "events": "events (SystemEvents in a pane)",
    "save": "ImageGet name=IMAGE, then save _N out.tar",
    "history": "ImageHistory name=IMAGE (dshell's history lists results)",
    "context": "hosts, use NAME (the default endpoint), @NAME CMD (docker --context NAME CMD: one command there)",
}


def hint(word: str) -> str | None:
    """``docker ps`` is ContainerList here: the hint for a docker CLI command typed at the prompt, or None."""
    does = DOCKER_COMMANDS.get(word)
    return f"docker {word} is {does} here; `help docker` lists them all" if does else None
