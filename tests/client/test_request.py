"""Routing, encoding and validation of requests (no daemon)."""

from __future__ import annotations

import base64
import io
import json

import pytest

from dshell.client import ValidationError, registry_auth
from dshell.client._request import build, find_op, raw_request, validate
from dshell.client._specs import load

SPEC = load("v1.41")


def op(name):
    return SPEC.ops[name]


def test_query_booleans_numbers_and_filters_are_encoded_as_the_engine_expects():
    req = build(op("ContainerList"), {"all": True, "limit": 3, "filters": {"status": ["running"]}}, "v1.41")
    assert req.method == "GET"
    assert req.target == "/v1.41/containers/json?all=true&limit=3&filters=%7B%22status%22%3A%5B%22running%22%5D%7D"
    assert req.body is None


def test_path_params_are_filled_and_image_names_keep_their_slashes():
    req = build(op("ImageInspect"), {"name": "127.0.0.1:5000/dshell/busybox:latest"}, "v1.41")
    assert req.target == "/v1.41/images/127.0.0.1:5000/dshell/busybox:latest/json"
    assert build(op("ContainerInspect"), {"id": "a b"}, "v1.40").target == "/v1.40/containers/a%20b/json"


def test_json_body_and_content_type():
    req = build(op("ContainerCreate"), {"name": "c", "body": {"Image": "busybox"}}, "v1.41")
    assert req.target == "/v1.41/containers/create?name=c"
    assert json.loads(req.body) == {"Image": "busybox"}
    assert req.headers["Content-Type"] == "application/json"
    assert b"Content-Length: 20\r\n" in req.head("docker")


def test_binary_bodies_stream_with_the_spec_content_type():
    req = build(op("PutContainerArchive"), {"id": "c", "path": "/tmp", "inputStream": b"tar"}, "v1.41")
    assert req.body == b"tar" and req.headers["Content-Type"] == "application/x-tar"
    req = build(op("ImageBuild"), {"inputStream": io.BytesIO(b"x" * 70000)}, "v1.41")
    assert req.headers["Content-Type"] == "application/x-tar"
    assert b"Transfer-Encoding: chunked" in req.head("docker")
    assert b"".join(req.body) == b"x" * 70000


def test_array_query_params_repeat_their_key():
    req = build(op("ImageGetAll"), {"names": ["a", "b"]}, "v1.41")
    assert req.target == "/v1.41/images/get?names=a&names=b"


def test_registry_auth_dict_is_encoded_and_string_passed_through():
    encoded = registry_auth({"username": "u", "password": "p", "serveraddress": "r:5000"})
    expected = {"username": "u", "password": "p", "serveraddress": "r:5000"}
    assert json.loads(base64.urlsafe_b64decode(encoded)) == expected
    req = build(op("ImageCreate"), {"fromImage": "x", "X-Registry-Auth": {"identitytoken": "t"}}, "v1.41")
    assert json.loads(base64.urlsafe_b64decode(req.headers["X-Registry-Auth"])) == {"identitytoken": "t"}
    assert registry_auth("abc") == "abc"


