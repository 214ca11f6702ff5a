"""From a stored Shopify delivery to the canonical order.placed event."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from engine.translate import TRANSLATORS, event_id_for, shopify_order_placed
from schemas.delivery import Delivery
from schemas.envelope import EventEnvelope, SourceSystem
from schemas.events import OrderPlaced
from schemas.integration import Integration

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples" / "shopify"
BODY = (SAMPLES / "webhook_orders_create.json").read_text()
RECEIVED_AT = datetime(2026, 5, 9, 12, 0, tzinfo=UTC)

INTEGRATION = Integration(
    id="loja-demo",
    platform="shopify",
    name="Loja Demo",
    connection={"shop_domain": "ponte-demo.myshopify.com"},
    credentials="gAAAAA-sealed-elsewhere",
    sealed_fields=["admin_api_token", "webhook_secret"],
    version=4,
    created_at=RECEIVED_AT,
    updated_at=RECEIVED_AT,
)


def delivery(
    delivery_id: str = "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
    event_id: str | None = "98880550-7158-44d4-b7cd-2c97c8a091b5",
    integration_id: str = "loja-demo",
) -> Delivery:
    return Delivery(
        delivery_id=delivery_id,
        event_id=event_id,
        integration_id=integration_id,
        source=SourceSystem.SHOPIFY,
        topic="orders/create",
        entity_key="order:820982911946154500",
        headers={"x-shopify-topic": "orders/create"},
        body=BODY,
        received_at=RECEIVED_AT,
        trace_id="4bf92f3577b34da6a3ce929d0e0e4736",
    )


def test_orders_create_becomes_order_placed() -> None:
    envelope = shopify_order_placed(delivery(), INTEGRATION)
    assert isinstance(envelope, EventEnvelope)
    assert envelope.type == "order.placed"
    assert isinstance(envelope.payload, OrderPlaced)
    assert envelope.integration_id == "loja-demo"
    assert envelope.source is SourceSystem.SHOPIFY
    assert envelope.entity_key == "order:820982911946154500"
    assert envelope.received_at == RECEIVED_AT
    assert envelope.trace_id == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert envelope.config_version == INTEGRATION.version == 4
    # The sample was created at 2021-12-31T19:00:00-05:00.
    assert envelope.occurred_at == datetime(2022, 1, 1, 0, 0, tzinfo=UTC)
    assert envelope.occurred_at == envelope.payload.order.created_at


def test_event_id_is_deterministic() -> None:
    first = shopify_order_placed(delivery(), INTEGRATION)
    again = shopify_order_placed(delivery(), INTEGRATION)
    assert first.event_id == again.event_id
    assert first.event_id == event_id_for(delivery(), "order.placed")


def test_another_delivery_gets_another_event_id() -> None:
    ids = {
        shopify_order_placed(delivery(), INTEGRATION).event_id,
        shopify_order_placed(delivery(delivery_id="other-webhook"), INTEGRATION).event_id,
        shopify_order_placed(delivery(integration_id="outra-loja"), INTEGRATION).event_id,
    }
    assert len(ids) == 3


def test_duplicates_of_one_platform_event_share_the_idempotency_key() -> None:
    first = shopify_order_placed(delivery(delivery_id="webhook-a"), INTEGRATION)
    retried = shopify_order_placed(delivery(delivery_id="webhook-b"), INTEGRATION)
    assert first.event_id != retried.event_id
    assert first.idempotency_key == retried.idempotency_key
    assert first.idempotency_key == "shopify:loja-demo:98880550-7158-44d4-b7cd-2c97c8a091b5"


def test_without_event_id_the_delivery_id_is_the_idempotency_key() -> None:
    envelope = shopify_order_placed(delivery(delivery_id="webhook-a", event_id=None), INTEGRATION)
    assert envelope.idempotency_key == "shopify:loja-demo:webhook-a"


def test_translators_table_has_shopify_orders_create() -> None:
    assert TRANSLATORS[(SourceSystem.SHOPIFY, "orders/create")] is shopify_order_placed
    translate = TRANSLATORS[(SourceSystem.SHOPIFY, "orders/create")]
    assert translate(delivery(), INTEGRATION).type == "order.placed"
