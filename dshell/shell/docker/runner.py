"""Run a docker command's plan on the session's endpoint and say what docker would print: its calls (one per
target, concurrently), each kept as a numbered result whose data is the API's, then the output in docker's words
(tables and ``--format`` by the explorer's docker formatter, each target's name as it succeeds, one line per failure
as docker's client words it)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from dshell.explorer._fields import natural_key

from ..reply import Reply
from .plan import Call, Plan, PlanError, plan
from .progress import progress, reference_of
from .views import ID_KEYS, VIEWS, inspect_text, message, stderr_note, text_body

if TYPE_CHECKING:
    from dshell.client import Client, Outcome
    from dshell.explorer import Result

    from ..commands.streams import Stream
    from ..session import Session
    from ..worker import Runner

T = TypeVar("T")
RETRIES = 5
"""Reads and writes of a service or node spec when the daemon says it changed in between (out of sequence)."""
CONCURRENCY = 8
"""Targets called at once (docker's own parallel operations are unbounded; a daemon copes with 8 well)."""
_INSPECT_OPS = ("ContainerInspect", "ImageInspect", "NetworkInspect", "VolumeInspect")
_KIND = {"ContainerInspect": "container", "ImageInspect": "image", "NetworkInspect": "network",
         "VolumeInspect": "volume"}


def run_words(session: Session, words: list[str], run: Runner, subs: tuple[str, ...] = ()) -> Reply:
    """``ps -a``, ``rm -f a b``... typed at the prompt, in ``dshell -c`` or ``%docker``; a result (``_12``,
    ``_12[].Id``) or a ``$(docker command)`` among the words stands for the targets it holds."""
    try:
        expanded: list[str] = []
        for word in words:
            if (m := _SUB_WORD.fullmatch(word)) is not None and int(m.group(1)) < len(subs):
                expanded += _output_words(session, subs[int(m.group(1))], run)
            else:
                expanded += _result_words(session, word)
        return execute(session, plan(expanded), run)
    except PlanError as exc:
        return Reply(error=str(exc))


_SUB_WORD = re.compile(r"\$\((\d+)\)")


def _output_words(session: Session, inner: str, run: Runner) -> list[str]:
    """The lines a docker command prints (``$(ps -aq -f label=x)``), each a word; PlanError if it failed."""
    import shlex

    reply = run_words(session, shlex.split(inner), run)
    if reply.error:
        raise PlanError(f"$({inner}): {reply.error.splitlines()[0]}")
    return str(reply.body or "").split()


def _result_words(session: Session, word: str) -> list[str]:
    """A result reference as the targets it holds: names or ids (a list's items, an object's Id/ID/Name); any
    other word as it is."""
    from dshell.explorer import REF_RE, parse_ref

    if not REF_RE.fullmatch(word) or session.history is None:
        return [word]
    value = session.resolve(parse_ref(word))
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if isinstance(item, dict):
            item = next((item[k] for k in ID_KEYS if k in item), None)
        if isinstance(item, list):  # Names: ["/web"]
            item = item[0] if item else None
        if isinstance(item, str) and item:
            out.append(item.lstrip("/"))
        elif item is not None:
            raise PlanError(f"{word}: {str(item)[:40]!r} is no name or id: name a path to them, e.g. {word}[].Id")
    return out


def execute(session: Session, p: Plan, run: Runner) -> Reply:
    """Run ``p``: ask first when docker asks, call, keep the results, print as docker does."""
    command = p.command
    if command.view == "stream" or p.options.get("follow"):  # a pane (dshell -c prints it as it comes)
        from ..commands import runner_of

        followed = _followed(p)
        return runner_of(followed)(session, followed, run)
    if p.options.get("attach"):  # start -a: docker's attach, then start, its output, its exit code
        return _start_attached(session, p)
    if command.runs is not None:  # dshell's own command, its value's fields the table's params in order
        from ..commands import find as find_command

        decl = find_command(command.runs)
        assert decl is not None, command.runs
        value = decl.value(*p.calls[0].params.values())
        return decl.run(session, value, run)
    if command.op == "create":
        from ..workflows.run import api_version, create_params, parse_run

        params = create_params(parse_run(list(p.words)), api_version(session))
        params["body"].pop("AttachStdout", None)
        params["body"].pop("AttachStderr", None)
        p = Plan(command, (Call("ContainerCreate", params),), p.options)
    if command.name == "system prune" and p.options.get("volumes") and any(
            "until" in (c.params.get("filters") or {}) for c in p.calls):
        return Reply(error='ERROR: The "until" filter is not supported with "--volumes"')
    if command.name in ("volume prune", "system prune"):
        p = _volume_prune(session, p)
    if p.options.get("tree"):
        p = _image_tree(session, p)
    question = _question(p)
    if question is not None and not p.options.get("force"):
        ask = getattr(session, "ask", None)
        if ask is None:
            return Reply(error=f"docker {command.name} asks before it removes anything; add -f (--force) to run it "
                               "here")
        if not ask(question):
            return Reply()
    if command.view == "file" and not p.options.get("output"):
        return Reply(error=f"docker {command.name} writes a tar: add -o FILE (dshell keeps results, it does not print "
                           "a tar on the terminal)")
    if command.name in ("load", "image load") and not any("imagesTarball" in c.params for c in p.calls):
        return Reply(error=f"docker {command.name} reads a tar: add -i FILE")
    calls = _calls(p)
    if command.view in ("version", "info"):  # dshell is the client: its facts beside the server's
        p = Plan(command, p.calls, {**p.options, "client": _client_facts(session)})
    if command.op == "inspect":
        return _inspect_any(session, p, run)
    c = session.require_client()
    if command.changes_spec:
        return _read_modify_write(session, p, calls, run)
    if command.op == "ContainerStats" and not calls:  # stats: every running container (-a: every one)
        calls = run(lambda: _every_container(c, bool(p.options.get("all")), calls))
    calls = _named_bodies(session, calls)
    if command.view == "progress" and len(calls) == 1:
        return progress(session, calls[0].op, calls[0].params, p.quiet, reference_of(calls[0]))
    outcomes = run(lambda: _call_all(c, calls))
    calls = calls[:len(outcomes)]  # a command's ops stop at the first that failed
    results = [session.store(call.op, call.params, outcome) for call, outcome in zip(calls, outcomes, strict=True)]
    _refresh(session, calls)
    return _show(p, calls, results)


def _start_attached(session: Session, p: Plan) -> Reply:
    """``start -a NAME`` as docker runs it: attached first (nothing it prints is lost), then started; its output
    relayed until it exits (stdin too with ``-i`` when the container keeps it open); its exit code the status."""
    import dshell.client as docker

    from ..attach import run as attach
    from ..targets import Target

    if len(p.calls) != 1:
        return Reply(error="you cannot start and attach multiple containers at once")
    call = p.calls[0]
    c = session.require_client()
    kept: list[Any] = []

    def start() -> None:
        kept.append(session.store(call.op, call.params, started := docker.call(c, {"op": call.op,
                                                                                    "params": call.params})))
        if not started.ok and started.status != 304:  # 304: it was running already, as docker takes it
            raise docker.DshellError(message(kept[-1]))

    outcome = attach(c, Target("attach", str(call.target), detach_keys=call.params.get("detachKeys")), start=start,
                     condition="next-exit")
    result = session.keep("start", {"id": call.target, "attach": True}, outcome.as_dict(), status=200,
                          elapsed=0.0, error=outcome.error, endpoint=c.uri)
    if outcome.error:
        return Reply(error=f"Error: No such container: {call.target}" if "No such container" in outcome.error
                     else f"Error response from daemon: {outcome.error}", result=result)
    return Reply(result=result, status=outcome.exit_code or 0)


def _volume_prune(session: Session, p: Plan) -> Plan:
    """``volume prune`` (and ``system prune --volumes``) by the API version, as the docker CLI: from 1.42 ``-a`` is
    the ``all`` filter (anonymous volumes only without it); before, every unused volume goes and there is no
    ``all`` to ask for. The question says which."""
    from dshell.client import version_key

    filters = p.calls[0].params.get("filters") or {}
    if p.command.name == "system prune":
        anonymous = p.options.get("volumes") and version_key(session.require_client().api_version) >= (1, 42)
        return Plan(p.command, p.calls, {**p.options, "volumes": "anonymous"}) if anonymous else p
    if version_key(session.require_client().api_version) >= (1, 42):
        return p
    if "all" in filters:
        raise PlanError(f"docker volume prune: -a/--all needs API 1.42 or newer; this engine speaks "
                        f"{session.require_client().api_version}, where every unused volume goes without it")
    return Plan(p.command, p.calls, {**p.options, "all": True})  # the question says what really goes


def _image_tree(session: Session, p: Plan) -> Plan:
    """``images --tree``: ImageList with its manifests (API 1.47+), shown as the CLI's tree."""
    from dshell.client import version_key

    version = session.require_client().api_version
    if version_key(version) < (1, 47):
        raise PlanError(f"docker images --tree needs API 1.47 or newer (this engine speaks {version})")
    if p.quiet or p.format or p.options.get("digests"):
        raise PlanError("docker images: --tree cannot be used with --quiet, --format or --digests")
    return Plan(p.command, tuple(Call(c.op, {**c.params, "manifests": True}) for c in p.calls), p.options)


def _followed(p: Plan) -> Stream:
    """The pane command (``command.stream``: logs, events) of a followed ``logs -f`` or ``system events``: the plan's
    typed params as its call."""
    from ..commands.streams import Stream
    from ..grammar import OpCall

    verb = p.command.stream or "logs"
    if verb == "events":  # its title says the filters and times as docker's flags
        params = p.calls[0].params
        words = [f"--{k}={v}" for k, v in params.items() if k != "filters"]
        words += [f"--filter={k}={v}" for k, values in (params.get("filters") or {}).items() for v in values]
        return Stream(verb, tuple(words), OpCall("SystemEvents", params))
    params = dict(p.calls[0].params)  # several containers: one pane, each line after its name
    params.pop("id")
    names = tuple(str(call.params["id"]) for call in p.calls)
    call = OpCall("ContainerLogs", {**params, "follow": True}, names)
    return Stream(verb, ("-f", *names), call, rest=names)


def op_question(session: Session, op: str, params: dict[str, Any]) -> str | None:
    """The question docker asks before the prune ``op`` (ContainerPrune, VolumePrune, ...) with ``params`` (by the
    command table, and for volumes by the API version, as ``volume prune`` asks); None for an op docker does not
    ask about."""
    from .table import commands

    command = next((c for c in commands().values() if c.op == op and c.confirm), None)
    if command is None:
        return None
    p = Plan(command, (Call(op, params),), {"all": True} if params.get("all") else {})
    if command.name == "volume prune":
        try:
            p = _volume_prune(session, p)
        except PlanError:  # the all filter before 1.42: the daemon says what it makes of it
            return command.confirm_all
    return _question(p)


def _question(p: Plan) -> str | None:
    command = p.command
    if command.confirm is None:
        return None
    if command.name == "system prune":  # its template (cli/command/system/prune.go), filters listed
        every = bool(p.options.get("all"))
        volumes = {"anonymous": ["all anonymous volumes not used by at least one container"], None: []}.get(
            p.options.get("volumes"), ["all volumes not used by at least one container"])
        warnings = ["all stopped containers", "all networks not used by at least one container", *volumes,
                    "all images without at least one container associated to them" if every else "all dangling images",
                    "all build cache" if every else "all dangling build cache"]
        given = (p.calls[0].params.get("filters") or {}) if p.calls else {}
        shown = sorted((f"{name}={value}" for name in ("label", "label!", "until") for value in given.get(name, [])),
                       key=natural_key)
        filters = "".join(["\n  Items to be pruned will be filtered with:", *(f"\n  - {f}" for f in shown), "\n"]) \
            if shown else ""
        return command.confirm.replace("{warnings}", "\n".join(f"  - {w}" for w in warnings)).replace(
            "{filters}", filters)
    every = p.options.get("all") or any(c.params.get("all") or c.params.get("filters", {}).get("dangling") == ["false"]
                                        or c.params.get("filters", {}).get("all") == ["true"] for c in p.calls)
    return command.confirm_all if every and command.confirm_all else command.confirm


def _calls(p: Plan) -> tuple[Call, ...]:
    """The calls, with what the options add: system prune's volumes and its -a; ps's size for a format using it."""
    calls = list(p.calls)
    if p.command.name == "system prune":
        filters = calls[0].params.get("filters") if calls else None
        ops = ["ContainerPrune", "NetworkPrune", *(["VolumePrune"] if p.options.get("volumes") else []),
               "ImagePrune", "BuildPrune"]
        calls = []
        for op in ops:
            params: dict[str, Any] = {"filters": dict(filters)} if filters else {}
            if op == "ImagePrune" and p.options.get("all"):
                params.setdefault("filters", {})["dangling"] = ["false"]
            if op == "BuildPrune" and p.options.get("all"):
                params["all"] = True
            calls.append(Call(op, params))
    calls = [Call(c.op, _local_files(c.params), c.target) for c in calls]
    if p.command.op == "ContainerList" and p.format and ("Size" in p.format or _json_all(p.format)):
        calls = [Call(c.op, {**c.params, "size": True}, c.target) for c in calls]
    return tuple(calls)


def _read_modify_write(session: Session, p: Plan, calls: tuple[Call, ...], run: Runner) -> Reply:
    """service update / service scale / node update: each object's spec read, changed, sent back with its
    version, concurrently; each name said as docker says it (``web scaled to 3``)."""
    import dshell.client as docker

    from .update import changed, scale_target, scaled

    c = session.require_client()
    node = p.command.name == "node update"
    kind, inspect = ("node", "NodeInspect") if node else ("service", "ServiceInspect")
    wanted = [scale_target(call.target or "") if p.command.name == "service scale" else (call.params["id"], None)
              for call in calls]

    def one(call: Call, name: str, replicas: int | None) -> tuple[list[Any], str | None]:
        for _ in range(RETRIES):  # the object changed between read and write (a task's state): read it again
            done = attempt(call, name, replicas)
            if done[1] is None or "update out of sequence" not in done[1]:
                return done
        return done

    def attempt(call: Call, name: str, replicas: int | None) -> tuple[list[Any], str | None]:
        found = docker.call(c, {"op": inspect, "params": {"id": name}})
        if not found.ok:
            return [(inspect, {"id": name}, found)], _said(kind, name, found)
        spec = found.data.get("Spec") or {}
        try:
            body = scaled(spec, name, replicas) if replicas is not None else changed(
                spec, call.params, bool(p.options.get("force")), node, p.command.defaults)
        except PlanError as exc:
            return [(inspect, {"id": name}, found)], str(exc)
        params = {"id": name, "version": (found.data.get("Version") or {}).get("Index"), "body": body}
        sent = docker.call(c, {"op": call.op, "params": params})
        return [(inspect, {"id": name}, found), (call.op, params, sent)], None if sent.ok else _said(kind, name, sent)

    def all_of() -> list[tuple[list[Any], str | None]]:
        return concurrently(lambda pair: one(*pair), [(call, *w) for call, w in zip(calls, wanted, strict=True)])

    done = run(all_of)
    lines, errors, last = [], [], None
    for (name, replicas), (outcomes, error) in zip(wanted, done, strict=True):
        for op, params, outcome in outcomes:
            last = session.store(op, params, outcome)
        if error is not None:
            errors.append(error)
        else:
            lines.append(f"{name} scaled to {replicas}" if replicas is not None else name)
    return Reply(text_body(lines), error="\n".join(errors) or None, result=last)


def _said(kind: str, name: str, outcome: Outcome) -> str:
    data = outcome.data
    text = str(data.get("message")) if isinstance(data, dict) and data.get("message") else str(outcome.status)
    if outcome.status == 404:
        return f"Error: No such {kind}: {name}"
    return f"Error response from daemon: {text}"


def _every_container(c: Client, every: bool, calls: tuple[Call, ...]) -> tuple[Call, ...]:
    """One stats call per container ContainerList names (running ones, or all), as docker stats does."""
    import dshell.client as docker

    listed = docker.call(c, {"op": "ContainerList", "params": {"all": every}})
    rows = listed.data if listed.ok and isinstance(listed.data, list) else []
    return tuple(Call("ContainerStats", {"id": row["Id"], "stream": False}, str(row["Id"])[:12]) for row in rows
                 if isinstance(row, dict) and "Id" in row)


def _named_bodies(session: Session, calls: tuple[Call, ...]) -> tuple[Call, ...]:
    """The calls as the ops' specs name and type their params: the table's ``body`` under the op's body param
    name (VolumeCreate's ``volumeConfig``), a time in whole seconds where the param is an integer (ContainerLogs'
    ``since``)."""
    spec = session.spec_index
    out = []
    me: list[str] = []
    for call in calls:
        if call.op.startswith("Node") and call.params.get("id") == "self":  # docker's name for this node
            me = me or [_own_node(session)]
            call = Call(call.op, {**call.params, "id": me[0]}, call.target)
        op = spec.ops.get(call.op) if spec is not None else None
        if op is None:
            out.append(call)
            continue
        params = dict(call.params)
        body = op.body_param
        if "body" in params and body is not None and body.name != "body":
            params[body.name] = params.pop("body")
        for name in ("since", "until"):
            param = op.params.get(name)
            if isinstance(params.get(name), str) and param is not None and param.type == "integer":
                params[name] = int(float(params[name]))
        out.append(Call(call.op, params, call.target))
    return tuple(out)


def _client_facts(session: Session) -> dict[str, Any]:
    import dshell.client as docker

    from .about import client_facts

    return client_facts(session.here or "default", session.require_client().api_version, docker.NEWEST)


def _own_node(session: Session) -> str:
    """The swarm node ID of the daemon (docker's ``self``); PlanError when it is in no swarm."""
    import dshell.client as docker

    info = docker.call(session.require_client(), {"op": "SystemInfo"})
    node = ((info.data or {}).get("Swarm") or {}).get("NodeID") if info.ok else None
    if not node:
        raise PlanError("self: this daemon is not a swarm node (docker swarm init or join first)")
    return str(node)


def _local_files(params: dict[str, Any]) -> dict[str, Any]:
    """An image tar named by load's -i or import's FILE as the local file it names (streamed as the body)."""
    from pathlib import Path

    out = dict(params)
    body = out.get("body")
    if isinstance(body, dict) and isinstance(body.get("Data"), str):  # secret/config create NAME FILE
        out["body"] = {**body, "Data": _file_data(body["Data"])}
    for key in ("imagesTarball", "inputImage"):
        if isinstance(out.get(key), str):
            if out[key] == "-":
                raise PlanError(f"{key}: a tar on stdin is not read here: name the file")
            out[key] = Path(out[key]).expanduser()
    return out


def _file_data(name: str) -> str:
    """A secret's or config's file (``-``: stdin) as the API takes it: base64."""
    import base64
    import sys
    from pathlib import Path

    try:
        raw = sys.stdin.buffer.read() if name == "-" else Path(name).expanduser().read_bytes()
    except OSError as exc:
        raise PlanError(f"{name}: {exc.strerror or exc}") from None
    return base64.b64encode(raw).decode()


def _json_all(source: str) -> bool:
    return source == "json" or "json ." in source.replace("json .}", "json .")


def _call_all(c: Client, calls: tuple[Call, ...]) -> list[Outcome]:
    """Each call's outcome, in order: one per target concurrently; the ops of one command (system prune's) one
    after the other, as docker runs them, stopping at the first that fails (the daemon runs one prune at a time)."""
    import dshell.client as docker

    from ..calls import LOG_READS, marked_logs

    def one(call: Call) -> Outcome:
        if call.op in LOG_READS:  # stderr lines marked in the result, as in a pane
            return marked_logs(c, call.op, call.params)
        return docker.call(c, {"op": call.op, "params": call.params})

    if any(call.target is not None for call in calls):
        return concurrently(one, calls)
    done: list[Outcome] = []
    for call in calls:
        done.append(one(call))
        if not done[-1].ok:
            break
    return done


def concurrently(fn: Callable[[Any], T], items: Sequence[Any]) -> list[T]:
    """``fn`` of each item, in order: in this thread for one, else at most CONCURRENCY at once (the thread pool is
    loaded only then: a single call's start-up does not pay for it)."""
    if len(items) <= 1:
        return [fn(item) for item in items]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(min(CONCURRENCY, len(items))) as pool:
        return list(pool.map(fn, items))


def _refresh(session: Session, calls: tuple[Call, ...]) -> None:
    from ..completion.live import CHANGES

    spec = session.spec_index
    categories = {spec.ops[c.op].category for c in calls if spec is not None and c.op in spec.ops
                  and spec.ops[c.op].method != "GET"}
    changed = [CHANGES[cat] for cat in categories if cat in CHANGES]
    if changed:
        session.live_here().refresh(changed)


def failure(p: Plan, call: Call, result: Result) -> str:
    """A failed call in docker's words: ``Error: No such container: web`` for a missing object of a command whose
    client says so, else ``Error response from daemon: MESSAGE``."""
    said = message(result)
    target = call.target or call.params.get("id") or call.params.get("name")
    if result.status == 404 and p.command.missing and target is not None:
        return f"Error: No such {p.command.missing}: {target}"
    return f"Error response from daemon: {said}"


def _show(p: Plan, calls: tuple[Call, ...], results: list[Result]) -> Reply:
    pairs = list(zip(calls, results, strict=True))
    said = [failure(p, c, r) for c, r in pairs if r.failed and _forgiven(p, c, r)]
    errors = [failure(p, c, r) for c, r in pairs if r.failed and not _forgiven(p, c, r)]
    ok = [(c, r) for c, r in pairs if not r.failed]
    last = results[-1] if results else None
    view = VIEWS.get(p.command.view, VIEWS["table"])
    try:
        body = view(p, ok)
    except ValueError as exc:  # a template this evaluator cannot run: one line, as docker says it
        return Reply(error=f"template parsing error: {exc}", result=last)
    if said:  # docker rm -f: a missing container is said and the command still succeeds
        body = text_body(([str(body)] if body is not None else []) + said)
    if errors and p.command.all_or_nothing:
        body = None
    return Reply(body, error="\n".join(errors) or None, result=last, note=stderr_note(p, ok))


def _forgiven(p: Plan, call: Call, result: Result) -> bool:
    return p.command.forced_missing and result.status == 404 and bool(call.params.get("force"))


def _inspect_any(session: Session, p: Plan, run: Runner) -> Reply:
    """``docker inspect NAME...``: each name looked up as a container, then an image, a network, a volume (or
    the one ``--type`` names), as the docker CLI does; a name found nowhere is ``Error: No such object: NAME``."""
    import dshell.client as docker

    c = session.require_client()
    kind = p.calls[0].params.get("type") if p.calls else None
    ops = [op for op in _INSPECT_OPS if kind is None or _KIND[op] == kind]
    if not ops:
        return Reply(error=f'"{kind}" is not a valid value for --type: use container, image, network or volume')

    def find(call: Call) -> tuple[str, Outcome] | None:
        for op in ops:
            params: dict[str, Any] = {("name" if op in ("ImageInspect", "VolumeInspect") else "id"): call.target}
            if op == "ContainerInspect" and call.params.get("size"):
                params["size"] = True
            outcome = docker.call(c, {"op": op, "params": params})
            if outcome.ok:
                return op, outcome
        return None

    def all_of() -> list[tuple[str, Outcome] | None]:
        return concurrently(find, p.calls)

    found = run(all_of)
    objects: list[Any] = []
    errors: list[str] = []
    last: Result | None = None
    for call, hit in zip(p.calls, found, strict=True):
        if hit is None:
            errors.append(f"Error: No such object: {call.target}")
            continue
        op, outcome = hit
        last = session.store(op, {"id": call.target}, outcome)
        objects.append(outcome.data)
    try:
        body = inspect_text(p, objects)
    except ValueError as exc:
        return Reply(error=f"template parsing error: {exc}", result=last)
    if not objects and not p.format:
        body = text_body(["[]"])
    return Reply(body, error="\n".join(errors) or None, result=last)

