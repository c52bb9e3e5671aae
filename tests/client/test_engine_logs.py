"""Logs read from the real engine as a daemon sends them (a chunk per line): lines that look like chunks (a CRLF, a
size line inside), a line longer than the daemon's 16 KiB pieces, both streams; frames() and data mode give back
exactly what the container wrote."""

from __future__ import annotations

import pytest

import dshell.client as docker

pytestmark = pytest.mark.engine

LINES = 2000
SCRIPT = (f"i=0; while [ $i -lt {LINES} ]; do printf 'line %d\\r\\n5\\r\\nx\\r\\n' $i; echo \"err $i\" >&2; "
          "i=$((i+1)); done; head -c 40000 /dev/zero | tr '\\0' y; echo")
STDOUT = "".join(f"line {i}\r\n5\r\nx\r\n" for i in range(LINES)) + "y" * 40000 + "\n"
STDERR = "".join(f"err {i}\n" for i in range(LINES))


@pytest.fixture
def logged(dc, container) -> str:
    name = container(["sh", "-c", SCRIPT], start=True)
    docker.invoke(dc, {"op": "ContainerWait", "params": {"id": name}, "throw": True})
    return name


def test_frames_give_each_stream_as_written(dc, logged):
    got = {1: bytearray(), 2: bytearray()}
    with docker.invoke(dc, {"op": "ContainerLogs", "as": "stream",
                            "params": {"id": logged, "stdout": True, "stderr": True}}) as stream:
        for n, payload in stream.frames():
            got[n] += payload
    assert (got[1].decode(), got[2].decode()) == (STDOUT, STDERR)


def test_logs_as_data_are_the_text_written(dc, logged):
    assert docker.invoke(dc, {"op": "ContainerLogs", "params": {"id": logged, "stdout": True}}) == STDOUT
