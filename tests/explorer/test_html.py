"""Notebook HTML, checked by its structure (parsed with html.parser): tables, foldable trees, logs, errors,
charts; and DataFrames and plots of results."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime

import pytest

from dshell.explorer import STDERR_MARK, History, Result, StatsChart, View, parse_ref, render, resolve
from dshell.explorer._format import type_label
from dshell.explorer._html import RED
from dshell.explorer._tables import text
from dshell.explorer._tree import FOLD_PAST

from ..htmltree import Element, parse
from .conftest import INSPECT, containers


def html(value: object) -> Element:
    return parse(value._repr_mimebundle_(include=["text/html"])["text/html"])  # type: ignore[attr-defined]


def test_a_list_is_a_real_table_with_full_cells_and_a_row_count() -> None:
    rows = containers()
    rows[0]["Names"] = ["/" + "a-very-long-container-name-" * 4]
    doc = html(Result(3, "ContainerList", {}, 200, 0.01, 0.0, rows))
    (table,) = doc.iter("table")
    heads = [th.text for th in table.find("thead").iter("th")]
    assert heads == ["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"]
    body = table.find("tbody").kids("tr")
    assert [[td.text for td in tr.kids("td")][-1] for tr in body] == ["a-very-long-container-name-" * 4, "db"]
    first = [td.text for td in body[0].kids("td")]
    assert first[0] == "4fa6e0f0c678" and first[5] == "0.0.0.0:8080->80/tcp, 443/tcp"
    assert first[2] == '"/docker-entrypoint.sh nginx -g \'daemon off;\'"'  # docker cuts it, a notebook need not
    assert all("text-align:left" in td.style for tr in body for td in tr.kids("td"))  # Jupyter's CSS says right
    assert "2 rows" in doc.text and "[3] ContainerList" in doc.text


def test_ids_names_times_and_statuses_stay_on_one_line_and_free_text_wraps() -> None:
    """Each cell says whether it wraps (Jupyter's CSS sets white-space on cells, so the table's own is lost)."""
    rows = containers()
    rows[0]["Command"] = "sh -c " + "'sleep 1; echo a long command line' " * 5
    (table,) = html(Result(3, "ContainerList", {}, 200, 0.01, 0.0, rows)).iter("table")
    heads = [th.text for th in table.find("thead").iter("th")]
    assert all("white-space:nowrap" in th.style for th in table.find("thead").iter("th"))
    for tr in table.find("tbody").kids("tr"):
        styles = dict(zip(heads, (td.style for td in tr.kids("td")), strict=True))
        assert all("white-space:nowrap" in styles[h] for h in ("CONTAINER ID", "IMAGE", "CREATED", "STATUS",
                                                                "PORTS", "NAMES"))
        assert "white-space:normal" in styles["COMMAND"]
    history = [{"Id": "<missing>", "Created": 0, "CreatedBy": "/bin/sh -c #(nop) " + "x " * 80, "Size": 0}]
    (table,) = html(render(history, "ImageHistory")).iter("table")
    assert ["white-space:normal" in td.style for td in table.find("tbody").kids("tr")[0].kids("td")] == [
        False, False, True, False, True]


def test_numbers_are_right_aligned_and_a_large_table_says_how_many_more() -> None:
    images = [{"Id": f"sha256:{i:064x}", "RepoTags": [f"app:{i}"], "Created": 0, "Size": 1000 * i}
              for i in range(1000)]
    doc = html(render(images, "ImageList"))
    (table,) = doc.iter("table")
    heads = table.find("thead").kids("tr")[0].kids("th")
    size = [h.text for h in heads].index("SIZE")
    assert "text-align:right" in heads[size].style and "text-align:left" in heads[0].style
    rows = table.find("tbody").kids("tr")
    assert len(rows) == 200 and rows[1].kids("td")[size].text == "1kB"
    assert all("text-align:right" in tr.kids("td")[size].style for tr in rows)
    assert "1,000 rows, the first 200 shown (… 800 more rows)" in doc.text
    generic = html(render([{"name": "a", "count": 3}, {"name": "b", "count": 12}]))
    cells = generic.find("tbody").kids("tr")[0].kids("td")
    assert "text-align:left" in cells[0].style and "text-align:right" in cells[1].style


def test_a_tree_folds_and_every_node_names_its_path() -> None:
    history = History()
    data = {**INSPECT, "Big": {f"k{i}": i for i in range(FOLD_PAST + 1)}, "Ports": [],
            "Mounts": [{"Type": "bind", "Source": "/srv", "RW": True}, {"Type": "volume", "Source": "/v", "RW": False}]}
    result = history.add("ContainerInspect", {}, 200, 0.01, data)
    doc = html(result)
    details = list(doc.iter("details"))
    by_path = {d.kids("summary")[0].attrs["title"]: d for d in details}
    n = result.n
    assert {f"_{n}.Config", f"_{n}.Config.Env", f"_{n}.State", f"_{n}.Big"} <= set(by_path)
    assert "open" in by_path[f"_{n}.Config"].attrs and "open" not in by_path[f"_{n}.Big"].attrs
    summary = by_path[f"_{n}.Config.Env"].kids("summary")[0]
    assert summary.text.startswith("Env list[3]") and summary.text.endswith(f"_{n}.Config.Env")  # the label
    titled = [e for e in doc.iter() if "title" in e.attrs]
    leaf = next(e for e in titled if e.attrs["title"] == f"_{n}.Config.Env[0]")
    assert leaf.text == 'Env[0]: "PATH=/usr/bin"'.replace("Env", "", 1)
    assert f'_{n}.Config.Labels["com.docker.compose.project"]' in {e.attrs["title"] for e in titled}
    for element in titled:  # each path, pasted into the next cell, leads to that node
        value = resolve(parse_ref(element.attrs["title"]), history)
        if element.tag == "td":
            assert element.text == text(value)
            continue
        shown = element.text if element.tag == "div" else element.text.split()[1]
        assert shown.endswith(json.dumps(value) if element.tag == "div" else type_label(value))
    mounts = by_path[f"_{n}.Mounts"]  # a list of objects is a table inside its branch
    (table,) = mounts.iter("table")
    assert [th.text for th in table.iter("th")] == ["Type", "Source", "RW"]
    assert [td.attrs["title"] for td in table.iter("td")][:2] == [f"_{n}.Mounts[0].Type", f"_{n}.Mounts[0].Source"]
    assert not list(doc.iter("script"))


def test_logs_mark_stderr_show_dates_readably_and_escape() -> None:
    text = f"2024-05-01T10:20:30.123456789Z ready <ok>\n{STDERR_MARK}2024-05-01T10:20:31.5Z failed & retrying\n"
    doc = html(Result(4, "ContainerLogs", {}, 200, 0.01, 0.0, text))
    out, err = [div for div in doc.iter("div") if "border-left:3px" in div.style]
    assert out.text.endswith("ready <ok>") and err.text.endswith("failed & retrying")
    assert RED in err.style and RED not in out.style and err.kids("span")[0].text == "stderr"
    stamp = out.kids("span")[0]
    local = datetime.fromisoformat("2024-05-01T10:20:30.123456+00:00").astimezone()
    assert stamp.text == local.strftime("%Y-%m-%d %H:%M:%S.123") and stamp.attrs["title"].startswith("2024-05-01T10")
    plain = Result(4, "ContainerLogs", {}, 200, 0.01, 0.0, text)._repr_mimebundle_()["text/plain"]
    assert f"{STDERR_MARK}2024-05-01T10:20:31.5Z failed" in plain  # text/plain stays what the terminal shows


def test_an_error_is_one_highlighted_line() -> None:
    failed = Result(3, "ContainerInspect", {"id": "foo"}, 404, 0.0021, 0.0, {"message": "x"}, "No such container: foo")
    doc = html(failed)
    (line,) = doc.kids()
    assert line.tag == "div" and not line.kids() and RED in line.style
    assert line.text == "[3] ContainerInspect  404 No such container: foo  2 ms"


def samples(count: int, name: str = "web", ident: str = "abc") -> list[dict]:
    return [{"id": ident, "name": name, "cpu_percent": float(i % 5), "mem_usage": 2**20 * (10 + i),
             "mem_limit": 2**30, "mem_percent": 1.0, "net_rx": 0, "net_tx": 0, "block_read": 0, "block_write": 0,
             "pids": 1, "read": f"2024-05-01T10:20:{i:02d}.5Z"} for i in range(count)]


def test_a_stats_chart_is_an_inline_svg_with_a_line_per_container_and_figure() -> None:
    chart = StatsChart(samples(10) + samples(4, "db", "def"), "stats web")
    doc = parse(View(chart)._repr_html_())
    (svg,) = doc.iter("svg")
    width, height = (float(v) for v in svg.attrs["viewbox"].split()[2:])
    lines = list(svg.iter("polyline"))
    assert len(lines) == 4  # CPU and memory, for web and db
    points = [tuple(map(float, p.split(","))) for line in lines for p in line.attrs["points"].split()]
    assert len(points) == 2 * (10 + 4) and all(0 <= x <= width and 0 <= y <= height for x, y in points)
    assert {"CPU %", "memory"} <= {t.text for t in svg.iter("text")}
    assert "web" in doc.text and "db" in doc.text and not list(doc.iter("script"))
    web_cpu = [tuple(map(float, p.split(","))) for p in lines[0].attrs["points"].split()]
    assert [x for x, _ in web_cpu] == sorted(x for x, _ in web_cpu)  # time runs left to right


def test_a_kept_stats_result_is_a_table_and_plots() -> None:
    result = Result(7, "ContainerStats", {"id": "web"}, 200, 3.0, 0.0, samples(3))
    doc = html(result)
    heads = [th.text for th in doc.iter("th")]
    assert heads[:3] == ["READ", "NAME", "CPU %"] and len(doc.find("tbody").kids("tr")) == 3
    plotted = result.plot()
    chart = parse(plotted._repr_html_())
    assert len(list(chart.iter("polyline"))) == 2 and "_7 ContainerStats" in chart.text
    assert "web    2.00%   ▁▅█ " in str(plotted)  # text/plain: the latest figures, sparklines
    with pytest.raises(ValueError, match=r"^plot: _8 \(ContainerList\) holds no stats samples; keep"):
        Result(8, "ContainerList", {}, 200, 0.0, 0.0, containers()).plot()


def test_to_pandas_has_the_apis_fields_flattened() -> None:
    rows = [{**row, "HostConfig": {"NetworkMode": "bridge"}} for row in containers()]
    frame = Result(3, "ContainerList", {}, 200, 0.01, 0.0, rows).to_pandas()
    assert frame.groupby("State").size().to_dict() == {"exited": 1, "running": 1}
    assert {"Id", "Names", "Created", "Ports", "HostConfig.NetworkMode"} <= set(frame.columns)
    assert frame["Names"].tolist() == [["/web"], ["/db"]]
    volumes = Result(4, "VolumeList", {}, 200, 0.0, 0.0, {"Volumes": [{"Name": "v", "Options": {"o": "1"}}]})
    assert volumes.to_pandas().to_dict("records") == [{"Name": "v", "Options.o": "1"}]


def test_to_pandas_view_has_the_tables_columns_and_typed_values() -> None:
    frame = Result(3, "ContainerList", {}, 200, 0.01, 0.0, containers()).to_pandas(view=True)
    assert list(frame.columns) == ["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"]
    assert list(frame["NAMES"]) == ["web", "db"] and str(frame["CREATED"].dtype).startswith("datetime64")
    assert frame["COMMAND"][1] == "docker-entrypoint.sh postgres"
    images = render([{"Id": "sha256:ab", "RepoTags": ["a:1"], "Created": 0, "Size": 4_261_000}], "ImageList")
    assert images.to_pandas(view=True)["SIZE"].tolist() == [4_261_000]
    stats = Result(7, "ContainerStats", {}, 200, 1.0, 0.0, samples(300)).to_pandas(view=True)
    assert len(stats) == 300 and stats["CPU %"].dtype.kind == "f"  # all rows, not the 200 shown
    with pytest.raises(ValueError, match=r"^to_pandas: _9 is dict\{4\}, not a list of objects; query it"):
        Result(9, "ContainerInspect", {}, 200, 0.0, 0.0, INSPECT).to_pandas()


def test_pandas_and_rich_are_imported_only_when_asked() -> None:
    code = ("import sys, dshell.explorer as e; r = e.Result(1, 'ContainerList', {}, 200, 0.0, 0.0, [{'Id': 'x'}]);"
            "before = 'pandas' in sys.modules; r._repr_html_(); print(before, 'pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
