"""The report views on recorded daemon answers: docker top, diff, system df, the prunes, rmi, search and version
look like the docker CLI's output, a fan-out's merged result gets a HOST column, notebooks get the same table,
and the data (queries, DataFrame values) stays the daemon's."""

from __future__ import annotations

import copy
import re
from typing import Any

from dshell.explorer import Result, query, render
from dshell.shell.fanout import host_rows

from ..htmltree import parse
from . import recorded as R
from .conftest import containers, render_text


def lines(data: Any, op: str, width: int = 200) -> list[str]:
    return [line.rstrip() for line in render_text(render(data, op), width).splitlines()]


def cells(line: str) -> list[str]:
    return re.split(r" {3,}", line.strip())


def merged(op_data: dict[str, Any]) -> list[dict[str, Any]]:
    """A fan-out's merged result, made as `@a,b Op` makes it."""
    return [row for host, data in op_data.items() for row in host_rows(host, data)]


def test_container_top_columns_are_the_answers_titles() -> None:
    header, row = lines(R.TOP, "ContainerTop")
    assert cells(header) == R.TOP["Titles"]
    assert cells(row) == R.TOP["Processes"][0]
    header, row = lines(R.TOP_AUX, "ContainerTop")  # ps_args=aux: other titles, other columns
    assert cells(header) == ["USER", "PID", "%CPU", "%MEM", "VSZ", "RSS", "TTY", "STAT", "START", "TIME", "COMMAND"]
    assert cells(row)[-1] == "sleep 3000" and cells(row)[1] == "5207"


def test_container_top_of_a_fan_out_has_each_hosts_processes_under_host() -> None:
    other = {"Titles": R.TOP["Titles"], "Processes": [["root", "77", "1", "0", "15:10", "?", "00:00:01", "nginx"],
                                                      ["root", "78", "77", "0", "15:10", "?", "00:00:00", "worker"]]}
    header, *rows = lines(merged({"a": R.TOP, "b": other}), "ContainerTop")
    assert cells(header) == ["HOST", *R.TOP["Titles"]]
    assert [cells(row)[:3] for row in rows] == [["a", "root", "5207"], ["b", "root", "77"], ["b", "root", "78"]]


def test_container_top_that_does_not_fit_its_titles_stays_a_tree() -> None:
    podman = {"Titles": ["USER   PID   COMMAND"], "Processes": [["root", "1", "sleep"]]}
    text = render_text(render(podman, "ContainerTop"))
    assert "Titles" in text and "Processes" in text  # the raw tree, nothing guessed


def test_a_narrow_terminal_shrinks_the_command_and_keeps_the_pids() -> None:
    top = copy.deepcopy(R.TOP_AUX)
    top["Processes"][0][-1] = "nginx: master process nginx -g daemon off; -c /etc/nginx/nginx.conf"
    header, *rows = lines(top, "ContainerTop", width=80)
    assert all(len(line) <= 80 for line in [header, *rows]) and len(rows) > 1  # the command wraps
    assert cells(rows[0])[:2] == ["root", "5207"]
    start = header.index("COMMAND")
    wrapped = "".join(row[start:] for row in rows)
    assert wrapped.replace(" ", "") == top["Processes"][0][-1].replace(" ", "")


def test_container_changes_are_docker_diff_lines() -> None:
    assert lines(R.CHANGES, "ContainerChanges") == ["C /etc", "A /etc/newfile", "D /etc/passwd", "C /tmp", "A /tmp/d"]
    assert lines(merged({"a": R.CHANGES[:1], "b": R.CHANGES[1:2]}), "ContainerChanges") == [
        "HOST KIND PATH", "a    C    /etc", "b    A    /etc/newfile"]


def test_system_df_sums_as_the_docker_cli_does() -> None:
    assert [cells(line) for line in lines(R.DF, "SystemDataUsage")] == [
        ["TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE"],
        ["Images", "2", "1", "10MB", "5MB (50%)"],  # LayersSize; the used image's unique size is not reclaimable
        ["Containers", "3", "2", "3.5kB", "2.5kB (71%)"],  # running and paused are active; 71.4% is cut to 71
        ["Local Volumes", "3", "1", "3.235MB", "1.235MB (38%)"],  # size -1 (unknown) counts for nothing
        ["Build Cache", "3", "1", "700kB", "200kB"],  # shared records are not counted; no percentage
    ]
    assert [cells(line) for line in lines(R.DF_EMPTY, "SystemDataUsage")][1:] == [
        ["Images", "0", "0", "0B", "0B"], ["Containers", "0", "0", "0B", "0B"],
        ["Local Volumes", "0", "0", "0B", "0B"], ["Build Cache", "0", "0", "0B", "0B"]]
    header, *rows = lines(merged({"a": R.DF, "b": R.DF_EMPTY}), "SystemDataUsage")
    assert cells(header)[:2] == ["HOST", "TYPE"] and len(rows) == 8
    assert cells(rows[0]) == ["a", "Images", "2", "1", "10MB", "5MB (50%)"]
    assert cells(rows[4])[:3] == ["b", "Images", "0"]


