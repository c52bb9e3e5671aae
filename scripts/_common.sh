# shellcheck shell=bash
# Shared by the scripts (sourced, not run).

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"

say() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; }

# True when dshell is installed editable from *this* checkout with pyproject's version and
# scripts, and every requirement of pyproject (dependencies + the `test` extra) is satisfied.
python_deps_ok() {
    "$PYTHON" -I - "$REPO" <<'PY'
import json
import pathlib
import sys
import tomllib
from importlib import metadata

try:
    from packaging.requirements import Requirement
except ImportError:
    from pip._vendor.packaging.requirements import Requirement

root = pathlib.Path(sys.argv[1]).resolve()
project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
reqs = list(project.get("dependencies", [])) + list(project.get("optional-dependencies", {}).get("test", []))


def satisfied(text):
    req = Requirement(text)
    if req.marker and not req.marker.evaluate({"extra": ""}):
        return True
    try:
        return req.specifier.contains(metadata.version(req.name), prereleases=True)
    except metadata.PackageNotFoundError:
        return False


try:
    dist = metadata.distribution(project["name"])
    direct = json.loads(dist.read_text("direct_url.json") or "{}")
except (metadata.PackageNotFoundError, ValueError):
    sys.exit(1)
ok = (
    all(satisfied(r) for r in reqs)
    and dist.version == project["version"]
    and direct.get("dir_info", {}).get("editable")
    and direct.get("url") == root.as_uri()
    and {ep.name for ep in dist.entry_points if ep.group == "console_scripts"}
    == set(project.get("scripts", {}))
)
sys.exit(0 if ok else 1)
PY
}

# pip install -e '.[test]' into the current Python, only when something is missing or stale.
ensure_python_deps() {
    if python_deps_ok; then
        return 0
    fi
    say "pip install -e '.[test]'"
    PIP_DISABLE_PIP_VERSION_CHECK=1 "$PYTHON" -m pip install --root-user-action=ignore -q \
        -e "$REPO[test]"
}

# scripts/engine up, then export DSHELL_ENGINE_ENV/DSHELL_ENGINE_DIR (not DOCKER_HOST).
ensure_engine() {
    "$REPO/scripts/engine" up
    local dir="${DSHELL_ENGINE_DIR:-/tmp/dsh}"
    export DSHELL_ENGINE_DIR="$dir"
    export DSHELL_ENGINE_ENV="$dir/env.json"
}

# scripts/podman up (after ensure_engine: busybox comes from the engine), then export DSHELL_PODMAN_ENV.
ensure_podman() {
    "$REPO/scripts/podman" up
    export DSHELL_PODMAN_ENV="${DSHELL_PODMAN_DIR:-/tmp/dshp}/env.json"
}

# apt_install PACKAGE...: apt-get update (once per call) and install, quietly.
apt_install() {
    say "installing apt packages: $*"
    export DEBIAN_FRONTEND=noninteractive
    local apt=(apt-get -o DPkg::Lock::Timeout=600 -y -q)
    "${apt[@]}" update >/dev/null
    "${apt[@]}" install "$@" >/dev/null
}

# alive PID: the process exists and is not a zombie (a killed daemon whose parent is gone
# may linger as one: init here need not reap)
alive() {
    local stat
    kill -0 "$1" 2>/dev/null || return 1
    stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
    stat="${stat##*) }"
    [[ "${stat:0:1}" != Z ]]
}

# pid_of PIDFILE COMM: print the pid if the process is alive and is COMM
pid_of() {
    local pid
    [[ -s "$1" ]] || return 1
    pid="$(tr -dc '0-9' <"$1")"
    [[ -n "$pid" ]] && alive "$pid" || return 1
    [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == "$2" ]] || return 1
    echo "$pid"
}

# stop_pid PID NAME SECONDS: TERM, wait, then KILL
stop_pid() {
    local pid="$1" name="$2" secs="$3" i
    say "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < secs * 10; i++)); do
        alive "$pid" || return 0
        sleep 0.1
    done
    say "$name did not stop in ${secs}s: KILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        alive "$pid" || return 0
        sleep 0.1
    done
}

# unmount_under DIR: what is mounted below DIR (a dockerd's leftovers), deepest first
unmount_under() {
    local mnt
    findmnt -rn -o TARGET 2>/dev/null | awk -v p="$1/" 'index($0, p) == 1' | sort -r | while read -r mnt; do
        umount "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null || say "could not unmount $mnt"
    done
}
