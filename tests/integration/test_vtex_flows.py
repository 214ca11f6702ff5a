"""VTEX end to end on the real broker: a product exported under the category and brand its
Mapeamentos give (parked with an actionable reason while they are missing, then retried and landed
once), and reconciliation reading VTEX's per-warehouse stock, finding drift and correcting it.

A real worker process polls the ERP sandbox; the VTEX sandbox serves from a background thread and
is read back through its own API."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from connectors.capabilities import Entity
from connectors.erp.client import ErpClient
from connectors.erp.settings import ErpSettings
from connectors.errors import NotFound
from connectors.urls import PRIVATE_URLS_CONTEXT
from connectors.vtex.transport import Api
from schemas.product import Product
from tests.harness import Stack, Worker, wait_until
from tests.integration.test_schedules import finished_run
from tests.platforms import PlatformSandbox, create_platform_integration

pytestmark = pytest.mark.broker

INTEGRATION = "loja-vtex"
EXPORTS = ("product_export", "price_export", "stock_export")


@dataclass
class VtexStack:
    stack: Stack
    worker: Worker
    store: PlatformSandbox
    category_id: str
    integration: str = INTEGRATION
    warehouse: str | None = None
    """The VTEX warehouse this integration's Configurações name (None: the access settings')."""

    def in_erp(self, work: Any) -> Any:
        settings = ErpSettings.model_validate(
            {
                "base_url": f"{self.stack.erp_url}/api",
                "api_token": self.stack.erp_token,
                "requests_per_second": 100,
            },
            context={PRIVATE_URLS_CONTEXT: True},
        )

        async def run() -> Any:
            async with ErpClient(settings) as erp:
                return await work(erp)

        return asyncio.run(run())

    def erp_product(self, sku: str, price: str, stock: int) -> None:
        async def create(erp: ErpClient) -> None:
            await erp.products.upsert_products(
                [{"codigo": sku, "nome": f"Tênis {sku}", "preco": price}]
            )
            await erp.stock.set_stock_balance(sku, "1", stock)

        self.in_erp(create)

    def vtex(self, work: Any) -> Any:
        """``work(client)`` on the store's loop with a fresh VTEX client."""

        async def run() -> Any:
            client = self.store.client()
            try:
                return await work(client)
            finally:
                await client.aclose()

        return self.store.run(run)

    def product(self, sku: str) -> Product | None:
        async def read(client: Any) -> Product | None:
            try:
                found = await client.get_by_code(Entity.PRODUCT, sku)
            except NotFound:  # not there, or created but its SKU not yet
                return None
            assert isinstance(found, Product)
            return found

        return self.vtex(read)  # type: ignore[no-any-return]

    def stock(self, sku: str) -> int:
        """What the VTEX warehouse Ponte writes to holds of ``sku`` (Logistics API)."""

        async def read(client: Any) -> int:
            sku_id = await client.sku_id(sku)
            inventory = await client.http.request(
                Api.LOGISTICS, "GET", f"/api/logistics/pvt/inventory/skus/{sku_id}"
            )
            warehouse = self.warehouse or client.settings.warehouse_id
            return sum(
                int(b["totalQuantity"])
                for b in inventory["balance"]
                if b["warehouseId"] == warehouse
            )

        return self.vtex(read)  # type: ignore[no-any-return]

    def drift_stock(self, sku: str, quantity: int) -> None:
        """Someone changes the stock in VTEX's admin, behind Ponte's back."""

        async def write(client: Any) -> None:
            sku_id = await client.sku_id(sku)
            body = {"quantity": quantity, "unlimitedQuantity": False, "leadTime": "00:00:00"}
            warehouse = self.warehouse or client.settings.warehouse_id
            path = f"/api/logistics/pvt/inventory/skus/{sku_id}/warehouses/{warehouse}"
            await client.http.request(Api.LOGISTICS, "PUT", path, json=body)

        self.vtex(write)

    def errors(self) -> dict[str, dict[str, Any]]:
        answer = self.worker.api("GET", f"/api/v1/integrations/{self.integration}/errors")
        assert answer.status_code == 200, answer.text
        return {e["entity_key"]: e for e in answer.json()["errors"]}

    def api(self, method: str, path: str, body: Any = None) -> Any:
        path = f"/api/v1/integrations/{self.integration}{path}"
        answer = self.worker.api(method, path, json=body)
        assert answer.status_code in (200, 202), answer.text
        return answer.json()


@pytest.fixture(scope="module")
def vtex(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[VtexStack]:
    workdir = Path(tmp_path_factory.mktemp("vtex"))
    stack = Stack(kafka_bootstrap, workdir)
    store = PlatformSandbox("vtex", workdir / "vtex")
    try:
        stack.start_sandboxes()
        worker = stack.start_worker(PONTE_ERP_POLL_SECONDS="1")
        store.start()
        [category_id] = store.seed(Entity.CATEGORY, 1)
        create_platform_integration(
            worker,
            store,
            INTEGRATION,
            automations={name: {"enabled": True} for name in EXPORTS},
            settings={"stock_warehouses": ["1"]},
        )
        yield VtexStack(stack, worker, store, category_id)
    finally:
        store.stop()
        stack.stop()


def category_and_brand(category_id: str) -> list[dict[str, Any]]:
    return [
        {
            "id": "vtex-category",
            "target": "category",
            "transform": {"kind": "constant", "value": category_id},
            "when": "create_only",
        },
        {
            "id": "vtex-brand",
            "target": "brand",
            "transform": {"kind": "constant", "value": "Ponte"},
        },
    ]


def new_sku(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:6].upper()}"


