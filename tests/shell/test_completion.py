"""Context analysis, fuzzy matching and the candidates of the completion engine (spec v1.41, no daemon)."""

from __future__ import annotations

import pytest

from dshell.shell.completion import context as C
from dshell.shell.completion.engine import complete
from dshell.shell.completion.matching import Candidate, rank, score


def texts(text, sources):
    return [c.text for c in complete(text, sources)[1]]


@pytest.mark.parametrize(("text", "kind", "word"), [
    ("", C.HEAD, ""), ("Cont", C.HEAD, "Cont"), ("containers ", C.OP_IN_CATEGORY, ""),
    ("ContainerList a", C.PARAM, "a"), ("ContainerList all=t", C.VALUE, "t"),
    ("ContainerCreate body={Image: busybox, HostConfig: {Bi", C.BODY_KEY, "Bi"),
    ("ContainerCreate body={Image: bu", C.BODY_VALUE, "bu"), ("ContainerCreate {Cmd: [a, ", C.BODY_VALUE, ""),
    ("_3.Con", C.REF, "_3.Con"), ("ContainerInspect id=_2[0].", C.REF, "_2[0]."),
    ("doc Con", C.ARG, "Con"), ("_3 | [0].N", C.QUERY, "[0].N"), ("logs w", C.ARG, "w"),
    ("exec Ex", C.OP_IN_CATEGORY, "Ex"), ("ContainerInspect web ", C.PARAM, ""),
])
def test_context(text, kind, word):
    ctx = C.analyze(text)
    assert (ctx.kind, ctx.word) == (kind, word)


def test_body_position_walks_nested_keys_and_lists():
    assert C.body_position("{HostConfig: {PortBindings: {}, Bi") == (("HostConfig",), True, "Bi")
    assert C.body_position("{Mounts: [{Ty") == (("Mounts", "[]"), True, "Ty")
    assert C.body_position('{"Env": ["A=1", "B') == (("Env", "[]"), False, '"B')
    assert C.body_position("{a: 1}") is None


def test_matching_prefers_prefix_then_substring_then_subsequence():
    assert score("cl", "ContainerList")[0] == 2
    assert score("Cont", "ContainerList")[0] == 0
    assert score("List", "ContainerList")[0] == 1
    assert score("xyz", "ContainerList") is None
    ranked = rank("list", [Candidate("ContainerList"), Candidate("ListThings"), Candidate("LiXsXt")])
    assert [c.text for c in ranked] == ["ListThings", "ContainerList", "LiXsXt"]


def test_op_names_with_summaries(sources):
    ctx, found = complete("ContainerLi", sources)
    assert found[0].text == "ContainerList"
    assert "List containers" in found[0].meta
    assert "ContainerList" in texts("clist", sources)  # fuzzy


def test_tail_completes_any_op_then_its_params(sources):
    assert C.analyze("tail Con").kind == C.OP_IN_CATEGORY
    assert "ContainerLogs" in texts("tail ContainerLo", sources)
    assert "SystemEvents" in texts("tail SystemEv", sources)
    assert "follow=" in texts("tail ContainerLogs web fol", sources)
    assert "web" in texts("tail ContainerLogs id=w", sources)


def test_ops_of_a_category(sources):
    found = texts("images ", sources)
    assert "ImageList" in found and "ContainerList" not in found


def test_params_with_type_location_and_required(sources):
    _, found = complete("ContainerInspect ", sources)
    by_text = {c.text: c for c in found}
    assert by_text["id="].meta == "string · path · required"
    assert by_text["size="].meta == "boolean · query"
    assert found[0].text == "id="  # required first
    assert "web" in by_text  # a positional container name for the open path param
    assert "all=" not in texts("ContainerList all=true ", sources)


def test_enum_and_boolean_values(sources):
    assert texts("ContainerList all=", sources) == ["true", "false"]
    assert texts("ContainerList size=f", sources) == ["false"]
    assert texts("ImageList all=", sources) == ["true", "false"]


def test_live_names_for_container_and_image_params(sources):
    assert texts("ContainerInspect id=w", sources) == ["web"]
    assert "busybox:latest" in texts("ImageInspect name=", sources)
    assert "busybox:latest" in texts("ContainerCreate body={Image: bu", sources)
    assert texts("logs d", sources) == ["db"]


def test_body_keys_from_the_schema(sources):
    found = complete("ContainerCreate body={Ima", sources)[1]
    assert found[0].text == "Image: " and found[0].display == "Image"
    assert "Binds: " in texts("ContainerCreate body={Image: busybox, HostConfig: {Bin", sources)
    assert "Type: " in texts("ContainerCreate body={HostConfig: {Mounts: [{Ty", sources)
    assert "Image: " in texts("ContainerCreate {Ima", sources)  # positional body
    assert "true" in texts("ContainerCreate body={Tty: ", sources)


