"""The records the flow benchmarks pre-load, built before any clock starts.

Orders: Shopify's real ``orders/create`` sample (samples/shopify/webhook_orders_create.json),
priced in BRL so the ERP books it, each copy a distinct order (ids, name, customer), stored as
the webhook ingress stores a verified delivery. Stock: ERP ``stock.changed`` envelopes exactly as
the ERP poller or push emits them, several warehouses per SKU, each level newer than the last.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson

from engine.erp_changes import erp_envelope
from schemas.codec import encode
from schemas.delivery import Delivery
from schemas.envelope import SourceSystem
from schemas.events import StockChanged
from schemas.stock import StockLevel
from topics.registry import entity_key

SAMPLE = (
    Path(__file__).resolve().parents[1].parent
    / "shared"
    / "samples"
    / "shopify"
    / "webhook_orders_create.json"
)
FIRST_ID = 2**53 + 1  # past what a float holds exactly, as real Shopify ids are
SAMPLE_CURRENCY = "USD"


@dataclass(frozen=True)
class Record:
    """One Kafka record to pre-load, and the identity its flow's output carries: the order's
    entity key (one ERP order each), or the ERP change's event id (one command per integration).
    """

    key: bytes
    value: bytes
    identity: str


def in_brl(node: Any) -> Any:
    """The sample with every currency code in BRL (the ERP books BRL orders only)."""
    if isinstance(node, dict):
        return {name: in_brl(value) for name, value in node.items()}
    if isinstance(node, list):
        return [in_brl(value) for value in node]
    return "BRL" if node == SAMPLE_CURRENCY else node


def brl_sample() -> dict[str, Any]:
    """The real orders/create sample in BRL, paid and not cancelled (the sample is a voided
    order; a new order is what the import flow takes)."""
    order: dict[str, Any] = in_brl(orjson.loads(SAMPLE.read_bytes()))
    return order | {"cancelled_at": None, "cancel_reason": None, "financial_status": "paid"}


def _with_id(record: dict[str, Any], kind: str, new_id: int) -> dict[str, Any]:
    """``record`` under a new id, its GraphQL id (which the mapping prefers) matching."""
    return record | {"id": new_id, "admin_graphql_api_id": f"gid://shopify/{kind}/{new_id}"}


def distinct_order(template: dict[str, Any], n: int, ids: Iterator[int]) -> dict[str, Any]:
    """Copy ``n`` of the sample: its own order, line, customer and shipping ids and name."""
    email = f"cliente{n}@example.com.br"
    return _with_id(template, "Order", next(ids)) | {
        "name": f"#F{n}",
        "number": n + 1,
        "order_number": 1000 + n,
        "email": email,
        "contact_email": email,
        "customer": _with_id(template["customer"], "Customer", next(ids)) | {"email": email},
        "line_items": [_with_id(i, "LineItem", next(ids)) for i in template["line_items"]],
        "shipping_lines": [
            _with_id(line, "ShippingLine", next(ids)) for line in template["shipping_lines"]
        ],
    }


def order_deliveries(integration_id: str, shop_domain: str, count: int) -> list[Record]:
    """``count`` stored Shopify ``orders/create`` deliveries, keyed as the ingress keys them."""
    template, ids = brl_sample(), itertools.count(FIRST_ID)
    now = datetime.now(UTC)
    records = []
    for n in range(count):
        order = distinct_order(template, n, ids)
        event_id = str(uuid.uuid4())
        delivery = Delivery(
            delivery_id=event_id,
            event_id=event_id,
            integration_id=integration_id,
            source=SourceSystem.SHOPIFY,
            topic="orders/create",
            entity_key=f"order:{order['id']}",
            headers={
                "content-type": "application/json",
                "x-shopify-topic": "orders/create",
                "x-shopify-shop-domain": shop_domain,
                "x-shopify-event-id": event_id,
                "x-shopify-api-version": "2026-04",
            },
            body=orjson.dumps(order).decode(),
            received_at=now,
            trace_id=uuid.uuid4().hex,
        )
        key = entity_key(integration_id, delivery.entity_key).encode()
        records.append(Record(key, encode(delivery), delivery.entity_key))
    return records


def stock_changes(count: int, skus: int, warehouses: int) -> list[Record]:
    """``count`` ERP stock levels cycling over SKUs and warehouses, measured one ms apart."""
    start = datetime.now(UTC) - timedelta(hours=1)
    records = []
    for n in range(count):
        level = StockLevel(
            sku=f"BENCH-{n % skus:05d}",
            warehouse=str(1 + (n // skus) % warehouses),
            quantity=Decimal(n % 500),
            measured_at=start + timedelta(milliseconds=n),
        )
        envelope = erp_envelope(StockChanged(level=level), received_at=start, trace_id=f"b{n}")
        key = f"erp:{envelope.entity_key}".encode()
        records.append(Record(key, encode(envelope), envelope.event_id))
    return records
