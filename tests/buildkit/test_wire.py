"""The protobuf codec, progress decoding and the fsutil walk/receive, without a daemon (the engine tests prove
them against BuildKit itself; these pin edge cases and hostile input)."""

from __future__ import annotations

import base64
import os
import threading
from collections import deque
from pathlib import Path

import pytest

from dshell.buildkit import _fsync, progress
from dshell.buildkit._grpc import GrpcError
from dshell.buildkit._proto import ProtoError, fields, put_bytes, put_message, put_varint, signed, varint


def test_varints_and_fields_round_trip():
    for n in (0, 1, 127, 128, 300, 2**32, 2**63 - 1):
        assert list(fields(put_varint(1, n) or varint(8) + varint(0))) == [(1, n)]
    assert signed(next(iter(fields(varint(8) + varint(-5))))[1]) == -5
    assert list(fields(put_bytes(3, "héllo") + put_message(4, b""))) == [(3, "héllo".encode()), (4, b"")]


@pytest.mark.parametrize("raw", [b"\x08", b"\x0a\x05ab", b"\x08" + b"\xff" * 11, b"\x00\x01", b"\x0b"])
def test_malformed_messages_raise_one_error(raw):
    with pytest.raises(ProtoError):
        list(fields(raw))


def _ts(seconds: int, nanos: int = 0) -> bytes:
    return put_varint(1, seconds) + put_varint(2, nanos)


def test_a_status_response_decodes_into_steps_logs_and_warnings():
    vertex = (put_bytes(1, "sha256:a") + put_bytes(3, "[1/2] RUN make") + put_message(5, _ts(100))
              + put_message(6, _ts(102, 500_000_000)) + put_bytes(7, "process did not complete: exit code: 2"))
    cached = put_bytes(1, "sha256:b") + put_bytes(3, "[internal] load") + put_varint(4, 1)
    status = put_bytes(1, "transferring context:") + put_bytes(2, "sha256:b") + put_varint(4, 2048)
    log = put_bytes(1, "sha256:a") + put_message(2, _ts(101)) + put_varint(3, 2) + put_bytes(4, b"cc: error\n")
    warning = (put_bytes(1, "sha256:a") + put_varint(2, 1) + put_bytes(3, b"FromAsCasing: 'as' and 'FROM'")
               + put_message(6, put_bytes(1, "Dockerfile")) + put_message(7, put_message(1, put_varint(1, 3))))
    raw = (put_message(1, vertex) + put_message(1, cached) + put_message(2, status) + put_message(3, log)
           + put_message(4, warning))
    ev = progress.event({"id": "moby.buildkit.trace", "aux": base64.b64encode(raw).decode()})
    assert ev["type"] == "status" and ev["logs"][0]["data"] == b"cc: error\n" and ev["logs"][0]["stream"] == 2
    state = progress.Progress()
    changes = state.feed(ev)
    state.feed(progress.event({"id": "moby.image.id", "aux": {"ID": "sha256:feed"}}))
    result = state.result()
    assert [s["number"] for s in result["steps"]] == [1, 2]
    first, second = result["steps"]
    assert first["duration"] == pytest.approx(2.5) and first["log"] == "cc: error\n"
    assert second["cached"] and second["statuses"][0]["current"] == 2048
    assert result["warnings"] == [{"vertex": "sha256:a", "level": 1, "short": "FromAsCasing: 'as' and 'FROM'",
                                   "file": "Dockerfile", "lines": [3]}]
    assert result["image_id"] == "sha256:feed"
    assert result["error"] == ("build failed at step #1 [1/2] RUN make with exit code 2; last output: cc: error")
    printed: dict = {}
    lines = [line for change in changes for line in progress.plain_lines(state, change, printed)]
    assert "#1 [1/2] RUN make" in lines and "#2 CACHED" in lines and "#1 1.000 cc: error" in lines
    assert any(line.startswith("#1 ERROR: process did not complete") for line in lines)
    assert "WARNING: FromAsCasing: 'as' and 'FROM' (Dockerfile:3)" in lines


