"""Rendering: docker-like tables, trees, hexdumps, errors, bounds, notebook output."""

from __future__ import annotations

import re
import time

from dshell.explorer import History, Result, render

from .conftest import INSPECT, containers, render_text


def lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


def cells(line: str) -> list[str]:
    """A table line split at its column gaps (three or more spaces)."""
    return re.split(r" {3,}", line.strip())


def test_container_list_looks_like_docker_ps() -> None:
    text = render_text(render(containers(), "ContainerList"))
    header, web, db = lines(text)
    assert cells(header) == ["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"]
    assert web.startswith("4fa6e0f0c678   nginx:1.27   ")
    assert '"/docker-entrypoint.…"' in web
    assert "5 minutes ago" in web and "3 days ago" in db
    assert "0.0.0.0:8080->80/tcp, 443/tcp" in web
    assert web.endswith("   web") and db.endswith("   db")
    assert header.index("NAMES") == web.index("web")


def test_image_list_looks_like_docker_images() -> None:
    now = time.time()
    images = [
        {
            "Id": "sha256:" + "ab12" * 16,
            "RepoTags": ["nginx:1.27", "nginx:latest"],
            "Created": now - 7200,
            "Size": 72_800_123,
        },
        {
            "Id": "sha256:" + "cd34" * 16,
            "RepoTags": [],
            "RepoDigests": ["busybox@sha256:1234"],
            "Created": now - 40 * 86400,
            "Size": 4_261_000,
        },
        {
            "Id": "sha256:" + "ef56" * 16,
            "RepoTags": ["localhost:5000/team/app:2.0"],
            "Created": now,
            "Size": 999,
        },
    ]
    header, *rows = lines(render_text(render(images, "ImageList")))
    assert header.split()[:4] == ["REPOSITORY", "TAG", "IMAGE", "ID"] and header.endswith("SIZE")
    assert [row.split()[:3] for row in rows] == [
        ["nginx", "1.27", "ab12ab12ab12"],
        ["nginx", "latest", "ab12ab12ab12"],
        ["busybox", "<none>", "cd34cd34cd34"],
        ["localhost:5000/team/app", "2.0", "ef56ef56ef56"],
    ]
    assert "About an hour ago" in rows[0] or "2 hours ago" in rows[0]
    assert rows[0].endswith("72.8MB") and rows[2].endswith("4.26MB") and rows[3].endswith("999B")
    assert "5 weeks ago" in rows[2]


def test_volume_list_uses_the_volumes_member() -> None:
    data = {
        "Volumes": [{"Driver": "local", "Name": "pgdata"}, {"Driver": "nfs", "Name": "shared"}],
        "Warnings": None,
    }
    assert lines(render_text(render(data, "VolumeList"))) == [
        "DRIVER   VOLUME NAME",
        "local    pgdata",
        "nfs      shared",
    ]


def test_network_and_swarm_tables() -> None:
    networks = [
        {
            "Id": "7d86d31b1478e7cca9ebed7e73aa0fdeec46c5ca29497431d3007d2d9e15ed99",
            "Name": "bridge",
            "Driver": "bridge",
            "Scope": "local",
        }
    ]
    assert lines(render_text(render(networks, "NetworkList")))[1].split() == [
        "7d86d31b1478",
        "bridge",
        "bridge",
        "local",
    ]
    services = [
        {
            "ID": "9mnpnzenvg8p8tdbtq4wvbkcz",
            "Spec": {
                "Name": "web",
                "Mode": {"Replicated": {"Replicas": 3}},
                "TaskTemplate": {"ContainerSpec": {"Image": "nginx:1.27@sha256:abcd"}},
            },
            "Endpoint": {"Ports": [{"Protocol": "tcp", "TargetPort": 80, "PublishedPort": 8080}]},
            "ServiceStatus": {"RunningTasks": 2, "DesiredTasks": 3},
        }
    ]
    header, row = lines(render_text(render(services, "ServiceList")))
    assert cells(header) == ["ID", "NAME", "MODE", "REPLICAS", "IMAGE", "PORTS"]
    assert row.split() == ["9mnpnzenvg8p", "web", "replicated", "2/3", "nginx:1.27", "*:8080->80/tcp"]
    nodes = [
        {
            "ID": "24ifsmvkjbyhk",
            "Description": {"Hostname": "node-1", "Engine": {"EngineVersion": "27.1.1"}},
            "Status": {"State": "ready"},
            "Spec": {"Availability": "active"},
            "ManagerStatus": {"Leader": True},
        }
    ]
    assert lines(render_text(render(nodes, "NodeList")))[1].split() == [
        "24ifsmvkjbyh",
        "node-1",
        "Ready",
        "Active",
        "Leader",
        "27.1.1",
    ]


def test_unknown_shape_for_known_op_falls_back() -> None:
    text = render_text(render({"message": "page not found"}, "ContainerList"))
    assert "message" in text and "page not found" in text and "CONTAINER ID" not in text


