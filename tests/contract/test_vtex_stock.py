"""The VTEX client's reads against the real sandbox: the stock an account shows, for
reconciliation (per SKU by RefId, only the warehouse Ponte writes to, the account's 429s waited
out, not failed on), and a product caught between its creation and its SKUs'."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import orjson
import pytest

from connectors.capabilities import Entity
from connectors.cursor import SyncCursor
from connectors.errors import NotFound
from connectors.vtex.client import VtexClient
from connectors.vtex.inventory import warehouse_quantity
from connectors.vtex.sandbox.kit import VtexSandboxKit
from connectors.vtex.transport import Api
from schemas.product import Product
from schemas.stock import StockLevel

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples" / "vtex"


@pytest.fixture
async def kit(tmp_path: Path) -> AsyncIterator[VtexSandboxKit]:
    kit = VtexSandboxKit()
    await kit.start(tmp_path)
    try:
        yield kit
    finally:
        await kit.stop()


async def seeded_skus(kit: VtexSandboxKit, client: VtexClient, count: int) -> list[str]:
    skus = []
    for product_id in await kit.seed(Entity.PRODUCT, count):
        product = await client.get_by_code(Entity.PRODUCT, product_id)
        assert isinstance(product, Product)
        skus += [variant.sku for variant in product.variants]
    return skus


async def test_the_stock_shown_is_read_per_sku_in_ponte_s_warehouse(kit: VtexSandboxKit) -> None:
    client = VtexClient(kit.settings())
    try:
        skus = await seeded_skus(kit, client, 3)
        now = datetime.now(UTC)
        expected = {sku: Decimal(4 + n) for n, sku in enumerate(skus)}
        for sku, quantity in expected.items():
            await client.set_stock(
                StockLevel(sku=sku, warehouse="default", quantity=quantity, measured_at=now)
            )
        await kit.force_rate_limit(3, retry_after=0.2)  # the account throttles mid-walk

        shown = await client.stock_levels()
        first = skus[0]
        level = StockLevel(sku=first, warehouse="2_1", quantity=Decimal(30), measured_at=now)
        await client.set_stock(level)  # the integration's own warehouse (Configurações)
        in_second = await client.stock_levels("2_1")
        in_default = await client.stock_levels()
    finally:
        await client.aclose()

    assert {sku: shown[sku] for sku in expected} == expected
    assert in_second[first] == Decimal(30)
    assert in_default[first] == expected[first], "the other warehouse is not touched"


def test_only_the_chosen_warehouse_counts_on_the_real_sample() -> None:
    inventory = orjson.loads((SAMPLES / "logistics_inventory_by_sku_response.json").read_bytes())
    inventory["balance"][1]["totalQuantity"] = 9

    assert warehouse_quantity(inventory, "14e3fcc") == Decimal(9)
    assert warehouse_quantity(inventory, "1fabf84") == Decimal(0)
    assert warehouse_quantity(inventory, "no-such-warehouse") is None
    inventory["balance"][1]["hasUnlimitedQuantity"] = True
    assert warehouse_quantity(inventory, "14e3fcc") is None


async def test_a_product_without_skus_yet_is_skipped_not_failed_on(kit: VtexSandboxKit) -> None:
    client = VtexClient(kit.settings())
    try:
        [listed] = await kit.seed(Entity.PRODUCT, 1)
        [category] = await kit.seed(Entity.CATEGORY, 1)
        [brand] = await kit.seed(Entity.BRAND, 1)
        body = {"Name": "Sem SKU", "CategoryId": int(category), "BrandId": int(brand)}
        bare = await client.http.request(Api.CATALOG, "POST", "/api/catalog/pvt/product", json=body)

        pages = [page async for page in client.list_since(Entity.PRODUCT, SyncCursor())]
        with pytest.raises(NotFound, match="no SKU yet"):
            await client.get_by_code(Entity.PRODUCT, str(bare["Id"]))
    finally:
        await client.aclose()

    found = [p.platform_product_id for page in pages for p in page.records]  # type: ignore[attr-defined]
    assert found == [listed]
