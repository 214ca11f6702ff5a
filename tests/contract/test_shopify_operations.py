"""ShopifyClient's contract operations against the running sandbox (through the kit):
upserts keep ids, stock and price land on the right variant, order moves, token renewal,
attributes gathered from options, a token without scopes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from connectors.capabilities import Entity
from connectors.contract import CheckOutcome, OrderMove, OrderMoveKind
from connectors.cursor import SyncCursor
from connectors.errors import AuthError, NotFound, Permanent
from connectors.shopify.auth import ShopifyTokens
from connectors.shopify.client import ShopifyClient
from connectors.shopify.sandbox.kit import ShopifySandboxKit
from schemas.attribute import Attribute
from schemas.category import Category
from schemas.order import Invoice, Tracking
from schemas.price import Price
from schemas.product import AttributeValue, Product, Variant
from schemas.stock import StockLevel

NOW = datetime(2026, 5, 9, 12, 0, tzinfo=UTC)
NFE_KEY = "35260512345678000190550010000012341000012345"


@pytest.fixture
async def kit(tmp_path: Path) -> AsyncIterator[ShopifySandboxKit]:
    running = ShopifySandboxKit()
    await running.start(tmp_path)
    yield running
    await running.stop()


@pytest.fixture
async def client(kit: ShopifySandboxKit) -> AsyncIterator[ShopifyClient]:
    async with ShopifyClient(kit.settings()) as shopify:
        yield shopify


async def raw(kit: ShopifySandboxKit, path: str) -> Any:
    async with httpx.AsyncClient() as http:
        answer = await http.get(
            f"{kit.url}/admin/api/2026-04{path}",
            headers={"X-Shopify-Access-Token": kit._config().token},
        )
    answer.raise_for_status()
    return orjson.loads(answer.content)


def camiseta(**changes: Any) -> Product:
    fields: dict[str, Any] = {
        "sku": "CAM-001",
        "name": "Camiseta Básica",
        "brand": "Ponte Wear",
        "categories": ["Camisetas"],
        "variants": [
            Variant(sku="CAM-001-P", price=Decimal("59.90"),
                    attributes=[AttributeValue(name="Tamanho", value="P")]),
            Variant(sku="CAM-001-M", price=Decimal("59.90"),
                    attributes=[AttributeValue(name="Tamanho", value="M")]),
        ],
        **changes,
    }  # fmt: skip
    return Product(**fields)


async def test_product_upsert_creates_then_updates_in_place(client: ShopifyClient) -> None:
    first = await client.upsert(Entity.PRODUCT, camiseta())
    created = await client.get_by_code(Entity.PRODUCT, first)
    again = await client.upsert(Entity.PRODUCT, camiseta(name="Camiseta Premium"))
    assert again == first  # found by handle without a platform id: no duplicate
    updated = await client.get_by_code(Entity.PRODUCT, first)
    assert isinstance(created, Product) and isinstance(updated, Product)
    assert updated.name == "Camiseta Premium"
    assert [v.platform_variant_id for v in updated.variants] == [
        v.platform_variant_id for v in created.variants
    ]
    assert [(v.sku, v.attributes) for v in updated.variants] == [
        (v.sku, v.attributes) for v in camiseta().variants
    ]
    by_sku = await client.get_by_code(Entity.PRODUCT, "CAM-001")  # the handle of the parent SKU
    assert isinstance(by_sku, Product) and by_sku.platform_product_id == first


async def test_product_update_drops_variants_the_erp_no_longer_has(client: ShopifyClient) -> None:
    product_id = await client.upsert(Entity.PRODUCT, camiseta())
    only_m = camiseta(platform_product_id=product_id, variants=[camiseta().variants[1]])
    await client.upsert(Entity.PRODUCT, only_m)
    updated = await client.get_by_code(Entity.PRODUCT, product_id)
    assert isinstance(updated, Product)
    assert [v.sku for v in updated.variants] == ["CAM-001-M"]


async def test_collection_upsert_is_idempotent(client: ShopifyClient) -> None:
    category = Category(code="camisetas", name="Camisetas")
    first = await client.upsert(Entity.CATEGORY, category)
    again = await client.upsert(Entity.CATEGORY, category.model_copy(update={"name": "Camisas"}))
    assert first == again
    read = await client.get_by_code(Entity.CATEGORY, first)
    assert read == Category(code="camisetas", name="Camisas", platform_category_id=first)


async def test_set_stock_is_absolute_at_the_location(
    client: ShopifyClient, kit: ShopifySandboxKit
) -> None:
    product_id = await client.upsert(Entity.PRODUCT, camiseta())
    for quantity in (7, 3, 3):  # a retried write sets, never adds
        await client.set_stock(
            StockLevel(sku="CAM-001-M", warehouse="1", quantity=Decimal(quantity), measured_at=NOW)
        )
    product = (await raw(kit, f"/products/{product_id}.json"))["product"]
    small, medium = product["variants"]
    assert medium["inventory_quantity"] == 3 and small["inventory_quantity"] == 0
    levels = await raw(
        kit, f"/inventory_levels.json?inventory_item_ids={medium['inventory_item_id']}"
    )
    assert [lv["available"] for lv in levels["inventory_levels"]] == [3]
    with pytest.raises(NotFound):
        await client.set_stock(
            StockLevel(sku="NOPE", warehouse="1", quantity=Decimal(1), measured_at=NOW)
        )


async def test_set_price_maps_the_promotion(client: ShopifyClient, kit: ShopifySandboxKit) -> None:
    product_id = await client.upsert(Entity.PRODUCT, camiseta())
    await client.set_price(
        Price(sku="CAM-001-P", price=Decimal("59.90"), promotional_price=Decimal("49.90"))
    )
    variant = (await raw(kit, f"/products/{product_id}.json"))["product"]["variants"][0]
    assert (variant["price"], variant["compare_at_price"]) == ("49.90", "59.90")
    ended = NOW - timedelta(days=1)
    await client.set_price(
        Price(sku="CAM-001-P", price=Decimal("59.90"), promotional_price=Decimal("49.90"),
              promotion_starts_at=ended - timedelta(days=7), promotion_ends_at=ended)
    )  # fmt: skip
    variant = (await raw(kit, f"/products/{product_id}.json"))["product"]["variants"][0]
    assert (variant["price"], variant["compare_at_price"]) == ("59.90", None)


async def test_order_moves(client: ShopifyClient, kit: ShopifySandboxKit) -> None:
    [order_id] = await kit.seed(Entity.ORDER, 1)
    await client.move_order(order_id, OrderMove(OrderMoveKind.START_HANDLING))
    invoice = Invoice(key=NFE_KEY, number="1234", url="https://nfe.example/1234")
    for _ in range(2):
        await client.move_order(order_id, OrderMove(OrderMoveKind.INVOICE, invoice=invoice))
    [metafield] = (await raw(kit, f"/orders/{order_id}/metafields.json"))["metafields"]
    assert (metafield["namespace"], metafield["key"], metafield["type"]) == ("nfe", "list", "json")
    assert orjson.loads(metafield["value"]) == [
        {"key": NFE_KEY, "link": "https://nfe.example/1234", "fulfillment_order_id": None}
    ]
    tracking = Tracking(code="BR123456789BR", carrier="Correios", url="https://rastreio/BR1")
    for _ in range(2):
        await client.move_order(order_id, OrderMove(OrderMoveKind.SHIP, tracking=tracking))
    order = (await raw(kit, f"/orders/{order_id}.json"))["order"]
    assert order["fulfillment_status"] == "fulfilled"
    [fulfillment] = order["fulfillments"]
    assert fulfillment["tracking_number"] == "BR123456789BR"
    assert fulfillment["tracking_company"] == "Correios"
    for _ in range(2):
        await client.move_order(order_id, OrderMove(OrderMoveKind.CANCEL, reason="customer"))
    order = (await raw(kit, f"/orders/{order_id}.json"))["order"]
    assert order["cancelled_at"] and order["cancel_reason"] == "customer"


async def test_an_expired_token_is_renewed_and_handed_to_on_tokens(
    kit: ShopifySandboxKit,
) -> None:
    handed: list[ShopifyTokens] = []

    async def keep(tokens: ShopifyTokens) -> None:
        handed.append(tokens)

    settings = kit.settings(refresh_token=kit._config().refresh_token)
    async with ShopifyClient(settings, on_tokens=keep) as shopify:
        await shopify.get_shop()
        await kit.expire_tokens()
        assert (await shopify.test_connection()).ok  # 401, renewed, retried
        first = handed[-1]
        # The next renewal must use the rotated refresh token: the old one is spent.
        await kit.expire_tokens()
        await shopify.get_shop()
    assert len(handed) == 2
    assert first.refresh_token is not None and first.expires_at is not None
    assert first.refresh_token.get_secret_value() != kit._config().refresh_token
    assert handed[1].access_token != first.access_token


async def test_a_token_near_expiry_is_renewed_before_use(kit: ShopifySandboxKit) -> None:
    soon = datetime.now(UTC) + timedelta(seconds=30)
    settings = kit.settings(access_token_expires_at=soon)  # client credentials grant
    async with ShopifyClient(settings) as shopify:
        await shopify.get_shop()
        assert shopify.tokens.access_token.get_secret_value() != kit._config().token
        assert shopify.tokens.expires_at is not None and shopify.tokens.expires_at > soon


async def test_a_refused_renewal_is_an_auth_error(kit: ShopifySandboxKit) -> None:
    settings = kit.settings(client_secret="wrong")
    async with ShopifyClient(settings) as shopify:
        await kit.expire_tokens()
        with pytest.raises(AuthError):
            await shopify.get_shop()


async def test_a_shop_with_one_location_takes_any_warehouse(
    client: ShopifyClient, kit: ShopifySandboxKit
) -> None:
    product_id = await client.upsert(Entity.PRODUCT, camiseta())
    level = StockLevel(
        sku="CAM-001-P", warehouse="Depósito 9", quantity=Decimal(2), measured_at=NOW
    )
    await client.set_stock(level)
    variant = (await raw(kit, f"/products/{product_id}.json"))["product"]["variants"][0]
    assert variant["inventory_quantity"] == 2


async def test_fractional_stock_is_refused(client: ShopifyClient) -> None:
    level = StockLevel(sku="X", warehouse="1", quantity=Decimal("1.5"), measured_at=NOW)
    with pytest.raises(Permanent):
        await client.set_stock(level)


# -- attributes (product options) and the missing-scope check ------------------------------


def coloured_product(title: str, colours: list[str]) -> dict[str, Any]:
    variants = [{"sku": f"{title}-{c}", "price": "10.00", "option1": c} for c in colours]
    return {"product": {"title": title, "options": [{"name": "Cor"}], "variants": variants}}


async def test_an_attribute_gathers_the_values_of_every_product_in_the_sweep(
    kit: ShopifySandboxKit,
) -> None:
    await kit._admin("POST", "/products.json", coloured_product("A", ["Azul", "Verde"]))
    await kit._admin("POST", "/products.json", coloured_product("B", ["Verde", "Preto"]))
    async with ShopifyClient(kit.settings()) as client:
        pages = [page async for page in client.list_since(Entity.ATTRIBUTE, SyncCursor())]
        fetched = await client.get_by_code(Entity.ATTRIBUTE, "Cor")
    expected = Attribute(name="Cor", values=["Azul", "Verde", "Preto"], platform_attribute_id="Cor")
    assert [page.records for page in pages] == [[expected]]
    assert fetched == expected


async def test_an_option_no_product_has_is_not_found(kit: ShopifySandboxKit) -> None:
    await kit.seed(Entity.ATTRIBUTE, 1)
    async with ShopifyClient(kit.settings()) as client:
        with pytest.raises(NotFound):
            await client.get_by_code(Entity.ATTRIBUTE, "Voltagem")


async def test_a_token_without_scopes_is_a_missing_permission_naming_the_scope(
    kit: ShopifySandboxKit,
) -> None:
    async with ShopifyClient(kit.failing_settings(CheckOutcome.MISSING_PERMISSION)) as client:
        check = await client.test_connection()
    assert check.outcome is CheckOutcome.MISSING_PERMISSION
    assert "read_products" in check.detail
    assert kit._config().scopeless_token not in check.detail
