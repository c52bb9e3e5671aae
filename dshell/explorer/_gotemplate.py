"""The docker CLI's ``--format`` templates: a small evaluator of Go's text/template for the cases docker users
type (``{{.ID}}``, ``{{.Label "x"}}``, ``{{json .}}``, ``{{if .X}}..{{else}}..{{end}}``, ``{{range .X}}..{{end}}``,
docker's functions ``json split join title lower upper pad truncate`` and Go's ``index len printf eq ne not and
or print println``), and Go's tabwriter as ``docker ... --format 'table ...'`` aligns columns with it.

A value with fields is a ``Fields`` (docker's formatter context: a field is a function of the row, a method such as
``Label`` takes arguments); a dict is read by key, as Go reads a map. What is left out (``with``, variables,
``template``/``define``, comparisons of other types than strings and numbers) is a ``TemplateError`` naming it."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

TABLE = "table"


class TemplateError(ValueError):
    """A template this evaluator cannot read or run; the message says where."""


@dataclass(frozen=True)
class Fields:
    """A row seen through docker's formatter fields: ``fields[name](*args)`` gives a field's text; ``header``
    maps a field to its table header; ``marshal`` the fields ``{{json .}}`` shows."""

    fields: Mapping[str, Callable[..., Any]]
    header: Mapping[str, str]
    marshal: tuple[str, ...]

    def get(self, name: str, args: list[Any]) -> Any:
        """The field ``name`` called with ``args``; TemplateError naming the fields when there is none."""
        found = self.fields.get(name)
        if found is None:
            raise TemplateError(f"can't evaluate field {name}: use {', '.join(sorted(self.marshal))}")
        return found(*args)

    def as_json(self) -> dict[str, Any]:
        """What docker's ``{{json .}}`` marshals: every argument-less field, by name."""
        return {name: self.fields[name]() for name in sorted(self.marshal)}


class HeaderFields(Fields):
    """A table's header row as docker runs the template on it: a field's header, ``""`` for a field without one,
    ``.Label "a.b-c"`` the label's last part with blanks for ``-`` and ``_`` (``b c``)."""

    def get(self, name: str, args: list[Any]) -> Any:
        if name == "Label" and args:
            return str(args[0]).split(".")[-1].replace("-", " ").replace("_", " ")
        return self.header.get(name, "")


# --------------------------------------------------------------------------- parsing

_ACTION = re.compile(r"\{\{(-\s)?(.*?)(\s-)?\}\}", re.S)
_TOKEN = re.compile(r'\s*(?:(?P<str>"(?:[^"\\]|\\.)*"|`[^`]*`)|(?P<num>-?\d+(?:\.\d+)?)'
                    r"|(?P<field>(?:\.[A-Za-z_]\w*)+|\.)|(?P<name>[A-Za-z_]\w*)|(?P<punct>[|()]))")


@dataclass(frozen=True)
class _Node:
    kind: str  # text, action, if, range
    value: Any = None  # text, or the pipeline
    body: tuple[_Node, ...] = ()
    other: tuple[_Node, ...] = ()  # the else branch


