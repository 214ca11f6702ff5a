"""The bench's report: one JSON document, and a short table for the terminal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.stats import ratio


def ratios(baseline: dict[str, Any], ponte: dict[str, Any]) -> dict[str, float | None]:
    """Ponte's latency over the bare Kafka round trip's, at p50 and p99."""
    base, ours = baseline["latency_ms"], ponte["latency_ms"]
    if not base.get("count") or not ours.get("count"):
        return {"p50": None, "p99": None}
    return {"p50": ratio(ours["p50"], base["p50"]), "p99": ratio(ours["p99"], base["p99"])}


def write_json(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def _row(name: str, figures: dict[str, Any]) -> str:
    cells = [figures.get(key) for key in ("p50", "p90", "p99", "max")]
    text = [f"{value:10.2f}" if isinstance(value, float | int) else f"{'-':>10}" for value in cells]
    return f"{name:<28}{''.join(text)}"


def table(document: dict[str, Any]) -> str:
    params, baseline, ponte = document["parameters"], document["baseline"], document["ponte"]
    header = f"{'latency (ms)':<28}{'p50':>10}{'p90':>10}{'p99':>10}{'max':>10}"
    lines = [
        f"{params['orders']} orders at {params['rate']}/s on {document['machine']['cores']} cores"
        f" ({document['machine']['cpu_model']})",
        header,
        _row("kafka round trip (baseline)", baseline["latency_ms"]),
        _row("webhook -> ERP order", ponte["latency_ms"]),
        _row("webhook ack", ponte["ack_latency_ms"]),
        _row("bench send lateness", ponte["send_lateness_ms"]),
        f"ratio ponte/baseline: p50 x{document['ratios']['p50']}, p99 x{document['ratios']['p99']}",
        f"throughput: baseline {baseline['throughput_per_s']}/s, ponte {ponte['throughput_per_s']}/s",
        f"cores used while measuring: {ponte['cores_used']}",
        f"exactly once: lost {ponte['lost']}, duplicated {ponte['duplicated']}"
        f" (baseline lost {baseline['lost']}, duplicated {baseline['duplicated']})",
    ]
    return "\n".join(lines)
