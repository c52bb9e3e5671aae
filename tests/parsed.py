"""The parsed command values of every theme in one namespace, for tests that compare what a line parses into."""

from __future__ import annotations

from dshell.shell.commands.endpoints import Connect, Disconnect, Hosts, Use
from dshell.shell.commands.ops import Fetch
from dshell.shell.commands.results import Cd, Diff, Listing, Ls, Pwd, Save
from dshell.shell.commands.settings import Exit, Set
from dshell.shell.commands.spec import Categories, Doc, Help, Ops
from dshell.shell.commands.streams import Stream
from dshell.shell.commands.workflows import Workflow
from dshell.shell.grammar import FanOut, OnHost, OpCall, ParseError, Show, op_call
from dshell.shell.parse import parse_line

__all__ = ["Categories", "Cd", "Connect", "Diff", "Disconnect", "Doc", "Exit", "FanOut", "Fetch", "Help", "Hosts",
           "Listing", "Ls", "OnHost", "OpCall", "Ops", "ParseError", "Pwd", "Save", "Set", "Show", "Stream", "Use",
           "Workflow", "op_call", "parse_line"]