def test_generic_table_puts_scalar_keys_first_and_keeps_rare_ones() -> None:
    rows = [
        {"Name": f"n{i}", "Labels": {"a": "b"}, "Size": i, **({"Rare": 1} if i == 0 else {})}
        for i in range(4)
    ]
    header, first, second, *_ = lines(render_text(render(rows)))
    assert header.split() == ["Name", "Size", "Rare", "Labels"]
    assert first.split() == ["n0", "0", "1", "a=b"] and second.split() == ["n1", "1", "a=b"]


def test_rows_with_different_keys_keep_every_column() -> None:
    deleted = [{"Untagged": "busybox:latest"}, {"Deleted": "sha256:" + "a" * 64}, {"Deleted": "sha256:" + "b" * 64}]
    text = render_text(render(deleted, "ImageDelete"))
    assert "Untagged" in text and "busybox:latest" in text and "Deleted" in text
    progress = [{"status": "Pulling from dshell/busybox", "id": "latest"}, {"status": "Digest: sha256:00"},
                {"status": "Status: Downloaded newer image"}, {"status": "Pull complete", "id": "8f6f1f2b3c4d",
                                                               "progressDetail": {}}]
    header = lines(render_text(render(progress, "ImageCreate")))[0]
    assert header.split() == ["status", "id"]  # progressDetail is empty in every row: left out


def test_epoch_seconds_read_like_the_docker_cli() -> None:
    now = time.time()
    history = [{"Id": "sha256:" + "c" * 64, "Created": int(now - 7200), "CreatedBy": "/bin/sh -c #(nop)  CMD [\"sh\"]",
                "Size": 1_234_000, "Comment": "", "Tags": ["busybox:latest"]},
               {"Id": "<missing>", "Created": int(now - 3 * 86400), "CreatedBy": "ADD file:abc in /", "Size": 0,
                "Comment": "imported", "Tags": None}]
    header, first, second = lines(render_text(render(history, "ImageHistory")))
    assert header.split() == ["IMAGE", "CREATED", "CREATED", "BY", "SIZE", "COMMENT"]
    assert first.startswith("cccccccccccc   2 hours ago") and "1.23MB" in first
    assert second.startswith("<missing>") and "3 days ago" in second and "imported" in second
    assert "2 hours ago" in render_text(render([{"Created": int(now - 7200), "Name": "x"}]))


def test_generic_table_limits_columns() -> None:
    rows = [{f"k{j}": j for j in range(20)} for _ in range(3)]
    assert lines(render_text(render(rows)))[0].split() == [f"k{j}" for j in range(8)]


def test_narrow_console_cuts_wide_columns_but_keeps_ids() -> None:
    text = render_text(render(containers(), "ContainerList"), width=80)
    assert all(len(line) <= 80 for line in lines(text))
    assert "4fa6e0f0c678" in text and "…" in text


def test_dict_renders_as_tree() -> None:
    text = render_text(render(INSPECT))
    assert "Config dict{5}" in text
    assert 'Image: "nginx:1.27"' in text and "Running: true" in text and "Pid: 4242" in text
    assert '[0]: "PATH=/usr/bin"' in text


def test_full_mode_shows_every_key_of_each_row() -> None:
    text = render_text(render(containers(), "ContainerList", full=True))
    assert "CONTAINER ID" not in text
    assert "[1] dict{8}" in text and "PrivatePort: 443" in text


def test_bytes_render_as_hexdump() -> None:
    text = render_text(render(b"Hello, world!\n\x00\x01\xff" + bytes(range(16))))
    first, second = lines(text)[:2]
    assert first == "00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 0a 00 01  |Hello, world!...|"
    assert second.startswith("00000010  ff 00 01 02")
    assert lines(render_text(render(b"")))[0] == "(0 bytes)"


def test_rendering_is_bounded() -> None:
    big = [
        {"Id": f"{i:064x}", "Names": [f"/c{i}"], "Image": "x", "Created": 0, "Status": "Up"}
        for i in range(100_000)
    ]
    text = render_text(render(big, "ContainerList", limit=50))
    assert len(lines(text)) == 52 and lines(text)[-1] == "… 99950 more rows"
    assert lines(render_text(render(bytes(10_000), limit=4)))[-1] == "… 9936 more bytes"
    assert lines(render_text(render("x\n" * 1000, limit=3)))[-1] == "… 1995 more characters"
    tree = lines(render_text(render({"k": list(range(1000))}, limit=5)))
    assert len(tree) == 7 and tree[-1].endswith("… 995 more")
    assert len(lines(render_text(render({f"k{i}": {"a": list(range(20))} for i in range(50)}, limit=5)))) < 60


def test_str_and_scalars() -> None:
    assert render_text(render("plain [bold]text[/bold]")) == "plain [bold]text[/bold]\n"
    assert render_text(render(None)) == "null\n"
    assert render_text(render(3.5)) == "3.5\n"
    assert render_text(render([])) == "[]\n"


def test_result_has_header_then_body() -> None:
    hist = History(None)
    result = hist.add("ContainerList", {"all": True}, 200, 0.012, containers())
    header, table_header, *_ = lines(render_text(result))
    assert header == "[1] ContainerList  200  12 ms"
    assert table_header.startswith("CONTAINER ID")


