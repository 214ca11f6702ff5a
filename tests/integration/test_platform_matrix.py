"""Issue 4's "all four platforms" audit, and the cells it found missing, on the real broker.

What has an end-to-end test on the real broker (a real worker process, the platform's sandbox),
by automation and manual action x platform, at the time of writing (x: tested; N/A: the platform
cannot, by its API or its capability table, and the engine says so; -: no such test yet):

| automation / action                      | Shopify | Nuvemshop | Tray | VTEX |
|------------------------------------------|---------|-----------|------|------|
| order import by webhook                  | x (1)   | x (2)     | x (2)| x (2)|
| order import by polling                  | x (3)   | x (3)     | x (3)| x (3)|
| payment -> ERP                           | x (2)   | x (12)    | x (12)| x (12)|
| cancellation -> ERP                      | x (2)   | x (2)     | x (2)| x (2)|
| status/NF-e/tracking/cancel -> platform  | x (4)   | x (4)     | x (4)| x (4)|
| product export                           | x (4)   | x (4)     | x (4)| x (4, 5) |
| price export (list, promotion, guard)    | x (4)   | x (4)     | x (4)| x (4)|
| stock export (warehouses, buffer, max)   | x (4)   | x (4)     | x (4)| x (4, 5)|
| product import (live, by notification)   | x (9)   | x (6, 9)  | x (9)| N/A (7) |
| webhooks switch                          | x (3)   | x (3)     | N/A (8) | x (3) |
| reconciliation: missed orders            | x (3, 9)| x (9)     | x (9)| x (9)|
| reconciliation: stock drift corrected    | x (9)   | x (9)     | x (9)| x (5, 9) |
| Importar produtos (all, by code)         | x (6)   | x (6)     | x (6)| x (6)|
| Importar categorias                      | x (6)   | x (6)     | x (6)| x (9, by code) |
| Importar marcas                          | x (9)   | N/A (10)  | x (6)| x (6, by code) |
| Importar atributos                       | x (9)   | x (9)     | x (9)| x (9, by code) |
| Exportar produtos                        | x (6)   | x (6)     | x (9)| x (9)|
| Exportar categorias                      | x (11)  | x (11)    | x (11)| x (11)|
| Exportar marcas                          | N/A (11)| N/A (11)  | x (11)| x (11)|
| Exportar atributos                       | N/A (11)| N/A (11)  | x (11)| N/A (11)|
| Importar Pedidos (date range, number)    | x (6)   | x (6)     | x (6)| x (6)|

(1) test_order_flow.py; (2) test_order_automations.py (Shopify's own tests, then the
parametrized thin-order test over Nuvemshop, Tray and VTEX); (3) test_schedules.py;
(4) test_outbound_flows.py, parametrized over the four; (5) test_vtex_flows.py (a new product
filed under its mapped category and brand, parked with the reason while unmapped, retried once;
stock written to and reconciled in the warehouse the integration's Configurações name);
(6) test_jobs.py; (7) VTEX declares no product notification: Importar is the way;
(8) Tray's notifications are declared not registrable by API (test_schedules.py checks the
switch says so); (9) this module; (10) Nuvemshop keeps no brand register (the brand is a product
field; the connector declares the sentence the merchant reads); (11) test_catalog_export.py (the
N/A cells end the job at once with the sentence the merchant reads); (12) test_platform_payments.py (Nuvemshop: the sandbox's
gateway control confirms the payment and the store delivers order/paid itself).
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from connectors.capabilities import Entity, Operation
from connectors.erp.client import ErpClient
from connectors.registry import PLATFORMS as SPECS
from schemas.stock import StockLevel
from tests.harness import Stack, Worker, wait_until
from tests.integration.test_jobs import (
    _read_one,
    erp_client,
    erp_product_codes,
    finished_job,
    links_of,
    notify,
    start_job,
    store_records,
)
from tests.integration.test_outbound_flows import listing
from tests.integration.test_schedules import finished_run, run_now
from tests.platforms import PlatformSandbox, create_platform_integration

pytestmark = pytest.mark.broker

PLATFORMS = ("shopify", "nuvemshop", "tray", "vtex")
FLOWS = ("product_export", "price_export", "stock_export", "order_import")
FLOWS_ON = {name: {"enabled": True} for name in FLOWS}
PRODUCT_IMPORT_ON = {"product_import": {"enabled": True}}
ONE_WAREHOUSE = {"stock_warehouses": ["1"]}


@dataclass
class Matrix:
    stack: Stack
    worker: Worker
    live: dict[str, PlatformSandbox]
    """Stores whose integration (``live-<platform>``) exports products, prices and stock and
    imports orders (no webhook subscribed, no polling)."""
    manual: dict[str, PlatformSandbox]
    """Stores whose integration (``manual-<platform>``) only imports products the platform
    notifies; the rest is left to jobs."""

    def erp_product(self, sku: str, price: str, stock: int) -> None:
        async def create() -> None:
            erp: ErpClient
            async with erp_client(self.stack) as erp:
                item = {"codigo": sku, "nome": f"Produto {sku}", "preco": price}
                await erp.products.upsert_products([item])
                await erp.stock.set_stock_balance(sku, "1", stock)

        asyncio.run(create())

    def platform_id(self, integration_id: str, sku: str) -> str:
        def linked() -> str | None:
            answer = self.worker.api(
                "GET", f"/api/v1/integrations/{integration_id}/links", params={"q": sku}
            )
            found = [
                link
                for link in answer.json()["links"]
                if link["entity"] == "product" and link["erp_id"] == sku
            ]
            return str(found[0]["platform_id"]) if found else None

        return str(wait_until(linked, 90, f"{sku} linked on {integration_id}"))

    def erp_orders(self, platform_id: str) -> list[dict[str, Any]]:
        """The ERP's orders made from this platform order."""
        orders = httpx.get(f"{self.stack.erp_url}/_sandbox/orders", timeout=5).json()["orders"]
        return [o for o in orders if str(o.get("idPedidoOrigem")) == platform_id]

    def shown(self, store: PlatformSandbox, platform_id: str, sku: str) -> tuple[int, Decimal]:
        return store.run(lambda: listing(store, platform_id, sku))


