"""A multi-platform image made here (no registry reaches the internet): the engine's busybox saved as an OCI layout,
a second manifest for linux/arm64 added beside linux/amd64 (a layer of its own, its config saying arm64), both
under one index, loaded back under a new name. Only an engine with the containerd image store keeps both platforms."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from typing import Any

import dshell.client as docker

INDEX = "application/vnd.oci.image.index.v1+json"
MANIFEST = "application/vnd.oci.image.manifest.v1+json"
LAYER = "application/vnd.oci.image.layer.v1.tar"
PLATFORMS = ({"architecture": "amd64", "os": "linux"}, {"architecture": "arm64", "os": "linux"})


def _layer(name: str) -> bytes:
    """An uncompressed layer holding the file ``/NAME``."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        info = tarfile.TarInfo(name)
        info.size, info.mtime = len(name), 1_700_000_000
        tar.addfile(info, io.BytesIO(name.encode()))
    return out.getvalue()


def _blob(files: dict[str, bytes], data: bytes) -> str:
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    files[f"blobs/sha256/{digest[7:]}"] = data
    return digest


def multiplatform_tar(saved: bytes, name: str) -> bytes:
    """``saved`` (``ImageGet`` of a one-platform image on the containerd store) made an image of ``PLATFORMS`` named
    ``name`` (``repo:tag``), as an OCI layout tar for ``ImageLoad``."""
    files: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(saved)) as tar:
        for member in tar.getmembers():
            if member.isfile():
                files[member.name] = tar.extractfile(member).read()  # type: ignore[union-attr]
    first = json.loads(files["index.json"])["manifests"][0]
    manifest = json.loads(files[f"blobs/sha256/{first['digest'][7:]}"])
    config = json.loads(files[f"blobs/sha256/{manifest['config']['digest'][7:]}"])
    entries = []
    for n, platform in enumerate(PLATFORMS):
        this_config, layers = {**config, **platform}, manifest["layers"]
        if n:  # a layer of its own: deleting this platform's content must not take the first one's (busybox's)
            layer = _layer(platform["architecture"])
            layers = [{"mediaType": LAYER, "digest": _blob(files, layer), "size": len(layer)}]
            this_config["rootfs"] = {"type": "layers", "diff_ids": [layers[0]["digest"]]}
        raw_config = json.dumps(this_config).encode()
        this = {**manifest, "layers": layers, "config": {**manifest["config"], "digest": _blob(files, raw_config),
                                                         "size": len(raw_config)}}
        raw = json.dumps(this).encode()
        entries.append({"mediaType": MANIFEST, "digest": _blob(files, raw), "size": len(raw), "platform": platform})
    index = json.dumps({"schemaVersion": 2, "mediaType": INDEX, "manifests": entries}).encode()
    repo, _, tag = name.rpartition(":")
    top = {"schemaVersion": 2, "mediaType": INDEX, "manifests": [{
        "mediaType": INDEX, "digest": _blob(files, index), "size": len(index),
        "annotations": {"io.containerd.image.name": f"docker.io/library/{repo}:{tag}",
                        "org.opencontainers.image.ref.name": tag}}]}
    files["index.json"] = json.dumps(top).encode()
    files.pop("manifest.json", None)
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        for path, data in sorted(files.items()):
            info = tarfile.TarInfo(path)
            info.size, info.mtime = len(data), 1_700_000_000
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def load_multiplatform(c: docker.Client, image: str, name: str) -> Any:
    """Load ``image`` again as the two-platform ``name`` on the engine of ``c``; the load's answer."""
    saved = docker.invoke(c, {"op": "ImageGet", "params": {"name": image}, "throw": True})
    return docker.invoke(c, {"op": "ImageLoad", "params": {"imagesTarball": multiplatform_tar(saved, name),
                                                            "quiet": True}, "throw": True})
