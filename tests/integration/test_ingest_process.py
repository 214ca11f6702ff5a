"""An ingest process (PONTE_FLOWS=false) in front of a worker: it answers the webhooks and the
admin API, stores the deliveries, and leaves their processing to the worker's flows, outside
the worker's consumer group."""

from __future__ import annotations

import asyncio

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from tests.harness import Stack, Worker, wait_until
from tests.integration.support import (
    create_integration,
    erp_orders,
    order_body,
    place_order,
    post_webhook,
    shopify_headers,
    subscribe_orders,
)

pytestmark = pytest.mark.broker

INTEGRATION_ID = "loja-ingest"  # the module's stack and worker come from conftest.py


@pytest.fixture(scope="module")
def ingest(stack: Stack, worker: Worker) -> Worker:
    front = stack.start_worker("ingest", PONTE_FLOWS="false")
    create_integration(stack, front, INTEGRATION_ID)  # its admin API writes for the workers
    subscribe_orders(stack, front, INTEGRATION_ID)
    return front


def test_an_order_received_by_the_ingest_process_becomes_one_erp_order(
    stack: Stack, worker: Worker, ingest: Worker
) -> None:
    order = place_order(stack)

    created = wait_until(lambda: erp_orders(stack, order["name"]), 30, "the order in the ERP")

    assert len(created) == 1
    received = {"platform": "shopify", "topic": "orders/create"}
    assert ingest.metric("ponte_webhooks_received_total", **received) == 1
    assert worker.metric("ponte_webhooks_received_total", **received) == 0
    stored = {"topic": "ponte.deliveries", "type": "orders/create"}
    assert ingest.metric("ponte_events_out_total", **stored) == 1
    assert worker.metric("ponte_order_end_to_end_seconds_count", platform="shopify") >= 1


def test_the_ingest_process_refuses_bad_input_with_a_reason(stack: Stack, ingest: Worker) -> None:
    body = order_body({"id": 4242, "name": "#BAD"})
    wrongly_signed = shopify_headers(stack, body, secret="not-the-secret")

    response = post_webhook(ingest, INTEGRATION_ID, body, wrongly_signed)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "bad_signature"
    unknown = post_webhook(ingest, "no-such-shop", body, shopify_headers(stack, body))
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "unknown_integration"


def test_the_ingest_process_stays_out_of_the_workers_consumer_group(
    stack: Stack, worker: Worker, ingest: Worker
) -> None:
    members = asyncio.run(_group_members(stack.bootstrap, f"{stack.namespace}-ponte"))

    assert members == 1


async def _group_members(bootstrap: str, group: str) -> int:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described = await admin.describe_consumer_groups([group])
    finally:
        await admin.close()
    return len(described[0].groups[0][5])  # (error, group, state, protocol type, protocol, members)
