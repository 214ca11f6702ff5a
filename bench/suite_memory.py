"""Worker memory with many links (vínculos) in state: the links view folded from the real
links topic, against the same worker's memory with none, in the same run.

The links are written to the namespace's links topic as the engine writes them (``save_link``'s
key and value); a worker started afterwards folds them into its links view; once the last ones
written are found through the admin API, its resident set size is read from /proc.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.flow_data import Record
from bench.flow_engine import ERP_SANDBOX_RATE, create_integrations
from bench.flow_kafka import preload
from bench.flows import new_stack
from bench.suite_figures import share
from engine.state.history import PER_INTEGRATION
from schemas.codec import encode
from schemas.history import HistoryEntry, Step
from schemas.link import Link
from tests.harness import Stack, Worker, wait_until
from topics.registry import HISTORY, LINKS

INTEGRATION_ID = "bench-links"
SETTLE_S = 3.0  # let start-up allocations finish before reading the resident set
PROBES = 24  # the last links written, spread over the topic's partitions


def bench_links(integration_id: str, count: int) -> list[Link]:
    """Product links (SKU and EAN), one in five an order link (order number)."""
    now = datetime.now(UTC)
    return [
        Link(integration_id=integration_id, created_at=now, **_link_fields(n)) for n in range(count)
    ]


def _link_fields(n: int) -> dict[str, str]:
    if n % 5 == 4:
        return {
            "entity": "order",
            "erp_id": str(900_000_000 + n),
            "platform_id": f"gid://shopify/Order/{5_000_000_000 + n}",
            "order_number": f"#{1000 + n}",
            "created_by": "order",
        }
    return {
        "entity": "product",
        "erp_id": str(100_000 + n),
        "platform_id": f"gid://shopify/Product/{8_000_000_000 + n}",
        "sku": f"SKU-{n:07d}",
        "ean": f"789{n:010d}",
        "created_by": "import",
    }


def rss_mib(pid: int) -> float | None:
    """VmRSS of ``pid`` in MiB, or None when it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


def _settled_rss(worker: Worker) -> float | None:
    time.sleep(SETTLE_S)
    assert worker.process.popen is not None
    return rss_mib(worker.process.popen.pid)


def _found(worker: Worker, link: Link) -> bool:
    term = link.sku or link.order_number or link.erp_id
    path = f"/api/v1/integrations/{link.integration_id}/links"
    response = worker.api("GET", path, params={"q": term})
    return response.status_code == 200 and bool(response.json()["links"])


def measure_memory(bootstrap: str, workdir: Path, count: int, timeout: float) -> dict[str, Any]:
    stack = new_stack(bootstrap, workdir, "memory")
    try:
        stack.start_sandboxes(erp_rate=ERP_SANDBOX_RATE)
        empty = stack.start_worker("memory-empty")
        create_integrations(stack, empty, [{"id": INTEGRATION_ID}], stack.shopify_url)
        empty_rss = _settled_rss(empty)
        empty.process.stop()
        figures = _with_links(stack, count, timeout)
        full_rss = figures["with_links"]["rss_mib"]
        history = _with_history(stack, count, timeout, full_rss)
    finally:
        stack.stop()
    return {
        "what": f"{count} links on the links topic, folded into a worker's links view",
        "links": count,
        **figures,
        "empty": {"rss_mib": empty_rss},
        "rss_over_empty": share(full_rss, empty_rss),
        "kib_per_link": round((full_rss - empty_rss) * 1024 / count, 2)
        if full_rss and empty_rss
        else None,
        "with_history": history,
        "namespace": stack.namespace,
    }


def _with_links(stack: Stack, count: int, timeout: float) -> dict[str, Any]:
    """A worker started on ``count`` links: its RSS once the last ones are found."""
    links = bench_links(INTEGRATION_ID, count)
    records = [Record(link.key.encode(), encode(link), link.key) for link in links]
    loaded = time.monotonic()
    asyncio.run(preload(stack.bootstrap, LINKS.named(stack.namespace), records))
    load_s = time.monotonic() - loaded
    worker = stack.start_worker("memory-links")
    started = time.monotonic()
    for link in links[-PROBES:]:
        wait_until(lambda link=link: _found(worker, link), timeout, f"link {link.key}")
    folded_s = time.monotonic() - started
    rss = _settled_rss(worker)
    queries = _query_times(worker, links[-PROBES:])
    worker.process.stop()
    return {
        "load_s": round(load_s, 1),
        "ready_to_last_link_found_s": round(folded_s, 1),
        "with_links": {"rss_mib": rss},
        "api_ms": queries,
    }


def bench_history(integration_id: str, count: int) -> list[HistoryEntry]:
    """Four entries per order (received, sent, linked, applied), found by number, platform id
    and one SKU shared by every order."""
    now = datetime.now(UTC)
    return [_order_entry(integration_id, n, now) for n in range(count)]


def _order_entry(integration_id: str, n: int, at: datetime) -> HistoryEntry:
    order = n // 4
    return HistoryEntry(
        integration_id=integration_id,
        entity_key=f"order:{5_000_000_000 + order}",
        event_id=f"evt-{order:012d}",
        event_type="order.placed",
        step=(Step.RECEIVED, Step.SENT, Step.LINKED, Step.APPLIED)[n % 4],
        outcome="ok",
        detail=f"ERP order {900_000_000 + order}",
        config_version=3,
        search_keys=[f"#{1000 + order}", f"gid://shopify/Order/{5_000_000_000 + order}", "SKU-0"],
        at=at,
    )


def _history_found(worker: Worker, number: str) -> bool:
    path = f"/api/v1/integrations/{INTEGRATION_ID}/history"
    response = worker.api("GET", path, params={"q": number})
    return response.status_code == 200 and bool(response.json()["entities"])


def _with_history(
    stack: Stack, count: int, timeout: float, links_rss: float | None
) -> dict[str, Any]:
    """A worker started on the links and ``count`` history entries (the view keeps a bounded
    part in memory): its RSS once the last orders' history is found."""
    entries = bench_history(INTEGRATION_ID, count)
    records = [
        Record(f"{e.integration_id}:{e.entity_key}".encode(), encode(e), e.entity_key)
        for e in entries
    ]
    asyncio.run(preload(stack.bootstrap, HISTORY.named(stack.namespace), records))
    worker = stack.start_worker("memory-history")
    for entry in entries[-PROBES:]:
        number = entry.search_keys[0]
        wait_until(lambda n=number: _history_found(worker, n), timeout, f"history of {number}")
    rss = _settled_rss(worker)
    return {
        "entries": count,
        "held_in_memory": min(count, PER_INTEGRATION),
        "rss_mib": rss,
        "over_links_mib": round(rss - links_rss, 1) if rss and links_rss else None,
    }


def _query_times(worker: Worker, probes: list[Link]) -> dict[str, float]:
    """Admin API answer times with the links in state: a search by SKU or order number (median
    over the probes) and the list of the latest links (no query)."""
    searches = []
    for link in probes:
        began = time.monotonic()
        assert _found(worker, link), link.key
        searches.append(time.monotonic() - began)
    began = time.monotonic()
    listed = worker.api("GET", f"/api/v1/integrations/{INTEGRATION_ID}/links")
    list_s = time.monotonic() - began
    assert listed.status_code == 200 and listed.json()["links"], listed.text[:200]
    return {
        "search_p50": round(statistics.median(searches) * 1000, 1),
        "search_max": round(max(searches) * 1000, 1),
        "latest_list": round(list_s * 1000, 1),
    }