def test_refs_and_paths(sources):
    assert texts("_2.C", sources) == ["_2.Config", "_2.Created"]
    assert texts("ContainerInspect id=_2.Con", sources) == ["_2.Config"]
    assert "_1" in texts("save ", sources)


def test_command_arguments(sources):
    assert texts("use v1.4", sources) == ["v1.40", "v1.41"]
    assert texts("set ", sources)[:2] == ["vi", "emacs"]
    assert texts("set pager ", sources) == ["auto", "always", "off"]
    assert "ContainerList" in texts("doc ContainerL", sources)
    assert texts("cd Con", sources) == ["Config"]
    assert "images" in texts("ops im", sources)
    assert texts("connect x --tlsca", sources) == ["--tlscacert"]


def test_no_spec_yet_means_no_ops_but_no_error(sources):
    sources.index = None
    assert "help" in texts("he", sources)
    assert texts("ContainerList a", sources) == []


def test_enum_values(sources):
    assert texts("ContainerWait condition=", sources) == ["not-running", "next-exit", "removed"]
    assert texts("ContainerWait condition=rem", sources) == ["removed"]


def test_run_completes_its_flags_then_an_image_then_nothing(sources):
    assert {"-d", "-it", "--rm", "-p", "-v", "--dry-run"} <= set(texts("run -", sources))
    assert texts("run --rm -e A=1 busy", sources) == ["busybox:latest"]
    assert texts("run --name web b", sources) == ["busybox:latest"]
    assert texts("run busybox ", sources) == []  # the command is the container's


def test_watch_completes_like_tail_after_its_interval(sources):
    assert "ContainerList" in texts("watch ContainerLi", sources)
    assert "ContainerList" in texts("watch 5 ContainerLi", sources)
    assert "all=" in texts("watch 0.5 ContainerList al", sources)


def test_diff_completes_results():
    assert C.analyze("diff _3.Con").kind == C.REF
    assert C.analyze("diff _1 _2.St").kind == C.REF


def test_platform_params_complete_the_platforms_of_local_images():
    from dshell.client._specs import load
    from dshell.shell.completion.live import FETCHERS

    from .conftest import FakeSources

    answer = [{"RepoTags": ["multi:1"], "Manifests": [
        {"Kind": "image", "ImageData": {"Platform": {"os": "linux", "architecture": "arm64", "variant": "v8"}}},
        {"Kind": "attestation", "ImageData": {"Platform": {}}}]}]
    asked: list = []

    def invoke(op, params):
        asked.append((op, params))
        return answer

    names = {kind: FETCHERS[kind](invoke) for kind in ("platform", "platforms")}
    assert asked == [("ImageList", {"manifests": True})] * 2
    sources = FakeSources(load("v1.51"), names=names)
    assert texts("ImageHistory name=multi:1 platform=", sources) == ["{os: linux, architecture: arm64, variant: v8}"]
    assert texts("ImageDelete name=multi:1 platforms=", sources) == ["[{os: linux, architecture: arm64, variant: v8}]"]
    assert names["platform"][0][1] == "platform linux/arm64/v8 of multi:1"


@pytest.mark.parametrize(("text", "wanted", "unwanted"), [
    ("p", ["ps", "pull", "push", "pause", "port"], []),
    ("network ", ["ls", "create", "rm", "inspect", "connect", "disconnect", "prune", "NetworkList"], []),
    ("ps -", ["-a", "--all", "--filter", "--format", "-q", "--no-trunc"], []),
    ("ps -f ", ["status=", "label=", "ancestor="], ["dangling="]),
    ("images --filter ", ["dangling=", "reference="], ["status="]),
    ("ps --format ", ["'{{.ID}}'", "'{{json .}}'", "json"], []),
    ("kill -s ", ["HUP", "KILL", "TERM"], []),
    ("rm -f ", ["web", "db"], ["busybox:latest"]),
    ("rm -f web ", ["db"], []),
    ("rmi ", ["busybox:latest"], ["web"]),
    ("pull busy", ["busybox:latest"], []),
    ("inspect ", ["web", "busybox:latest"], []),
    ("start -", ["-a", "--detach-keys"], []),
    ("start -a ", ["web", "db"], []),
    ("service create --mode ", ["replicated", "global"], []),
    ("service update --restart-condition ", ["none", "on-failure", "any"], []),
    ("images Im", ["ImageList"], ["ls"]),
])
def test_docker_commands_complete_verbs_flags_and_values(sources, text, wanted, unwanted):
    found = texts(text, sources)
    assert [w for w in wanted if w not in found] == [] and [u for u in unwanted if u in found] == []


def test_unsupported_flags_say_why(sources):
    meta = {c.text: c.meta for c in complete("pull --", sources)[1]}
    assert meta["--disable-content-trust"].startswith("unsupported: content trust")
