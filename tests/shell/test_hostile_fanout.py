"""``@all Op`` and ``hosts`` with an endpoint that accepts and never answers: the others' answers show, the mute
one is one line at the fan-out's deadline (the ``fanout_timeout`` setting)."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from dshell.shell.commands.dispatch import execute

from ..client.test_fanout import mute_daemon


@pytest.mark.engine
def test_a_mute_host_does_not_hold_a_fan_out_or_hosts(engine: dict[str, Any], shell_home: Any) -> None:
    with mute_daemon() as uri:
        done = subprocess.run([sys.executable, "-m", "dshell", "-H", f"real={engine['docker_host']}", "-H",
                               f"mute={uri}", "-c", "set fanout_timeout 2", "-c", "@all SystemPing", "-c", "hosts"],
                              capture_output=True, text=True, timeout=90, check=False)
    out = done.stdout + done.stderr
    assert "mute: " in out and "no answer within 2 s" in out, out
    assert "real" in out and "OK" in out, out
    assert out.count("no answer within 2 s") == 2, out  # the fan-out's line and hosts' STATE


@pytest.mark.engine
def test_each_host_s_answer_is_told_and_kept_as_it_comes(engine: dict[str, Any], shell_home: Any) -> None:
    """The real host's answer is told (and stored) at once, before the mute one is cut off at the deadline."""
    import time

    from dshell.shell.config import Config
    from dshell.shell.session import Session

    said: list[tuple[float, str]] = []
    with mute_daemon() as uri:
        session = Session(Config(endpoint=engine["docker_host"], hosts=(f"real={engine['docker_host']}",
                                                                          f"mute={uri}"), fanout_timeout=3),
                          results_file=None)
        session.say = lambda body: said.append((time.monotonic(), str(body.text if hasattr(body, "text") else body)))
        session.start(background=False)
        try:
            began = time.monotonic()
            reply = execute(session, "@all SystemPing")
            ended = time.monotonic()
        finally:
            session.close()
    told = [(at, text) for at, text in said if text.startswith("real: 200")]
    assert told and told[0][0] - began < ended - began - 1, (said, ended - began)  # well before the end
    assert reply.error is not None and "mute: " in reply.error and "no answer within 3 s" in reply.error
    assert [r.op for r in session.history][:1] == ["SystemPing"]  # real's result was kept as it came
