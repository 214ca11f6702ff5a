"""Canonical models: money, ids, lifecycle, envelope and the committed JSON Schema."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError

from schemas.codec import decode, encode
from schemas.customer import Customer
from schemas.envelope import EventEnvelope, SourceSystem
from schemas.events import OrderPlaced, StockChanged
from schemas.export import SCHEMA_DIR, rendered_schemas
from schemas.order import Order, OrderItem, OrderTotals
from schemas.order_status import OrderStatus, transition_allowed
from schemas.stock import StockLevel

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def an_order(**changes: object) -> Order:
    fields: dict[str, object] = {
        "platform": "shopify",
        "platform_order_id": 820982911946154508,
        "number": "#1001",
        "status": OrderStatus.PAID,
        "customer": Customer(name="Maria Silva", document="12345678909"),
        "items": [
            OrderItem(
                sku="CAM-P", name="Camiseta", quantity=Decimal(2), unit_price=Decimal("49.90")
            )
        ],
        "totals": OrderTotals(subtotal=Decimal("99.80"), total=Decimal("99.80")),
        "currency": "BRL",
        "created_at": NOW,
    }
    fields.update(changes)
    return Order.model_validate(fields)


def test_the_committed_json_schema_is_current() -> None:
    for name, content in rendered_schemas().items():
        committed = (SCHEMA_DIR / name).read_bytes()
        assert committed == content, f"{name} is stale: run `ponte schemas export`"


def test_external_ids_become_strings_without_losing_digits() -> None:
    assert an_order().platform_order_id == "820982911946154508"


def test_a_float_id_is_refused_because_it_lost_digits() -> None:
    with pytest.raises(ValidationError, match="2\\^53"):
        an_order(platform_order_id=8.209829119461545e17)


def test_money_refuses_floats() -> None:
    with pytest.raises(ValidationError, match="never a float"):
        OrderItem(sku="X", name="X", quantity=Decimal(1), unit_price=0.1)  # type: ignore[arg-type]


def test_item_total_is_exact() -> None:
    item = OrderItem(
        name="X", quantity=Decimal(3), unit_price=Decimal("0.10"), discount=Decimal("0.05")
    )
    assert item.total == Decimal("0.25")


def test_an_invoiced_order_needs_its_nfe() -> None:
    with pytest.raises(ValidationError, match="NF-e"):
        an_order(status=OrderStatus.INVOICED)


def test_naive_timestamps_are_refused() -> None:
    with pytest.raises(ValidationError):
        an_order(created_at=datetime(2026, 1, 1))


@pytest.mark.parametrize(
    ("current", "new", "allowed"),
    [
        (OrderStatus.PENDING_PAYMENT, OrderStatus.PAID, True),
        (OrderStatus.PAID, OrderStatus.SHIPPED, True),
        (OrderStatus.SHIPPED, OrderStatus.PAID, False),
        (OrderStatus.INVOICED, OrderStatus.CANCELED, True),
        (OrderStatus.SHIPPED, OrderStatus.CANCELED, False),
        (OrderStatus.CANCELED, OrderStatus.PAID, False),
        (OrderStatus.DELIVERED, OrderStatus.DELIVERED, True),
    ],
)
def test_order_lifecycle(current: OrderStatus, new: OrderStatus, allowed: bool) -> None:
    assert transition_allowed(current, new) is allowed


def envelope(payload: OrderPlaced | StockChanged, type_: str | None = None) -> EventEnvelope:
    return EventEnvelope(
        event_id="e-1",
        type=type_ or payload.type,
        integration_id="loja-demo",
        source=SourceSystem.SHOPIFY,
        entity_key="order:820982911946154508",
        occurred_at=NOW,
        received_at=NOW,
        idempotency_key="shopify:evt-1",
        trace_id="t-1",
        config_version=1,
        payload=payload,
    )


def test_envelope_round_trips_through_orjson_exactly() -> None:
    original = envelope(OrderPlaced(order=an_order()))
    data = encode(original)
    assert b'"unit_price":"49.90"' in data
    assert decode(EventEnvelope, data) == original


def test_the_payload_union_is_discriminated_on_type() -> None:
    level = StockLevel(sku="CAM-P", warehouse="01", quantity=Decimal(7), measured_at=NOW)
    decoded = decode(EventEnvelope, encode(envelope(StockChanged(level=level))))
    assert isinstance(decoded.payload, StockChanged)


def test_envelope_type_must_match_its_payload() -> None:
    with pytest.raises(ValidationError, match="does not match"):
        envelope(OrderPlaced(order=an_order()), type_="stock.changed")


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(ValidationError, match="Extra inputs"):
        Customer.model_validate({"name": "A", "nickname": "B"})
