"""Image ops: list, inspect, tag, history, commit, build (a small context), save/get/load, push and pull
through the local registry with auth, delete, label-scoped prunes; ImageSearch on its error path."""

from __future__ import annotations

import io
import json
import tarfile

import pytest

import dshell.client as docker

from .conftest import call, tar_of

pytestmark = pytest.mark.engine

# What this machine cannot serve, checked on its error path instead:
UNSERVABLE = {"ImageSearch": "searches Docker Hub (index.docker.io): this machine has no internet"}


@pytest.fixture
def image_names(dc, unique_name):
    """``image_names()`` -> a fresh ``dsh-test-img-…`` repo name; every tag made is deleted at the end."""
    made: list[str] = []

    def make() -> str:
        made.append(unique_name("dsh-test-img"))
        return made[-1]

    yield make
    for image in call(dc, "ImageList"):
        for tag in image["RepoTags"] or []:
            if any(tag.startswith((m + ":", f"127.0.0.1:5000/dshell/{m}:")) for m in made):
                docker.invoke(dc, {"op": "ImageDelete", "params": {"name": tag, "force": True}})


def test_list_inspect_tag_history_delete(dc, engine, image_names):
    base = call(dc, "ImageInspect", name=engine["image"])
    assert any(engine["image"] in (i["RepoTags"] or []) for i in call(dc, "ImageList"))
    repo = image_names()
    call(dc, "ImageTag", name=engine["image"], repo=repo, tag="t1")
    assert f"{repo}:t1" in call(dc, "ImageInspect", name=base["Id"])["RepoTags"]
    assert [i["Id"] for i in call(dc, "ImageList", filters={"reference": [f"{repo}:t1"]})] == [base["Id"]]
    history = call(dc, "ImageHistory", name=f"{repo}:t1")
    assert history[0]["Id"] == base["Id"] and all("CreatedBy" in h for h in history)
    assert call(dc, "ImageDelete", name=f"{repo}:t1") == [{"Untagged": f"{repo}:t1"}]
    with pytest.raises(docker.DockerError) as gone:
        call(dc, "ImageInspect", name=f"{repo}:t1")
    assert gone.value.status == 404


def test_commit_a_container_into_an_image(dc, container, image_names):
    name = container(["sh", "-c", "echo committed > /dsh-file"], start=True)
    call(dc, "ContainerWait", id=name)
    repo = image_names()
    made = call(dc, "ImageCommit", container=name, repo=repo, tag="c1", comment="by dshell",
                containerConfig={"Cmd": ["cat", "/dsh-file"], "Labels": {"dsh.test": repo}})
    image = call(dc, "ImageInspect", name=f"{repo}:c1")
    assert image["Id"] == made["Id"] and image["Comment"] == "by dshell"
    assert image["Config"]["Labels"] == {"dsh.test": repo}
    run = container(None, Image=f"{repo}:c1", start=True)
    call(dc, "ContainerWait", id=run)
    assert call(dc, "ContainerLogs", id=run, stdout=True) == "committed\n"


def test_build_a_small_context(dc, container, image_names):
    repo = image_names()
    context = tar_of({"Dockerfile": b"FROM busybox:latest\nCOPY greeting /greeting\nRUN echo built >> /greeting\n"
                                    b"CMD [\"cat\", \"/greeting\"]\n",
                      "greeting": b"hello from the context\n"})
    progress = call(dc, "ImageBuild", inputStream=context, t=f"{repo}:b1", rm=True, labels={"dsh.test": repo})
    assert isinstance(progress, list) and any("Successfully tagged" in (p.get("stream") or "") for p in progress)
    assert call(dc, "ImageInspect", name=f"{repo}:b1")["Config"]["Labels"] == {"dsh.test": repo}
    run = container(None, Image=f"{repo}:b1", start=True)
    call(dc, "ContainerWait", id=run)
    assert call(dc, "ContainerLogs", id=run, stdout=True) == "hello from the context\nbuilt\n"
    failing = f"FROM busybox:latest\nRUN echo {repo} && exit 7\n".encode()
    with pytest.raises(docker.DockerError, match="returned a non-zero code: 7"):
        call(dc, "ImageBuild", inputStream=tar_of({"Dockerfile": failing}), forcerm=True)
    left = [c for c in call(dc, "ContainerList", all=True) if repo in c["Command"]]
    assert left == []  # forcerm: the failed step's container is removed too (rm alone keeps it)


