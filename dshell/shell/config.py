"""The user's settings: ``$XDG_CONFIG_HOME/dshell/config.yaml``, and where dshell keeps its data."""

from __future__ import annotations

import os

from dshell._checking import TYPE_CHECKING
from dshell._frozen import Record

if TYPE_CHECKING:
    from typing import Any

    from _typeshed import StrPath

# each setting and the values it takes (None: free text or a number)
SETTINGS: dict[str, tuple[str, ...] | None] = {
    "editing_mode": ("emacs", "vi"),
    "pager": ("auto", "always", "off"),
    "refresh": None,
    "endpoint": None,
    "api_version": None,
    "tlscacert": None,
    "tlscert": None,
    "tlskey": None,
    "docs_url": None,
    "full_docs": ("on", "off"),
    "timeout": None,
    "connect_timeout": None,
    "fanout_timeout": None,  # seconds each host has to answer @a,b / @all and hosts (off: no limit)
    "tlspass": None,  # the --tlskey's password (also DSHELL_TLS_PASSWORD); shown masked
    "secret_names": None,  # more variable-name globs whose values are masked in what is stored (*_PW,*PIN*)
}
MAX_REFRESH = 86400.0  # a day: longer is as good as never, shorter than a tick is a busy loop


class Config(Record):
    """Settings from the config file, then the command line, then ``set``; ``_replace`` gives a changed copy (a
    NamedTuple: defined at start-up without the import of dataclasses)."""

    editing_mode: str = "emacs"
    pager: str = "auto"  # auto: page output taller than the screen
    refresh: float = 30.0  # seconds between refreshes of live names
    endpoint: str | None = None  # None: DOCKER_HOST / docker context / default socket
    api_version: str | None = None  # None: negotiate
    tlscacert: str | None = None
    tlscert: str | None = None
    tlskey: str | None = None
    docs_url: str = "https://docs.docker.com/reference/api/engine/version/{version}.yaml"  # doc OP --full
    full_docs: str = "off"  # on: every doc downloads the upstream descriptions (as --full)
    timeout: float | None = None  # seconds a call may wait for the daemon's next byte; None: no limit
    connect_timeout: float | None = None  # seconds to reach the daemon; None: the client's default
    fanout_timeout: float | None = 30.0  # seconds each host has to answer a fan-out or the hosts probe
    hosts: tuple[str, ...] = ()  # every -H as given (``name=URI`` or a URI); the first is ``endpoint``
    views: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()  # saved views: (op, ((header, JMESPath), ...))
    tlspass: str | None = None  # never in repr
    secret_names: str = ""  # comma-separated globs, added to the explorer's defaults
    warnings: tuple[str, ...] = ()

    def __repr__(self) -> str:
        shown = (f"{name}={value!r}" for name, value in zip(self._fields, self, strict=True) if name != "tlspass")
        return f"Config({', '.join(shown)})"

    def with_setting(self, key: str, value: Any) -> Config:
        """A copy with ``key`` set; raises ValueError (one line) for an unknown key or a bad value."""
        if key not in SETTINGS:
            raise ValueError(f"unknown setting {key!r}: have {', '.join(SETTINGS)}")
        allowed = SETTINGS[key]
        if isinstance(value, bool) and allowed and "off" in allowed:
            value = allowed[0] if value else "off"  # YAML reads `pager: off` as false
        if allowed and value not in allowed:
            raise ValueError(f"{key} must be one of {', '.join(allowed)}; got {value!r}")
        if key == "refresh":
            value = _refresh(value)
        elif key in ("timeout", "connect_timeout", "fanout_timeout"):
            value = _timeout(key, value)
        elif key == "secret_names":
            value = ",".join(str(v).strip() for v in (value if isinstance(value, list) else str(value or "").split(","))
                             if str(v).strip())
        elif value is not None:
            value = str(value)
        return self._replace(**{key: value})

    def conn(self) -> dict[str, Any] | None:
        """The connection the settings name (with their timeouts), or None for the client's default. TLS
        files without an endpoint apply to the default one (DOCKER_HOST or the docker context), as with the
        docker CLI; ValueError when that endpoint is a unix socket (no TLS there)."""
        conn = self._endpoint_conn()
        timeouts = self.timeouts()
        if not timeouts:
            return conn
        if conn is None:
            from dshell.client import default_conn

            conn = default_conn()
        return {**conn, "timeouts": {**(conn.get("timeouts") or {}), **timeouts}}

    def timeouts(self) -> dict[str, float]:
        """The client timeouts the settings ask for: connect; read and write (from ``timeout``)."""
        return {k: v for k, v in (("connect", self.connect_timeout), ("read", self.timeout),
                                  ("write", self.timeout)) if v is not None}

    def _endpoint_conn(self) -> dict[str, Any] | None:
        mtls = {k: v for k, v in (("ca", self.tlscacert), ("cert", self.tlscert), ("key", self.tlskey),
                                  ("password", self.tlspass)) if v}
        if not mtls:
            return {"uri": self.endpoint} if self.endpoint else None
        if self.endpoint:
            conn: dict[str, Any] = {"uri": self.endpoint}
        else:
            from dshell.client import default_conn

            conn = default_conn()
        if conn["uri"].startswith("unix:"):
            raise ValueError(f"tlscacert/tlscert/tlskey need a tcp:// or https:// daemon, and {conn['uri']} is "
                             "a unix socket: give one with -H (or DOCKER_HOST)")
        return {**conn, "mtls": {**conn.get("mtls", {}), **mtls}}

    def host_conn(self, uri: str) -> dict[str, Any]:
        """The connection of one of several endpoints (``-H`` given more than once): as ``conn``, but the TLS
        files apply only to those that are no unix socket."""
        if uri.startswith("unix:"):
            plain = self._replace(endpoint=uri, hosts=(), tlscacert=None, tlscert=None, tlskey=None)
            return plain.conn() or {"uri": uri}
        return self._replace(endpoint=uri, hosts=()).conn() or {"uri": uri}

    def items(self) -> list[tuple[str, Any]]:
        """(setting, value) pairs, for ``set`` without arguments (the TLS key's password and an endpoint's
        ``user:pass@`` password masked)."""
        from dshell.client._endpoint import without_password

        def shown(name: str) -> Any:
            value = getattr(self, name)
            if name == "tlspass" and value:
                return "***"
            return without_password(value) if name == "endpoint" and value else value

        return [(name, shown(name)) for name in self._fields if name in SETTINGS]


