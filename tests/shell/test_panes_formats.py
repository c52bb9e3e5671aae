"""Pane formatters (logs, events, stats, progress, JSON lines) and the sources of the pane commands."""

from __future__ import annotations

import json
import struct
from datetime import datetime
from typing import Any

import pytest

from dshell.explorer import STDERR_MARK, binary_size, decimal_size
from dshell.explorer import stats_summary as summary
from dshell.explorer._events import event_time
from dshell.explorer._stats import cpu_percent, memory
from dshell.shell.panes.events import event_lines
from dshell.shell.panes.jsonlines import JSONFormatter, compact_lines
from dshell.shell.panes.logs import MAX_LINE, LogFormatter, clean
from dshell.shell.panes.model import Samples, StreamPane
from dshell.shell.panes.progress import progress_lines
from dshell.shell.panes.sources import source
from dshell.shell.panes.stats import SPARK, StatsLines
from dshell.shell.parse import parse_line


def frame(stream: int, data: bytes) -> bytes:
    return struct.pack(">BxxxL", stream, len(data)) + data


def test_tty_logs_keep_partial_lines_until_complete():
    fmt = LogFormatter(tty=True)
    assert [line.text for line in fmt.feed(b"one\r\ntw")] == ["one"]
    assert [line.text for line in fmt.feed(b"o\r\n\r\nthree")] == ["two", ""]
    assert [line.text for line in fmt.close()] == ["three"]
    assert fmt.close() == []


def test_multiplexed_logs_split_anywhere_and_mark_stderr():
    data = frame(1, b"out 1\nout") + frame(2, b"err 1\n") + frame(1, b" 2\n")
    fmt = LogFormatter(tty=False)
    lines = [line for i in range(len(data)) for line in fmt.feed(data[i:i + 1])]  # one byte at a time
    assert [(line.text, line.style) for line in lines] == [
        ("out 1", ""), (f"{STDERR_MARK}err 1", "class:pane.stderr"), ("out 2", "")]


def test_kept_logs_mark_stderr_lines():
    pane = StreamPane("logs x")
    fmt = LogFormatter(tty=False)
    pane.add(fmt.feed(frame(1, b"out\n") + frame(2, b"bad\n")))
    assert pane.kept() == "out\n[stderr] bad\n"


def test_endless_line_is_cut():
    fmt = LogFormatter(tty=True)
    lines = fmt.feed(b"x" * (MAX_LINE + 10))
    assert len(lines) == 1 and len(lines[0].text) == MAX_LINE


def test_clean():
    assert clean("a\tb") == "a       b"
    assert clean("10%\r50%\r100%\r") == "100%"
    assert clean("plain") == "plain"


EVENT = {"status": "start", "id": "abc123", "from": "busybox", "Type": "container", "Action": "start",
         "Actor": {"ID": "abc123", "Attributes": {"name": "web", "image": "busybox"}}, "scope": "local",
         "time": 1700000000, "timeNano": 1700000000123456789}


def test_event_line_like_docker_events():
    (line,) = event_lines(EVENT)
    stamp = datetime.fromtimestamp(1700000000).astimezone().isoformat()
    zone = "Z" if stamp[19:] == "+00:00" else stamp[19:]  # as Go writes a zero offset
    assert event_time(EVENT) == f"{stamp[:19]}.123456789{zone}"
    assert line.text == f"{event_time(EVENT)} container start abc123 (image=busybox, name=web)"
    assert line.style == "class:pane.good" and line.data is EVENT
    assert event_lines({**EVENT, "Action": "exec_start: sh -c ls"})[0].style == ""
    assert event_lines({**EVENT, "Action": "die"})[0].style == "class:pane.bad"


