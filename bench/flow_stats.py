"""Throughput and exactly-once figures of a drained topic. Pure.

A flow's throughput is read from the records it wrote: their Kafka timestamps (set by the
producer when the record was appended), from the first to the last. The steady figure leaves
out the first and last 5% (start-up and the tail), where a rate is least representative.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

STEADY_TRIM = 0.05


def _per_second(events: int, span_ms: float) -> float | None:
    return round(events / (span_ms / 1000), 1) if span_ms > 0 and events > 0 else None


def throughput(timestamps_ms: Sequence[float], trim: float = STEADY_TRIM) -> dict[str, Any]:
    """Records/s from first to last timestamp, and over the middle ``1 - 2*trim`` of them.

    Intervals are counted, not records: n records spanning t seconds are (n-1)/t per second.
    """
    ordered = sorted(timestamps_ms)
    if len(ordered) < 2:
        return {"records": len(ordered), "span_s": 0.0, "per_s": None, "steady_per_s": None}
    first, last = 0, len(ordered) - 1
    low, high = round(trim * last), round((1 - trim) * last)
    return {
        "records": len(ordered),
        "span_s": round((ordered[last] - ordered[first]) / 1000, 3),
        "per_s": _per_second(last - first, ordered[last] - ordered[first]),
        "steady_per_s": _per_second(high - low, ordered[high] - ordered[low]),
    }


def exactly_once(expected: Iterable[str], seen: Iterable[str]) -> dict[str, int]:
    """How many expected ids never showed, showed more than once, or were not expected."""
    wanted, counts = set(expected), Counter(seen)
    return {
        "lost": sum(1 for key in wanted if counts[key] == 0),
        "duplicated": sum(n - 1 for key, n in counts.items() if key in wanted and n > 1),
        "unexpected": sum(n for key, n in counts.items() if key not in wanted),
    }


def ratio_to_baseline(ours: float | None, baseline: float | None) -> float | None:
    """Ponte's throughput as a share of the bare loop's (1.0: as fast; target >= 0.7)."""
    if ours is None or not baseline:
        return None
    return round(ours / baseline, 2)