def _tokens(source: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    source = source.strip()
    while pos < len(source):
        m = _TOKEN.match(source, pos)
        if m is None or m.end() == pos:
            raise TemplateError(f"unexpected {source[pos:].strip()[:20]!r} in {{{{{source}}}}}")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def _pipeline(tokens: list[tuple[str, str]], pos: int = 0, close: bool = False) -> tuple[list[list[Any]], int]:
    """Commands separated by ``|``, each a list of operands; a parenthesised pipeline is one operand."""
    commands: list[list[Any]] = [[]]
    while pos < len(tokens):
        kind, text = tokens[pos]
        pos += 1
        if kind == "punct" and text == "|":
            commands.append([])
        elif kind == "punct" and text == "(":
            inner, pos = _pipeline(tokens, pos, close=True)
            commands[-1].append(("pipe", inner))
        elif kind == "punct" and text == ")":
            if not close:
                raise TemplateError("unexpected ')'")
            return commands, pos
        else:
            commands[-1].append((kind, text))
    if close:
        raise TemplateError("unclosed '('")
    if any(not command for command in commands):
        raise TemplateError("empty command in a pipeline")
    return commands, pos


def parse(source: str) -> tuple[_Node, ...]:
    """The template's nodes; TemplateError for what this evaluator does not read."""
    stack: list[tuple[str, Any, list[_Node], list[_Node] | None]] = [("root", None, [], None)]
    pos = 0
    for m in _ACTION.finditer(source):
        text = source[pos:m.start()]
        if m.group(1):
            text = text.rstrip()
        pos = m.end()
        _current(stack).append(_Node("text", text)) if text else None
        inner = m.group(2).strip()
        if m.group(3):
            rest = source[pos:]
            pos += len(rest) - len(rest.lstrip())
        word = inner.split(None, 1)[0] if inner else ""
        if word in ("if", "range"):
            commands, _ = _pipeline(_tokens(inner[len(word):]))
            stack.append((word, commands, [], None))
        elif word == "else":
            kind, value, body, other = stack[-1]
            if kind == "root" or other is not None:
                raise TemplateError("{{else}} without {{if}}")
            stack[-1] = (kind, value, body, [])
        elif word == "end":
            kind, value, body, other = stack.pop()
            if kind == "root":
                raise TemplateError("{{end}} without {{if}} or {{range}}")
            _current(stack).append(_Node(kind, value, tuple(body), tuple(other or ())))
        elif word in ("with", "define", "template", "block") or inner.startswith("$"):
            raise TemplateError(f"{{{{{word}}}}} is not supported here: use fields, if, range and functions")
        elif inner.startswith("/*"):
            continue
        else:
            _current(stack).append(_Node("action", _pipeline(_tokens(inner))[0]))
    if source[pos:]:
        _current(stack).append(_Node("text", source[pos:]))
    if len(stack) != 1:
        raise TemplateError(f"unclosed {{{{{stack[-1][0]}}}}}: add {{{{end}}}}")
    return tuple(stack[0][2])


def _current(stack: list[tuple[str, Any, list[_Node], list[_Node] | None]]) -> list[_Node]:
    kind, value, body, other = stack[-1]
    return other if other is not None else body


# --------------------------------------------------------------------------- running

def go_text(value: Any) -> str:
    """``value`` as Go's fmt prints it: ``<no value>`` for nil, maps as ``map[k:v]``, lists as ``[a b]``."""
    if value is None:
        return "<no value>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict):
        return "map[" + " ".join(f"{go_text(k)}:{go_text(v)}" for k, v in sorted(value.items())) + "]"
    if isinstance(value, list | tuple):
        return "[" + " ".join(go_text(v) for v in value) + "]"
    if isinstance(value, Fields):
        return go_text(value.as_json())
    return str(value)


_HTML = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def _json(value: Any) -> str:
    """docker's ``json`` function: Go's encoding; a formatter context marshals as Go's json.Marshal does (keys
    sorted, ``<>&`` escaped)."""
    if isinstance(value, Fields):
        return json.dumps(value.as_json(), ensure_ascii=False, separators=(",", ":")).translate(_HTML)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=isinstance(value, dict))


def _truth(value: Any) -> bool:
    if isinstance(value, Fields):
        return True
    return bool(value)


def _printf(fmt: str, *args: Any) -> str:
    values = iter(args)
    return re.sub(r"%[-+ #0]*\d*(?:\.\d+)?[sdvqf%]",
                  lambda m: "%" if m.group() == "%%" else _verb(m.group(), next(values, None)), fmt)


def _verb(spec: str, value: Any) -> str:
    if spec.endswith("q"):
        return json.dumps(go_text(value), ensure_ascii=False)
    if spec.endswith(("d", "f")) and isinstance(value, int | float):
        return ("%" + spec[1:]) % value
    return go_text(value)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "json": _json,
    "split": lambda s, sep: str(s).split(sep),
    "join": lambda items, sep: sep.join(go_text(i) for i in items or ()),
    "title": lambda s: re.sub(r"(?<![\w'])\w", lambda m: m.group().upper(), str(s)),
    "lower": lambda s: str(s).lower(),
    "upper": lambda s: str(s).upper(),
    "pad": lambda s, before, after: f"{' ' * int(before)}{s}{' ' * int(after)}" if s else s,
    "truncate": lambda s, n: str(s)[:int(n)],
    "index": lambda item, *keys: _index(item, keys),
    "len": lambda item: len(item.as_json() if isinstance(item, Fields) else item),
    "printf": _printf,
    "print": lambda *args: " ".join(go_text(a) for a in args),
    "println": lambda *args: " ".join(go_text(a) for a in args) + "\n",
    "eq": lambda a, *bs: any(a == b for b in bs),
    "ne": lambda a, b: a != b,
    "not": lambda a: not _truth(a),
    "and": lambda *args: next((a for a in args if not _truth(a)), args[-1]),
    "or": lambda *args: next((a for a in args if _truth(a)), args[-1]),
}
HEADER_FUNCTIONS: dict[str, Callable[..., Any]] = {  # a table's header row: each function gives its text back
    **FUNCTIONS, **{name: (lambda v, *rest: v) for name in ("json", "split", "join", "title", "lower", "upper",
                                                             "truncate", "pad")},
}


def _index(item: Any, keys: tuple[Any, ...]) -> Any:
    for key in keys:
        if isinstance(item, Fields):
            item = item.get(str(key), [])
        elif isinstance(item, dict):
            item = item.get(key)
        elif isinstance(item, list | tuple) and isinstance(key, int):
            item = item[key] if -len(item) <= key < len(item) else None
        else:
            raise TemplateError(f"can't index {go_text(item)!r} with {key!r}")
    return item