def test_hijack_head_asks_for_the_op_s_upgrade():
    from dshell.client._websocket import accept_for, upgraded_request

    req = build(op("ContainerAttach"), {"id": "c", "stream": True, "stdin": True}, "v1.41")
    req, upgrade, key = upgraded_request(req, "ContainerAttach", "socket")
    head = req.head("docker", upgrade=upgrade)
    assert b"Connection: Upgrade\r\nUpgrade: tcp\r\n" in head and head.endswith(b"\r\n\r\n") and key is None
    session, upgrade, _ = upgraded_request(build(op("Session"), {}, "v1.41"), "Session", "socket")
    assert b"\r\nUpgrade: h2c\r\n" in session.head("docker", upgrade=upgrade)
    ws = build(op("ContainerAttachWebsocket"), {"id": "c", "stream": True}, "v1.41")
    ws, upgrade, key = upgraded_request(ws, "ContainerAttachWebsocket", "socket")
    head = ws.head("docker", upgrade=upgrade)
    assert b"\r\nUpgrade: websocket\r\n" in head and b"\r\nSec-WebSocket-Version: 13\r\n" in head
    assert f"\r\nSec-WebSocket-Key: {key}\r\n".encode() in head and len(base64.b64decode(key)) == 16
    assert accept_for("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="  # RFC 6455's example
    assert upgraded_request(ws, "ContainerAttachWebsocket", "data") == (ws, None, None)


@pytest.mark.parametrize(("name", "params", "message"), [
    ("ContainerList", {"al": True}, "unknown param 'al': did you mean all?"),
    ("ContainerList", {"all": "yes"}, "param 'all' must be true/false, got str 'yes'"),
    ("ContainerList", {"limit": True}, "param 'limit' must be an integer"),
    ("ContainerInspect", {}, "missing required param 'id'"),
    ("ContainerCreate", {}, "missing required param 'body'"),
    ("ContainerLogs", {"id": "c", "stdout": 1}, "must be true/false"),
    ("ImageList", {"zzz": 1}, "unknown param 'zzz' (params: all, filters"),
])
def test_validation_errors_name_what_is_wrong(name, params, message):
    with pytest.raises(ValidationError) as err:
        validate(op(name), params)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_a_param_of_a_newer_api_version_says_which():
    with pytest.raises(ValidationError, match=r"^ImageHistory: param 'platform' needs API v1\.48 or newer \(this "
                                              r"client speaks v1\.41\)$"):
        validate(load("v1.41").ops["ImageHistory"], {"name": "busybox", "platform": "{}"}, "v1.41")
    with pytest.raises(ValidationError, match=r"^ImageDelete: param 'platforms' needs API v1\.50 or newer"):
        validate(load("v1.49").ops["ImageDelete"], {"name": "busybox", "platforms": ["{}"]}, "v1.49")
    validate(load("v1.48").ops["ImageHistory"], {"name": "busybox", "platform": "{}"}, "v1.48")


def test_enum_values_are_checked_for_scalars_and_array_items():
    with pytest.raises(ValidationError, match="'condition' must be one of not-running, next-exit, removed"):
        validate(op("ContainerWait"), {"id": "c", "condition": "gone"})
    validate(op("ContainerWait"), {"id": "c", "condition": "removed"})
    spec = load("v1.44")
    with pytest.raises(ValidationError, match="must be one of container, image, volume, build-cache"):
        validate(spec.ops["SystemDataUsage"], {"type": ["image", "nope"]})
    validate(spec.ops["SystemDataUsage"], {"type": ["image", "volume"]})


def test_a_content_type_header_param_wins_over_the_derived_one():
    req = build(op("ImageBuild"), {"inputStream": b"t", "Content-type": "application/x-tar"}, "v1.41")
    assert req.head("docker").lower().count(b"content-type") == 1


def test_unknown_op_names_the_nearest_ops():
    with pytest.raises(ValidationError, match="unknown op 'ContainerLis'.*did you mean ContainerList"):
        find_op(SPEC, "ContainerLis")
    with pytest.raises(ValidationError, match="did you mean ImageList"):
        find_op(SPEC, "imagelist")
    with pytest.raises(ValidationError, match="is in category 'images', not 'containers'"):
        find_op(SPEC, "ImageList", "containers")


def test_raw_request_fills_path_and_query():
    req = raw_request("get", "/v1.41/containers/{id}/checkpoints", {"id": "c"}, {"dir": "x y", "n": [1, 2]}, {}, None)
    assert (req.method, req.target) == ("GET", "/v1.41/containers/c/checkpoints?dir=x%20y&n=1&n=2")
    req = raw_request("put", "/x", None, None, None, {"a": 1})
    assert req.body == b'{"a": 1}' and req.headers["Content-Type"] == "application/json"


def test_bodies_that_cannot_be_sent_are_validation_errors():
    expected = "'inputStream' must be bytes, a file-like object, an iterator of bytes or a local path"
    with pytest.raises(ValidationError, match=expected):
        validate(op("ImageBuild"), {"inputStream": [1, 2]})
    validate(op("ImageBuild"), {"inputStream": iter([b"a", b"b"])})
    with pytest.raises(ValidationError, match="fetch: the body must be .*; got int 5"):
        raw_request("post", "/x", None, None, None, 5)


def test_quote_is_what_urllib_quotes_without_importing_it():
    """``_request.quote`` stands in for ``urllib.parse.quote`` (whose import, with ipaddress, a one-shot call
    pays): the same text for every character class, safe set and non-ASCII text, the same error for a lone
    surrogate."""
    import random
    import urllib.parse

    from dshell.client._request import quote

    rng = random.Random(7)
    alphabet = [chr(c) for c in range(0x250)] + ["😀", "中", "\u2028", "\ufeff"]
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(12)))
        for safe in ("", "/:@", "/"):
            assert quote(text, safe) == urllib.parse.quote(text, safe=safe)
    with pytest.raises(UnicodeEncodeError):
        quote("a\ud800")
