"""ERP changes reach Ponte two ways, as the same canonical events: the poller and the ERP's
signed push (POST /webhooks/erp/{integration_id})."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from connectors.erp.client import ErpClient
from connectors.erp.settings import ErpSettings
from connectors.erp.webhooks import SIGNATURE_HEADER, erp_signature
from connectors.urls import PRIVATE_URLS_CONTEXT
from tests.harness import Stack, Worker, wait_until
from tests.integration.support import create_integration, read_topic

pytestmark = pytest.mark.broker
PUSH_SECRET = "erp-push-secret"


@pytest.fixture(scope="module")
def erp_stack(
    kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Stack, Worker]]:
    stack = Stack(kafka_bootstrap, Path(tmp_path_factory.mktemp("erp-stack")))
    try:
        stack.start_sandboxes()
        worker = stack.start_worker(
            PONTE_ERP_POLL_SECONDS="1", PONTE_ERP_WEBHOOK_SECRET=PUSH_SECRET
        )
        create_integration(stack, worker, "loja-erp")
        yield stack, worker
    finally:
        stack.stop()


def erp_client(stack: Stack) -> ErpClient:
    settings = ErpSettings.model_validate(
        {
            "base_url": f"{stack.erp_url}/api",
            "api_token": stack.erp_token,
            "requests_per_second": 100,
        },
        context={PRIVATE_URLS_CONTEXT: True},
    )
    return ErpClient(settings)


async def write_in_erp(stack: Stack, sku: str, quantity: int) -> None:
    async with erp_client(stack) as erp:
        await erp.products.upsert_products([{"codigo": sku, "nome": f"Produto {sku}", "preco": 42}])
        await erp.stock.set_stock_balance(sku, "1", quantity)


def changes(stack: Stack, sku: str) -> list[dict[str, Any]]:
    records = read_topic(stack.bootstrap, f"{stack.namespace}.ponte.erp-changes")
    return [r for r in records if sku in r["entity_key"]]


def test_the_poller_emits_product_price_and_stock_changes_once(
    erp_stack: tuple[Stack, Worker],
) -> None:
    stack, _ = erp_stack
    sku = f"SKU-{uuid.uuid4().hex[:6]}"

    asyncio.run(write_in_erp(stack, sku, 7))

    def balance_seen() -> list[dict[str, Any]]:
        found = changes(stack, sku)
        kinds = {r["type"] for r in found}
        balances = {
            r["payload"]["level"]["quantity"] for r in found if r["type"] == "stock.changed"
        }
        return found if {"product.changed", "price.changed"} <= kinds and "7" in balances else []

    found = wait_until(balance_seen, 60, f"the poller's events for {sku}, with the balance 7")
    assert all(r["source"] == "erp" and r["integration_id"] == "erp" for r in found)
    ids = [r["event_id"] for r in changes(stack, sku)]
    assert len(ids) == len(set(ids)), "a change was emitted twice"


def test_a_signed_erp_push_is_read_from_the_erp_and_emitted(
    erp_stack: tuple[Stack, Worker],
) -> None:
    stack, worker = erp_stack
    sku = f"PUSH-{uuid.uuid4().hex[:6]}"
    asyncio.run(write_in_erp(stack, sku, 3))
    body = orjson.dumps(
        {
            "eventId": uuid.uuid4().hex,
            "date": "2026-11-26T12:00:00Z",
            "version": "v1",
            "event": "stock.updated",
            "companyId": "c1",
            "data": {"produto": {"codigo": sku}},
        }
    )

    tampered = httpx.post(
        f"{worker.url}/webhooks/erp/loja-erp",
        content=body + b" ",
        headers={SIGNATURE_HEADER: erp_signature(body, PUSH_SECRET)},
    )
    accepted = httpx.post(
        f"{worker.url}/webhooks/erp/loja-erp",
        content=body,
        headers={SIGNATURE_HEADER: erp_signature(body, PUSH_SECRET)},
    )

    assert tampered.status_code == 401
    assert accepted.status_code == 200, accepted.text
    wait_until(
        lambda: any(r["type"] == "stock.changed" for r in changes(stack, sku)),
        60,
        f"the pushed stock change of {sku}",
    )