STATS = {
    "id": "0123456789abcdef", "name": "/web", "read": "2024-01-01T00:00:01Z",
    "cpu_stats": {"cpu_usage": {"total_usage": 400_000_000}, "system_cpu_usage": 20_000_000_000, "online_cpus": 4},
    "precpu_stats": {"cpu_usage": {"total_usage": 200_000_000}, "system_cpu_usage": 18_000_000_000},
    "memory_stats": {"usage": 12 * 2**20, "limit": 2 * 2**30, "stats": {"inactive_file": 2 * 2**20}},
    "networks": {"eth0": {"rx_bytes": 1500, "tx_bytes": 0}, "eth1": {"rx_bytes": 500, "tx_bytes": 2_500_000}},
    "blkio_stats": {"io_service_bytes_recursive": [{"op": "Read", "value": 4096}, {"op": "Write", "value": 0},
                                                   {"op": "read", "value": 4096}]},
    "pids_stats": {"current": 3},
}


def test_stats_like_docker_stats():
    assert cpu_percent(STATS) == pytest.approx(40.0)  # 0.2e9 / 2e9 * 4 CPUs
    assert cpu_percent({**STATS, "precpu_stats": {}}) == pytest.approx(8.0)
    assert cpu_percent({"cpu_stats": {}, "precpu_stats": {}}) == 0.0
    assert memory(STATS) == (10 * 2**20, 2 * 2**30)
    assert memory({"memory_stats": {"usage": 100, "stats": {"total_inactive_file": 30}}}) == (70, 0)
    s = summary(STATS)
    assert (s["name"], s["mem_percent"], s["net_rx"], s["net_tx"], s["block_read"], s["pids"]) == \
        ("web", 0.49, 2000, 2_500_000, 8192, 3)
    header, row = StatsLines()(STATS)
    assert header.text.split() == ["CONTAINER", "ID", "NAME", "CPU", "%", "MEM", "USAGE", "/", "LIMIT", "MEM", "%",
                                   "NET", "I/O", "BLOCK", "I/O", "PIDS"]
    assert row.text.split() == ["0123456789ab", "web", "40.00%", "█", "10MiB", "/", "2GiB", "█", "0.49%", "2kB",
                                "/", "2.5MB", "8.19kB", "/", "0B", "3"]
    assert (header.key, row.key, row.data, header.data) == ("header", "0123456789abcdef", [s], [])


def sample(cpu_total: int, mem: int, name: str = "/web", ident: str = "0123456789abcdef") -> dict:
    return {**STATS, "id": ident, "name": name, "memory_stats": {"usage": mem, "limit": 2 * 2**30},
            "cpu_stats": {**STATS["cpu_stats"], "cpu_usage": {"total_usage": cpu_total}}}


def test_stats_rows_draw_sparklines_of_the_last_samples_scaled_per_column():
    lines = StatsLines()
    for i in range(SPARK + 3):  # CPU % climbs 0, 4, 8, ... ; memory stays flat
        header, row = lines(sample(200_000_000 + i * 20_000_000, 5 * 2**20))
    cpu_spark, mem_spark = row.text.split()[3], row.text.split()[7]
    assert len(cpu_spark) == SPARK and cpu_spark[-1] == "█" and list(cpu_spark) == sorted(cpu_spark)
    assert cpu_spark[0] != "█" and mem_spark == "█" * SPARK
    _, other = lines(sample(200_000_000, 2**20, "/db", "fedcba9876543210"))  # its memory is a fifth of web's
    assert other.text.split()[7] == "▂"  # on the column's scale, not its own


def test_a_kept_stats_pane_is_the_samples_only():
    """`.data[0]` was the header string `"CONTAINER ID  NAME ..."` mixed into the samples."""
    pane, lines = StreamPane("stats web"), StatsLines()
    for i in range(3):
        pane.add(lines(sample(200_000_000 + i * 10_000_000, 2**20)))
    pane.finish("stream ended")
    kept = pane.kept()
    assert [type(value) for value in kept] == [dict] * 3 and kept[0]["name"] == "web"
    assert [value["cpu_percent"] for value in kept] == [0.0, 2.0, 4.0]
    assert isinstance(pane.visible(5)[1][1].data, Samples) and pane.total == 3


