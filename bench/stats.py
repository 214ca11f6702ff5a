"""Latency distributions as the reports print them: nearest-rank percentiles, in milliseconds."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile of already sorted values (fraction 0.99 -> p99)."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def distribution(values_ms: Sequence[float]) -> dict[str, Any]:
    """count, p50, p90, p99, max and mean of latencies in ms, rounded to the microsecond."""
    ordered = sorted(values_ms)
    if not ordered:
        return {"count": 0}
    figures = {
        "p50": percentile(ordered, 0.50),
        "p90": percentile(ordered, 0.90),
        "p99": percentile(ordered, 0.99),
        "max": ordered[-1],
        "mean": sum(ordered) / len(ordered),
    }
    return {"count": len(ordered)} | {name: round(value, 3) for name, value in figures.items()}


def ratio(numerator: float, denominator: float) -> float | None:
    return round(numerator / denominator, 2) if denominator > 0 else None
