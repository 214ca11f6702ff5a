"""The VTEX client against the real sandbox over loopback: writes round-trip through reads."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from connectors.capabilities import Entity
from connectors.contract import CheckOutcome, OrderMove, OrderMoveKind
from connectors.cursor import SyncCursor
from connectors.errors import NotFound, Permanent
from connectors.vtex.client import VtexClient
from connectors.vtex.sandbox.kit import VtexSandboxKit
from schemas.attribute import Attribute
from schemas.brand import Brand
from schemas.category import Category
from schemas.order import Invoice, Tracking
from schemas.order_status import OrderStatus
from schemas.price import Price
from schemas.product import Product, Variant
from schemas.stock import StockLevel


@pytest.fixture
async def kit(tmp_path: Path) -> AsyncIterator[VtexSandboxKit]:
    kit = VtexSandboxKit()
    await kit.start(tmp_path)
    try:
        yield kit
    finally:
        await kit.stop()


@pytest.fixture
async def client(kit: VtexSandboxKit) -> AsyncIterator[VtexClient]:
    client = VtexClient(kit.settings())
    try:
        yield client
    finally:
        await client.aclose()


async def raw(kit: VtexSandboxKit, path: str) -> object:
    async with httpx.AsyncClient() as http:
        response = await http.get(kit.url + path, params={"an": "ponte"}, headers=kit._headers())
        response.raise_for_status()
        return response.json()


async def test_a_product_written_reads_back_and_the_put_blanks_trap_is_avoided(
    kit: VtexSandboxKit, client: VtexClient
) -> None:
    [product_id] = await kit.seed(Entity.PRODUCT, 1)
    before = await raw(kit, f"/api/catalog/pvt/product/{product_id}")
    assert isinstance(before, dict)
    seeded = await client.get_by_code(Entity.PRODUCT, product_id)
    assert isinstance(seeded, Product)
    renamed = seeded.model_copy(update={"name": "Camiseta Nova", "brand": None})
    assert await client.upsert(Entity.PRODUCT, renamed) == product_id
    after = await raw(kit, f"/api/catalog/pvt/product/{product_id}")
    assert isinstance(after, dict) and after["Name"] == "Camiseta Nova"
    for untouched in (
        "IsVisible",
        "LinkId",
        "BrandId",
        "CategoryId",
        "Description",
        "DescriptionShort",
        "ShowWithoutStock",
    ):
        assert after[untouched] == before[untouched], untouched  # a partial PUT would blank these
    read = await client.get_by_code(Entity.PRODUCT, product_id)
    assert isinstance(read, Product) and read.name == "Camiseta Nova"
    assert read.variants[0].price == Decimal("59.9")


async def test_a_new_product_is_created_with_its_sku_and_found_by_refid(
    client: VtexClient, kit: VtexSandboxKit
) -> None:
    [category] = await kit.seed(Entity.CATEGORY, 1)
    product = Product(sku="BOLSA-1", name="Bolsa", brand="Couro Bom", categories=[category],
                      variants=[Variant(sku="BOLSA-1-U", price=Decimal("120.00"))])  # fmt: skip
    product_id = await client.upsert(Entity.PRODUCT, product)
    again = await client.upsert(Entity.PRODUCT, product)  # idempotent: same record
    assert again == product_id
    read = await client.get_by_code(Entity.PRODUCT, "BOLSA-1")
    assert (
        isinstance(read, Product)
        and read.brand == "Couro Bom"
        and read.variants[0].sku == "BOLSA-1-U"
    )
    assert read.variants[0].active is False  # created inactive, as VTEX requires


async def test_categories_and_brands_round_trip(client: VtexClient) -> None:
    category_id = await client.upsert(Entity.CATEGORY, Category(code="x", name="Calçados"))
    child_id = await client.upsert(
        Entity.CATEGORY, Category(code="y", name="Tênis", parent_code=category_id)
    )
    child = await client.get_by_code(Entity.CATEGORY, child_id)
    assert (
        isinstance(child, Category) and child.parent_code == category_id and child.name == "Tênis"
    )
    renamed = child.model_copy(update={"name": "Tênis de corrida"})
    assert await client.upsert(Entity.CATEGORY, renamed) == child_id
    assert (await client.get_by_code(Entity.CATEGORY, child_id)).name == "Tênis de corrida"  # type: ignore[attr-defined]
    brand_id = await client.upsert(Entity.BRAND, Brand(name="Havaianas"))
    assert await client.upsert(Entity.BRAND, Brand(name="havaianas")) == brand_id  # found by name
    assert (await client.get_by_code(Entity.BRAND, brand_id)).name == "havaianas"  # type: ignore[attr-defined]


async def test_stock_is_absolute_and_a_423_is_retried(
    kit: VtexSandboxKit, client: VtexClient
) -> None:
    [product_id] = await kit.seed(Entity.PRODUCT, 1)
    product = await client.get_by_code(Entity.PRODUCT, product_id)
    assert isinstance(product, Product)
    sku = product.variants[0].sku
    at = datetime(2026, 1, 5, tzinfo=UTC)
    await client.set_stock(
        StockLevel(sku=sku, warehouse="default", quantity=Decimal(12), measured_at=at)
    )
    await kit.force_lock(2)
    await client.set_stock(
        StockLevel(sku=sku, warehouse="default", quantity=Decimal(5), measured_at=at)
    )
    sku_id = await client.sku_id(sku)
    inventory = await raw(kit, f"/api/logistics/pvt/inventory/skus/{sku_id}")
    assert isinstance(inventory, dict) and inventory["balance"][0]["totalQuantity"] == 5


async def test_price_with_a_dated_promotion_round_trips(
    kit: VtexSandboxKit, client: VtexClient
) -> None:
    [product_id] = await kit.seed(Entity.PRODUCT, 1)
    product = await client.get_by_code(Entity.PRODUCT, product_id)
    assert isinstance(product, Product)
    sku = product.variants[0].sku
    await client.set_price(Price(sku=sku, price=Decimal("79.90"), promotional_price=Decimal("69.90"),
                                 promotion_starts_at=datetime(2026, 1, 1, tzinfo=UTC),
                                 promotion_ends_at=datetime(2026, 2, 1, tzinfo=UTC)))  # fmt: skip
    stored = await raw(kit, f"/ponte/pricing/prices/{await client.sku_id(sku)}")
    assert isinstance(stored, dict) and stored["basePrice"] == 79.9
    assert stored["fixedPrices"][0]["value"] == 69.9 and stored["fixedPrices"][0]["dateRange"][
        "to"
    ].startswith("2026-02-01")
    read = await client.get_by_code(Entity.PRODUCT, product_id)
    assert isinstance(read, Product) and read.variants[0].price == Decimal("79.9")


async def test_an_order_moves_through_handling_invoice_tracking(
    kit: VtexSandboxKit, client: VtexClient
) -> None:
    [order_id] = await kit.seed(Entity.ORDER, 1)
    order = await client.get_by_code(Entity.ORDER, order_id)
    assert order.status is OrderStatus.PAID  # type: ignore[attr-defined]
    await client.move_order(order_id, OrderMove(OrderMoveKind.START_HANDLING))
    with pytest.raises(Permanent):  # OMS003: no longer ready-for-handling
        await client.move_order(order_id, OrderMove(OrderMoveKind.START_HANDLING))
    invoice = Invoice(key="3" * 44, number="1001", series="1")
    await client.move_order(order_id, OrderMove(OrderMoveKind.INVOICE, invoice=invoice))
    await client.move_order(
        order_id, OrderMove(OrderMoveKind.SHIP, tracking=Tracking(code="BR123", carrier="Correios"))
    )
    read = await client.get_by_code(Entity.ORDER, order_id)
    assert read.status is OrderStatus.INVOICED and read.invoice.key == "3" * 44  # type: ignore[attr-defined]
    assert read.shipping.tracking.code == "BR123"  # type: ignore[attr-defined]
    with pytest.raises(Permanent):
        await client.move_order(order_id, OrderMove(OrderMoveKind.CANCEL, reason="late"))


async def test_a_paid_order_is_canceled(kit: VtexSandboxKit, client: VtexClient) -> None:
    [order_id] = await kit.seed(Entity.ORDER, 1)
    await client.move_order(order_id, OrderMove(OrderMoveKind.CANCEL, reason="sem estoque"))
    read = await client.get_by_code(Entity.ORDER, order_id)
    assert read.status is OrderStatus.CANCELED and read.cancel_reason == "sem estoque"  # type: ignore[attr-defined]


async def test_order_pages_are_exhausted_exactly(kit: VtexSandboxKit, client: VtexClient) -> None:
    ids = await kit.seed(Entity.ORDER, 205)  # three OMS pages of 100
    seen: list[str] = []
    pages = 0
    async for page in client.list_since(Entity.ORDER, SyncCursor()):
        pages += 1
        seen += [r.platform_order_id for r in page.records]  # type: ignore[attr-defined]
    assert seen == ids and pages == 3


async def test_a_429_is_honoured_without_losing_the_write(
    kit: VtexSandboxKit, client: VtexClient
) -> None:
    await kit.force_rate_limit(calls=3, retry_after=0.2)
    brand_id = await client.upsert(Entity.BRAND, Brand(name="Depois do 429"))
    assert (await client.get_by_code(Entity.BRAND, brand_id)).name == "Depois do 429"  # type: ignore[attr-defined]


async def test_the_feed_is_read_and_committed(kit: VtexSandboxKit, client: VtexClient) -> None:
    [order_id] = await kit.seed(Entity.ORDER, 1)
    items = await client.read_feed()
    assert [(i.order_id, i.state) for i in items] == [(order_id, "ready-for-handling")]
    await client.commit_feed(items)
    assert await client.read_feed() == []


async def test_an_app_key_without_roles_is_named_missing_permission(kit: VtexSandboxKit) -> None:
    client = VtexClient(kit.failing_settings(CheckOutcome.MISSING_PERMISSION))
    try:
        check = await client.test_connection()
    finally:
        await client.aclose()
    assert check.outcome is CheckOutcome.MISSING_PERMISSION
    assert "403" in check.detail and "role" in check.detail


async def test_a_specification_field_reads_with_its_values(
    kit: VtexSandboxKit, client: VtexClient
) -> None:
    [field_id] = await kit.seed(Entity.ATTRIBUTE, 1)
    attribute = await client.get_by_code(Entity.ATTRIBUTE, field_id)
    assert attribute == Attribute(name="Tamanho", values=["P", "M"], platform_attribute_id=field_id)
    with pytest.raises(NotFound):
        await client.get_by_code(Entity.ATTRIBUTE, "999999")


async def test_a_category_without_its_id_is_found_by_name_under_its_parent_not_doubled(
    client: VtexClient, kit: VtexSandboxKit
) -> None:
    made = await client.upsert(Entity.CATEGORY, Category(code="a", name="Acessórios"))
    child = Category(code="b", name="Bolsas", parent_code=made)

    child_id = await client.upsert(Entity.CATEGORY, child)
    again = await client.upsert(Entity.CATEGORY, Category(code="a", name="acessórios"))
    child_again = await client.upsert(Entity.CATEGORY, child)
    root_bolsas = await client.upsert(Entity.CATEGORY, Category(code="c", name="Bolsas"))

    assert again == made and child_again == child_id
    assert root_bolsas not in (made, child_id), "the same name under another parent is another"
    tree = await raw(kit, "/api/catalog_system/pub/category/tree/3")
    assert isinstance(tree, list)
    [acessorios] = [node for node in tree if node["id"] == int(made)]
    assert [kid["name"] for kid in acessorios["children"]] == ["Bolsas"]
    assert acessorios["hasChildren"] is True