def _refresh(value: Any) -> float:
    """``value`` as seconds between refreshes: a number above 0 and at most a day."""
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"refresh must be a number of seconds; got {value!r}") from None
    if not (0 < seconds <= MAX_REFRESH):
        raise ValueError(f"refresh must be more than 0 and at most {MAX_REFRESH:g} seconds; got {value!r}")
    return seconds


def _timeout(key: str, value: Any) -> float | None:
    """``value`` as seconds above 0, or None for no limit (off, none, null, false)."""
    if value is None or value is False or str(value).lower() in ("off", "none", "null", "false"):
        return None
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = -1.0
    if not (0 < seconds < float("inf")):
        raise ValueError(f"{key} must be a number of seconds above 0, or off; got {value!r}")
    return seconds


def _xdg(var: str, fallback: str) -> str:
    base = os.environ.get(var, "")
    return base if os.path.isabs(base) else os.path.join(os.path.expanduser("~"), fallback)


def config_path() -> str:
    """``$XDG_CONFIG_HOME/dshell/config.yaml`` (default ``~/.config/dshell/config.yaml``)."""
    return os.path.join(_xdg("XDG_CONFIG_HOME", ".config"), "dshell", "config.yaml")


def data_dir() -> str:
    """``$XDG_DATA_HOME/dshell`` (default ``~/.local/share/dshell``): command history lives here."""
    return os.path.join(_xdg("XDG_DATA_HOME", ".local/share"), "dshell")


def load_config(path: StrPath | None = None) -> Config:
    """The settings in ``path`` (default: ``config_path()``); a missing file gives the defaults, and a bad
    file or setting gives the defaults for it plus a warning in ``Config.warnings``."""
    path = path or config_path()
    if not os.path.isfile(path):
        return Config()
    import yaml

    try:
        with open(path, encoding="utf-8") as file:
            raw = yaml.safe_load(file) or {}
    except (OSError, yaml.YAMLError) as exc:
        return Config(warnings=(f"{path}: not read ({str(exc).splitlines()[0]})",))
    if not isinstance(raw, dict):
        return Config(warnings=(f"{path}: expected a mapping of settings",))
    config, warnings = Config(), []
    for key, value in raw.items():
        if key == "views":
            views, bad = read_views(value)
            config = config._replace(views=views)
            warnings += [f"{path}: views: {problem}" for problem in bad]
            continue
        try:
            config = config.with_setting(str(key).replace("-", "_"), value)
        except ValueError as exc:
            warnings.append(f"{path}: {exc}")
    return config._replace(warnings=tuple(warnings))


def read_views(raw: Any) -> tuple[tuple[tuple[str, tuple[tuple[str, str], ...]], ...], list[str]]:
    """The saved views of a config file's ``views:`` (op: {HEADER: JMESPath, ...}), and what was wrong with the
    ones left out (one line each)."""
    if not isinstance(raw, dict):
        return (), ["expected a mapping of op names to {HEADER: JMESPath expression, ...}"]
    from dshell.explorer import expression_error

    views, problems = [], []
    for op, columns in raw.items():
        if not isinstance(columns, dict) or not columns:
            problems.append(f"{op}: expected {{HEADER: JMESPath expression, ...}}, e.g. {{NAME: 'Names[0]'}}")
            continue
        pairs = []
        for header, expression in columns.items():
            error = expression_error(str(expression)) if isinstance(expression, str) else "not text"
            if error is None:
                pairs.append((str(header), expression))
            else:
                problems.append(f"{op}.{header}: {error}")
        if pairs:
            views.append((str(op), tuple(pairs)))
    return tuple(views), problems
