"""Steps of the integration tests, in the words of the flow: subscribe, place, deliver, count."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition

from connectors.shopify.webhooks import sign
from tests.harness import Stack, Worker

API_VERSION = "2026-04"


IMPORT_ON: dict[str, Any] = {"order_import": {"enabled": True}}


def create_integration(
    stack: Stack,
    worker: Worker,
    integration_id: str,
    *,
    automations: dict[str, Any] | None = None,
    settings: dict[str, Any] | None = None,
    token: str | None = None,
) -> dict[str, Any]:
    """A Shopify integration of the stack's shop; ``automations`` default: order_import on;
    ``token`` replaces the shop's real access token (e.g. a revoked one)."""
    extra: dict[str, Any] = {} if settings is None else {"settings": settings}
    response = worker.api(
        "POST",
        "/api/v1/integrations",
        json={
            "id": integration_id,
            "platform": "shopify",
            "name": f"Loja {integration_id}",
            "access": {
                "shop_domain": stack.shop_domain,
                "admin_api_token": token or stack.shopify_token,
                "webhook_secret": stack.webhook_secret,
                "base_url": stack.shopify_url,
            },
            "automations": IMPORT_ON if automations is None else automations,
            **extra,
        },
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def subscribe_orders(stack: Stack, worker: Worker, integration_id: str) -> None:
    response = httpx.post(
        f"{stack.shopify_url}/admin/api/{API_VERSION}/webhooks.json",
        headers={"X-Shopify-Access-Token": stack.shopify_token},
        json={
            "webhook": {
                "topic": "orders/create",
                "address": f"{worker.url}/webhooks/shopify/{integration_id}",
                "format": "json",
            }
        },
    )
    assert response.status_code in (200, 201), response.text


def place_order(
    stack: Stack,
    sku: str = "CAM-P",
    price: str = "49.90",
    quantity: int = 2,
    **order_fields: Any,
) -> dict[str, Any]:
    """An order placed in the sandbox store, which then delivers the signed orders/create webhook;
    ``order_fields`` (e.g. shipping_lines) are added to the order as posted."""
    response = httpx.post(
        f"{stack.shopify_url}/admin/api/{API_VERSION}/orders.json",
        headers={"X-Shopify-Access-Token": stack.shopify_token},
        json={
            "order": {
                "email": "maria@example.com.br",
                "customer": {"first_name": "Maria", "last_name": "Silva"},
                "line_items": [
                    {"title": "Camiseta", "sku": sku, "price": price, "quantity": quantity}
                ],
                "billing_address": {
                    "first_name": "Maria",
                    "last_name": "Silva",
                    "address1": "Rua A, 10",
                    "city": "São Paulo",
                    "province_code": "SP",
                    "zip": "01000-000",
                    "country_code": "BR",
                },
                **order_fields,
            }
        },
    )
    assert response.status_code == 201, response.text
    return dict(response.json()["order"])


def erp_orders(stack: Stack, number: str) -> list[dict[str, Any]]:
    summary = httpx.get(f"{stack.erp_url}/_sandbox/orders", timeout=5).json()
    return [order for order in summary["orders"] if order.get("numeroDaOrdemDeCompra") == number]


def erp_fault(stack: Stack, status: int, count: int, retry_after: float | None = None) -> None:
    body: dict[str, Any] = {"status": status, "count": count}
    if retry_after is not None:
        body["retry_after"] = retry_after
    response = httpx.post(f"{stack.erp_url}/_sandbox/faults", json=body)
    assert response.status_code in (200, 201, 204), response.text


def shopify_headers(
    stack: Stack,
    body: bytes,
    *,
    event_id: str | None = None,
    secret: str | None = None,
    topic: str = "orders/create",
) -> dict[str, str]:
    """Headers exactly as Shopify sends them, signed with the integration's secret."""
    return {
        "Content-Type": "application/json",
        "X-Shopify-Topic": topic,
        "X-Shopify-Shop-Domain": stack.shop_domain,
        "X-Shopify-Webhook-Id": str(uuid.uuid4()),
        "X-Shopify-Event-Id": event_id or str(uuid.uuid4()),
        "X-Shopify-API-Version": API_VERSION,
        "X-Shopify-Triggered-At": datetime.now(UTC).isoformat(),
        "X-Shopify-Hmac-Sha256": sign(secret or stack.webhook_secret, body),
    }


def post_webhook(
    worker: Worker, integration_id: str, body: bytes, headers: dict[str, str]
) -> httpx.Response:
    return httpx.post(
        f"{worker.url}/webhooks/shopify/{integration_id}", content=body, headers=headers, timeout=30
    )


def order_body(order: dict[str, Any]) -> bytes:
    return orjson.dumps(order)


def topic_size(bootstrap: str, topic: str) -> int:
    """How many records a topic holds (sum of end offsets)."""
    return asyncio.run(_topic_size(bootstrap, topic))


async def _topic_size(bootstrap: str, topic: str) -> int:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await consumer.start()
    try:
        partitions = consumer.partitions_for_topic(topic)
        if not partitions:
            await consumer.topics()
            partitions = consumer.partitions_for_topic(topic) or set()
        ends = await consumer.end_offsets([TopicPartition(topic, p) for p in partitions])
        return sum(ends.values())
    finally:
        await consumer.stop()


def read_topic(bootstrap: str, topic: str, timeout: float = 10.0) -> list[dict[str, Any]]:
    """Every record of a (small) topic, values parsed as JSON."""
    return asyncio.run(_read_topic(bootstrap, topic, timeout))


async def _read_topic(bootstrap: str, topic: str, timeout: float) -> list[dict[str, Any]]:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        records: list[dict[str, Any]] = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            assigned = consumer.assignment()
            if assigned:
                ends = await consumer.end_offsets(list(assigned))
                positions = {tp: await consumer.position(tp) for tp in assigned}
                if all(positions[tp] >= ends[tp] for tp in assigned):
                    break
            batches = await consumer.getmany(timeout_ms=200)
            records.extend(
                orjson.loads(r.value) for batch in batches.values() for r in batch if r.value
            )
        return records
    finally:
        await consumer.stop()
