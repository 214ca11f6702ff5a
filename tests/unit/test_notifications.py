"""Any platform's verified notification becomes a stored delivery; a fetched record an event."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from connectors.capabilities import Entity
from connectors.contract import InboundRequest, Notification
from engine.translate import fetched_record_event, payload_for_record
from engine.web.notifications import notification_delivery
from schemas.category import Category
from schemas.customer import Customer
from schemas.integration import Integration
from schemas.order import Order, OrderItem, OrderTotals
from schemas.order_status import OrderStatus
from schemas.stock import StockLevel

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
THIN_BODY = b'{"store_id": 123, "event": "order/created", "id": 4501}'


def thin_notification() -> tuple[InboundRequest, Notification]:
    request = InboundRequest(
        method="POST",
        headers={
            "X-Linkedstore-HMAC-SHA256": "abc",
            "Content-Type": "application/json",
            "Authorization": "Bearer nope",
        },
        body=THIN_BODY,
    )
    notification = Notification(
        topic="order/created", entity=Entity.ORDER, platform_id="4501", event_id=None, body=None
    )
    return request, notification


def test_a_thin_notification_is_stored_to_be_fetched_without_signatures_or_credentials() -> None:
    request, notification = thin_notification()

    delivery = notification_delivery("loja-nuvem", "nuvemshop", request, notification, NOW)

    assert delivery.needs_fetch is True
    assert delivery.entity_key == "order:4501"
    assert delivery.topic == "order/created"
    assert delivery.body == THIN_BODY.decode()
    assert delivery.headers == {"content-type": "application/json"}


def test_duplicates_of_one_platform_event_share_the_delivery_id() -> None:
    request, _ = thin_notification()
    with_event = Notification(
        topic="order/created", entity=Entity.ORDER, platform_id="4501", event_id="evt-1", body=None
    )

    first = notification_delivery("loja", "nuvemshop", request, with_event, NOW)
    second = notification_delivery("loja", "nuvemshop", request, with_event, NOW)

    assert first.delivery_id == second.delivery_id == "evt-1"


def an_order() -> Order:
    return Order(
        platform="nuvemshop",
        platform_order_id="4501",
        number="4501",
        status=OrderStatus.PAID,
        customer=Customer(name="Maria"),
        items=[OrderItem(name="Camiseta", quantity=Decimal(1), unit_price=Decimal("10.00"))],
        totals=OrderTotals(subtotal=Decimal("10.00"), total=Decimal("10.00")),
        currency="BRL",
        created_at=NOW,
    )


def test_a_fetched_order_becomes_an_order_placed_event_with_the_integration_version() -> None:
    request, notification = thin_notification()
    delivery = notification_delivery("loja", "nuvemshop", request, notification, NOW)
    integration = Integration(
        id="loja",
        platform="nuvemshop",
        name="Loja",
        credentials="x",
        version=3,
        created_at=NOW,
        updated_at=NOW,
    )

    envelope = fetched_record_event(delivery, integration, an_order())

    assert envelope.type == "order.placed"
    assert envelope.config_version == 3
    assert envelope.entity_key == "order:4501"
    assert envelope.occurred_at == NOW


def test_each_record_kind_has_its_event() -> None:
    assert payload_for_record(Category(code="c1", name="Camisetas")).type == "category.changed"
    with pytest.raises(TypeError):
        payload_for_record(StockLevel(sku="A", warehouse="1", quantity=Decimal(1), measured_at=NOW))
