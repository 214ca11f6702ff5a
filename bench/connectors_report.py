"""The connectors bench's terminal table, and the targets a client missed."""

from __future__ import annotations

from typing import Any

RATE_COLUMNS = (
    f"{'connector':<11}{'calls':>7}{'req/s':>8}{'allowed':>9}{'burst':>13}"
    f"{'sustained':>11}{'ratio':>7}{'429 srv':>9}{'429 call':>10}{'errors':>8}"
)
MAPPING_COLUMNS = (
    f"{'mapping (us)':<13}{'bytes':>7}{'parse':>9}{'from bytes':>12}{'from dict':>11}"
    f"{'bytes/parse':>13}{'dict/parse':>12}"
)


def _rate_row(name: str, run: dict[str, Any]) -> str:
    burst = f"{run['burst']['requests']} in {run['burst']['spent_after_s']:.2f}s"
    sustained = run["sustained"]
    return (
        f"{name:<11}{run['calls_completed']:>7}{run['achieved_rate_per_s']:>8.2f}"
        f"{run['allowed_rate_per_s']:>9.2f}{burst:>13}{sustained['rate_per_s']:>11.3f}"
        f"{sustained['ratio_to_allowed']:>7.3f}{run['server_429s']:>9}{run['caller_429s']:>10}"
        f"{sum(run['caller_errors'].values()):>8}"
    )


def _mapping_row(name: str, cost: dict[str, Any]) -> str:
    return (
        f"{name:<13}{cost['bytes']:>7}{cost['parse_us']:>9.1f}{cost['from_bytes_us']:>12.1f}"
        f"{cost['from_dict_us']:>11.1f}{cost['ratio_from_bytes_to_parse']:>13}"
        f"{cost['ratio_from_dict_to_parse']:>12}"
    )


def table(document: dict[str, Any]) -> str:
    machine, params = document["machine"], document["parameters"]
    lines = [
        f"{params['callers']} callers x {params['seconds']:g}s per connector on "
        f"{machine['cores']} cores ({machine['cpu_model']}), Python {machine['python']}",
        RATE_COLUMNS,
        *(_rate_row(name, run) for name, run in document["rate"].items()),
        "req/s: admitted requests over the whole run; sustained: after the burst; "
        "ratio: sustained/allowed",
        MAPPING_COLUMNS,
        *(_mapping_row(name, cost) for name, cost in document["mapping"].items()),
        f"erp: {document['mapping']['erp']['note']}" if "erp" in document["mapping"] else "",
    ]
    return "\n".join(lines)


def misses(rates: dict[str, dict[str, Any]], target: float) -> list[str]:
    """One line per connector that kept under its allowed rate or let a 429 reach a caller."""
    missed = []
    for name, run in rates.items():
        ratio = run["sustained"]["ratio_to_allowed"]
        if ratio < target:
            missed.append(f"{name} sustained {ratio:.3f} of its allowed rate (target {target})")
        if run["caller_429s"]:
            missed.append(f"{name} let {run['caller_429s']} 429s reach its callers")
    return missed
