"""Shopify's products/create and products/update carry the whole product: the real sample
becomes one product.changed for the catalog flow (product import, echo suppression)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from engine.agents.deliveries import destination
from engine.translate import TRANSLATORS
from schemas.delivery import Delivery
from schemas.envelope import SourceSystem
from schemas.events import ProductChanged
from schemas.integration import Integration
from topics.registry import CATALOG

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples" / "shopify"
RECEIVED_AT = datetime(2026, 5, 9, 12, 0, tzinfo=UTC)
INTEGRATION = Integration(
    id="loja-demo",
    platform="shopify",
    name="Loja Demo",
    credentials="gAAAAA-sealed-elsewhere",
    version=2,
    created_at=RECEIVED_AT,
    updated_at=RECEIVED_AT,
)


def product_delivery(topic: str) -> Delivery:
    return Delivery(
        delivery_id="d-1",
        event_id="e-1",
        integration_id="loja-demo",
        source=SourceSystem.SHOPIFY,
        topic=topic,
        entity_key="product:788032119674292922",
        headers={"x-shopify-topic": topic},
        body=(SAMPLES / "webhook_products_update.json").read_text(),
        received_at=RECEIVED_AT,
        trace_id="4bf92f3577b34da6a3ce929d0e0e4736",
    )


def test_a_product_notification_becomes_product_changed_for_the_catalog_flow() -> None:
    for topic in ("products/create", "products/update"):
        envelope = TRANSLATORS[(SourceSystem.SHOPIFY, topic)](product_delivery(topic), INTEGRATION)

        assert isinstance(envelope.payload, ProductChanged)
        product = envelope.payload.product
        assert (product.platform_product_id, product.name, product.brand) == (
            "788032119674292922",
            "Example T-Shirt",
            "Acme",
        )
        assert [v.price for v in product.variants] == [Decimal("24.99")] * 2
        assert envelope.entity_key == "product:788032119674292922"
        assert envelope.occurred_at == datetime(2022, 1, 1, 0, 0, tzinfo=UTC)
        assert destination(envelope) is CATALOG