def test_save_get_all_and_load(dc, engine, image_names):
    repo = image_names()
    call(dc, "ImageTag", name=engine["image"], repo=repo, tag="s1")
    saved = call(dc, "ImageGet", name=f"{repo}:s1")
    with tarfile.open(fileobj=io.BytesIO(saved)) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
    assert manifest[0]["RepoTags"] == [f"{repo}:s1"]
    both = call(dc, "ImageGetAll", names=[f"{repo}:s1", engine["image"]])
    with tarfile.open(fileobj=io.BytesIO(both)) as tar:
        tags = {t for m in json.load(tar.extractfile("manifest.json")) for t in m["RepoTags"]}  # type: ignore[arg-type]
    assert {f"{repo}:s1", engine["image"]} <= tags
    call(dc, "ImageDelete", name=f"{repo}:s1")
    loaded = call(dc, "ImageLoad", imagesTarball=saved, quiet=True)
    assert any(f"Loaded image: {repo}:s1" in (p.get("stream") or "") for p in loaded)
    assert f"{repo}:s1" in call(dc, "ImageInspect", name=f"{repo}:s1")["RepoTags"]


def test_push_and_pull_through_the_local_registry_with_auth(dc, engine, image_names, registry_login):
    remote = f"{engine['registry']}/dshell/{image_names()}"
    call(dc, "ImageTag", name=engine["image"], repo=remote, tag="p1")
    pushed = call(dc, "ImagePush", name=remote, tag="p1")  # the login comes from the docker config
    # "p1: digest: sha256:… size: N" on every engine (the aux record with the digest only from the graph drivers)
    digest = next(p["status"].split()[2] for p in pushed if p.get("status", "").startswith("p1: digest: "))
    assert digest.startswith("sha256:")
    assert call(dc, "DistributionInspect", name=f"{remote}:p1")["Descriptor"]["digest"] == digest
    call(dc, "ImageDelete", name=f"{remote}:p1")
    pulled = call(dc, "ImageCreate", fromImage=remote, tag="p1")
    assert f"Digest: {digest}" in {p.get("status") for p in pulled}
    assert f"{remote}@{digest}" in call(dc, "ImageInspect", name=f"{remote}:p1")["RepoDigests"]


def test_push_without_credentials_is_refused(dc, engine, image_names, no_login):
    remote = f"{engine['registry']}/dshell/{image_names()}"
    call(dc, "ImageTag", name=engine["image"], repo=remote, tag="p2")
    with pytest.raises(docker.DockerError, match="no basic auth credentials|unauthorized"):
        call(dc, "ImagePush", name=remote, tag="p2", **{"X-Registry-Auth": {}})


def test_prune_by_label_and_build_cache_prune(dc, image_names):
    repo = image_names()
    context = tar_of({"Dockerfile": f"FROM busybox:latest\nLABEL dsh.test.prune={repo}\n".encode()})
    call(dc, "ImageBuild", inputStream=context, t=f"{repo}:old", rm=True)
    image_id = call(dc, "ImageInspect", name=f"{repo}:old")["Id"]
    pruned = call(dc, "ImagePrune", filters={"dangling": ["false"], "label": [f"dsh.test.prune={repo}"]})
    assert {"Untagged": f"{repo}:old"} in pruned["ImagesDeleted"]
    assert {"Deleted": image_id} in pruned["ImagesDeleted"]
    cache = call(dc, "BuildPrune", filters={"id": ["dsh-test-no-such-cache-record"]})
    assert cache["SpaceReclaimed"] == 0 and not cache["CachesDeleted"]


def test_image_search_needs_docker_hub(dc):
    assert "ImageSearch" in UNSERVABLE
    with pytest.raises(docker.DockerError) as err:
        call(dc, "ImageSearch", term="busybox", limit=1)
    assert err.value.status == 500 and "index.docker.io" in err.value.message