def test_prunes_print_what_went_and_the_total() -> None:
    assert lines(R.CONTAINER_PRUNE, "ContainerPrune") == [
        "Deleted Containers:", R.CONTAINER_PRUNE["ContainersDeleted"][0], "", "Total reclaimed space: 1.2MB"]
    assert lines(R.IMAGE_PRUNE, "ImagePrune") == [
        "Deleted Images:", "untagged: dsh-test-tables-p:old",
        *(f"deleted: {change['Deleted']}" for change in R.IMAGE_PRUNE["ImagesDeleted"][1:]),
        "", "Total reclaimed space: 3B"]
    assert lines(R.VOLUME_PRUNE, "VolumePrune") == [
        "Deleted Volumes:", "dsh-test-tables-vol", "", "Total reclaimed space: 0B"]
    assert lines(R.NETWORK_PRUNE, "NetworkPrune") == ["Deleted Networks:", "dsh-test-tables-net"]  # no total
    assert lines(R.NOTHING_PRUNED, "ContainerPrune") == ["Total reclaimed space: 0B"]
    assert lines(R.BUILD_PRUNE, "BuildPrune") == ["Total reclaimed space: 0B"]
    assert lines({"CachesDeleted": ["y0o1ixh4bcdl"], "SpaceReclaimed": 4_096_000}, "BuildPrune") == [
        "Deleted build cache objects:", "y0o1ixh4bcdl", "", "Total reclaimed space: 4.096MB"]


def test_a_prune_on_several_hosts_names_each_and_sums_the_space() -> None:
    shown = lines(merged({"a": R.CONTAINER_PRUNE, "b": R.NOTHING_PRUNED}), "ContainerPrune")
    assert shown == ["HOST   Deleted Containers:", "a      " + R.CONTAINER_PRUNE["ContainersDeleted"][0], "",
                     "Total reclaimed space: 1.2MB (a: 1.2MB, b: 0B)"]


def test_image_delete_is_docker_rmis_lines() -> None:
    assert lines(R.IMAGE_DELETE, "ImageDelete") == [
        "Untagged: dsh-test-tables-d:y", *(f"Deleted: {change['Deleted']}" for change in R.IMAGE_DELETE[1:])]
    header, *rows = lines(merged({"a": R.IMAGE_DELETE[:1], "b": R.IMAGE_DELETE[:1]}), "ImageDelete")
    assert cells(header) == ["HOST", "IMAGE"] and rows == ["a      Untagged: dsh-test-tables-d:y",
                                                          "b      Untagged: dsh-test-tables-d:y"]


def test_image_search_is_docker_searchs_table() -> None:
    header, official, other = lines(R.SEARCH, "ImageSearch")
    assert cells(header) == ["NAME", "DESCRIPTION", "STARS", "OFFICIAL"]
    assert cells(official) == ["busybox", "Busybox base image. The Swiss Army Knife of …", "3412", "[OK]"]
    assert cells(other) == ["someone/busybox-tools", "tools", "0"]
    (table,) = parse(render(R.SEARCH, "ImageSearch")._repr_mimebundle_(include=["text/html"])["text/html"]).iter(
        "table")
    first = [td.text for td in table.find("tbody").kids("tr")[0].kids("td")]
    assert first[1] == "Busybox base image. The Swiss Army Knife of Embedded Linux, in one small binary"  # uncut