def test_a_log_line_in_pieces_is_printed_once_whole():
    state, printed = progress.Progress(), {}
    vertex = put_bytes(1, "sha256:a") + put_bytes(3, "RUN x") + put_message(5, _ts(100))
    pieces = [put_message(1, vertex)] + [
        put_message(3, put_bytes(1, "sha256:a") + put_message(2, _ts(101)) + put_bytes(4, piece))
        for piece in (b"hel", b"lo\nwor", b"ld\n", b"tail")]
    done = put_message(1, vertex + put_message(6, _ts(102)))
    lines = []
    for raw in (*pieces, done):
        ev = progress.event({"id": "moby.buildkit.trace", "aux": base64.b64encode(raw).decode()})
        for change in state.feed(ev):
            lines += progress.plain_lines(state, change, printed)
    assert lines == ["", "#1 RUN x", "#1 1.000 hello", "#1 1.000 world", "#1 tail", "#1 DONE 2.0s"]


def test_a_garbled_trace_is_an_error_event_not_a_traceback():
    assert progress.event({"id": "moby.buildkit.trace", "aux": "not base64!"})["type"] == "error"
    assert progress.event({"id": "moby.buildkit.trace",
                           "aux": base64.b64encode(b"\x0a\x7f").decode()})["type"] == "error"


def _walk(root: Path, **kw) -> list[str]:
    return [_fsync.decode_stat(e.stat).path for e in _fsync.Walk(str(root), **kw)]


def test_the_walk_goes_in_gos_order_and_filters_as_fsutil_does(tmp_path):
    for name in ("b/x.txt", "a.log", "a/z.txt", "a/keep.log", "B", "a-b/c"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name)
    os.link(tmp_path / "B", tmp_path / "hard")
    (tmp_path / "link").symlink_to("a/z.txt")
    assert _walk(tmp_path) == ["B", "a", "a/keep.log", "a/z.txt", "a-b", "a-b/c", "a.log", "b", "b/x.txt",
                               "hard", "link"]
    entries = {(s := _fsync.decode_stat(e.stat)).path: (s, e.source) for e in _fsync.Walk(str(tmp_path))}
    assert entries["hard"][0].linkname == "B" and entries["hard"][1] is None  # a hard link: sent once
    assert entries["link"][0].linkname == "a/z.txt" and entries["link"][0].mode & _fsync.MODE_SYMLINK
    assert entries["a"][0].mode & _fsync.MODE_DIR
    assert _walk(tmp_path, excludes=["*.log", "a", "!a/keep.log"]) == [
        "B", "a", "a/keep.log", "a-b", "a-b/c", "b", "b/x.txt", "hard", "link"]
    assert _walk(tmp_path, includes=["b/x.txt"]) == ["b", "b/x.txt"]
    assert _walk(tmp_path, follow=["link"]) == ["a", "a/z.txt", "link"]
    assert _walk(tmp_path, follow=[".dockerignore"]) == []  # as fsutil: a missing followed path sends nothing


class _Call:
    """A call fed with packets as the daemon would send them (hostile ones here); what was sent back."""

    def __init__(self, messages: list[bytes]) -> None:
        self.messages = deque(messages)
        self.sent: list[bytes] = []
        self.lock = threading.Lock()

    def recv(self) -> bytes | None:
        return self.messages.popleft() if self.messages else None

    def recv_ready(self) -> list[bytes]:
        ready, self.messages = list(self.messages), deque()
        return ready

    def send(self, message: bytes) -> None:
        self.sent.append(message)


def _stat(path: str, mode: int, linkname: str = "") -> bytes:
    return _fsync.packet(_fsync.STAT, put_bytes(1, path) + put_varint(2, mode) + put_bytes(7, linkname))


@pytest.mark.parametrize("path", ["../escape", "/etc/passwd", "a/../../escape", ""])
def test_an_export_never_writes_outside_its_folder(tmp_path, path):
    call = _Call([_stat(path, 0o644)])
    with pytest.raises(GrpcError, match="outside the destination"):
        _fsync.receive(call, str(tmp_path / "out"))  # type: ignore[arg-type]
    assert not (tmp_path / "escape").exists()


def test_an_export_never_writes_through_a_symlink_it_made(tmp_path):
    call = _Call([_stat("evil", _fsync.MODE_SYMLINK | 0o777, str(tmp_path)), _stat("evil/owned", 0o644)])
    with pytest.raises(GrpcError, match="through a symlink"):
        _fsync.receive(call, str(tmp_path / "out"))  # type: ignore[arg-type]
    assert not (tmp_path / "owned").exists()


