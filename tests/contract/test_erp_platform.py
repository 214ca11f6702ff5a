"""The ERP adapter (ErpPlatformClient) against the ERP sandbox through its kit: what the shared
suite does not reach (paging, writes, order moves, a real signed push, more failures)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiohttp import web

from connectors.capabilities import Entity
from connectors.contract import CheckOutcome, InboundRequest, OrderMove, OrderMoveKind, Page
from connectors.cursor import SyncCursor
from connectors.erp.mapping_orders import ERP_PLATFORM
from connectors.erp.nfe_key import is_valid_key
from connectors.erp.platform import ErpPlatformClient
from connectors.erp.sandbox.kit import ErpSandboxKit, seed_product
from connectors.erp.webhooks import SIGNATURE_HEADER, verify_erp_push
from connectors.errors import ConfigError, NotFound
from schemas.attribute import Attribute
from schemas.brand import Brand
from schemas.category import Category
from schemas.order import Invoice, Order, Tracking
from schemas.order_status import OrderStatus
from schemas.price import Price
from schemas.product import Product
from schemas.stock import StockLevel
from tests.unit.test_erp_mapping_orders import KEY, carried_only


@pytest.fixture
async def kit(tmp_path: Path) -> AsyncIterator[ErpSandboxKit]:
    started = ErpSandboxKit()
    await started.start(tmp_path)
    try:
        yield started
    finally:
        await started.stop()


@pytest.fixture
async def client(kit: ErpSandboxKit) -> AsyncIterator[ErpPlatformClient]:
    adapter = ErpPlatformClient(kit.settings(), page_size=2)
    try:
        yield adapter
    finally:
        await adapter.aclose()


async def pages(client: ErpPlatformClient, entity: Entity, cursor: SyncCursor) -> list[Page]:
    return [page async for page in client.list_since(entity, cursor)]


def skus(found: list[Page]) -> list[str]:
    return [record.sku for page in found for record in page.records]


async def test_products_come_by_family_across_pages_and_resume_from_any_page(
    kit: ErpSandboxKit, client: ErpPlatformClient
) -> None:
    seeded = await kit.seed(Entity.PRODUCT, 3)  # 9 documents: parents and children, 5 pages
    found = await pages(client, Entity.PRODUCT, SyncCursor())
    assert len(found) > 3 and set(skus(found)) == set(seeded)

    middle = found[1].cursor  # a restart after the second page
    before = set(skus(found[:2]))
    after = await pages(
        client, Entity.PRODUCT, SyncCursor.model_validate_json(middle.model_dump_json())
    )
    assert before | set(skus(after)) == set(seeded), "a restart lost a family"
    again = await pages(client, Entity.PRODUCT, found[-1].cursor)
    assert skus(again) == [] and again[-1].cursor == found[-1].cursor


async def test_a_page_is_no_boundary_in_time(kit: ErpSandboxKit, client: ErpPlatformClient) -> None:
    """The list is by id: a later page may hold an older change, which a restart still gets."""
    await kit.control("POST", "/_sandbox/clock", {"now": "2026-03-14 12:00:00"})
    [late] = await kit.seed(Entity.PRODUCT, 1)
    await kit.control("POST", "/_sandbox/clock", {"now": "2026-03-14 10:00:00"})
    [early] = await kit.seed(Entity.PRODUCT, 1)
    found = await pages(client, Entity.PRODUCT, SyncCursor())
    assert skus(found[:1]) == [late]
    after = await pages(client, Entity.PRODUCT, found[0].cursor)
    assert early in skus(after)


async def test_a_change_after_the_read_comes_back_alone(
    kit: ErpSandboxKit, client: ErpPlatformClient
) -> None:
    first, _ = await kit.seed(Entity.PRODUCT, 2)
    cursor = (await pages(client, Entity.PRODUCT, SyncCursor()))[-1].cursor
    await client.set_price(Price(sku=f"{first}-M", price=Decimal("79.90")))
    again = await pages(client, Entity.PRODUCT, cursor)
    assert set(skus(again)) == {first}
    [product] = [record for page in again for record in page.records]
    assert isinstance(product, Product)
    assert {v.sku: v.price for v in product.variants} == {
        f"{first}-P": Decimal("59.90"),
        f"{first}-M": Decimal("79.90"),
    }


async def test_a_product_written_reads_back_the_same(client: ErpPlatformClient) -> None:
    product = seed_product("CAM")
    assert await client.upsert(Entity.PRODUCT, product) == "CAM"
    assert await client.upsert(Entity.PRODUCT, product) == "CAM"  # an update, not a second one
    back = await client.get_by_code(Entity.PRODUCT, "CAM-P")  # any member names the family
    assert isinstance(back, Product)
    assert (back.sku, back.name, back.brand, back.platform_product_id) == (
        "CAM",
        "Camiseta CAM",
        "Ponte",
        "CAM",
    )
    assert [(v.sku, v.price, v.attributes) for v in back.variants] == [
        (v.sku, v.price, v.attributes) for v in product.variants
    ]


async def test_an_order_written_is_created_once_and_reads_back_as_its_platform_s(
    kit: ErpSandboxKit, client: ErpPlatformClient
) -> None:
    order = carried_only()
    erp_id = await client.upsert(Entity.ORDER, order)
    assert await client.upsert(Entity.ORDER, order) == erp_id
    assert (await kit.control("GET", "/_sandbox/orders"))["count"] == 1
    back = await client.get_by_code(Entity.ORDER, erp_id)
    assert back == order.model_copy(update={"updated_at": back.updated_at})


async def test_categories_and_brands_are_created_once_by_name(client: ErpPlatformClient) -> None:
    category = Category(code="camisetas", name="Camisetas")
    assert await client.upsert(Entity.CATEGORY, category) == await client.upsert(
        Entity.CATEGORY, category
    )
    brand_id = await client.upsert(Entity.BRAND, Brand(name="Ponte"))
    assert await client.upsert(Entity.BRAND, Brand(name="Ponte")) == brand_id
    assert brand_id != await client.upsert(Entity.BRAND, Brand(name="Outra"))


async def test_stock_is_written_as_a_balance(kit: ErpSandboxKit, client: ErpPlatformClient) -> None:
    [code] = await kit.seed(Entity.PRODUCT, 1)
    level = StockLevel(
        sku=f"{code}-P", warehouse="2", quantity=Decimal(7), measured_at=carried_only().created_at
    )
    await client.set_stock(level)
    await client.set_stock(level)
    movements = (await kit.control("GET", "/_sandbox/stock-movements"))["movements"]
    assert [(m["codigo"], m["idDeposito"], m["es"], m["quantidade"]) for m in movements] == [
        (f"{code}-P", "2", "B", "7")
    ] * 2
    balances = await kit.erp.stock.get_stock(f"{code}-P")
    assert {b["idDeposito"]: b["estoqueReal"] for b in balances} == {"1": 0, "2": 7}


async def test_a_promotional_price_is_preco_under_preco_de(
    kit: ErpSandboxKit, client: ErpPlatformClient
) -> None:
    [code] = await kit.seed(Entity.PRODUCT, 1)
    await client.set_price(
        Price(sku=f"{code}-P", price=Decimal("59.90"), promotional_price=Decimal("49.90"))
    )
    doc = await kit.erp.products.get_product(f"{code}-P")
    assert (doc["preco"], doc["precoDe"]) == (Decimal("49.90"), Decimal("59.90"))


async def order_status(client: ErpPlatformClient, erp_id: str) -> Order:
    order = await client.get_by_code(Entity.ORDER, erp_id)
    assert isinstance(order, Order)
    return order


async def test_an_order_moves_through_handling_invoice_and_shipping(
    kit: ErpSandboxKit, client: ErpPlatformClient
) -> None:
    erp_id = await kit.place_order()
    assert (await order_status(client, erp_id)).platform == ERP_PLATFORM

    await client.move_order(erp_id, OrderMove(OrderMoveKind.START_HANDLING))
    assert (await order_status(client, erp_id)).status is OrderStatus.IN_HANDLING

    for _ in range(2):  # a retried invoice move emits no second NF-e
        await client.move_order(erp_id, OrderMove(OrderMoveKind.INVOICE))
    invoiced = await order_status(client, erp_id)
    assert invoiced.status is OrderStatus.INVOICED and invoiced.invoice is not None
    assert is_valid_key(invoiced.invoice.key)
    assert len([nfe async for page in kit.erp.invoices.list_invoices() for nfe in page]) == 1

    tracking = Tracking(code="BR123456789BR", carrier="Jadlog")
    await client.move_order(erp_id, OrderMove(OrderMoveKind.SHIP, tracking=tracking))
    shipped = await order_status(client, erp_id)
    assert shipped.status is OrderStatus.SHIPPED and shipped.shipping.tracking == tracking

    with pytest.raises(ConfigError, match="cancel the NF-e"):
        await client.move_order(erp_id, OrderMove(OrderMoveKind.CANCEL))


async def test_an_open_order_is_cancelled_with_its_reason(
    kit: ErpSandboxKit, client: ErpPlatformClient
) -> None:
    erp_id = await kit.place_order()
    move = OrderMove(OrderMoveKind.CANCEL, reason="Cliente desistiu")
    await client.move_order(erp_id, move)
    await client.move_order(erp_id, move)
    assert (await order_status(client, erp_id)).status is OrderStatus.CANCELED
    history = (await kit.erp.get_order(erp_id))["_Ocorrencias"]
    assert [entry["descricao"] for entry in history] == ["Cliente desistiu"]


@pytest.mark.parametrize(
    ("move", "reason"),
    [
        (OrderMove(OrderMoveKind.SHIP), "tracking code"),
        (
            OrderMove(OrderMoveKind.INVOICE, invoice=Invoice(key=KEY, number="77")),
            "issues its own NF-e",
        ),
    ],
)
async def test_a_move_the_erp_cannot_make_is_a_config_error(
    kit: ErpSandboxKit, client: ErpPlatformClient, move: OrderMove, reason: str
) -> None:
    erp_id = await kit.place_order()
    with pytest.raises(ConfigError, match=reason):
        await client.move_order(erp_id, move)


async def test_invoiced_orders_are_listed_with_their_nfe(
    kit: ErpSandboxKit, client: ErpPlatformClient
) -> None:
    erp_id = await kit.place_order()
    cursor = (await pages(client, Entity.ORDER, SyncCursor()))[-1].cursor
    await client.move_order(erp_id, OrderMove(OrderMoveKind.INVOICE))
    [order] = [
        record for page in await pages(client, Entity.ORDER, cursor) for record in page.records
    ]
    assert isinstance(order, Order)
    assert (order.platform_order_id, order.status) == (erp_id, OrderStatus.INVOICED)


async def test_writes_ride_out_a_rate_limit(kit: ErpSandboxKit, client: ErpPlatformClient) -> None:
    [code] = await kit.seed(Entity.PRODUCT, 1)
    await kit.force_rate_limit(calls=2, retry_after=0.1)
    await client.set_price(Price(sku=code, price=Decimal("10.00")))
    assert (await kit.erp.products.get_product(code))["preco"] == Decimal("10.00")


@pytest.mark.parametrize(
    ("status", "outcome"),
    [(403, CheckOutcome.MISSING_PERMISSION), (503, CheckOutcome.UNREACHABLE)],
)
async def test_testar_conexao_names_other_answers(
    kit: ErpSandboxKit, client: ErpPlatformClient, status: int, outcome: CheckOutcome
) -> None:
    await kit.control("POST", "/_sandbox/faults", {"status": status})
    check = await client.test_connection()
    assert check.outcome is outcome and check.detail


async def test_the_kit_s_notification_is_the_push_the_sandbox_sends(kit: ErpSandboxKit) -> None:
    received: asyncio.Queue[InboundRequest] = asyncio.Queue()

    async def receive(request: web.Request) -> web.Response:
        await received.put(InboundRequest("POST", dict(request.headers), await request.read()))
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/webhooks/erp/loja", receive)
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        host, port = runner.addresses[0][:2]
        await kit.subscribe(f"http://{host}:{port}/webhooks/erp/loja")
        await kit.subscribe(f"http://{host}:{port}/webhooks/erp/loja")  # once is enough
        erp_id = await kit.place_order()
        async with asyncio.timeout(10):
            pushed = await received.get()
    finally:
        await runner.cleanup()
    built = await kit.notification(Entity.ORDER, erp_id)
    assert len((await kit.control("GET", "/_sandbox/webhooks"))["webhooks"]) == 1
    assert _shape(pushed) == _shape(built)
    for request in (pushed, built):
        notification = verify_erp_push(request, kit.settings())
        assert (notification.entity, notification.platform_id) == (Entity.ORDER, erp_id)


def _shape(request: InboundRequest) -> tuple[Any, ...]:
    """What a push looks like apart from its event id, time and event name."""
    envelope = orjson.loads(request.body)
    headers = {name.lower() for name in request.headers} & {
        "content-type",
        SIGNATURE_HEADER.lower(),
    }
    return sorted(envelope), envelope["data"], envelope["version"], envelope["companyId"], headers


async def test_a_token_the_erp_knows_without_api_access_is_a_missing_permission(
    kit: ErpSandboxKit,
) -> None:
    adapter = ErpPlatformClient(kit.failing_settings(CheckOutcome.MISSING_PERMISSION))
    try:
        check = await adapter.test_connection()
    finally:
        await adapter.aclose()
    assert check.outcome is CheckOutcome.MISSING_PERMISSION
    assert "403" in check.detail and "permissão" in check.detail
    assert "kit-token" not in check.detail


async def test_attributes_are_created_once_by_name_updated_by_id_and_listed_whole(
    kit: ErpSandboxKit, client: ErpPlatformClient
) -> None:
    seeded = await kit.seed(Entity.ATTRIBUTE, 3)
    created = await client.upsert(Entity.ATTRIBUTE, Attribute(name="Cor", values=["Azul"]))
    again = await client.upsert(Entity.ATTRIBUTE, Attribute(name="Cor", values=["Azul", "Preto"]))
    assert again == created and created not in seeded
    read = await client.get_by_code(Entity.ATTRIBUTE, created)
    assert read == Attribute(name="Cor", values=["Azul", "Preto"], platform_attribute_id=created)

    renamed = Attribute(name="Cor do tecido", values=["Azul"], platform_attribute_id=created)
    assert await client.upsert(Entity.ATTRIBUTE, renamed) == created
    assert await client.get_by_code(Entity.ATTRIBUTE, created) == renamed

    listed = [
        r for page in await pages(client, Entity.ATTRIBUTE, SyncCursor()) for r in page.records
    ]
    assert [a.platform_attribute_id for a in listed] == [*seeded, created]  # pages of 2
    assert listed[0].values == ["P", "M"]


async def test_an_attribute_the_erp_does_not_have_is_not_found(client: ErpPlatformClient) -> None:
    with pytest.raises(NotFound):
        await client.get_by_code(Entity.ATTRIBUTE, "999")
