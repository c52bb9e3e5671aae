"""The shell's ``tail``/``logs``/``events``/``stats`` commands: panes above the prompt, fed in the background.

Imported when the prompt starts: the client (and the stream code that needs it) loads on the first pane.
"""

from __future__ import annotations

import weakref
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
    from ..commands.streams import Stream
    from ..reply import Reply
    from ..session import Session
    from .reader import Feed
    from .sources import Source



class Panes:
    """Opens a pane per command, stores what a pane holds as a result ("keep"), closes them all at exit."""

    def __init__(self, session: Session, redraw: Any) -> None:
        self.session = session
        self.area = PaneArea()
        self.refresh = Refresher(redraw)
        self._on: weakref.WeakKeyDictionary[Feed, list[str]] = weakref.WeakKeyDictionary()  # feed → its hosts

    def open(self, cmd: Stream) -> Reply:
        """Open a pane streaming what ``cmd`` names (``@a,b``: on those endpoints)."""
        from ..reply import Reply
        from .sources import binder, source
        from .watch import Watch

        if cmd.source is not None:  # a workflow's stream (a compose project's)
            return self.show(cmd.source)
        if cmd.hosts:
            return self._open_on_hosts(cmd)
        from . import hosts as on

        if on.targets(cmd):  # logs -f a b: one pane, each line after its container's name
            pane, tagged = on.merged_targets(self.session, cmd, self.refresh)
            self.area.open(pane, tagged)
            return Reply(f"pane {len(self.area.views)}: {pane.title}  (each line after its container's name; "
                         f"^W k keeps it, ^W x closes it)")
        client = self.session.require_client().copy()
        src = source(cmd, binder(self.session))
        pane = StreamPane(src.title)
        if cmd.interval is not None:
            feed: Feed = Watch(client, src, pane, self.refresh, cmd.interval)
        else:
            feed = src.feed(client, pane, self.refresh)
        self.area.open(pane, feed)
        return Reply(f"pane {len(self.area.views)}: {src.title}  (^W k keeps it as a result, ^W x closes it)")

    def show(self, source: Source) -> Reply:
        """Open a pane that ``source`` feeds (its ``feed``: a workflow's stream, e.g. a build, with its own end),
        on a copy of the session's client."""
        from ..reply import Reply

        pane = StreamPane(source.title)
        self.area.open(pane, source.feed(self.session.require_client().copy(), pane, self.refresh))
        return Reply(f"pane {len(self.area.views)}: {source.title}  (the prompt stays yours; ^W k keeps it as a "
                     "result, ^W s stops it, ^W x closes it)")

    def _open_on_hosts(self, cmd: Stream) -> Reply:
        from ..reply import Reply
        from . import hosts as on

        if cmd.interval is not None:
            pane, watch, hosts = on.watch(self.session, cmd, self.refresh)
            self._on[watch] = hosts
            self.area.open(pane, watch)
            return Reply(f"pane {len(self.area.views)}: {pane.title}  (HOST first; ^W k keeps it, ^W x closes it)")
        if not cmd.split:
            pane, tagged = on.merged(self.session, cmd, self.refresh)
            self._on[tagged] = tagged.hosts
            self.area.open(pane, tagged)
            return Reply(f"pane {len(self.area.views)}: {pane.title}  (each host's lines tagged; "
                         f"--split opens a pane per host; ^W k keeps it, ^W x closes it)")
        opened = on.split(self.session, cmd, self.refresh)
        for host, pane, feed in opened:
            self._on[feed] = [host]
            self.area.open(pane, feed)
        last = len(self.area.views)
        return Reply(f"panes {last - len(opened) + 1}-{last}: {cmd.verb} {' '.join(cmd.rest)} on "
                     f"{', '.join(host for host, _, _ in opened)}, a pane each  (^W ↑↓ selects, ^W k keeps one, "
                     "^W x closes it)")

    def host_gone(self, name: str) -> None:
        """End the panes streaming from the endpoint ``name`` (disconnected): their connections close, what
        they showed stays."""
        for view in list(self.area.views):
            if name in self._on.get(view.feed, ()):
                view.feed.close()
                view.pane.finish(f"{name} disconnected")
        self.refresh()

    def keep(self) -> None:
        """Store the selected pane's lines as a numbered result (a key handler: never waits on the daemon, and
        a failure is the pane's notice)."""
        view = self.area.current
        if view is None:
            return
        from .reader import keep

        status = view.pane.status
        try:
            result = keep(self.session, view.feed, status if status.startswith("error") else None)
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
    below = layout.container

    def rows_below() -> int:
        """What the prompt needs (the input, the room kept for the completion menu, the toolbar), plus one."""
        size = prompt.app.output.get_size()
        return below.preferred_height(size.columns, size.rows).min + 1

    panes.area.below = rows_below
    layout.container = HSplit([panes.area.container, below])
    prompt.key_bindings = merge_key_bindings([prompt.key_bindings or merge_key_bindings([]),
                                              pane_bindings(panes.area, panes.keep)])
    prompt.style = merge_styles([prompt.style, STYLE]) if prompt.style else STYLE
    session.plug("prompt", pane=panes.open, source=panes.show)
    session.on_disconnect.append(panes.host_gone)
    return panes