def test_an_export_writes_files_links_and_modes(tmp_path):
    out = tmp_path / "out"
    call = _Call([_stat("d", _fsync.MODE_DIR | 0o750), _stat("d/f", 0o640),
                  _stat("l", _fsync.MODE_SYMLINK | 0o777, "d/f"), _stat("h", 0o640, "d/f"), _fsync.packet(_fsync.STAT),
                  _fsync.packet(_fsync.DATA, ident=1, data=b"bytes"), _fsync.packet(_fsync.DATA, ident=1),
                  _fsync.packet(_fsync.FIN)])
    assert _fsync.receive(call, str(out)) == 5  # type: ignore[arg-type]
    assert (out / "d/f").read_bytes() == b"bytes" and oct((out / "d/f").stat().st_mode & 0o777) == "0o640"
    assert os.readlink(out / "l") == "d/f" and (out / "h").stat().st_ino == (out / "d/f").stat().st_ino
    kinds = [_fsync.parse_packet(m).kind for m in call.sent]
    assert kinds == [_fsync.REQ, _fsync.FIN]


def test_the_live_view_redraws_in_place_with_the_running_steps_log_tail_made_visible():
    from dshell.explorer._buildview import TerminalBuild, live_lines

    state = progress.Progress()
    started = put_bytes(1, "sha256:a") + put_bytes(3, "[1/2] RUN make \x1b]0;owned\x07") + put_message(5, _ts(100))
    cached = put_bytes(1, "sha256:b") + put_bytes(3, "[internal] load") + put_varint(4, 1)
    waiting = put_bytes(1, "sha256:c") + put_bytes(3, "[2/2] COPY . /")
    logs = b"".join(put_message(3, put_bytes(1, "sha256:a") + put_bytes(4, f"line {i}\n".encode()))
                    for i in range(10))
    state.feed(progress.event({"id": "moby.buildkit.trace", "aux": base64.b64encode(
        put_message(1, started) + put_message(1, cached) + put_message(1, waiting) + logs
        + put_message(3, put_bytes(1, "sha256:a") + put_bytes(4, b"\x1b[2Jclear\n"))).decode()}))
    lines = live_lines(state, 102.5, 60)
    assert lines[0] == "[+] Building 2.5s (1/3)"
    assert lines[1].startswith(" => [1/2] RUN make ^[]0;owned^G") and lines[1].endswith(" 2.5s")
    assert len(lines[1]) == 59
    assert [line for line in lines if line.startswith(" => => # ")] == [
        " => => # line 5", " => => # line 6", " => => # line 7", " => => # line 8", " => => # line 9",
        " => => # ^[[2Jclear"]
    assert lines[-1].startswith(" => CACHED [internal] load")
    assert not any("COPY" in line for line in lines)  # not begun: not shown
    view = TerminalBuild()
    first = view.frame(state, 102.5, 60)
    assert first.startswith("\r\x1b[J[+] Building") and view.frame(state, 102.55, 60) == ""  # throttled
    again = view.frame(state, 103.0, 60, done=True)
    assert again.startswith(f"\x1b[{len(lines)}A\r\x1b[J") and "FINISHED" in again and "# line" not in again
    assert "\x1b]0" not in first + again and "\x1b[2J" not in first + again


def test_a_buildkit_build_result_shows_as_a_table_of_its_steps():
    from dshell.explorer import render

    from ..explorer.conftest import render_text

    data = {"image_id": "sha256:feed", "warnings": [{"short": "JSONArgsRecommended \x1b[2J"}], "steps": [
        {"number": 1, "name": "[internal] load build definition", "cached": False, "completed": 2.0,
         "duration": 0.04, "error": None},
        {"number": 2, "name": "[1/2] FROM busybox", "cached": True, "completed": None, "duration": None,
         "error": None},
        {"number": 3, "name": "[2/2] RUN make \x1b]0;t\x07", "cached": False, "completed": 3.0, "duration": 1.25,
         "error": None}]}
    shown = [line.rstrip() for line in render_text(render(data, "ImageBuild"), 100).splitlines()]
    assert shown[0].split() == ["#", "STEP", "STATE", "TIME"]
    assert shown[1].split()[-2:] == ["DONE", "0.0s"] and shown[2].split()[-1] == "CACHED"
    assert "RUN make ^[]0;t^G" in shown[3] and shown[3].split()[-2:] == ["DONE", "1.2s"]
    assert shown[4:] == ["WARNING: JSONArgsRecommended ^[[2J", "image sha256:feed"]
    failed = {**data, "error": "build failed at step #3 [2/2] RUN make with exit code 2", "image_id": None}
    assert render_text(render(failed, "ImageBuild"), 100).rstrip().endswith("with exit code 2")
    assert "STEP" not in render_text(render([{"stream": "Step 1/2 : FROM busybox\n"}], "ImageBuild"), 100)