def test_system_version_is_docker_versions_server_part() -> None:
    shown = lines(R.VERSION, "SystemVersion")
    assert [re.sub(r": +", ": ", line) for line in shown] == [
        "Server:",
        " Engine:",
        "  Version: 20.10.24+dfsg1",
        "  API version: 1.41 (minimum version 1.12)",
        "  Go version: go1.19.8",
        "  Git commit: 5d6db84",
        "  Built: Thu May  7 21:09:36 2026",
        "  OS/Arch: linux/amd64",
        "  Experimental: false",
        " containerd:",
        "  Version: 1.6.20~ds1",
        "  GitCommit: 1.6.20~ds1-1+deb12u3",
        " runc:",
        "  Version: 1.1.5+ds1",
        "  GitCommit: 1.1.5+ds1-1+deb12u1",
        " docker-init:",
        "  Version: 0.19.0",
        "  GitCommit:",
    ]
    assert shown[2].index("20.10.24") == shown[3].index("1.41") == shown[10].index("1.6.20")  # one value column


def test_the_data_stays_the_daemons() -> None:
    for op, data in [("ContainerTop", R.TOP), ("ContainerChanges", R.CHANGES), ("SystemDataUsage", R.DF),
                     ("ImagePrune", R.IMAGE_PRUNE), ("ImageDelete", R.IMAGE_DELETE), ("SystemVersion", R.VERSION)]:
        kept = copy.deepcopy(data)
        result = Result(4, op, {}, 200, 0.01, 0.0, data)
        assert "list[" not in render_text(render(result))  # a table, not the raw tree
        assert result.data == kept
    assert query(R.TOP, "Processes[0][1]") == "5207"
    full = render_text(render(R.TOP, "ContainerTop", full=True))  # `show _3 all`: the raw tree
    assert "Titles" in full and "Processes" in full


def test_notebooks_get_the_same_tables_and_dataframes_keep_daemon_values() -> None:
    doc = parse(render(Result(5, "ContainerTop", {}, 200, 0.01, 0.0, R.TOP))._repr_mimebundle_(
        include=["text/html"])["text/html"])
    (table,) = doc.iter("table")
    assert [th.text for th in table.find("thead").iter("th")] == R.TOP["Titles"]
    diff = parse(render(R.CHANGES, "ContainerChanges")._repr_mimebundle_(include=["text/html"])["text/html"])
    (table,) = diff.iter("table")
    assert not list(table.iter("thead")) and [td.text for td in table.find("tbody").kids("tr")[2].kids("td")] == [
        "D", "/etc/passwd"]
    prune = render(R.CONTAINER_PRUNE, "ContainerPrune")._repr_mimebundle_(include=["text/html"])["text/html"]
    assert "Total reclaimed space: 1.2MB" in parse(prune).text
    frame = Result(5, "ContainerTop", {}, 200, 0.01, 0.0, R.TOP).to_pandas()
    assert list(frame.columns) == R.TOP["Titles"] and frame["PID"].tolist() == ["5207"]  # the daemon's string
    usage = Result(6, "SystemDataUsage", {}, 200, 0.01, 0.0, R.DF).to_pandas()
    assert usage["SIZE"].tolist() == [10_000_000, 3500, 3_234_567, 700_000]
    changes = Result(7, "ContainerChanges", {}, 200, 0.0, 0.0, R.CHANGES)
    assert changes.to_pandas(view=True)["KIND"].tolist() == changes.to_pandas()["Kind"].tolist() == [0, 1, 2, 0, 1]
    hosted = Result(8, "ContainerTop", {}, 200, 0.0, 0.0, merged({"a": R.TOP, "b": R.TOP})).to_pandas(view=True)
    assert list(hosted.columns) == ["HOST", *R.TOP["Titles"]] and hosted["HOST"].tolist() == ["a", "b"]


def test_stats_without_streaming_is_docker_stats_no_streams_row() -> None:
    header, row = lines(R.STATS_ONCE, "ContainerStats")
    assert cells(header) == ["READ", "NAME", "CPU %", "MEM USAGE / LIMIT", "MEM %", "NET I/O", "BLOCK I/O", "PIDS"]
    assert cells(row)[1:] == ["dsh-test-tables-top", "0.00%", "304KiB / 23.54GiB", "0.00%", "1.23kB / 0B",
                              "0B / 0B", "1"]  # memory without the page cache, as docker stats shows it
    header, *rows = lines(merged({"a": R.STATS_ONCE, "b": R.STATS_ONCE}), "ContainerStats")
    assert cells(header)[:2] == ["HOST", "READ"] and [cells(row)[0] for row in rows] == ["a", "b"]
    assert "cpu_stats" in render_text(render(R.STATS_ONCE, "ContainerStats", full=True))  # `show _N all`: the tree


