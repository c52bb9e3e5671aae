"""The shell's ``tail``/``logs``/``events``/``stats`` commands: panes above the prompt, fed in the background.

Imported when the prompt starts: the client (and the stream code that needs it) loads on the first pane.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.key_binding import merge_key_bindings
from prompt_toolkit.layout import HSplit
from prompt_toolkit.styles import merge_styles

from ..reply import one_line
from .keys import HINTS, pane_bindings
from .layout import STYLE, PaneArea, Refresher
from .model import StreamPane

if TYPE_CHECKING:

    from ..app import Shell
    from ..parse import Stream
    from ..reply import Reply
    from ..session import Session

PANE_COMMANDS = ("tail", "logs", "events", "stats", "watch")


class Panes:
    """Opens a pane per command, stores what a pane holds as a result ("keep"), closes them all at exit."""

    def __init__(self, session: Session, redraw: Any) -> None:
        self.session = session
        self.area = PaneArea()
        self.refresh = Refresher(redraw)

    def open(self, cmd: Stream) -> Reply:
        """Open a pane streaming what ``cmd`` names."""
        from ..reply import Reply
        from .reader import Feed
        from .sources import source
        from .watch import Watch, watch_source

        if cmd.args and cmd.args[0].startswith("@") and cmd.name != "watch":
            from .hosts import merged

            pane, tagged = merged(self.session, cmd, self.refresh)
            self.area.open(pane, tagged)
            return Reply(f"pane {len(self.area.views)}: {pane.title}  (each host's lines tagged; ^W k keeps it, "
                         "^W x closes it)")
        client = self.session.require_client().copy()
        if cmd.name == "watch":
            interval, src = watch_source(list(cmd.args), self.session.bind_words)
            pane = StreamPane(src.title)
            feed: Feed = Watch(client, src, pane, self.refresh, interval)
        else:
            src = source(cmd.name, list(cmd.args), self.session.bind_words)
            pane = StreamPane(src.title)
            feed = Feed(client, src, pane, self.refresh)
        self.area.open(pane, feed)
        return Reply(f"pane {len(self.area.views)}: {src.title}  (^W k keeps it as a result, ^W x closes it)")

    def keep(self) -> None:
        """Store the selected pane's lines as a numbered result (a key handler: never waits on the daemon, and
        a failure is the pane's notice)."""
        view = self.area.current
        if view is None:
            return
        feed, pane = view.feed, view.pane
        error = pane.status if pane.status.startswith("error") else None
        try:
            result = self.session.keep(feed.source.op, feed.source.params, pane.kept(), status=feed.status,
                                       elapsed=time.time() - feed.started, error=error, endpoint=feed.client.uri)
        except Exception as exc:  # noqa: BLE001 - a key handler that raises ends the shell
            view.notice.set(f"not kept: {one_line(exc)}")
            return
        view.notice.set(f"kept as _{result.n}")

    def toolbar(self) -> StyleAndTextTuples:
        """The pane keys, for the toolbar (nothing while no pane is open)."""
        if not self.area.views:
            return []
        out: StyleAndTextTuples = [("", "  ")]
        for keys, what in HINTS:
            out += [("class:bottom-toolbar.key", keys), ("", f" {what} ")]
        return out

    def close_all(self) -> None:
        """Close every pane and its stream."""
        self.area.close_all()


def install(shell: Shell) -> Panes:
    """Put the pane area above the shell's prompt, add the pane keys and colours, route the commands."""
    prompt, session = shell.prompt, shell.session
    panes = Panes(session, prompt.app.invalidate)
    layout = prompt.app.layout
    layout.container = HSplit([panes.area.container, layout.container])
    prompt.key_bindings = merge_key_bindings([prompt.key_bindings or merge_key_bindings([]),
                                              pane_bindings(panes.area, panes.keep)])
    prompt.style = merge_styles([prompt.style, STYLE]) if prompt.style else STYLE
    for name in PANE_COMMANDS:
        session.register_stream(name, panes.open)
    return panes
