"""The flow benchmark's table for the terminal (the JSON report holds every figure)."""

from __future__ import annotations

from typing import Any


def _rate(value: Any) -> str:
    return f"{value:>10.1f}" if isinstance(value, int | float) else f"{'-':>10}"


def _throughput_rows(name: str, flow: dict[str, Any]) -> list[str]:
    engine, base = flow["engine"], flow["baseline"]
    once = "lost {lost}, doubled {duplicated}, unexpected {unexpected}"
    return [
        f"{name}: {flow['what']}",
        f"  {flow['input_records']} in, {flow['expected_output_records']} out expected,"
        f" {flow['integrations']} integration(s)",
        f"  {'records/s':<22}{'first-last':>10}{'steady':>10}",
        f"  {'ponte worker':<22}{_rate(engine['per_s'])}{_rate(engine['steady_per_s'])}",
        f"  {'bare aiokafka loop':<22}{_rate(base['per_s'])}{_rate(base['steady_per_s'])}",
        f"  ratio ponte/baseline: x{flow['ratio']} (steady x{flow['steady_ratio']}; target >= 0.7)",
        f"  output records per CPU second: ponte {engine['output_per_cpu_s']},"
        f" baseline {base['output_per_cpu_s']} (x{flow['cpu_efficiency_ratio']})",
        f"  worker cores used {engine['worker_cores_used']}, start {engine['worker_start_s']}s;"
        f" baseline cpu {base['cpu_s']}s in {base['wall_s']}s",
        f"  ponte {once.format(**engine)}; baseline {once.format(**base)}",
    ]


def _freshness_rows(fresh: dict[str, Any]) -> list[str]:
    latency = fresh["latency_ms"]
    figures = "  ".join(
        f"{name} {latency[name]:.0f}" for name in ("p50", "p90", "p99", "max") if name in latency
    )
    return [
        f"freshness: {fresh['what']}",
        f"  {fresh['changes']} changes at {fresh['rate_per_s']}/s over {fresh['skus']} SKUs"
        f" (store: {fresh['store_plan']['leak_rate_per_s']} req/s, bucket"
        f" {fresh['store_plan']['bucket']})",
        f"  latency ms: {figures}",
        f"  never shown {fresh['never_shown']}, refused by the ERP {fresh['refused_by_erp']}",
    ]


def table(document: dict[str, Any]) -> str:
    machine = document["machine"]
    lines = [
        f"{machine['cores']} cores ({machine['cpu_model']}), load {machine['load_average_at_start']}"
        f" -> {machine['load_average_at_end']}  [PRELIMINARY: shared, busy machine]"
    ]
    failed = {
        name for name in ("orders", "stock", "freshness") if "error" in document.get(name, {})
    }
    lines += [f"{name}: FAILED {document[name]['error']}" for name in sorted(failed)]
    for name in ("orders", "stock"):
        if name in document and name not in failed:
            lines += _throughput_rows(name, document[name])
    if "orders" in document and "orders" not in failed:
        cost = document["orders"]["in_process_cost"]
        lines.append(
            f"  in-process per order: translate {cost['translate_us']} µs; erp-orders gate +"
            f" mapping before the ERP call {cost['order_checks_before_erp_us']} µs (not in the"
            " topic figure)"
        )
    if "freshness" in document and "freshness" not in failed:
        lines += _freshness_rows(document["freshness"])
    return "\n".join(lines)
