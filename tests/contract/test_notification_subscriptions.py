"""The clients' side of the webhooks switch and of stock reconciliation, against the sandboxes:
registering an address is idempotent, removing it removes every subscription of that address
only, and the stock a store shows is read per SKU."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from connectors.capabilities import Entity
from connectors.nuvemshop.client import NOTIFIED_EVENTS
from connectors.registry import PLATFORMS
from connectors.shopify.client import NOTIFIED_TOPICS
from schemas.stock import StockLevel

ADDRESS = "https://ponte.example.com.br/webhooks/{platform}/loja-demo"
OTHER = "https://outro.example.com.br/webhooks"
NOTIFIED = {"shopify": NOTIFIED_TOPICS, "nuvemshop": NOTIFIED_EVENTS}


@pytest.fixture(params=["shopify", "nuvemshop"])
async def running(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Any]:
    spec = PLATFORMS[request.param]
    assert spec.sandbox_kit is not None and spec.client is not None
    kit = spec.sandbox_kit()
    await kit.start(tmp_path)
    client = spec.client(kit.settings())
    try:
        yield request.param, kit, client
    finally:
        await client.aclose()
        await kit.stop()


async def test_registering_twice_subscribes_once_and_removal_spares_other_addresses(
    running: Any,
) -> None:
    platform, kit, client = running
    address = ADDRESS.format(platform=platform)
    await kit.subscribe(OTHER)  # someone else's subscription on the same store

    topics = len(NOTIFIED[platform])  # new orders, payments and cancellations
    assert await client.subscribe_notifications(address) == topics
    assert await client.subscribe_notifications(address) == 0
    assert await client.unsubscribe_notifications(address) == topics
    assert await client.unsubscribe_notifications(address) == 0
    # the other address's new-order subscription is still there, untouched
    assert await client.subscribe_notifications(OTHER) == topics - 1


async def stocked_product(kit: Any, client: Any, *, first_quantity: int) -> dict[str, Decimal]:
    """A seeded product whose variants were given stock through the client: SKU -> quantity."""
    [product_id] = await kit.seed(Entity.PRODUCT, 1)
    product = await client.get_by_code(Entity.PRODUCT, product_id)
    given = {v.sku: Decimal(first_quantity + n) for n, v in enumerate(product.variants)}
    for sku, quantity in given.items():
        level = StockLevel(sku=sku, warehouse="1", quantity=quantity, measured_at=datetime.now(UTC))
        await client.set_stock(level)
    return given


@pytest.mark.parametrize("running", ["shopify", "nuvemshop", "tray"], indirect=True)
async def test_the_stock_a_store_shows_is_read_per_sku(running: Any) -> None:
    _, kit, client = running
    expected = await stocked_product(kit, client, first_quantity=3)

    shown = await client.stock_levels()

    assert {sku: shown[sku] for sku in expected} == expected


@pytest.mark.parametrize("running", ["shopify"], indirect=True)
async def test_shopify_shows_the_stock_at_the_location_ponte_writes_to(running: Any) -> None:
    _, kit, client = running
    expected = await stocked_product(kit, client, first_quantity=7)
    [location] = (await client.api.json("GET", "/locations.json"))["locations"]

    at_location = await client.stock_levels(str(location["id"]))
    elsewhere = await client.stock_levels("999999")

    assert {sku: at_location[sku] for sku in expected} == expected
    assert all(elsewhere[sku] == 0 for sku in expected)