@pytest.mark.parametrize(("size", "binary", "decimal"), [
    (0, "0B", "0B"), (1023, "1023B", "1.02kB"), (1536, "1.5KiB", "1.54kB"), (7.5 * 2**30, "7.5GiB", "8.05GB")])
def test_sizes(size, binary, decimal):
    assert (binary_size(size), decimal_size(size)) == (binary, decimal)


def test_pull_progress_one_line_per_layer():
    lines = [line for value in [
        {"status": "Pulling from library/busybox", "id": "latest"},
        {"status": "Pulling fs layer", "progressDetail": {}, "id": "a1"},
        {"status": "Downloading", "progressDetail": {"current": 1, "total": 2}, "progress": "[=>  ] 1B/2B", "id": "a1"},
        {"status": "Pull complete", "progressDetail": {}, "id": "a1"},
        {"status": "Digest: sha256:abc"}, {"aux": {"ID": "sha256:def"}}, {"stream": "Step 1/2 : FROM x\n\n"},
        {"errorDetail": {"message": "denied"}, "error": "denied"},
    ] for line in progress_lines(value)]
    assert [(line.key, line.text) for line in lines] == [
        ("layer:latest", "latest: Pulling from library/busybox"), ("layer:a1", "a1: Pulling fs layer"),
        ("layer:a1", "a1: Downloading [=>  ] 1B/2B"), ("layer:a1", "a1: Pull complete"),
        (None, "Digest: sha256:abc"), (None, "Step 1/2 : FROM x"), (None, "error: denied")]
    assert lines[3].style == "class:pane.good" and lines[-1].style == "class:pane.bad"


def test_json_lines_across_chunks():
    fmt = JSONFormatter()
    data = json.dumps({"a": 1}).encode() + b"\n" + json.dumps([1, "x"]).encode()
    lines = [line for i in range(0, len(data), 3) for line in fmt.feed(data[i:i + 3])]
    assert [line.text for line in lines] == ['{"a": 1}', '[1, "x"]'] and lines[0].data == {"a": 1}
    assert fmt.close() == []
    fmt.feed(b'{"half": ')
    assert "undecodable" in fmt.close()[0].text
    assert compact_lines({"error": "boom"})[0].text == "error: boom"


def fake_call_bind(call: Any) -> dict[str, Any]:
    """The params as read from the words, positional values under ``args`` (the spec's typing aside)."""
    return {**call.params, **({"args": list(call.args)} if call.args else {})}


@pytest.mark.parametrize(("line", "title", "op", "params"), [
    ("logs -f web", "logs web", "ContainerLogs",
     {"follow": True, "stdout": True, "stderr": True, "tail": "100", "args": ["web"]}),
    ("logs web tail=5 timestamps=true follow=true", "logs web tail=5 timestamps=true", "ContainerLogs",
     {"follow": "true", "stdout": True, "stderr": True, "tail": "5", "timestamps": "true", "args": ["web"]}),
    ("stats web", "stats web", "ContainerStats", {"stream": True, "args": ["web"]}),
    ("events", "events", "SystemEvents", {}),
    ("events type=container event=start event=die since=1700000000",
     "events type=container event=start event=die since=1700000000", "SystemEvents",
     {"since": "1700000000", "filters": {"type": ["container"], "event": ["start", "die"]}}),
    ("tail ContainerLogs id=web follow=true", "ContainerLogs id=web follow=true", "ContainerLogs",
     {"id": "web", "follow": "true"}),
])
def test_sources(line, title, op, params):
    src = source(parse_line(line), fake_call_bind)
    assert (src.title, src.op, src.params) == (title, op, params)


@pytest.mark.parametrize(("line", "message"), [
    ("logs", "usage: logs"), ("logs tail=5", "usage: logs"), ("stats", "usage: stats"),
    ("tail", "usage: tail"), ("events container", "expected KEY=VALUE"),
])
def test_source_errors(line, message):
    with pytest.raises(ValueError, match=message):
        parse_line(line)
