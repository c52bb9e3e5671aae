"""The prompt_toolkit Completer over the completion engine."""

from __future__ import annotations

from collections.abc import Iterable

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from .engine import Sources, complete


class DshellCompleter(Completer):
    """Completes ops, params, values, body keys, live names and result paths; never blocks."""

    def __init__(self, sources: Sources) -> None:
        self.sources = sources

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterable[Completion]:
        ctx, found = complete(document.text_before_cursor, self.sources)
        for cand in found:
            yield Completion(cand.text, -len(ctx.word), display=cand.display or cand.text,
                             display_meta=cand.meta)
