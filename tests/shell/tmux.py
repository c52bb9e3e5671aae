"""A real terminal for end-to-end tests: dshell in its own tmux server, typed at and read like a person would."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


class Terminal:
    """One dshell in its own tmux server (its own socket: nothing else of the user's is touched)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.socket = f"dshell-e2e-{os.getpid()}-{uuid.uuid4().hex[:6]}"

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], env=self.env, check=False,
                              capture_output=True, text=True).stdout

    def start(self) -> None:
        command = f"cd {REPO} && {sys.executable} -m dshell; sleep 60"
        self.tmux("new-session", "-d", "-x", "160", "-y", "50", "-s", "main", command)
        self.wait(r"^dshell>", timeout=20)
        self.wait(r"API v1\.\d+\s+(?:no results|_\d+ last, \d+ here)\s+\w+\s*$", timeout=20)  # loaded

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "main", "-l", text)

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "main", *keys)

    def run(self, text: str) -> None:
        self.type(text)
        self.keys("Enter")

    def screen(self) -> str:
        return self.tmux("capture-pane", "-t", "main", "-p", "-S", "-500")

    def wait(self, pattern: str, timeout: float = 10.0) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while True:
            found = re.search(pattern, self.screen(), re.M)
            if found:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"{pattern!r} not on screen:\n{self.screen()}")
            time.sleep(0.1)

    def close(self) -> None:
        self.tmux("kill-server")
