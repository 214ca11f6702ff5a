"""The Nuvemshop client against the real sandbox: writes round-trip through reads, the
variant-set trap, absolute stock, 429s ridden out, pagination walked exactly once, attributes
gathered over a whole sweep, a token without scopes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path

import orjson
import pytest

from connectors.budget import RateBudget
from connectors.capabilities import Entity
from connectors.contract import CheckOutcome, OrderMove, OrderMoveKind
from connectors.cursor import SyncCursor
from connectors.errors import NotFound, Permanent
from connectors.nuvemshop.client import NuvemshopClient
from connectors.nuvemshop.sandbox.kit import NuvemshopSandboxKit, seed_product
from schemas.attribute import Attribute
from schemas.category import Category
from schemas.order import Invoice, Tracking
from schemas.order_status import OrderStatus
from schemas.price import Price
from schemas.product import AttributeValue, Product, Variant
from schemas.stock import StockLevel

NOW = "2026-01-01T12:00:00+00:00"
NFE_KEY = "35260112345678000190550010000001231000001234"


@pytest.fixture
async def kit(tmp_path: Path) -> AsyncIterator[NuvemshopSandboxKit]:
    kit = NuvemshopSandboxKit(leak_rate=2000.0)
    await kit.start(tmp_path)
    try:
        yield kit
    finally:
        await kit.stop()


@pytest.fixture
async def client(kit: NuvemshopSandboxKit) -> AsyncIterator[NuvemshopClient]:
    client = NuvemshopClient(kit.settings(), budget=RateBudget(rate=2000.0, burst=40))
    try:
        yield client
    finally:
        await client.aclose()


def shirt(*sizes: tuple[str, str], product_id: str | None = None) -> Product:
    return Product(
        sku="CAM",
        name="Camiseta Ponte",
        description="<p>Algodão</p>",
        brand="Ponte",
        variants=[
            Variant(
                sku=f"CAM-{size}",
                price=Decimal(price),
                attributes=[AttributeValue(name="Tamanho", value=size)],
            )
            for size, price in sizes
        ],
        platform_product_id=product_id,
    )


async def test_a_product_written_reads_back_the_same(client: NuvemshopClient) -> None:
    product_id = await client.upsert(Entity.PRODUCT, shirt(("P", "59.90"), ("M", "64.90")))
    read = await client.get_by_code(Entity.PRODUCT, product_id)
    assert isinstance(read, Product)
    assert (read.name, read.description, read.brand, read.sku) == (
        "Camiseta Ponte",
        "<p>Algodão</p>",
        "Ponte",
        "CAM",
    )
    assert [(v.sku, v.price, v.attributes[0].value) for v in read.variants] == [
        ("CAM-P", Decimal("59.90"), "P"),
        ("CAM-M", Decimal("64.90"), "M"),
    ]
    assert await client.get_by_code(Entity.PRODUCT, "CAM-M") == read  # by SKU too
    again = await client.upsert(Entity.PRODUCT, shirt(("P", "59.90"), ("M", "64.90")))
    assert again == product_id, "a retried create finds the product it made"


async def test_a_partial_update_keeps_the_variants_it_does_not_mention(
    client: NuvemshopClient, kit: NuvemshopSandboxKit
) -> None:
    product_id = await client.upsert(Entity.PRODUCT, shirt(("P", "59.90"), ("M", "64.90")))
    await client.upsert(
        Entity.PRODUCT, shirt(("M", "69.90"), ("G", "74.90"), product_id=product_id)
    )
    read = await client.get_by_code(Entity.PRODUCT, product_id)
    assert isinstance(read, Product)
    prices = {v.sku: v.price for v in read.variants}
    assert prices == {
        "CAM-P": Decimal("59.90"),
        "CAM-M": Decimal("69.90"),
        "CAM-G": Decimal("74.90"),
    }
    # The trap the client avoids: the same data through PUT /products/{id} drops CAM-P.
    raw = await kit.api(
        "PUT", f"/products/{product_id}", {"variants": [{"values": [{"pt": "M"}], "price": "1.00"}]}
    )
    assert [v["sku"] for v in raw["variants"]] == ["CAM-M"]


async def test_stock_is_absolute_and_prices_land_on_the_variant(
    client: NuvemshopClient, kit: NuvemshopSandboxKit
) -> None:
    product_id = await client.upsert(Entity.PRODUCT, shirt(("P", "59.90")))
    for _ in range(2):  # a redelivered level must not add up
        await client.set_stock(
            StockLevel(sku="CAM-P", warehouse="1", quantity=Decimal("7"), measured_at=NOW)
        )
    await client.set_price(
        Price(sku="CAM-P", price=Decimal("49.90"), promotional_price=Decimal("39.90"))
    )
    [variant] = (await kit.api("GET", f"/products/{product_id}"))["variants"]
    assert (variant["stock"], variant["stock_management"]) == (7, True)
    assert (variant["price"], variant["promotional_price"]) == ("49.90", "39.90")
    with pytest.raises(NotFound):
        await client.set_stock(
            StockLevel(sku="NOPE", warehouse="1", quantity=Decimal("1"), measured_at=NOW)
        )
    with pytest.raises(Permanent):
        await client.set_price(Price(sku="CAM-P", price_list="atacado", price=Decimal("1")))


async def test_categories_upsert_under_their_parent(client: NuvemshopClient) -> None:
    parent_id = await client.upsert(Entity.CATEGORY, Category(code="roupas", name="Roupas"))
    child = Category(code="camisetas", name="Camisetas", parent_code=parent_id)
    child_id = await client.upsert(Entity.CATEGORY, child)
    assert await client.upsert(Entity.CATEGORY, child) == child_id, "found by name under its parent"
    read = await client.get_by_code(Entity.CATEGORY, child_id)
    assert isinstance(read, Category)
    assert (read.name, read.parent_code) == ("Camisetas", parent_id)


async def test_an_order_moves_through_pack_nfe_fulfil_and_each_move_repeats_harmlessly(
    client: NuvemshopClient, kit: NuvemshopSandboxKit
) -> None:
    order_id, other_id = await kit.seed(Entity.ORDER, 2)
    order = await client.get_by_code(Entity.ORDER, order_id)
    assert order.status is OrderStatus.PAID and order.customer.document == "12345678909"  # type: ignore[attr-defined]
    invoice = Invoice(key=NFE_KEY, number="123", url="https://erp.example/nfe/123.xml")
    tracking = Tracking(code="BR123", url="https://rastreio.example/BR123")
    for _ in range(2):
        await client.move_order(order_id, OrderMove(OrderMoveKind.START_HANDLING))
    assert (await client.get_by_code(Entity.ORDER, order_id)).status is OrderStatus.IN_HANDLING  # type: ignore[attr-defined]
    for _ in range(2):
        await client.move_order(order_id, OrderMove(OrderMoveKind.INVOICE, invoice=invoice))
        await client.move_order(order_id, OrderMove(OrderMoveKind.SHIP, tracking=tracking))
    shipped = await client.get_by_code(Entity.ORDER, order_id)
    assert shipped.status is OrderStatus.SHIPPED  # type: ignore[attr-defined]
    assert shipped.shipping.tracking == tracking  # type: ignore[attr-defined]
    [nfe] = await kit.api("GET", f"/metafields/orders?owner_id={order_id}")
    assert (nfe["namespace"], nfe["key"]) == ("nfe", "list")
    assert orjson.loads(nfe["value"]) == [
        {"key": NFE_KEY, "link": "https://erp.example/nfe/123.xml"}
    ]
    for _ in range(2):
        await client.move_order(other_id, OrderMove(OrderMoveKind.CANCEL, reason="fraud"))
    canceled = await client.get_by_code(Entity.ORDER, other_id)
    assert (canceled.status, canceled.cancel_reason) == (OrderStatus.CANCELED, "fraud")  # type: ignore[attr-defined]
    with pytest.raises(Permanent):
        await client.move_order(other_id, OrderMove(OrderMoveKind.SHIP, tracking=tracking))


async def test_429s_are_ridden_out_without_losing_or_repeating_the_write(
    client: NuvemshopClient, kit: NuvemshopSandboxKit
) -> None:
    product_id = await client.upsert(Entity.PRODUCT, shirt(("P", "59.90")))
    await kit.force_rate_limit(calls=3, retry_after=0.1)
    await client.set_stock(
        StockLevel(sku="CAM-P", warehouse="1", quantity=Decimal("3"), measured_at=NOW)
    )
    [variant] = (await kit.api("GET", f"/products/{product_id}"))["variants"]
    assert variant["stock"] == 3


async def test_a_list_is_walked_exactly_once_across_pages(
    client: NuvemshopClient, kit: NuvemshopSandboxKit
) -> None:
    made = {
        str((await kit.api("POST", "/categories", {"name": f"C{n}"}))["id"]) for n in range(401)
    }
    pages, seen = 0, []
    async for page in client.list_since(Entity.CATEGORY, SyncCursor()):
        pages += 1
        seen.extend(record.platform_category_id for record in page.records)  # type: ignore[attr-defined]
    assert pages == 3  # 200 + 200 + 1
    assert len(seen) == len(set(seen)) == 401 and set(seen) == made


async def test_an_empty_list_ends_quietly(client: NuvemshopClient) -> None:
    pages = [page async for page in client.list_since(Entity.ORDER, SyncCursor())]
    assert all(page.records == [] for page in pages)


async def test_an_attribute_gathers_its_values_over_every_page_of_the_sweep(
    client: NuvemshopClient, kit: NuvemshopSandboxKit
) -> None:
    for n in range(200):  # P and M, on the first page
        await kit.api("POST", "/products", seed_product(f"T{n}"))
    last = seed_product("T-GG")
    last["variants"] = [{"sku": "T-GG", "price": "59.90", "values": [{"pt": "GG"}]}]
    await kit.api("POST", "/products", last)  # GG, alone on the second page
    pages = [page async for page in client.list_since(Entity.ATTRIBUTE, SyncCursor())]
    fetched = await client.get_by_code(Entity.ATTRIBUTE, "Tamanho")
    expected = Attribute(name="Tamanho", values=["P", "M", "GG"], platform_attribute_id="Tamanho")
    assert [page.records for page in pages] == [[expected]]
    assert fetched == expected
    with pytest.raises(NotFound):
        await client.get_by_code(Entity.ATTRIBUTE, "Voltagem")


async def test_a_token_without_scopes_is_a_missing_permission_naming_the_scopes(
    kit: NuvemshopSandboxKit,
) -> None:
    client = NuvemshopClient(kit.failing_settings(CheckOutcome.MISSING_PERMISSION))
    try:
        check = await client.test_connection()
    finally:
        await client.aclose()
    assert check.outcome is CheckOutcome.MISSING_PERMISSION
    assert "read_products" in check.detail and "read_orders" in check.detail
