"""Attach speed: keystroke to echo through ``attach`` in dshell, against ``docker attach``, on loopback.

    python bench/bench_attach.py [--keys N]

Needs the test engine (scripts/engine up). Prints medians, p99 and the ratio; asserts nothing.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ENV_FILE = Path(os.environ.get("DSHELL_ENGINE_ENV") or "/tmp/dsh/env.json")


class PtyTerminal:
    """A program in a pseudo-terminal whose output is read all the time (so it never blocks on the tty),
    with a way to wait for bytes to show up after a given point."""

    def __init__(self, argv: list[str], env: dict[str, str], rows: int = 50, cols: int = 160) -> None:
        import pexpect

        self.child = pexpect.spawn(argv[0], argv[1:], env=env, dimensions=(rows, cols))
        self.output = bytearray()
        self._changed = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.child.child_fd, 65536)
            except OSError:
                data = b""
            with self._changed:
                self.output += data
                self._changed.notify_all()
            if not data:
                return

    def send(self, data: bytes) -> None:
        os.write(self.child.child_fd, data)

    def wait(self, pattern: bytes, start: int = 0, timeout: float = 20.0) -> re.Match[bytes]:
        """The first match of ``pattern`` in the output after offset ``start``."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._changed:
            while not (found := regex.search(self.output, start)):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{pattern!r} not seen; output ends {bytes(self.output[-400:])!r}")
                self._changed.wait(left)
            return found

    def latency(self, key: bytes, echo: bytes | None = None) -> float:
        """Seconds from sending ``key`` to ``echo`` (default: the key itself) appearing in the output."""
        start = len(self.output)
        sent = time.perf_counter()
        self.send(key)
        self.wait(re.escape(echo or key), start)
        return time.perf_counter() - sent

    def close(self) -> None:
        self.child.close(force=True)


def engine() -> dict[str, str]:
    try:
        return json.loads(ENV_FILE.read_text())
    except (OSError, ValueError):
        sys.exit(f"no engine: {ENV_FILE} is missing; run scripts/engine up")


def shell_env(docker_host: str) -> dict[str, str]:
    """dshell's environment: a throwaway home, the engine, no cursor-position requests."""
    home = tempfile.mkdtemp(prefix="dshell-bench-")
    atexit.register(shutil.rmtree, home, True)  # the bench leaves nothing in /tmp
    Path(home, "config", "dshell").mkdir(parents=True)
    Path(home, "config", "dshell", "config.yaml").write_text("pager: off\n")
    return {**{k: v for k, v in os.environ.items() if not k.startswith("DOCKER_")}, "HOME": home,
            "XDG_DATA_HOME": f"{home}/data", "XDG_CONFIG_HOME": f"{home}/config", "DOCKER_HOST": docker_host,
            "PYTHONPATH": str(REPO), "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1"}


def start_dshell(env: dict[str, str]) -> PtyTerminal:
    """dshell at its prompt (commands wait for it to load)."""
    term = PtyTerminal([sys.executable, "-m", "dshell"], env)
    term.wait(rb"dshell> ")
    return term


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(label: str, values: list[float]) -> float:
    med = statistics.median(values)
    print(f"{label:<34} median {med * 1000:6.2f} ms   p99 {percentile(values, 0.99) * 1000:6.2f} ms   "
          f"({len(values)} keys)")
    return med


def echo_latencies(term: PtyTerminal, keys: int) -> list[float]:
    """Type letters into the attached shell one at a time, clearing the line now and then."""
    times = []
    for i in range(keys):
        times.append(term.latency(b"abcdefghij"[i % 10: i % 10 + 1]))
        if i % 10 == 9:
            term.send(b"\x15")  # ctrl-u: an empty line again
            time.sleep(0.01)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=200)
    args = parser.parse_args()
    env = engine()
    name = f"dshell-bench-{uuid.uuid4().hex[:8]}"
    docker = ["docker", "-H", env["docker_host"]]
    subprocess.run([*docker, "run", "-d", "-it", "--network", "none", "--name", name,
                    env.get("image", "busybox:latest"), "sh"], check=True, capture_output=True)
    try:
        term = start_dshell(shell_env(env["docker_host"]))
        term.send(f"attach {name}\r".encode())
        term.wait(rb"detaches\]")
        term.send(b"\r")
        term.wait(rb"/ # ", len(term.output))
        ours = report("dshell attach: key to echo", echo_latencies(term, args.keys))
        term.send(b"\x10\x11")
        term.wait(rb"detached from")
        term.close()
        if shutil.which("docker"):
            cli = PtyTerminal([*docker, "attach", name], {**os.environ, "TERM": "xterm"})
            time.sleep(0.5)
            theirs = report("docker attach: key to echo", echo_latencies(cli, args.keys))
            cli.send(b"\x10\x11")
            cli.close()
            print(f"ratio dshell / docker CLI          {ours / theirs:.2f}x")
        print(f"goal: median < 20 ms -> {'met' if ours < 0.020 else 'NOT met'}")
    finally:
        subprocess.run([*docker, "rm", "-f", name], capture_output=True)


if __name__ == "__main__":
    main()
