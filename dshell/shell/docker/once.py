"""Stream commands that ask for one answer give it once, as the docker CLI does, instead of opening a pane:
``logs NAME`` without ``-f`` (docker's ``logs``: the log's last lines at the prompt, all of it into a pipe),
``stats --no-stream NAME`` (one sample). A target that does not exist is then one error line, not a pane."""

from __future__ import annotations

from ..dockerflags import flag_words
from ..parse import Docker, Stream

_FOLLOW = ("-f", "--follow")
_VALUES = {"tail": "--tail", "since": "--since", "until": "--until"}
_SWITCHES = {"timestamps": "--timestamps", "details": "--details"}


def once(cmd: Stream) -> Docker | None:
    """What answers ``cmd`` once, or None when it streams (``-f``/``follow=true``, no ``--no-stream``, ``@hosts``)."""
    if cmd.name not in ("logs", "stats") or any(arg.startswith("@") for arg in cmd.args):
        return None
    if cmd.name == "stats":  # docker stats --no-stream [-a] [NAME...]: one sample of each, in docker's table
        if not {"--no-stream", "stream=false"} & set(cmd.args):
            return None
        return Docker(("stats", *(arg for arg in _unquoted(cmd.args) if arg != "stream=false")))
    words = flag_words(cmd.name, list(cmd.args))
    params = dict(word.split("=", 1) for word in words if "=" in word)
    names = [word for word in words if "=" not in word]
    if not names:
        return None
    params.pop("follow", None) if params.get("follow") == "false" else None
    follow = "follow" in params or any(arg in _FOLLOW for arg in cmd.args)
    if follow and len(names) > 1:  # the docker command says what to do instead
        return Docker(("logs", "-f", *names))
    if follow or set(params) - {*_VALUES, *_SWITCHES}:
        return None
    flags = [part for key, value in params.items() for part in
             ((_VALUES[key], value) if key in _VALUES else (_SWITCHES[key],) if value == "true" else ())]
    return Docker(("logs", *flags, *_unquoted(names)))


def _unquoted(words: tuple[str, ...] | list[str]) -> list[str]:
    """The words as typed (quotes kept) read as a shell reads them."""
    import shlex

    return shlex.split(" ".join(words))
