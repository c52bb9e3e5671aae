"""``docker node inspect --pretty``: a node as the docker CLI's prose report (cli/command/node/formatter.go's
nodeInspectPrettyTemplate, tabs and all). Pure: the node's data in, the text out."""

from __future__ import annotations

from typing import Any


def _pretty(value: Any) -> str:
    """docker's command.PrettyPrint: the first letter upper-case, the rest lower-case."""
    text = str(value or "")
    return text.lower() if len(text) < 2 else text[0].upper() + text[1:].lower()


def _labels(labels: Any) -> list[str]:
    return [f" - {k}{'=' + str(v) if v else ''}" for k, v in sorted((labels or {}).items())]


def node_pretty(node: dict[str, Any]) -> str:
    """One node's report, without the last newline."""
    from dshell.explorer._fields import go_rfc3339_time
    from dshell.explorer._stats import binary_size

    spec, desc, status = node.get("Spec") or {}, node.get("Description") or {}, node.get("Status") or {}
    lines = [f"ID:\t\t\t{node.get('ID', '')}"]
    if spec.get("Name"):
        lines.append(f"Name:\t\t\t{spec['Name']}")
    if spec.get("Labels"):
        lines += ["Labels:", *_labels(spec["Labels"])]
    lines += [f"Hostname:              \t{desc.get('Hostname', '')}",
              f"Joined at:             \t{_pretty(go_rfc3339_time(node.get('CreatedAt')))}",
              "Status:", f" State:\t\t\t{_pretty(status.get('State'))}"]
    if status.get("Message"):
        lines.append(f" Message:              \t{_pretty(status['Message'])}")
    lines.append(f" Availability:         \t{_pretty(spec.get('Availability'))}")
    if status.get("Addr"):
        lines.append(f" Address:\t\t{status['Addr']}")
    manager = node.get("ManagerStatus")
    if manager:
        lines += ["Manager Status:", f" Address:\t\t{manager.get('Addr', '')}",
                  f" Raft Status:\t\t{_pretty(manager.get('Reachability'))}",
                  f" Leader:\t\t{'Yes' if manager.get('Leader') else 'No'}"]
    platform, resources = desc.get("Platform") or {}, desc.get("Resources") or {}
    memory = int(resources.get("MemoryBytes") or 0)
    lines += ["Platform:", f" Operating System:\t{platform.get('OS', '')}",
              f" Architecture:\t\t{platform.get('Architecture', '')}", "Resources:",
              f" CPUs:\t\t\t{int(resources.get('NanoCPUs') or 0) // 10**9}",
              f" Memory:\t\t{binary_size(memory) if memory else ''}"]
    engine = desc.get("Engine") or {}
    plugins: dict[str, list[str]] = {}
    for plugin in engine.get("Plugins") or ():
        plugins.setdefault(str(plugin.get("Type")), []).append(str(plugin.get("Name")))
    if plugins:
        lines += ["Plugins:", *(f" {kind}:\t\t{', '.join(names)}" for kind, names in sorted(plugins.items()))]
    lines.append(f"Engine Version:\t\t{engine.get('EngineVersion', '')}")
    if engine.get("Labels"):
        lines += ["Engine Labels:", *_labels(engine["Labels"])]
    tls = desc.get("TLSInfo") or {}
    if any(tls.values()):
        lines += ["TLS Info:", " TrustRoot:", str(tls.get("TrustRoot") or ""),
                  f" Issuer Subject:\t{tls.get('CertIssuerSubject') or ''}",
                  f" Issuer Public Key:\t{tls.get('CertIssuerPublicKey') or ''}"]
    return "\n".join(lines)
