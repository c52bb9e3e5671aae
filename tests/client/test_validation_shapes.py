"""The Python API refuses what cannot be sent, naming the param, before anything is sent.

The client points at a socket that does not exist: anything sent would be a ConnectionError instead.
"""

from __future__ import annotations

import datetime
import re

import pytest

import dshell.client as docker

NOWHERE = {"uri": "unix:///tmp/dshell-test-no-such.sock"}


def invoke(op: str, params: object) -> None:
    docker.invoke(docker.client(conn=NOWHERE, api_version="v1.41"), {"op": op, "params": params})


def cyclic() -> dict:
    body: dict = {"Name": "x", "Labels": {}}
    body["Labels"]["self"] = body
    return body


@pytest.mark.parametrize(("op", "params", "said"), [
    ("ContainerList", "all=true", "params must be a map of param name to value"),
    ("ContainerList", ["all"], "params must be a map of param name to value"),
    ("ContainerList", {1: True}, "param names are text"),
    ("VolumeCreate", {"volumeConfig": {"Name": b"hi"}}, "volumeConfig.Name: bytes cannot be sent as JSON"),
    ("VolumeCreate", {"volumeConfig": {"Labels": {"when": datetime.datetime(2024, 1, 2)}}},
     "volumeConfig.Labels.when: a datetime cannot be sent as JSON; give text (2024-01-02T00:00:00)"),
    ("VolumeCreate", {"volumeConfig": {"Name": {"a", "b"}}}, "volumeConfig.Name: a set cannot be sent"),
    ("VolumeCreate", {"volumeConfig": cyclic()}, "volumeConfig.Labels.self: the value contains itself"),
    ("VolumeCreate", {"volumeConfig": {"DriverOpts": {"n": float("nan")}}},
     "volumeConfig.DriverOpts.n: nan cannot be sent as JSON"),
    ("ContainerList", {"filters": {"label": [object()]}}, "ContainerList: filters.label[0]: a value of type object"),
])
def test_what_json_cannot_hold_is_a_validation_error_naming_the_param(op, params, said):
    with pytest.raises(docker.ValidationError, match=re.escape(said)):
        invoke(op, params)


def test_fetch_bodies_are_checked_too():
    with pytest.raises(docker.ValidationError, match=r"fetch: body.Data: bytes"):
        docker.fetch({"conn": NOWHERE, "url": "/secrets/create", "method": "post", "body": {"Data": b"x"}})


def test_a_value_used_twice_is_not_a_cycle():
    shared = {"k": "v"}
    with pytest.raises(docker.ConnectionError):  # valid, so it is sent (and the daemon is not there)
        invoke("VolumeCreate", {"volumeConfig": {"Name": "v", "DriverOpts": shared, "Labels": shared}})


@pytest.mark.parametrize(("timeouts", "said"), [
    ({"connect": -1}, "timeout 'connect' must be a number of seconds above 0"),
    ({"read": "30"}, "timeout 'read' must be a number"),
    ({"call": float("inf")}, "timeout 'call' must be"),
    ({"conect": 5}, "unknown timeout 'conect': did you mean connect"),
    (10, "timeouts must be a map"),
])
def test_bad_timeouts_fail_when_the_client_is_made(timeouts, said):
    with pytest.raises(docker.ValidationError, match=said):
        docker.client(conn={**NOWHERE, "timeouts": timeouts})
    docker.client(conn={**NOWHERE, "timeouts": {"connect": 2, "read": None, "write": 1.5, "call": 60}})
