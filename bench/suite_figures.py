"""The suite's verdicts and table: every figure against its target, pure (no I/O).

A check reads one number from a phase's figures (a path of keys), compares it with the issue's
target, and says met, missed or not measured. Checks without a target are shown for context
(the baselines' own figures and ratios).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

PHASES = ("kafka_tools", "mapping", "ingest", "end_to_end", "catch_up", "scaling", "memory")


def rounded(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def share(ours: float | None, baseline: float | None) -> float | None:
    """``ours`` as a multiple of ``baseline`` (None when either is missing or zero)."""
    if ours is None or not baseline:
        return None
    return round(ours / baseline, 2)


@dataclass(frozen=True)
class Check:
    """One figure of the report: where it is, its unit, and its target if it has one."""

    name: str
    phase: str
    path: tuple[str, ...]
    unit: str
    at_least: float | None = None
    at_most: float | None = None

    @property
    def target(self) -> str:
        if self.at_least is not None:
            return f">= {self.at_least:g}"
        if self.at_most is not None:
            return f"<= {self.at_most:g}"
        return ""


CHECKS: tuple[Check, ...] = (
    Check("B0 kafka producer perf (acks=all)", "kafka_tools", ("producer", "per_s"), "rec/s"),
    Check("B0 kafka consumer perf", "kafka_tools", ("consumer", "fetch_per_s"), "rec/s"),
    Check("B1 aiokafka pass-through", "mapping", ("b1_pass_through", "per_s"), "rec/s"),
    Check("B1 / B0 limit", "mapping", ("b1_over_b0",), "x"),
    Check("B2 decode + map + encode", "mapping", ("b2_decode_map_encode", "per_s"), "rec/s"),
    Check("B2 / B1", "mapping", ("b2_over_b1",), "x"),
    Check("engine mapping flow", "mapping", ("engine", "per_s"), "rec/s", at_least=10_000),
    Check("engine mapping flow / B2", "mapping", ("engine_over_b2",), "x", at_least=0.7),
    Check("engine / B2 per CPU second", "mapping", ("engine_over_b2_per_cpu_s",), "x"),
    Check("webhook ingest, bare aiohttp", "ingest", ("bare", "per_s"), "req/s"),
    Check("webhook ingest, worker", "ingest", ("worker", "per_s"), "req/s"),
    Check("webhook ingest / bare", "ingest", ("worker_over_bare",), "x", at_least=0.7),
    Check("ack p99 at 500/s, worker", "ingest", ("open_loop", "worker", "p99"), "ms", at_most=50),
    Check("ack p99 at 500/s, bare", "ingest", ("open_loop", "bare", "p99"), "ms"),
    Check("webhook ingest, ingest process", "ingest", ("ingest", "per_s"), "req/s"),
    Check("ingest process / bare", "ingest", ("ingest_over_bare",), "x", at_least=0.7),
    Check(
        "ack p99 at 500/s, ingest process",
        "ingest",
        ("open_loop", "ingest", "p99"),
        "ms",
        at_most=50,
    ),
    Check("CPU ms/webhook, bare", "ingest", ("bare", "cpu_ms_per_request", "receiver"), "ms"),
    Check(
        "CPU ms/webhook, ingest process",
        "ingest",
        ("ingest", "cpu_ms_per_request", "receiver"),
        "ms",
    ),
    Check(
        "CPU ms/webhook, worker (answers + flows)",
        "ingest",
        ("worker", "cpu_ms_per_request", "flows"),
        "ms",
    ),
    Check("e2e max sustainable rate", "end_to_end", ("max_sustainable_per_s",), "orders/s"),
    Check(
        "e2e p99 at half max", "end_to_end", ("measured", "latency_ms", "p99"), "ms", at_most=250
    ),
    Check("e2e p99 / kafka round trip p99", "end_to_end", ("p99_over_kafka_round_trip",), "x"),
    Check("catch-up rate", "catch_up", ("catch_up_per_s",), "rec/s"),
    Check("catch-up / steady", "catch_up", ("catch_up_over_steady",), "x", at_least=0.8),
    Check("one worker", "scaling", ("one", "steady_per_s"), "rec/s"),
    Check("two workers", "scaling", ("two", "steady_per_s"), "rec/s"),
    Check("two workers / one", "scaling", ("two_over_one",), "x", at_least=1.6),
    Check("worker RSS with links", "memory", ("with_links", "rss_mib"), "MiB", at_most=300),
    Check("RSS with links / empty worker", "memory", ("rss_over_empty",), "x"),
)


def figure(phases: dict[str, Any], check: Check) -> float | None:
    """The check's number in the phases' figures, or None when it was not measured."""
    node: Any = phases.get(check.phase)
    for key in check.path:
        if not isinstance(node, dict) or "error" in node:
            return None
        node = node.get(key)
    return float(node) if isinstance(node, int | float) and not isinstance(node, bool) else None


def outcome(value: float | None, check: Check) -> str:
    """met, missed, not measured, or '' for a figure without a target."""
    limit, compare = _limit(check)
    if compare is None or limit is None:
        return ""
    if value is None:
        return "not measured"
    return "met" if compare(value, limit) else "missed"


def _limit(check: Check) -> tuple[float | None, Callable[[float, float], bool] | None]:
    if check.at_least is not None:
        return check.at_least, operator.ge
    if check.at_most is not None:
        return check.at_most, operator.le
    return None, None


def verdicts(phases: dict[str, Any]) -> list[dict[str, Any]]:
    """Every check of the measured phases, with its value and outcome."""
    rows = []
    for check in CHECKS:
        if check.phase not in phases:
            continue
        value = figure(phases, check)
        rows.append(
            {
                "name": check.name,
                "value": value,
                "unit": check.unit,
                "target": check.target,
                "outcome": outcome(value, check),
            }
        )
    return rows


def exactly_once_failures(phases: dict[str, Any]) -> list[str]:
    """Phases (and sides) that lost or doubled records: a benchmark must not do either."""
    failures = []
    for phase, figures in phases.items():
        for side, counts in _tallies(figures):
            if counts.get("lost") or counts.get("duplicated"):
                failures.append(f"{phase} {side}".strip())
    return failures


def _tallies(node: Any, side: str = "") -> list[tuple[str, dict[str, Any]]]:
    if not isinstance(node, dict):
        return []
    found = [(side, node)] if "lost" in node or "duplicated" in node else []
    for key, child in node.items():
        found += _tallies(child, f"{side} {key}".strip())
    return found


def _value(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}"


def table(document: dict[str, Any]) -> str:
    """The short table: the machine, then one line per figure and its outcome."""
    machine = document["machine"]
    lines = [
        f"ponte bench suite{' (quick)' if document.get('quick') else ''}: {machine['cores']} cores"
        f" {machine['cpu_model']}, {machine['memory_gib']} GiB, Python {machine['python']},"
        f" Kafka {machine['kafka']}; load {machine['load_average_at_start']}"
        f" -> {machine.get('load_average_at_end')}",
        f"broker: {document['broker']}",
        f"{'figure':<36}{'value':>12} {'unit':<9}{'target':<10}outcome",
    ]
    for row in document["verdicts"]:
        lines.append(
            f"{row['name']:<36}{_value(row['value']):>12} {row['unit']:<9}{row['target']:<10}"
            f"{row['outcome']}"
        )
    busy = [
        f"{phase} {figures['host_cpu_busy']:.2f}"
        for phase, figures in document["phases"].items()
        if isinstance(figures.get("host_cpu_busy"), float)
    ]
    if busy:
        lines.append(f"host CPU busy (1.00 = all cores, any process): {', '.join(busy)}")
    for phase, figures in document["phases"].items():
        if isinstance(figures, dict) and "error" in figures:
            lines.append(f"{phase}: FAILED {figures['error']}")
    for failure in document.get("exactly_once_failures", []):
        lines.append(f"LOST OR DOUBLED: {failure}")
    return "\n".join(lines)