def vtex_category_mapping(worker: Worker, integration_id: str, store: PlatformSandbox) -> None:
    """VTEX files a new product under one of its category ids and a brand: mapped here."""
    [category_id] = store.seed(Entity.CATEGORY, 1)
    rules = [
        {
            "id": "cat",
            "target": "category",
            "transform": {"kind": "constant", "value": category_id},
        },
        {"id": "brand", "target": "brand", "transform": {"kind": "constant", "value": "Ponte"}},
    ]
    path = f"/api/v1/integrations/{integration_id}/mappings"
    answer = worker.api("PUT", path, json={"mappings": rules})
    assert answer.status_code == 200, answer.text


@pytest.fixture(scope="module")
def matrix(stack: Stack) -> Iterator[Matrix]:
    worker = stack.start_worker("matrix-worker", PONTE_ERP_POLL_SECONDS="1")
    live: dict[str, PlatformSandbox] = {}
    manual: dict[str, PlatformSandbox] = {}
    try:
        for platform in PLATFORMS:
            for kind, stores, automations in (
                ("live", live, FLOWS_ON),
                ("manual", manual, PRODUCT_IMPORT_ON),
            ):
                store = PlatformSandbox(platform, stack.workdir / f"{kind}-{platform}").start()
                stores[platform] = store
                integration_id = f"{kind}-{platform}"
                create_platform_integration(
                    worker, store, integration_id, automations=automations, settings=ONE_WAREHOUSE
                )
                if platform == "vtex":
                    vtex_category_mapping(worker, integration_id, store)
        yield Matrix(stack, worker, live, manual)
    finally:
        for store in (*live.values(), *manual.values()):
            store.stop()


def new_sku(prefix: str, platform: str) -> str:
    return f"{prefix}-{platform[:3].upper()}-{uuid.uuid4().hex[:6].upper()}"


def reconciled(worker: Worker, integration_id: str) -> dict[str, Any]:
    answer = run_now(worker, integration_id, "reconciliation")
    assert answer.status_code == 202, answer.text
    return finished_run(worker, integration_id, answer.json()["job"]["id"])


@pytest.mark.parametrize("platform", PLATFORMS)
def test_reconciliation_corrects_stock_changed_behind_ponte_s_back(
    matrix: Matrix, platform: str
) -> None:
    store, integration_id = matrix.live[platform], f"live-{platform}"
    drifted, steady = new_sku("DRIFT", platform), new_sku("STEADY", platform)
    matrix.erp_product(drifted, "30.00", 5)
    matrix.erp_product(steady, "30.00", 4)
    drifted_id = matrix.platform_id(integration_id, drifted)
    steady_id = matrix.platform_id(integration_id, steady)
    wait_until(lambda: matrix.shown(store, drifted_id, drifted)[0] == 5, 60, f"{drifted} at 5")
    wait_until(lambda: matrix.shown(store, steady_id, steady)[0] == 4, 60, f"{steady} at 4")

    async def someone_edits_the_store() -> None:  # the merchant, in the platform's admin
        client = store.client()
        try:
            level = StockLevel(
                sku=drifted, warehouse="default", quantity=Decimal(9), measured_at=datetime.now(UTC)
            )
            await client.set_stock(level)
        finally:
            await client.aclose()

    store.run(someone_edits_the_store)
    assert matrix.shown(store, drifted_id, drifted)[0] == 9

    report = reconciled(matrix.worker, integration_id)

    assert report["state"] == "done", report
    items = {e["item"]: e["reason"] for e in report["errors"]}
    assert items.get(f"stock {drifted}") == "ERP 5, platform shows 9; ERP value sent", report
    assert f"stock {steady}" not in items, report
    wait_until(
        lambda: matrix.shown(store, drifted_id, drifted)[0] == 5,
        60,
        "the ERP's 5 back on the store",
    )
    assert matrix.shown(store, steady_id, steady)[0] == 4


