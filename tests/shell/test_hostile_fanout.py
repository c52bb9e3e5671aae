"""``@all Op`` and ``hosts`` with an endpoint that accepts and never answers: the others' answers show, the mute
one is one line at the fan-out's deadline (the ``fanout_timeout`` setting)."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

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
