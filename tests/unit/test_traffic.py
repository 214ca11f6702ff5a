"""engine.traffic reads the event type from the first bytes of the records the engine writes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from faust.types import TP
from faust.types.tuples import PendingMessage
from prometheus_client import REGISTRY

from engine.outbound import command_for
from engine.traffic import MAX_TYPES, TYPE_FIELD, TrafficSensor, type_of
from schemas.codec import encode
from schemas.delivery import Delivery
from schemas.envelope import EventEnvelope, SourceSystem
from schemas.events import StockChanged
from schemas.integration import Integration
from schemas.stock import StockLevel
from topics.registry import DELIVERIES, ORDERS, OUTBOUND, all_topics

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
NAMESPACE = "t-traffic"


def stock_envelope() -> EventEnvelope:
    level = StockLevel(sku="CAM-AZUL-M", warehouse="1", quantity=Decimal(7), measured_at=T0)
    return EventEnvelope(
        event_id=str(uuid.uuid4()),
        type="stock.changed",
        integration_id="erp",
        source=SourceSystem.ERP,
        entity_key="stock:CAM-AZUL-M",
        occurred_at=T0,
        received_at=T0,
        idempotency_key="erp:estoque:CAM-AZUL-M:" + "9" * 40,
        trace_id=str(uuid.uuid4()),
        config_version=0,
        payload=StockChanged(level=level),
    )


def integration() -> Integration:
    return Integration(
        id="loja-a",
        platform="shopify",
        name="Loja A",
        credentials="x",
        version=3,
        created_at=T0,
        updated_at=T0,
    )


def pending(value: bytes) -> PendingMessage:
    return PendingMessage(None, b"k", value, None, None, None, "raw", "raw", None)  # type: ignore[arg-type]


def out_count(topic: str, kind: str) -> float:
    return REGISTRY.get_sample_value("ponte_events_out_total", {"topic": topic, "type": kind}) or 0


def test_the_type_of_an_envelope_a_command_and_a_delivery() -> None:
    envelope = stock_envelope()
    assert type_of(encode(envelope), TYPE_FIELD[ORDERS]) == "stock.changed"
    command = command_for(envelope, integration())
    assert command is not None
    assert type_of(encode(command), TYPE_FIELD[OUTBOUND]) == "stock_export"
    delivery = Delivery(
        delivery_id=str(uuid.uuid4()),
        event_id=str(uuid.uuid4()),
        integration_id="loja-a",
        source=SourceSystem.SHOPIFY,
        topic="orders/create",
        entity_key="order:4501",
        headers={"x-shopify-topic": "orders/create"},
        body='{"id": 4501, "type": "not this one"}',
        received_at=T0,
        trace_id=str(uuid.uuid4()),
    )
    assert type_of(encode(delivery), TYPE_FIELD[DELIVERIES]) == "orders/create"


def test_no_type_where_the_field_is_missing_far_or_unterminated() -> None:
    assert type_of(None, b'"type":"') == ""
    assert type_of(b'{"type":"x"}', None) == ""
    assert type_of(b'{"a":"' + b"x" * 600 + b'","type":"late"}', b'"type":"') == ""
    assert type_of(b'{"type":"' + b"y" * 100, b'"type":"') == ""


def test_the_sensor_counts_out_by_declared_topic_and_type_and_caps_types() -> None:
    declared: dict[str, Any] = {spec.named(NAMESPACE): spec for spec in all_topics()}
    sensor = TrafficSensor(declared)
    orders = ORDERS.named(NAMESPACE)
    before = out_count("ponte.orders", "stock.changed")
    for _ in range(3):
        sensor.on_send_initiated(None, orders, pending(encode(stock_envelope())), 1, 1)  # type: ignore[arg-type]
    assert out_count("ponte.orders", "stock.changed") == before + 3
    for n in range(MAX_TYPES + 5):
        value = b'{"event_id":"e","type":"t%d"}' % n
        sensor.on_send_initiated(None, orders, pending(value), 1, 1)  # type: ignore[arg-type]
    assert out_count("ponte.orders", "other") >= 6
    internal = "t-traffic-ponte-table-changelog"
    sensor.on_send_initiated(None, internal, pending(b"{}"), 1, 1)  # type: ignore[arg-type]
    assert out_count("faust-internal", "") >= 1


def test_the_sensor_counts_in_by_declared_topic() -> None:
    sensor = TrafficSensor({ORDERS.named(NAMESPACE): ORDERS})
    name = {"topic": "ponte.orders"}
    before = REGISTRY.get_sample_value("ponte_events_in_total", name) or 0
    sensor.on_message_in(TP(ORDERS.named(NAMESPACE), 0), 10, None)  # type: ignore[arg-type]
    sensor.on_message_in(TP(ORDERS.named(NAMESPACE), 1), 11, None)  # type: ignore[arg-type]
    assert REGISTRY.get_sample_value("ponte_events_in_total", name) == before + 2
