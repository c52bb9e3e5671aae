"""``ContainerStats`` samples as figures: CPU %, memory, net and block I/O, PIDs, computed as docker does."""

from __future__ import annotations

from typing import Any

_BINARY = ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB")
_DECIMAL = ("B", "kB", "MB", "GB", "TB", "PB", "EB")
SAMPLE_KEYS = frozenset({"id", "name", "cpu_percent", "mem_usage", "mem_limit", "read"})
"""Keys every summary has: how a kept stats result is told from other data."""


def _size(value: float, base: float, units: tuple[str, ...], digits: int) -> str:
    unit = 0
    while value >= base and unit < len(units) - 1:
        value /= base
        unit += 1
    return f"{value:.{digits}g}{units[unit]}"


def binary_size(value: float) -> str:
    """Memory like docker: ``1.5MiB``."""
    return _size(value, 1024.0, _BINARY, 4)


def decimal_size(value: float) -> str:
    """Traffic like docker: ``1.2kB``."""
    return _size(value, 1000.0, _DECIMAL, 3)


def cpu_percent(stats: dict[str, Any]) -> float:
    """CPU use since the previous sample, in % of one CPU (like docker: up to 100 × CPUs)."""
    cpu, pre = stats.get("cpu_stats") or {}, stats.get("precpu_stats") or {}
    cpu_delta = (cpu.get("cpu_usage") or {}).get("total_usage", 0) - (pre.get("cpu_usage") or {}).get("total_usage", 0)
    system_delta = (cpu.get("system_cpu_usage") or 0) - (pre.get("system_cpu_usage") or 0)
    cpus = cpu.get("online_cpus") or len((cpu.get("cpu_usage") or {}).get("percpu_usage") or []) or 1
    if system_delta > 0 and cpu_delta > 0:
        return float(cpu_delta / system_delta * cpus * 100.0)
    return 0.0


def memory(stats: dict[str, Any]) -> tuple[float, float]:
    """(usage without the page cache, limit) in bytes, as docker computes them (cgroup v1 and v2)."""
    mem = stats.get("memory_stats") or {}
    usage, detail = mem.get("usage") or 0, mem.get("stats") or {}
    cache = detail.get("total_inactive_file", detail.get("inactive_file", 0))
    return float(usage - cache if cache < usage else usage), float(mem.get("limit") or 0)


def summary(stats: dict[str, Any]) -> dict[str, Any]:
    """The figures of one raw sample, as a flat dict (one row of a kept stats result)."""
    used, limit = memory(stats)
    nets = (stats.get("networks") or {}).values()
    blkio = (stats.get("blkio_stats") or {}).get("io_service_bytes_recursive") or []
    return {
        "id": stats.get("id", ""), "name": str(stats.get("name", "")).lstrip("/"),
        "cpu_percent": round(cpu_percent(stats), 2), "mem_usage": used, "mem_limit": limit,
        "mem_percent": round(used / limit * 100.0, 2) if limit else 0.0,
        "net_rx": sum(n.get("rx_bytes", 0) for n in nets), "net_tx": sum(n.get("tx_bytes", 0) for n in nets),
        "block_read": sum(e.get("value", 0) for e in blkio if str(e.get("op")).lower() == "read"),
        "block_write": sum(e.get("value", 0) for e in blkio if str(e.get("op")).lower() == "write"),
        "pids": (stats.get("pids_stats") or {}).get("current", 0), "read": stats.get("read"),
    }


def is_raw(value: Any) -> bool:
    """True for a sample as the daemon sends it (``ContainerStats`` with ``stream=false``)."""
    return isinstance(value, dict) and "cpu_stats" in value and "memory_stats" in value


def samples(data: Any) -> list[dict[str, Any]] | None:
    """The summaries in a stats result: a kept pane's samples, or raw samples summarized; None for other data."""
    values = data if isinstance(data, list) else [data]
    if values and all(isinstance(v, dict) and v.keys() >= SAMPLE_KEYS for v in values):
        return list(values)
    if values and all(is_raw(v) for v in values):
        return [summary(v) for v in values]
    return None
