"""Signed Shopify `orders/create` deliveries, built ahead of the run so building costs nothing.

The order resource comes from the Shopify sandbox's own builder (a pure function), so its shape
is the one the sandbox store sends; only `name` is ours ("#B17"), to count orders in the ERP.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import orjson

from connectors.shopify.sandbox.orders import OrderContext, build_order
from connectors.shopify.webhooks import sign
from engine.demo import DEMO_ORDER

SHOP_ID = 548380009
API_VERSION = "2026-04"
SAO_PAULO = timezone(timedelta(hours=-3))
FIRST_ID = 2**53 + 1  # past what a float holds exactly, as real Shopify ids are

# The demo's order (BRL, two lines, SEDEX), paid through a Brazilian gateway.
ORDER_TEMPLATE: dict[str, Any] = DEMO_ORDER | {
    "payment_gateway_names": ["mercado_pago"],
    "financial_status": "paid",
}


@dataclass(frozen=True)
class Webhook:
    """One delivery exactly as Shopify would POST it: raw body and headers, signature included."""

    number: str  # the order's `name`, which the ERP keeps as numeroDaOrdemDeCompra
    body: bytes
    headers: dict[str, str]


def order_resource(n: int, prefix: str, shop_domain: str, ids: Iterator[int]) -> dict[str, Any]:
    """A full BRL order resource named `#{prefix}{n}`, with a different customer each time."""
    first, last = f"Cliente{n}", "Bench"
    email = f"cliente{n}.{prefix.lower()}@example.com.br"
    raw = ORDER_TEMPLATE | {
        "email": email,
        "customer": {"first_name": first, "last_name": last, "email": email},
        "billing_address": ORDER_TEMPLATE["billing_address"]
        | {"first_name": first, "last_name": last},
        "note_attributes": [{"name": "CPF", "value": f"{n % 1000:03d}.456.789-09"}],
    }
    ctx = OrderContext(
        shop_id=SHOP_ID,
        shop_domain=shop_domain,
        currency="BRL",
        number=n + 1,
        now=datetime.now(SAO_PAULO).replace(microsecond=0),
        next_id=lambda _kind: next(ids),
    )
    return build_order(raw, ctx) | {"name": f"#{prefix}{n}"}


def signed_webhooks(
    count: int, prefix: str, shop_domain: str, secret: str, first_id: int = FIRST_ID
) -> list[Webhook]:
    """``count`` deliveries of distinct orders named `#{prefix}0` .. `#{prefix}{count-1}`.

    Ids (order, lines, customer ...) are drawn from ``first_id`` upwards.
    """
    ids = itertools.count(first_id)
    webhooks = []
    for n in range(count):
        body = orjson.dumps(order_resource(n, prefix, shop_domain, ids))
        headers = {
            "Content-Type": "application/json",
            "X-Shopify-Topic": "orders/create",
            "X-Shopify-Shop-Domain": shop_domain,
            "X-Shopify-Webhook-Id": str(uuid.uuid4()),
            "X-Shopify-Event-Id": str(uuid.uuid4()),
            "X-Shopify-API-Version": API_VERSION,
            "X-Shopify-Triggered-At": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "X-Shopify-Hmac-Sha256": sign(secret, body),
        }
        webhooks.append(Webhook(f"#{prefix}{n}", body, headers))
    return webhooks
