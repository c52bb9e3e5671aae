"""Shell speed: start to first prompt against importing prompt_toolkit, `dshell -c SystemPing` against
`docker version`, and completion latency.

    python bench/bench_shell.py [--runs N] [--no-user-install]

`dshell -c SystemPing` is measured twice against the same `docker version` runs: as a user's install runs it
(a throwaway venv, without system site-packages, with dshell installed from this tree, not editable, and its
dependencies: the `dshell` console script) and as this checkout runs it (this interpreter, `PYTHONPATH` to the
tree, whatever this interpreter's site-packages load at start). Every Python run is the real interpreter
(`sys.executable`, or the venv's), never a shell shim.

Prints the measurements and ratios of one run; asserts nothing (machines differ).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

NOWHERE = "unix:///tmp/dshell-bench-no-such.sock"
Timed = tuple[str, list[str], dict[str, str]]
"""A command timed: its name, argv and environment."""
SPEC_INPUTS = [
    "", "C", "Cont", "ContainerLi", "clist", "images ", "images Im", "ContainerList ", "ContainerList a",
    "ContainerList all=", "ContainerWait condition=", "ContainerCreate body={", "ContainerCreate body={Ima",
    "ContainerCreate body={Image: busybox, HostConfig: {Bi", "ContainerCreate {HostConfig: {Mounts: [{Ty",
    "ServiceCreate body={TaskTemplate: {ContainerSpec: {", "doc Ima", "help ", "ops ", "use v1.4", "set pager ",
]
LIVE_INPUTS = ["ContainerInspect ", "ContainerInspect id=", "ContainerInspect id=we", "ImageInspect name=bu",
               "logs ", "ContainerCreate body={Image: "]


def _spawn_seconds(argv: list[str], env: dict[str, str]) -> float:
    """Wall time of ``argv`` in a pseudo-terminal, from spawn to the end of its output (pexpect's ``close``
    then sleeps a fixed 100 ms, which is not the program's: it is left out)."""
    import pexpect

    started = time.perf_counter()
    child = pexpect.spawn(argv[0], argv[1:], env=env, dimensions=(40, 120), timeout=30)
    child.expect(pexpect.EOF)
    took = time.perf_counter() - started
    child.close()
    return took


def _compare(runs: int, seconds: Callable[[list[str], dict[str, str]], float], base: Timed,
             others: list[Timed], goal: str) -> None:
    """Time each of ``others`` against ``base`` (name, argv, env) ``runs`` times each, interleaved, after one
    warm-up run of each (the spec cache, the OS file cache); print the medians and minimums and their ratios."""
    for _, argv, env in others:
        seconds(argv, env)
    times: list[list[float]] = [[] for _ in range(len(others) + 1)]
    for _ in range(runs):
        for (_, argv, env), found in zip([base, *others], times, strict=True):
            found.append(seconds(argv, env))
    for (name, _, _), found in zip([base, *others], times, strict=True):
        print(f"{name:44s} median {statistics.median(found) * 1000:7.1f} ms  (min {min(found) * 1000:.1f})")
    for (name, _, _), found in zip(others, times[1:], strict=True):
        print(f"{'ratio ' + name:44s} median {statistics.median(found) / statistics.median(times[0]):.2f}x, "
              f"min {min(found) / min(times[0]):.2f}x   ({goal})")


@contextlib.contextmanager
def _home(**extra: str) -> Iterator[dict[str, str]]:
    """An environment whose home, data and config are a fresh folder (removed afterwards), running this tree."""
    with tempfile.TemporaryDirectory(prefix="dshell-bench-") as home:
        yield {**os.environ, "HOME": home, "XDG_DATA_HOME": f"{home}/data", "XDG_CONFIG_HOME": f"{home}/config",
               "PYTHONPATH": str(REPO), **extra}


def startup(runs: int) -> None:
    """Start to the first prompt against importing prompt_toolkit's shortcuts."""
    # no terminal emulator answers cursor-position requests
    with _home(TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1") as env:
        _compare(runs, _spawn_seconds, ("import prompt_toolkit.shortcuts",
                                        [sys.executable, "-c", "import prompt_toolkit.shortcuts"], env),
                 [("dshell start to first prompt",
                   [sys.executable, "-m", "dshell", "--exit-at-prompt", "-H", NOWHERE], env)],
                 "goal <= 1.2x, issue 25")


def _run_seconds(argv: list[str], env: dict[str, str]) -> float:
    """Wall time of ``argv`` run to its end, output into a pipe."""
    import subprocess

    started = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def one_shot(runs: int, user_install: bool) -> None:
    """``dshell -c SystemPing`` against ``docker version`` on the engine (both ask the daemon), as a user's
    install runs it and as this checkout does."""
    import shutil

    from bench_client import docker_host

    docker = shutil.which("docker")
    if docker is None:
        print("dshell -c SystemPing: no docker CLI for the baseline")
        return
    with _home(DOCKER_HOST=docker_host()) as env, tempfile.TemporaryDirectory(prefix="dshell-bench-venv-") as tmp:
        env["DOCKER_CONFIG"] = f"{env['HOME']}/docker"
        mine: list[Timed] = []
        floors: list[Timed] = []
        if user_install:
            venv = _user_install(Path(tmp))
            user = {k: v for k, v in env.items() if k != "PYTHONPATH"}
            mine.append(("dshell -c SystemPing, user install", [str(venv / "dshell"), "-c", "SystemPing"], user))
            floors.append(("python -c pass, user install", [str(venv / "python"), "-c", "pass"], user))
            stdlib = _stdlib_of(str(venv / "python"), user)
            floors.append(("python + dshell's stdlib, user install",
                           [str(venv / "python"), "-c", stdlib], user))
        mine.append(("dshell -c SystemPing, this checkout", [sys.executable, "-m", "dshell", "-c", "SystemPing"], env))
        floors.append(("python -c pass, this interpreter", [sys.executable, "-c", "pass"], env))
        base: Timed = ("docker version", [docker, "version"], env)
        _compare(runs, _run_seconds, base, mine, "goal <= 3x, issue 25")
        _compare(runs, _run_seconds, base, floors, "the floors: no dshell code runs")


def _stdlib_of(python: str, env: dict[str, str]) -> str:
    """A ``-c`` program importing the modules outside dshell that ``dshell -c SystemPing`` leaves imported (the
    standard library it needs; run twice, so that the spec cache is made and no YAML parser counts): the interpreter
    and those modules are a floor no change to dshell's code lowers."""
    import subprocess

    code = ("import contextlib, io, sys; before = set(sys.modules); from dshell.__main__ import main\n"
            "with contextlib.redirect_stdout(io.StringIO()): main(['-c', 'SystemPing'])\n"
            "print(' '.join(sorted(m for m, module in sys.modules.items() if m not in before\n"
            "                      and m.split('.')[0] != 'dshell' and getattr(module, '__spec__', None))))")
    for _ in range(2):
        found = subprocess.run([python, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    return "import " + ", ".join(found.split())


def _user_install(folder: Path) -> Path:
    """A venv in ``folder`` (no system site-packages) with dshell installed from this tree as a user installs it
    (not editable) with its dependencies; its bin folder."""
    import subprocess

    subprocess.run([sys.executable, "-m", "venv", str(folder / "venv")], check=True)
    bin_dir = folder / "venv" / "bin"
    subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", str(REPO)], check=True,
                   stdout=subprocess.DEVNULL)
    return bin_dir


def _latencies(completer, inputs: list[str], rounds: int) -> list[float]:
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    event = CompleteEvent(completion_requested=True)
    docs = [Document(text) for text in inputs]
    times = []
    for _ in range(rounds):
        for doc in docs:
            started = time.perf_counter()
            list(completer.get_completions(doc, event))
            times.append(time.perf_counter() - started)
    return times


def _report(name: str, times: list[float], goal: str) -> None:
    times = sorted(times)
    p50, p99 = times[len(times) // 2], times[int(len(times) * 0.99) - 1]
    print(f"{name:34s} n={len(times):5d}  p50 {p50 * 1000:6.3f} ms  p99 {p99 * 1000:6.3f} ms  max "
          f"{times[-1] * 1000:6.3f} ms  ({goal})")


def completion(rounds: int) -> None:
    from dshell.shell.completion.completer import DshellCompleter
    from dshell.shell.completion.sources import SessionSources
    from dshell.shell.config import Config
    from dshell.shell.session import Session

    session = Session(Config(endpoint=NOWHERE, api_version="v1.41"), results_file=None)
    session.start(background=False)
    completer = DshellCompleter(SessionSources(session))
    _report("completion, spec items", _latencies(completer, SPEC_INPUTS, rounds), "goal p99 < 10 ms")

    slow = {"calls": 0}

    def slow_daemon(op: str, params: dict) -> list:
        slow["calls"] += 1
        time.sleep(0.5)  # a slow daemon: completion must not wait for it
        names = [f"/web-{i}" for i in range(200)]
        return [{"Id": f"{i:064x}", "Names": [n], "State": "running", "Image": "busybox", "RepoTags": [n[1:]]}
                for i, n in enumerate(names)]

    session.live.reset(slow_daemon)
    cold = _latencies(completer, LIVE_INPUTS, 1)
    _report("live names, cold (daemon busy)", cold, "answered at once, empty")
    session.live.settle(10)
    _report("live names, from cache", _latencies(completer, LIVE_INPUTS, rounds), f"{slow['calls']} fetches")
    session.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="start-up runs of each command")
    parser.add_argument("--rounds", type=int, default=100, help="completion rounds over the inputs")
    parser.add_argument("--no-user-install", action="store_true",
                        help="measure this checkout only (no venv with dshell installed from the tree)")
    args = parser.parse_args()
    from bench_client import compiled  # the same byte-compiling first

    compiled()
    startup(args.runs)
    one_shot(args.runs, not args.no_user_install)
    completion(args.rounds)


if __name__ == "__main__":
    main()