def test_error_result_is_one_red_line() -> None:
    failed = Result(
        3, "ContainerInspect", {"id": "foo"}, 404, 0.0021, 0.0, {"message": "x"}, "No such container: foo"
    )
    assert lines(render_text(failed)) == ["[3] ContainerInspect  404 No such container: foo  2 ms"]
    from_body = Result(4, "ContainerInspect", {}, 409, 1.5, 0.0, {"message": "conflict: in use"})
    assert lines(render_text(from_body)) == ["[4] ContainerInspect  409 conflict: in use  1.50 s"]
    bare = Result(5, "ImageDelete", {}, 500, 0.0, 0.0)
    assert "500 Internal Server Error" in render_text(bare)
    unreachable = Result(6, "Ping", {}, None, 0.0, 0.0, error="connection refused")
    assert lines(render_text(unreachable)) == ["[6] Ping  connection refused  0 ms"]
    html = failed._repr_html_()
    assert "No such container: foo" in html and "#d43c3c" in html


def test_mimebundle_has_plain_text_and_html() -> None:
    result = Result(1, "ContainerList", {}, 200, 0.01, 0.0, containers())
    bundle = result._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"}
    assert "CONTAINER ID" in bundle["text/plain"] and "5 minutes ago" in bundle["text/plain"]
    assert "<table" in bundle["text/html"] and "CONTAINER ID" in bundle["text/html"]
    assert set(result._repr_mimebundle_(include=["text/html"])) == {"text/html"}
    assert set(result._repr_mimebundle_(exclude=["text/html"])) == {"text/plain"}
    assert "&lt;none&gt;" in render([{"Tag": "<none>"}])._repr_html_()
    assert str(render({"a": 1})) == "a: 1\n"


def test_task_secret_and_plugin_tables() -> None:
    now = time.time()
    tasks = [
        {
            "ID": "0kzzo1i0y4jz6027t0k7aezc7",
            "ServiceID": "9mnpnzenvg8p8tdbtq4wvbkcz",
            "Slot": 1,
            "NodeID": "60gvrl6tm78dmak4yl7srz94v",
            "Spec": {"ContainerSpec": {"Image": "redis:7@sha256:ffff"}},
            "DesiredState": "running",
            "Status": {"State": "running", "Timestamp": "2016-06-07T21:07:31.171892745Z", "Err": ""},
        }
    ]
    header, row = lines(render_text(render(tasks, "TaskList")))
    assert cells(header) == ["ID", "NAME", "IMAGE", "NODE", "DESIRED STATE", "CURRENT STATE", "ERROR"]
    assert cells(row)[:5] == ["0kzzo1i0y4jz", "9mnpnzenvg8p.1", "redis:7", "60gvrl6tm78d", "Running"]
    assert cells(row)[5].startswith("Running ") and cells(row)[5].endswith("years ago")
    secrets = [{"ID": "ktnbjxoalbkvbvedmg1urrz8h", "Spec": {"Name": "db_pass"}, "CreatedAt": now - 120}]
    assert cells(lines(render_text(render(secrets, "SecretList")))[1]) == [
        "ktnbjxoalbkv",
        "db_pass",
        "2 minutes ago",
    ]
    plugins = [
        {
            "Id": "5724e2c8652da337ab2eedd19fc6fc0ec908e4bd907c7421bf6a8dfc70c4c078",
            "Name": "vieux/sshfs",
            "Enabled": True,
            "Config": {"Description": "sshFS plugin"},
        }
    ]
    assert cells(lines(render_text(render(plugins, "PluginList")))[1]) == [
        "5724e2c8652d",
        "vieux/sshfs",
        "sshFS plugin",
        "true",
    ]


def test_a_result_without_data_is_its_header_alone() -> None:
    from dshell.explorer import Result

    text = render_text(Result(4, "ContainerStart", {"id": "web"}, 204, 0.012, 0.0, None))
    assert text.strip() == "[4] ContainerStart  204  12 ms"


def test_a_narrow_table_wraps_cells_instead_of_hiding_an_exit_code() -> None:
    rows = [{**row, "Status": "Exited (3) 5 seconds ago", "Image": "ghcr.io/acme/some-long-image-name:2.3.1",
             "Names": ["/a-container-with-a-long-name-" + str(n)]} for n, row in enumerate(containers())]
    text = render_text(render(rows, "ContainerList"), width=90)
    assert "…" not in text.replace("…\"", "")  # only the docker-like cut of COMMAND remains
    assert "Exited (3)" in text and "ong-name-1" in text
    assert all(len(line) <= 90 for line in text.splitlines())


def test_big_logs_show_their_end_and_say_how_many_came_before() -> None:
    """docker logs ends with the newest lines: a kept log of 300,000 lines shows its last 200, not its first."""
    text = "".join(f"line {i}\n" for i in range(300_000))
    shown = render_text(render(text, "ContainerLogs")).splitlines()
    assert shown[0].startswith("… 299800 earlier lines") and shown[1] == "line 299800" and shown[-1] == "line 299999"
    assert lines(render_text(render("a\nb\n", "ContainerLogs"))) == ["a", "b"]
