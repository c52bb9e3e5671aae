"""Ctrl-C during a call: the call is abandoned and its worker thread stops, whatever it was doing."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from dshell.shell.worker import Cancelled, run_cancellable


def test_ctrl_c_stops_a_busy_worker() -> None:
    """A worker looping in Python (a .dockerignore walk, a long answer being shaped) ends with the Ctrl-C that
    abandoned it, instead of spinning on at 100% CPU."""
    started, spins = threading.Event(), [0]
    worker: list[threading.Thread] = []

    def busy() -> None:
        worker.append(threading.current_thread())
        started.set()
        while True:
            spins[0] += 1

    def ctrl_c() -> None:
        started.wait(10)
        time.sleep(0.3)  # the caller is waiting by now
        os.kill(os.getpid(), signal.SIGINT)

    timer = threading.Thread(target=ctrl_c)
    timer.start()
    with pytest.raises(Cancelled):
        run_cancellable(busy)
    timer.join()
    worker[0].join(10)
    assert not worker[0].is_alive()
    stopped = spins[0]
    time.sleep(0.1)
    assert spins[0] == stopped


def test_an_answer_and_an_error_pass_through() -> None:
    assert run_cancellable(lambda: 42) == 42
    with pytest.raises(ZeroDivisionError):
        run_cancellable(lambda: 1 // 0)
