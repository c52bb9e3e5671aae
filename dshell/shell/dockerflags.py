"""The docker CLI's flags of ``docker logs``, ``docker events`` and ``docker stats`` read as the shell's
``name=value`` words, so that ``logs -f --tail 10 web`` and ``events --since 10m --filter type=container`` work as
typed there. Words that are no flag pass as they are; an unknown flag is one line naming the known ones."""

from __future__ import annotations

# flag -> the word it becomes; "{}" is where its value goes (a flag without it takes none)
FLAGS: dict[str, dict[str, str]] = {
    "logs": {"-f": "follow=true", "--follow": "follow=true", "-t": "timestamps=true", "--timestamps": "timestamps=true",
             "--details": "details=true", "-n": "tail={}", "--tail": "tail={}", "--since": "since={}",
             "--until": "until={}"},
    "events": {"--since": "since={}", "--until": "until={}", "-f": "{}", "--filter": "{}"},
    "stats": {"--no-stream": "stream=false"},
}
_EXAMPLES = {"--since": "10m", "--until": "0s", "-f": "type=container", "--filter": "type=container"}  # for errors


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
            raise ValueError(f"{command}: unknown flag {flag!r}: use {', '.join(sorted(known))}, or name=value words")
        template = known[flag]
        takes = "{}" in template
        if takes and not eq:
            value = next(words, "")
            if not value:
                raise ValueError(f"{command}: {flag} needs a value, e.g. {flag} {_EXAMPLES.get(flag, '10')}")
        elif eq and not takes:
            raise ValueError(f"{command}: {flag} takes no value")
        out.append(template.format(value))
    return out