def test_container_list_with_sizes_adds_docker_ps_sizes_column() -> None:
    rows = containers()
    rows[0].update(SizeRw=2, SizeRootFs=1_982_360)
    rows[1].update(SizeRw=1_200_000)
    header, web, db = lines(rows, "ContainerList")
    assert cells(header)[-2:] == ["NAMES", "SIZE"]
    assert cells(web)[-2:] == ["web", "2B (virtual 1.98MB)"] and cells(db)[-2:] == ["db", "1.2MB"]
    assert cells(lines(containers(), "ContainerList")[0])[-1] == "NAMES"  # no sizes asked: no SIZE column
    assert Result(3, "ContainerList", {}, 200, 0.0, 0.0, rows).to_pandas(view=True)["SIZE"].tolist() == [2, 1_200_000]


def test_system_info_is_docker_infos_server_part() -> None:
    shown = lines(R.INFO, "SystemInfo")
    assert shown[:6] == ["Server:", " Containers: 20", "  Running: 0", "  Paused: 0", "  Stopped: 20", " Images: 3"]
    assert " Swarm: inactive" in shown and " Total Memory: 23.54GiB" in shown and " Debug Mode: false" in shown
    assert shown[shown.index(" Security Options:"):][:3] == [" Security Options:", "  seccomp", "   Profile: default"]
    assert shown[-3:] == [" Insecure Registries:", "  127.0.0.0/8", " Live Restore Enabled: false"]
    assert " Runtimes: io.containerd.runc.v2 io.containerd.runtime.v1.linux runc" in shown
    swarm = lines(R.INFO_SWARM, "SystemInfo")
    start = swarm.index(" Swarm: active")
    assert swarm[start:start + 4] == [" Swarm: active", "  NodeID: x1l6bm2yfsm0tq0gyrxgovwyu", "  Is Manager: true",
                                      "  ClusterID: o1ebpsf3spxaw2x3bb10c5dxz"]
    assert "   Heartbeat Period: 5 seconds" in swarm and "   Expiry Duration: 3 months" in swarm
    assert swarm[swarm.index("  Manager Addresses:") + 1] == "   127.0.0.1:2377"
    assert "  Backing Filesystem: extfs" in swarm and f"  Goroutines: {R.INFO['NGoroutines']}" in swarm
    assert swarm[swarm.index(" Labels:"):][:3] == [" Labels:", "  zone=a", "  disk=ssd"]
    assert swarm[-1] == "WARNING: No swap limit support"  # docker prints the daemon's warnings last (on stderr)
    header, first, *_ = lines(merged({"a": R.INFO, "b": R.INFO}), "SystemInfo")
    assert header.split() == ["HOST", "INFO"] and first.split() == ["a", "Server:"]


def test_lines_end_at_their_last_cell() -> None:
    """No trailing blanks where a row's last cells are empty (copied text stays clean)."""
    for op, data in [("SystemVersion", R.VERSION), ("ImageSearch", R.SEARCH), ("ContainerTop", R.TOP)]:
        text = render_text(render(data, op))
        assert all(line == line.rstrip() for line in text.splitlines()), op
    assert render_text(render(R.VERSION, "SystemVersion")).splitlines()[:2] == ["Server:", " Engine:"]


EVENTS = [{"Type": "container", "Action": "start", "Actor": {"ID": "abc123", "Attributes": {"name": "web"}},
           "time": 1700000000, "timeNano": 1700000000123456789},
          {"status": "die", "id": "abc123", "Type": "container", "Action": "die",
           "Actor": {"ID": "abc123", "Attributes": {"exitCode": "0", "name": "web"}}, "timeNano": 1700000001000000000}]


def test_events_are_docker_events_lines_and_a_fan_out_puts_host_first() -> None:
    from dshell.explorer import event_text

    shown = lines(EVENTS, "SystemEvents", 300)
    assert shown == [event_text(event) for event in EVENTS]
    assert shown[0].endswith(" container start abc123 (name=web)") and ".123456789" in shown[0]
    header, first, second = lines(merged({"a": EVENTS[:1], "b": EVENTS[1:]}), "SystemEvents", 300)
    assert cells(header) == ["HOST", "EVENT"] and cells(first) == ["a", event_text(EVENTS[0])]
    assert cells(second)[0] == "b" and "container die abc123 (exitCode=0, name=web)" in second
    assert lines([{"no": "event"}], "SystemEvents") != [event_text({"no": "event"})]  # not events: the generic view