class _Runner:
    def __init__(self, functions: Mapping[str, Callable[..., Any]]) -> None:
        self.functions = functions

    def nodes(self, nodes: tuple[_Node, ...], dot: Any, out: list[str]) -> None:
        for node in nodes:
            if node.kind == "text":
                out.append(node.value)
            elif node.kind == "action":
                out.append(go_text(self.pipeline(node.value, dot)))
            elif node.kind == "if":
                self.nodes(node.body if _truth(self.pipeline(node.value, dot)) else node.other, dot, out)
            else:
                items = self.pipeline(node.value, dot)
                seq = list(items.values() if isinstance(items, dict) else items or ())
                if not seq:
                    self.nodes(node.other, dot, out)
                for item in seq:
                    self.nodes(node.body, item, out)

    def pipeline(self, commands: list[list[Any]], dot: Any) -> Any:
        value: Any = None
        for i, command in enumerate(commands):
            value = self.command(command, dot, [value] if i else [])
        return value

    def command(self, operands: list[Any], dot: Any, piped: list[Any]) -> Any:
        (kind, text), rest = operands[0], operands[1:]
        args = [self.operand(op, dot) for op in rest] + piped
        if kind == "name":
            if text in ("true", "false", "nil"):
                return {"true": True, "false": False, "nil": None}[text]
            fn = self.functions.get(text)
            if fn is None:
                raise TemplateError(f'function "{text}" not defined: use {", ".join(sorted(FUNCTIONS))}')
            try:
                return fn(*args)
            except TypeError:
                raise TemplateError(f"wrong number of args for {text}") from None
        if kind == "field":
            return self.field(text, dot, args)
        if args:
            raise TemplateError(f"{text} takes no arguments")
        return self.operand((kind, text), dot)

    def operand(self, op: tuple[str, Any], dot: Any) -> Any:
        kind, text = op
        if kind == "str":
            return json.loads(text) if text.startswith('"') else text[1:-1]
        if kind == "num":
            return float(text) if "." in text else int(text)
        if kind == "field":
            return self.field(text, dot, [])
        if kind == "pipe":
            return self.pipeline(text, dot)
        return self.command([op], dot, [])

    @staticmethod
    def field(path: str, dot: Any, args: list[Any]) -> Any:
        if path == ".":
            return dot
        names = path[1:].split(".")
        value = dot
        for i, name in enumerate(names):
            last = i == len(names) - 1
            if isinstance(value, Fields):
                value = value.get(name, args if last else [])
            elif isinstance(value, dict):
                value = value.get(name)
            elif value is None:
                return None
            else:
                raise TemplateError(f"can't evaluate field {name} in type {type(value).__name__}")
        return value


def render(template: tuple[_Node, ...], dot: Any, functions: Mapping[str, Callable[..., Any]] = FUNCTIONS) -> str:
    """The template run on ``dot``."""
    out: list[str] = []
    _Runner(functions).nodes(template, dot, out)
    return "".join(out)


def prepare(source: str) -> tuple[bool, str]:
    """Whether ``source`` is a ``table`` format, and its template text as docker runs it (``\\t`` and ``\\n`` typed
    as two characters made tab and newline, the ``table`` word and outer blanks gone)."""
    table = source.startswith(TABLE)
    text = (source[len(TABLE):] if table else source).strip(" ")
    return table, text.replace("\\t", "\t").replace("\\n", "\n")


def tabwrite(text: str, minwidth: int = 10, padding: int = 3) -> str:
    """Go's ``tabwriter.NewWriter(out, 10, 1, 3, ' ', 0)`` as docker aligns a ``table`` format: a cell ended by a
    tab is padded to its column's widest cell plus ``padding`` (at least ``minwidth``), column by column over the
    consecutive lines that have it."""
    lines = [line.split("\t") for line in text.split("\n")]
    widths: list[list[int]] = [[0] * (len(cells) - 1) for cells in lines]
    _widths(lines, widths, 0, 0, len(lines), minwidth, padding)
    return "\n".join("".join(cell.ljust(widths[i][j]) if j < len(widths[i]) else cell
                             for j, cell in enumerate(cells)) for i, cells in enumerate(lines))


def _widths(lines: list[list[str]], widths: list[list[int]], column: int, start: int, end: int, minwidth: int,
            padding: int) -> None:
    """Go's tabwriter.format: a block of consecutive lines with a cell in ``column`` gets one width."""
    line = start
    while line < end:
        if len(lines[line]) - 1 <= column:
            line += 1
            continue
        block = line
        width = minwidth
        while line < end and len(lines[line]) - 1 > column:
            width = max(width, len(lines[line][column]) + padding)
            line += 1
        for i in range(block, line):
            widths[i][column] = width
        _widths(lines, widths, column + 1, block, line, minwidth, padding)


def format_rows(source: str, rows: list[Fields], header: Mapping[str, str] | None = None) -> str:
    """The text ``docker ... --format SOURCE`` prints for ``rows`` (without the last newline): one run of the
    template per row; a ``table`` format gets a header row (the fields' headers) and aligned columns."""
    table, text = prepare(source)
    template = parse(text)
    lines = [render(template, row) for row in rows]
    if not table:
        return "\n".join(lines)
    names = header if header is not None else (rows[0].header if rows else {})
    head = render(template, HeaderFields({}, names, ()), HEADER_FUNCTIONS)
    return tabwrite("\n".join([head, *lines]))