def landed(vtex: VtexStack, sku: str, price: str, stock: int) -> Product:
    """Wait until VTEX shows ``sku`` with its price and stock; the product as VTEX has it."""
    product = wait_until(lambda: vtex.product(sku), 60, f"{sku} created in VTEX")
    wait_until(
        lambda: (p := vtex.product(sku)) and p.variants and p.variants[0].price == Decimal(price),
        60,
        f"{sku} priced {price} in VTEX",
    )
    wait_until(lambda: vtex.stock(sku) == stock, 60, f"{sku} stocked {stock} in VTEX")
    return product  # type: ignore[no-any-return]


def test_a_product_without_a_category_mapping_is_parked_then_lands_once_after_the_retry(
    vtex: VtexStack,
) -> None:
    sku = new_sku("VTX")
    vtex.erp_product(sku, "199.90", 8)

    record = wait_until(lambda: vtex.errors().get(f"product:{sku}"), 60, f"{sku} parked")

    assert record["error_class"] == "permanent", record
    assert "no VTEX category id" in record["reason"], record
    assert "Mapeamentos rule with target 'category'" in record["reason"], record
    assert vtex.product(sku) is None

    vtex.api("PUT", "/mappings", {"mappings": category_and_brand(vtex.category_id)})
    retried = vtex.api("POST", "/errors/retry", {"entity_key": f"product:{sku}"})

    assert retried["config_version"] > record["config_version"]
    product = landed(vtex, sku, "199.90", 8)
    assert product.categories == [vtex.category_id]
    assert product.brand == "Ponte"
    assert [v.sku for v in product.variants] == [sku]
    wait_until(lambda: f"product:{sku}" not in vtex.errors(), 30, "the parked record resolved")

    async def copies(client: Any) -> tuple[int, int]:
        body = await client.http.request(
            Api.CATALOG,
            "GET",
            "/api/catalog_system/pvt/products/GetProductAndSkuIds",
            params={"_from": 1, "_to": 250},
        )
        named = [
            pid
            for pid in body["data"]
            if (await client.get_by_code(Entity.PRODUCT, pid)).sku == sku
        ]
        return len(named), sum(len(body["data"][pid]) for pid in named)

    assert vtex.vtex(copies) == (1, 1), "one product with one SKU"


def test_a_mapped_product_change_reaches_vtex_with_category_brand_price_and_stock(
    vtex: VtexStack,
) -> None:
    vtex.api("PUT", "/mappings", {"mappings": category_and_brand(vtex.category_id)})
    sku = new_sku("VTM")
    vtex.erp_product(sku, "89.50", 3)

    product = landed(vtex, sku, "89.50", 3)

    assert product.categories == [vtex.category_id] and product.brand == "Ponte"
    vtex.erp_product(sku, "79.50", 6)  # the next ERP change updates it in place
    landed(vtex, sku, "79.50", 6)
    assert f"product:{sku}" not in vtex.errors()


@pytest.fixture(scope="module")
def vtex_own_warehouse(
    vtex: VtexStack, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[VtexStack]:
    """A second VTEX account whose integration names its own warehouse in its Configurações."""
    store = PlatformSandbox("vtex", Path(tmp_path_factory.mktemp("vtex-deposito"))).start()
    try:
        [category_id] = store.seed(Entity.CATEGORY, 1)
        create_platform_integration(
            vtex.worker,
            store,
            "loja-vtex-deposito",
            automations={name: {"enabled": True} for name in EXPORTS},
            settings={"stock_warehouses": ["1"], "platform_extras": {"warehouse_id": "2_1"}},
        )
        yield VtexStack(vtex.stack, vtex.worker, store, category_id, "loja-vtex-deposito", "2_1")
    finally:
        store.stop()


def drift_found_and_corrected(vtex: VtexStack) -> None:
    vtex.api("PUT", "/mappings", {"mappings": category_and_brand(vtex.category_id)})
    drifted, steady = new_sku("VTD"), new_sku("VTS")
    vtex.erp_product(drifted, "50.00", 5)
    vtex.erp_product(steady, "50.00", 4)
    landed(vtex, drifted, "50.00", 5)
    landed(vtex, steady, "50.00", 4)
    vtex.drift_stock(drifted, 9)

    job = vtex.api("POST", "/automations/reconciliation/run")["job"]
    report = finished_run(vtex.worker, vtex.integration, job["id"])

    assert report["state"] == "done", report
    items = {e["item"]: e["reason"] for e in report["errors"]}
    assert items.get(f"stock {drifted}") == "ERP 5, platform shows 9; ERP value sent", report
    assert f"stock {steady}" not in items, report
    wait_until(lambda: vtex.stock(drifted) == 5, 60, "the ERP's stock back on VTEX")
    assert vtex.stock(steady) == 4


def test_reconciliation_finds_drifted_vtex_stock_and_the_erp_value_is_pushed_back(
    vtex: VtexStack,
) -> None:
    drift_found_and_corrected(vtex)


def test_the_warehouse_an_integration_names_is_the_one_stocked_and_reconciled(
    vtex_own_warehouse: VtexStack,
) -> None:
    drift_found_and_corrected(vtex_own_warehouse)

    sku = new_sku("VTW")
    vtex_own_warehouse.erp_product(sku, "20.00", 7)
    landed(vtex_own_warehouse, sku, "20.00", 7)  # in warehouse 2_1
    default = VtexStack(**{**vtex_own_warehouse.__dict__, "warehouse": "1_1"})
    assert default.stock(sku) == 0, "nothing written to the access settings' warehouse"
