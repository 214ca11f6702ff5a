"""Stock freshness: an ERP stock change, made through the ERP's API, until the store shows it.

The real path: the ERP sandbox stores the balance and pushes its signed ``stock.updated`` to the
worker (``/webhooks/erp/{integration}``); the worker reads the balance back from the ERP, fans
it out, and the platform sink sets it on the Shopify sandbox (a real process). The bench polls
the sandbox's SQLite state (read-only, WAL) every ``POLL_S`` for each change's quantity.

Changes go out open loop at a steady rate over ``skus`` SKUs in turn; each SKU's quantities only
grow, so a change counts as shown once its SKU shows that quantity or a later one.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson

from bench.flow_engine import shopify_access, start_store
from bench.schedule import open_loop
from bench.stats import distribution
from connectors.erp.client import ErpClient
from connectors.erp.settings import ErpSettings
from connectors.errors import ConnectorError
from connectors.urls import PRIVATE_URLS_CONTEXT
from tests.harness import Stack, Worker

INTEGRATION_ID = "bench-fresh"
PUSH_SECRET = "bench-erp-push-secret"
PLUS_PLAN = (20.0, 40)  # Shopify Plus REST leak rate (its bucket size is unconfirmed: 40)
POLL_S = 0.025
API = "/admin/api/2026-04"


@dataclass
class Changes:
    """Pending changes per SKU (quantity, sent at wall ms) and what the store showed when."""

    pending: dict[str, deque[tuple[int, float]]] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)
    refused: int = 0

    def sent(self, sku: str, quantity: int, at_ms: float) -> None:
        self.pending.setdefault(sku, deque()).append((quantity, at_ms))

    def shown(self, levels: dict[str, int], now_ms: float) -> None:
        for sku, waiting in self.pending.items():
            while waiting and levels.get(sku, -1) >= waiting[0][0]:
                self.latencies_ms.append(now_ms - waiting.popleft()[1])

    def outstanding(self) -> int:
        return sum(len(waiting) for waiting in self.pending.values())


def erp_client(stack: Stack) -> ErpClient:
    settings = ErpSettings.model_validate(
        {
            "base_url": f"{stack.erp_url}/api",
            "api_token": stack.erp_token,
            "requests_per_second": 200,
        },
        context={PRIVATE_URLS_CONTEXT: True},
    )
    return ErpClient(settings)


def seed_store(stack: Stack, store_url: str, skus: list[str]) -> dict[int, str]:
    """One product per SKU in the store (at its plan's pace); its inventory item id -> SKU."""
    items: dict[int, str] = {}
    headers = {"X-Shopify-Access-Token": stack.shopify_token}
    with httpx.Client(base_url=f"{store_url}{API}", headers=headers, timeout=30) as http:
        for sku in skus:
            variant = {"sku": sku, "price": "59.90", "inventory_management": "shopify"}
            body = {"product": {"title": f"Caneca {sku}", "variants": [variant]}}
            answer = http.post("/products.json", json=body)
            while answer.status_code == 429:
                time.sleep(float(answer.headers.get("Retry-After", "1")))
                answer = http.post("/products.json", json=body)
            answer.raise_for_status()
            items[int(answer.json()["product"]["variants"][0]["inventory_item_id"])] = sku
    return items


def start_freshness_stack(stack: Stack, skus: list[str]) -> tuple[Worker, dict[int, str]]:
    """Sandboxes, the worker (ERP push on), the SKUs on both sides and the integration."""
    stack.start_sandboxes()
    store_url = start_store(stack, *PLUS_PLAN)
    worker = stack.start_worker(name="fresh", PONTE_ERP_WEBHOOK_SECRET=PUSH_SECRET)
    items = seed_store(stack, store_url, skus)

    async def seed_erp() -> None:
        async with erp_client(stack) as erp:
            await erp.products.upsert_products(
                [{"codigo": sku, "nome": f"Caneca {sku}", "preco": "59.90"} for sku in skus]
            )

    asyncio.run(seed_erp())
    body = {
        "id": INTEGRATION_ID,
        "platform": "shopify",
        "name": "Bench freshness",
        "access": shopify_access(stack, store_url, PLUS_PLAN[0]),
        "automations": {"stock_export": {"enabled": True}},
    }
    response = worker.api("POST", "/api/v1/integrations", json=body)
    if response.status_code != 201:
        raise RuntimeError(f"creating {INTEGRATION_ID}: {response.status_code} {response.text}")
    hook = {"url": f"{worker.url}/webhooks/erp/{INTEGRATION_ID}", "secret": PUSH_SECRET}
    httpx.post(f"{stack.erp_url}/_sandbox/webhooks", json=hook, timeout=10).raise_for_status()
    return worker, items


def store_levels(db: Path, items: dict[int, str]) -> dict[str, int]:
    """SKU -> available, read from the Shopify sandbox's own state."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
        rows = conn.execute("SELECT inventory_item_id, body FROM inventory_levels").fetchall()
    levels: dict[str, int] = {}
    for item_id, body in rows:
        sku = items.get(int(item_id))
        if sku is not None:
            levels[sku] = levels.get(sku, 0) + int(orjson.loads(body).get("available") or 0)
    return levels


async def _watch(db: Path, items: dict[int, str], changes: Changes, stop: asyncio.Event) -> None:
    while not stop.is_set():
        changes.shown(store_levels(db, items), time.time() * 1000)
        await asyncio.sleep(POLL_S)


async def _change(erp: ErpClient, changes: Changes, sku: str, quantity: int) -> None:
    sent_ms = time.time() * 1000
    try:
        await erp.stock.set_stock_balance(sku, "1", quantity)
    except ConnectorError:  # refused or failed: counted, and never waited for
        changes.refused += 1
        return
    changes.sent(sku, quantity, sent_ms)


async def measure_freshness(
    stack: Stack, items: dict[int, str], rate: float, seconds: float, timeout: float
) -> dict[str, Any]:
    """Warm up (each SKU once, unmeasured), then ``rate`` changes/s for ``seconds``."""
    skus, db = sorted(items.values()), stack.workdir / "store.sqlite3"
    async with erp_client(stack) as erp:
        await _settle(erp, db, items, skus, first_quantity=1, timeout=timeout)
        changes, stop = Changes(), asyncio.Event()
        watcher = asyncio.create_task(_watch(db, items, changes, stop))
        tasks: list[asyncio.Task[None]] = []
        count = int(rate * seconds)

        def fire(i: int) -> None:
            sku = skus[i % len(skus)]
            tasks.append(asyncio.create_task(_change(erp, changes, sku, 2 + i)))

        lateness = await open_loop(count, rate, fire)
        await asyncio.gather(*tasks)
        deadline = time.monotonic() + timeout
        while changes.outstanding() and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        stop.set()
        await watcher
    return {
        "what": "ERP API stock balance -> signed ERP push -> worker -> Shopify sandbox shows it",
        "rate_per_s": rate,
        "seconds": seconds,
        "skus": len(skus),
        "changes": count,
        "refused_by_erp": changes.refused,
        "never_shown": changes.outstanding(),
        "latency_ms": distribution(changes.latencies_ms),
        "send_lateness_ms": distribution(lateness),
        "store_plan": {"leak_rate_per_s": PLUS_PLAN[0], "bucket": PLUS_PLAN[1]},
    }


async def _settle(
    erp: ErpClient,
    db: Path,
    items: dict[int, str],
    skus: list[str],
    first_quantity: int,
    timeout: float,
) -> None:
    """Each SKU set once and shown: the sink's SKU index and connections are warm."""
    changes = Changes()
    for sku in skus:
        await _change(erp, changes, sku, first_quantity)
    deadline = time.monotonic() + timeout
    while changes.outstanding() and time.monotonic() < deadline:
        changes.shown(store_levels(db, items), time.time() * 1000)
        await asyncio.sleep(0.2)
    if changes.outstanding():
        raise RuntimeError(f"warm-up: {changes.outstanding()} SKUs never showed their stock")