@pytest.mark.parametrize("platform", PLATFORMS)
def test_reconciliation_imports_an_order_nobody_announced_once(
    matrix: Matrix, platform: str
) -> None:
    integration_id = f"live-{platform}"
    platform_id = matrix.live[platform].place_order()  # no webhook subscribed, no polling

    first = reconciled(matrix.worker, integration_id)

    assert first["state"] == "done", first
    missing = [e["item"] for e in first["errors"] if e["item"].startswith("order ")]
    assert len(missing) == 1, first
    try:
        pedido = wait_until(lambda: matrix.erp_orders(platform_id), 60, "the order in the ERP")
    except AssertionError as timeout:
        errors = matrix.worker.api("GET", f"/api/v1/integrations/{integration_id}/errors")
        held = matrix.worker.api("GET", f"/api/v1/integrations/{integration_id}/held")
        raise AssertionError(f"{timeout}; errors {errors.text}; held {held.text}") from None
    assert missing == [f"order {pedido[0]['numeroDaOrdemDeCompra']}"]
    second = reconciled(matrix.worker, integration_id)
    assert [e for e in second["errors"] if e["item"].startswith("order ")] == [], second
    assert len(matrix.erp_orders(platform_id)) == 1


@pytest.mark.parametrize("platform", ["tray", "vtex"])
def test_exportar_sends_one_erp_product_by_its_code_once(matrix: Matrix, platform: str) -> None:
    store, integration_id = matrix.manual[platform], f"manual-{platform}"
    sku = new_sku("EXP", platform)
    matrix.erp_product(sku, "45.90", 0)

    for _ in range(2):  # the second export updates what the first made
        job = start_job(matrix.worker, integration_id, kind="export", entity="product", code=sku)
        final = finished_job(matrix.worker, job["id"])
        assert (final["state"], final["done"], final["failed"]) == ("done", 1, 0), final
        platform_id = matrix.platform_id(integration_id, sku)

    def in_store() -> list[Any]:
        return [
            p
            for p in store_records(store, Entity.PRODUCT)
            if p.sku == sku or any(v.sku == sku for v in p.variants)
        ]

    [product] = in_store()
    assert product.platform_product_id == platform_id
    assert product.name == f"Produto {sku}"
    if platform == "vtex":
        assert product.brand == "Ponte" and len(product.categories) == 1


@pytest.mark.parametrize("platform", ["shopify", "nuvemshop", "tray"])
def test_a_product_the_platform_notifies_is_imported_into_the_erp_once(
    matrix: Matrix, platform: str
) -> None:
    store, integration_id = matrix.manual[platform], f"manual-{platform}"
    [product_id] = store.seed(Entity.PRODUCT, 1)
    [product] = [
        p for p in store_records(store, Entity.PRODUCT) if p.platform_product_id == product_id
    ]

    notify(matrix.worker, store, integration_id, product_id)
    notify(matrix.worker, store, integration_id, product_id)  # a redelivery

    wait_until(lambda: links_of(matrix.worker, integration_id, product_id), 60, "the link")
    codes = erp_product_codes(matrix.stack)
    skus = {product.sku, *(v.sku for v in product.variants)} & set(codes)
    assert skus, f"none of {product.sku}'s codes in the ERP"
    assert all(codes[sku] == 1 for sku in skus), {sku: codes[sku] for sku in skus}


def erp_catalog_names(stack: Stack, entity: Entity) -> Counter[str]:
    """How many ERP categories, brands or attributes carry each name."""

    async def read() -> Counter[str]:
        names: Counter[str] = Counter()
        erp: ErpClient
        async with erp_client(stack) as erp:
            pages = {
                Entity.CATEGORY: erp.catalog.list_categories,
                Entity.BRAND: erp.catalog.list_brands,
                Entity.ATTRIBUTE: erp.catalog.list_attributes,
            }[entity]()
            async for page in pages:
                names.update(str(item["nome"]) for item in page)
        return names

    return asyncio.run(read())


BY_CODE = [
    *((platform, Entity.ATTRIBUTE) for platform in PLATFORMS),
    ("shopify", Entity.BRAND),  # a vendor name
    ("vtex", Entity.CATEGORY),  # VTEX lists no categories: by code only
]


@pytest.mark.parametrize(("platform", "entity"), BY_CODE)
def test_importar_by_code_and_whole_where_listed_fills_the_erp_once(
    matrix: Matrix, platform: str, entity: Entity
) -> None:
    store, integration_id = matrix.manual[platform], f"manual-{platform}"
    [code] = store.seed(entity, 1)
    record = store.run(lambda: _read_one(store, entity, code))
    lists = SPECS[platform].can(entity, Operation.LIST_SINCE)
    requests = [{"code": code}, {}] if lists else [{"code": code}, {"code": code}]

    for request in requests:  # the second import finds what the first made
        job = start_job(matrix.worker, integration_id, kind="import", entity=entity, **request)
        final = finished_job(matrix.worker, job["id"])
        assert final["state"] == "done", (final["result"], final["errors"])
        assert final["failed"] == 0, (final["result"], final["errors"])

    assert erp_catalog_names(matrix.stack, entity)[record.name] == 1