def test_a_build_pane_shows_each_step_once_updated_in_place_and_its_whole_log_lines():
    from dshell.shell.panes.progress import BuildLines

    lines = BuildLines()
    running = put_bytes(1, "sha256:a") + put_bytes(3, "[1/1] RUN make") + put_message(5, _ts(100))
    done = running + put_message(6, _ts(101, 500_000_000))

    def trace(raw: bytes) -> dict:
        return {"id": "moby.buildkit.trace", "aux": base64.b64encode(raw).decode()}

    shown = lines(trace(put_message(1, running))) + lines(trace(put_message(1, running)))
    shown += lines(trace(put_message(3, put_bytes(1, "sha256:a") + put_bytes(4, b"cc -c a"))))
    shown += lines(trace(put_message(3, put_bytes(1, "sha256:a") + put_bytes(4, b".c\n"))))
    shown += lines(trace(put_message(1, done))) + lines({"id": "moby.image.id", "aux": {"ID": "sha256:feed"}})
    shown += lines({"stream": "classic text\n"})
    assert [(line.text, line.key) for line in shown] == [
        ("#1 [1/1] RUN make  …", "step:sha256:a"), ("#1 cc -c a.c", None),
        ("#1 [1/1] RUN make  DONE 1.5s", "step:sha256:a"), ("writing image sha256:feed", None),
        ("classic text", None)]


def test_an_unreadable_folder_ends_the_copy_with_one_line_naming_it(tmp_path, monkeypatch):
    (tmp_path / "locked").mkdir()
    real = os.scandir

    def scandir(path):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(_fsync.os, "scandir", scandir)
    call = _Call([])
    with pytest.raises(GrpcError) as failed:
        _fsync.send(call, _fsync.Walk(str(tmp_path)))  # type: ignore[arg-type]
    assert failed.value.local and failed.value.message == f"cannot read {tmp_path / 'locked'}: Permission denied"
    last = _fsync.parse_packet(call.sent[-1])
    assert last.kind == _fsync.ERR and last.data.decode() == failed.value.message


def test_a_call_whose_handler_lags_holds_a_bounded_buffer_and_gets_every_message():
    """An export written out slower than it comes: the daemon is made to wait, memory stays bounded."""
    import socket
    import time

    import h2.config
    import h2.connection
    import h2.events

    from dshell.buildkit._grpc import BUFFERED, Server

    ours, theirs = socket.socketpair()
    release, got, calls = threading.Event(), [], []

    def slow(call):
        calls.append(call)
        release.wait(30)
        while (message := call.recv()) is not None:
            got.append(len(message))

    server = Server(ours, {"/t.S/M": slow})
    threading.Thread(target=server.serve, daemon=True).start()
    peer = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
    peer.initiate_connection()
    peer.send_headers(1, [(":method", "POST"), (":path", "/t.S/M"), (":scheme", "http"), (":authority", "x"),
                          ("content-type", "application/grpc")])
    message = b"\x00" + (1 << 20).to_bytes(4, "big") + b"x" * (1 << 20)
    pending = memoryview(message * 20)
    theirs.settimeout(0.2)
    stalled_at = None
    while pending:
        theirs.sendall(peer.data_to_send())
        room = min(peer.local_flow_control_window(1), peer.max_outbound_frame_size, len(pending))
        if room:
            peer.send_data(1, pending[:room].tobytes())
            pending = pending[room:]
            continue
        try:
            peer.receive_data(theirs.recv(65536))
        except TimeoutError:
            if stalled_at is None:
                stalled_at = len(pending)
                assert calls and calls[0].held <= BUFFERED + (1 << 20)  # bounded while the handler lags
                release.set()
    peer.end_stream(1)
    theirs.sendall(peer.data_to_send())
    deadline = time.monotonic() + 20
    while len(got) < 20 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert stalled_at is not None and got == [1 << 20] * 20
    server.close()
    theirs.close()
