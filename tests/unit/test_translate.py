"""From a stored delivery to canonical events: Shopify order bodies, and thin notifications
read back into order.placed plus, for a payment or cancellation, order.status_changed."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from engine.translate import (
    TRANSLATORS,
    event_id_for,
    fetched_record_events,
    shopify_order_placed,
)
from schemas.customer import Customer
from schemas.delivery import Delivery
from schemas.envelope import EventEnvelope, SourceSystem
from schemas.events import OrderPlaced, OrderStatusChanged
from schemas.integration import Integration
from schemas.order import Order, OrderItem, OrderTotals
from schemas.order_status import OrderStatus

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
    topic: str = "orders/create",
) -> Delivery:
    return Delivery(
        delivery_id=delivery_id,
        event_id=event_id,
        integration_id=integration_id,
        source=SourceSystem.SHOPIFY,
        topic=topic,
        entity_key="order:820982911946154500",
        headers={"x-shopify-topic": topic},
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


def test_shopify_payment_and_cancellation_become_status_changes_keyed_like_the_order() -> None:
    created = shopify_order_placed(delivery(), INTEGRATION)
    for topic, status in (
        ("orders/paid", OrderStatus.PAID),
        ("orders/cancelled", OrderStatus.CANCELED),
    ):
        envelope = TRANSLATORS[(SourceSystem.SHOPIFY, topic)](
            delivery(delivery_id=topic, topic=topic), INTEGRATION
        )
        assert isinstance(envelope.payload, OrderStatusChanged)
        assert envelope.payload.status == status
        assert envelope.payload.platform_order_id == "820982911946154508"
        assert envelope.entity_key == created.entity_key
        assert envelope.event_id != created.event_id


def thin(source: SourceSystem, topic: str) -> Delivery:
    return Delivery(
        delivery_id=f"{source}-{topic}",
        integration_id="loja-demo",
        source=source,
        topic=topic,
        entity_key="order:4501",
        headers={},
        body="",
        needs_fetch=True,
        received_at=RECEIVED_AT,
        trace_id="t",
    )


def read_order(status: OrderStatus) -> Order:
    return Order(
        platform="nuvemshop",
        platform_order_id="4501",
        number="4501",
        status=status,
        customer=Customer(name="Maria"),
        items=[OrderItem(name="Camiseta", quantity=Decimal(1), unit_price=Decimal("10.00"))],
        totals=OrderTotals(subtotal=Decimal("10.00"), total=Decimal("10.00")),
        currency="BRL",
        created_at=RECEIVED_AT,
    )


def types_of(source: SourceSystem, topic: str, status: OrderStatus) -> list[str]:
    return [
        e.type for e in fetched_record_events(thin(source, topic), INTEGRATION, read_order(status))
    ]


def test_a_thin_payment_or_cancellation_yields_the_order_and_its_status() -> None:
    both = ["order.placed", "order.status_changed"]
    assert types_of(SourceSystem.NUVEMSHOP, "order/paid", OrderStatus.PAID) == both
    assert types_of(SourceSystem.NUVEMSHOP, "order/cancelled", OrderStatus.CANCELED) == both
    assert types_of(SourceSystem.TRAY, "order/update", OrderStatus.CANCELED) == both
    assert types_of(SourceSystem.VTEX, "order/canceled", OrderStatus.CANCELED) == both
    events = fetched_record_events(
        thin(SourceSystem.TRAY, "order/update"), INTEGRATION, read_order(OrderStatus.PAID)
    )
    assert {e.entity_key for e in events} == {"order:4501"}
    assert len({e.event_id for e in events}) == 2


def test_a_new_or_unpaid_order_yields_no_status_change() -> None:
    placed = ["order.placed"]
    assert types_of(SourceSystem.NUVEMSHOP, "order/created", OrderStatus.PAID) == placed
    assert types_of(SourceSystem.TRAY, "order/insert", OrderStatus.PAID) == placed
    assert types_of(SourceSystem.VTEX, "order/ready-for-handling", OrderStatus.PAID) == placed
    assert types_of(SourceSystem.TRAY, "order/update", OrderStatus.PENDING_PAYMENT) == placed
