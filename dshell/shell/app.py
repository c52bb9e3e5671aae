"""The prompt_toolkit application: prompt, completion menu, toolbar, colours, history; the read-run loop."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from prompt_toolkit import PromptSession
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.enums import EditingMode
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.history import History
from prompt_toolkit.styles import Style

from dshell.explorer import visible_line

from .commands.dispatch import execute
from .completion.completer import DshellCompleter
from .completion.sources import SessionSources
from .config import data_dir
from .lexer import DshellLexer
from .line_history import RedactingFileHistory
from .output import Printer
from .panes.commands import install as install_panes
from .prompt_keys import key_bindings
from .reply import Reply, one_line
from .session import Session
from .worker import Cancelled, run_cancellable

if TYPE_CHECKING:
    from prompt_toolkit.input import Input
    from prompt_toolkit.output import Output
    from rich.console import Console

STYLE = Style.from_dict({
    "prompt": "bold ansiblue",
    "prompt.where": "ansicyan",
    "dshell.op": "bold ansicyan",
    "dshell.op.unknown": "ansired",
    "dshell.command": "bold ansigreen",
    "dshell.category": "ansimagenta",
    "dshell.param": "ansiyellow",
    "dshell.key": "ansiyellow",
    "dshell.string": "ansigreen",
    "dshell.number": "ansibrightblue",
    "dshell.keyword": "ansimagenta",
    "dshell.ref": "underline ansicyan",
    "dshell.query": "ansibrightmagenta",
    "dshell.flag": "ansibrightblack",
    "bottom-toolbar": "noreverse bg:#303030 #d0d0d0",
    "bottom-toolbar.key": "bold #ffffff",
})


FIRST_HINT = "type help to see the commands, try ContainerList, Tab completes"


class Shell:
    """The interactive shell over a Session: reads inputs, runs them cancellably and prints the replies."""

    def __init__(self, session: Session, *, history: History | None = None, input: Input | None = None,
                 output: Output | None = None, console: Console | None = None) -> None:
        self.session = session
        config = session.config
        self.printer = Printer(console, config.pager)
        session.say = self.printer.line
        session.ask = self.ask
        self.first_time = history is None and not os.path.exists(os.path.join(data_dir(), "history"))
        self._warnings: list[str] = []  # said once the prompt is not on screen (history writes happen as it closes)
        if history is None:  # results and history: the owner's only; a history that cannot be saved is said once
            history = RedactingFileHistory(os.path.join(data_dir(), "history"), warn=self._warnings.append)
        self.prompt: PromptSession[str] = PromptSession(
            self._message, multiline=True, prompt_continuation=self._continuation,
            lexer=DshellLexer(self._is_op), completer=DshellCompleter(SessionSources(session)),
            complete_while_typing=True, auto_suggest=AutoSuggestFromHistory(), history=history,
            key_bindings=key_bindings(), bottom_toolbar=self._toolbar, style=STYLE, refresh_interval=0.5,
            editing_mode=self._mode(), input=input, output=output, include_default_pygments_style=False,
        )
        self._started = False
        self._exit_at_prompt = False
        self.next_input = ""  # what the next prompt starts with (the path the navigator's y chose)
        self.prompt.app.after_render += self._after_render
        self.panes = install_panes(self)
        session.plug("prompt", navigator=lambda cmd: self.browse(cmd.target or "_"))

    def _is_op(self, name: str) -> bool:
        spec = self.session.spec_index
        return spec is None or name in spec.ops  # nothing is a typo before the spec has loaded

    def _mode(self) -> EditingMode:
        return EditingMode.VI if self.session.config.editing_mode == "vi" else EditingMode.EMACS

    def _message(self) -> FormattedText:
        nav = self.session.navigator
        where = []
        if nav is not None and nav.ref is not None:
            where = [("class:prompt.where", f" {visible_line(nav.pwd())}")]
        return FormattedText([("class:prompt", "dshell"), *where, ("class:prompt", "> ")])

    @staticmethod
    def _continuation(width: int, line_number: int, wrap_count: int) -> str:
        return "." * (width - 1) + " "

    def _toolbar(self) -> FormattedText:
        st = self.session.status()
        mode = self.session.config.editing_mode
        return FormattedText([
            ("class:bottom-toolbar.key", f" {visible_line(st.endpoint)} "), ("", " API "),
            ("class:bottom-toolbar.key", visible_line(st.api_version)), ("", f"  {self._counts()}  {mode}"),
            ("", "" if st.ready else "  loading…"), *self.panes.toolbar(),
        ])

    def _counts(self) -> str:
        """`_177 last, 12 here`: the newest number (also another window's, on the same history) and how many this
        window made; `no results` before the first."""
        history = self.session.history
        newest = history.newest() if history is not None else 0
        return f"_{newest} last, {history.made_here if history else 0} here" if newest else "no results"

    def _after_render(self, app: Any) -> None:
        if self._exit_at_prompt:
            if not app.is_done:  # the last render, as the prompt closes, comes here too
                app.exit(exception=EOFError)
        elif not self._started:  # load the client and history only once the prompt is on screen
            self._started = True
            self.session.start()

    def run(self, exit_at_prompt: bool = False) -> None:
        """Read and run inputs until exit or Ctrl-D (``exit_at_prompt``: leave once the prompt shows)."""
        self._exit_at_prompt = exit_at_prompt
        if self.first_time:
            self.printer.note(FIRST_HINT)
        try:
            while True:
                self._say_warnings()
                try:
                    text = self.prompt.prompt(default=self.next_input)
                    self.next_input = ""
                except KeyboardInterrupt:
                    continue
                except EOFError:
                    break
                self._say_warnings()
                if not self.run_line(text):
                    break
        finally:
            self.panes.close_all()
            self.session.close()

    def _say_warnings(self) -> None:
        while self._warnings:
            self.printer.error(self._warnings.pop(0))

    def ask(self, question: str) -> bool:
        """docker's ``[y/N]`` question on the terminal (the prompt is not running while a command runs): yes only
        for ``y`` or ``yes``, as docker takes it."""
        self.printer.console.file.write(question)
        self.printer.console.file.flush()
        try:
            answer = input()
        except (EOFError, KeyboardInterrupt):
            return False
        return answer.strip().lower() in ("y", "yes")

    def browse(self, target: str) -> Reply:
        """``open _N[.path]``: the navigator full-screen over it; the path its ``y`` chose starts the next prompt."""
        from .navigator.app import navigate
        from .navigator.opening import browser_for

        if self.session.history is None:
            self.session.require_client()  # waits for the load, and says why it failed
        assert self.session.history is not None
        browser, label = browser_for(self.session.history, target)
        self.next_input = navigate(browser, label) or ""
        return Reply()

    def run_line(self, text: str) -> bool:
        """Run one input and print its reply; False when the shell should end."""
        try:
            reply = execute(self.session, text, run_cancellable)
            self.printer.show(reply)
        except (Cancelled, KeyboardInterrupt):
            self.session.cancel()
            self.printer.error("cancelled")
            return True
        except Exception as exc:  # noqa: BLE001 - a bug must not end the user's session
            self.printer.error(f"internal error: {type(exc).__name__}: {one_line(exc)}")
            return True
        self.printer.pager = self.session.config.pager
        self.prompt.app.editing_mode = self._mode()
        return not reply.exit
