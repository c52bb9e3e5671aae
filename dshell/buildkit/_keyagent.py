"""``--ssh ID=KEY[,KEY]``: key files served by a private ``ssh-agent`` of the system's OpenSSH for the build's
length (BuildKit's CLI loads them into an agent of its own; dshell lets ssh-agent hold them, so no key is parsed
here). The agent's socket lives in an owner-only temporary folder; ``close`` stops the agent and removes it."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time


class KeyAgent:
    """An ``ssh-agent`` holding ``keys``; ``socket`` is where to forward. ValueError (one line) when a key is
    refused (a passphrase-protected one: ssh-add would have to ask; add it to your own agent)."""

    def __init__(self, ident: str, keys: list[str]) -> None:
        self.folder = tempfile.mkdtemp(prefix="dshell-ssh-")  # mkdtemp: mode 0700
        self.socket = os.path.join(self.folder, "agent.sock")
        try:
            self.proc = subprocess.Popen(["ssh-agent", "-D", "-a", self.socket], stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                         start_new_session=True)
        except OSError as exc:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise ValueError(f"--ssh {ident}: cannot start ssh-agent ({exc.strerror or exc}): install "
                             "openssh-client, or give an agent's socket") from None
        try:
            self._wait()
            for key in keys:
                self._add(ident, key)
        except BaseException:
            self.close()
            raise

    def _wait(self) -> None:
        deadline = time.monotonic() + 5
        while not os.path.exists(self.socket):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise ValueError("--ssh: ssh-agent did not start")
            time.sleep(0.02)

    def _add(self, ident: str, key: str) -> None:
        env = {**os.environ, "SSH_AUTH_SOCK": self.socket, "SSH_ASKPASS_REQUIRE": "never", "DISPLAY": ""}
        done = subprocess.run(["ssh-add", "-q", key], env=env, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=20, check=False, start_new_session=True)
        if done.returncode != 0:
            said = (done.stderr.strip().splitlines() or ["refused"])[-1]
            raise ValueError(f"--ssh {ident}: {key}: ssh-add: {said} (a key with a passphrase: ssh-add it to your "
                             "agent and give --ssh default)")

    def close(self) -> None:
        """Stop the agent and remove its folder."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.folder, ignore_errors=True)
