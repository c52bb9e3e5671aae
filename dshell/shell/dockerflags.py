"""The docker CLI's flags of ``docker logs``, ``docker events`` and ``docker stats`` read as the shell's
``name=value`` words, so that ``logs -f --tail 10 web`` and ``events --since 10m --filter type=container`` work as
typed there. Words that are no flag pass as they are; an unknown flag is one line naming the known ones."""

from __future__ import annotations

# flag -> (the word it becomes, whether it takes a value): "{}" is where the value goes
FLAGS: dict[str, dict[str, tuple[str, bool]]] = {
    "logs": {"-f": ("follow=true", False), "--follow": ("follow=true", False),
             "-t": ("timestamps=true", False), "--timestamps": ("timestamps=true", False),
             "--details": ("details=true", False), "-n": ("tail={}", True), "--tail": ("tail={}", True),
             "--since": ("since={}", True), "--until": ("until={}", True)},
    "events": {"--since": ("since={}", True), "--until": ("until={}", True), "-f": ("{}", True),
               "--filter": ("{}", True)},
    "stats": {"--no-stream": ("stream=false", False)},
}


def flag_words(command: str, args: list[str]) -> list[str]:
    """``args`` of ``command`` with its docker CLI flags made ``name=value`` words (``--tail=5`` too);
    ValueError naming the known flags for any other word that starts with ``-``."""
    known = FLAGS.get(command, {})
    out: list[str] = []
    words = iter(args)
    for word in words:
        if not word.startswith("-") or word == "-":
            out.append(word)
            continue
        flag, eq, value = word.partition("=")
        if flag not in known:
            names = ", ".join(sorted({f for f in known if f.startswith("--")} | {f for f in known if len(f) == 2}))
            raise ValueError(f"{command}: unknown flag {flag!r}: use {names}, or name=value words")
        template, takes = known[flag]
        if takes and not eq:
            value = next(words, "")
            if not value:
                raise ValueError(f"{command}: {flag} needs a value, e.g. {flag} {_EXAMPLES.get(flag, '10')}")
        elif eq and not takes:
            raise ValueError(f"{command}: {flag} takes no value")
        out.append(template.format(value))
    return out


_EXAMPLES = {"--since": "10m", "--until": "0s", "-f": "type=container", "--filter": "type=container"}
