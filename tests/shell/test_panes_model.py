"""The pane model: bounded buffer, keyed lines, following/pinned view, search, keep (no daemon needed)."""

from __future__ import annotations

from dshell.shell.panes.model import Line, StreamPane


def texts(lines: list[Line]) -> list[str]:
    return [line.text for line in lines]


def filled(count: int, limit: int = 100) -> StreamPane:
    pane = StreamPane("t", limit=limit)
    pane.add([Line(f"line {i}") for i in range(count)])
    return pane


def test_buffer_is_bounded():
    pane = filled(250, limit=100)
    kept = pane.kept().splitlines()
    assert (pane.total, pane.first, len(kept)) == (250, 150, 100)
    assert kept[0] == "line 150" and kept[-1] == "line 249"


def test_following_view_shows_the_end():
    pane = filled(30)
    start, lines = pane.visible(5)
    assert start == 25 and texts(lines) == [f"line {i}" for i in range(25, 30)]
    assert filled(3).visible(5) == (0, [Line("line 0"), Line("line 1"), Line("line 2")])


def test_pause_pins_the_view_while_lines_keep_coming():
    pane = filled(30)
    pane.page = 5
    pane.toggle_pause()
    pane.add([Line("new 1"), Line("new 2")])
    start, lines = pane.visible(5)
    assert start == 25 and lines[-1].text == "line 29" and pane.below() == 2
    pane.toggle_pause()
    assert pane.following and pane.visible(5)[1][-1].text == "new 2"


def test_scroll_back_and_forth():
    pane = filled(30)
    pane.page = 5
    pane.scroll(-5)
    assert pane.visible(5)[0] == 20 and not pane.following
    pane.scroll(-100)
    assert pane.visible(5)[0] == 0
    pane.scroll(100)
    assert pane.following


def test_pinned_view_survives_eviction():
    pane = filled(100, limit=100)
    pane.page = 5
    pane.scroll(-90)  # pinned near the oldest lines
    pane.add([Line(f"more {i}") for i in range(50)])
    start, lines = pane.visible(5)
    assert start == pane.first == 50 and lines[0].text == "line 50"


def test_keyed_lines_update_in_place():
    pane = StreamPane("t", limit=3)
    pane.add([Line("header", key="h"), Line("a: 1%", key="a"), Line("b: 1%", key="b")])
    pane.add([Line("a: 50%", "class:x", {"a": 50}, key="a")])
    assert pane.kept() == ["header", {"a": 50}, "b: 1%"] and pane.total == 3
    pane.add([Line("plain")])  # evicts "header"
    pane.add([Line("header again", key="h")])  # evicted: appended anew
    assert pane.kept() == "b: 1%\nplain\nheader again\n"


def test_search_is_smart_case_and_moves_the_view():
    pane = StreamPane("t")
    pane.add([Line(t) for t in ["ok", "Error one", "ok", "error two", "ok", "ok"]])
    pane.page = 2
    assert pane.search("error") and pane.match == 3 and not pane.following
    assert pane.next_match(backwards=True) and pane.match == 1
    assert not pane.next_match(backwards=True) and pane.match == 1
    assert pane.next_match() and pane.match == 3
    assert pane.search("Error") and pane.match == 1
    assert not pane.search("nothing") and pane.match is None
    assert pane.search("") and pane.pattern is None
    assert pane.matches("x") is False


def test_finish_says_why():
    pane = filled(2)
    pane.finish("stream ended")
    assert pane.ended and pane.status == "stream ended"
    assert pane.visible(5)[1][-1].text == "── stream ended ──"
    assert pane.kept() == "line 0\nline 1\n"  # the marker is not data


NOWHERE = "unix:///tmp/dshell-test-no-such.sock"


def test_a_bug_in_a_feed_ends_its_pane_with_a_line(shell_home):
    import dshell.client as docker
    from dshell.shell.panes.reader import Feed
    from dshell.shell.panes.sources import Source

    class Broken(Source):
        def open(self, c):
            raise KeyError("boom")

    pane = StreamPane("t")
    feed = Feed(docker.client(None, {"uri": NOWHERE}, "v1.41"), Broken("t", "ContainerLogs", {}), pane,
                lambda: None).start()
    feed.thread.join(5)
    assert pane.ended and pane.status == "internal error: KeyError: 'boom'"


def test_keep_never_asks_the_daemon(shell_home):
    """^W k runs in a key handler: with the daemon gone and the version never negotiated, it still keeps."""
    import dshell.client as docker
    from dshell.shell.config import Config
    from dshell.shell.panes.commands import Panes
    from dshell.shell.panes.reader import Feed
    from dshell.shell.panes.sources import Source
    from dshell.shell.session import Session

    session = Session(Config(endpoint=NOWHERE), results_file=None)
    session.start(background=False)
    try:
        panes = Panes(session, lambda: None)
        pane = StreamPane("logs web")
        feed = Feed(docker.client(None, {"uri": NOWHERE}), Source("logs web", "ContainerLogs", {"id": "web"}), pane,
                    lambda: None)
        panes.area.open(pane, feed)
        feed.thread.join(5)
        panes.keep()
        kept = session.history.last
        assert (kept.op, kept.params, kept.status, kept.api_version) == ("ContainerLogs", {"id": "web"}, None, "")
        assert kept.error.startswith("error: cannot connect to " + NOWHERE)
        assert panes.area.current.notice.get() == f"kept as _{kept.n}"
    finally:
        session.close()
