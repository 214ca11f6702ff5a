"""The Tray client against the real Tray sandbox over loopback HTTP."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiohttp import web

from connectors.capabilities import Entity
from connectors.contract import CheckOutcome, InboundRequest, OrderMove, OrderMoveKind
from connectors.cursor import SyncCursor
from connectors.tray.auth import TrayTokens
from connectors.tray.client import TrayClient
from connectors.tray.sandbox.kit import NOTIFICATION_SECRET, TraySandboxKit
from connectors.tray.webhooks import verify_tray_notification
from schemas.brand import Brand
from schemas.category import Category
from schemas.order import Invoice, Order, Tracking
from schemas.price import Price
from schemas.product import AttributeValue, Product, Variant
from schemas.stock import StockLevel

STORE_STATUSES = (
    ("Aguardando pagamento", "open"),
    ("A ENVIAR", "open"),
    ("Em separação", "open"),
    ("NOTA FISCAL EMITIDA", "open"),
    ("ENVIADO", "open"),
    ("ENVIADO PARCIALMENTE", "open"),
    ("CANCELADO", "closed"),
)


@pytest.fixture
async def kit(tmp_path: Path) -> AsyncIterator[TraySandboxKit]:
    kit = TraySandboxKit(statuses=STORE_STATUSES, first_status_id=500)
    await kit.start(tmp_path)
    try:
        yield kit
    finally:
        await kit.stop()


class CountingTransport(httpx.AsyncHTTPTransport):
    """The real transport, counting the paths it sent."""

    def __init__(self) -> None:
        super().__init__()
        self.paths: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        return await super().handle_async_request(request)


async def test_the_code_is_exchanged_once_and_the_tokens_handed_over(kit: TraySandboxKit) -> None:
    handed: list[TrayTokens] = []
    client = TrayClient(kit.code_settings(), on_tokens=handed.append)
    try:
        assert (await client.test_connection()).ok
        assert (await client.test_connection()).ok
    finally:
        await client.aclose()
    [tokens] = handed
    assert client.tokens == tokens
    assert kit.state.token_state(tokens.access_token.get_secret_value()) == "valid"
    again = TrayClient(kit.code_settings())  # a code is single-use
    try:
        check = await again.test_connection()
    finally:
        await again.aclose()
    assert check.outcome is CheckOutcome.BAD_CREDENTIALS and "authorize" in check.detail


async def test_tokens_are_refreshed_before_they_expire(tmp_path: Path) -> None:
    kit = TraySandboxKit(access_ttl=120.0)  # inside the 10-minute margin from the start
    await kit.start(tmp_path)
    handed: list[TrayTokens] = []
    settings = kit.settings()
    transport = CountingTransport()
    client = TrayClient(settings, transport=transport, on_tokens=handed.append)
    try:
        assert (await client.test_connection()).ok
    finally:
        await client.aclose()
        await kit.stop()
    assert transport.paths == ["/web_api/auth", "/web_api/info"]  # refreshed first, no 401
    [tokens] = handed
    assert tokens.access_token != settings.access_token


async def test_a_forced_expiry_is_cured_by_one_refresh(kit: TraySandboxKit) -> None:
    handed: list[TrayTokens] = []
    client = TrayClient(kit.settings(), on_tokens=handed.append)
    try:
        [code] = await kit.seed(Entity.BRAND, 1)
        kit.state.store.expire_access_tokens(time.time())
        brand = await client.get_by_code(Entity.BRAND, code)
    finally:
        await client.aclose()
    assert isinstance(brand, Brand) and brand.platform_brand_id == code
    assert len(handed) == 1 and client.tokens == handed[0]


async def test_product_with_variants_round_trips_and_upsert_is_idempotent(
    kit: TraySandboxKit,
) -> None:
    product = Product(
        sku="CAMISA-01",
        name="Camisa Polo",
        description="Algodão",
        brand="Ponte",
        ncm="61051000",
        variants=[
            Variant(
                sku="CAMISA-01-P",
                price=Decimal("79.90"),
                gtin="7891234567895",
                attributes=[AttributeValue(name="Tamanho", value="P")],
            ),
            Variant(
                sku="CAMISA-01-M",
                price=Decimal("84.90"),
                promotional_price=Decimal("69.90"),
                attributes=[AttributeValue(name="Tamanho", value="M")],
            ),
        ],
    )
    client = TrayClient(kit.settings())
    try:
        product_id = await client.upsert(Entity.PRODUCT, product)
        assert await client.upsert(Entity.PRODUCT, product) == product_id  # found by reference
        read = await client.get_by_code(Entity.PRODUCT, product_id)
        category_id = await client.upsert(Entity.CATEGORY, Category(code="x", name="Camisas"))
        assert (
            await client.upsert(Entity.CATEGORY, Category(code="x", name="Camisas")) == category_id
        )
        brand_id = await client.upsert(Entity.BRAND, Brand(name="Ponte"))
        category = await client.get_by_code(Entity.CATEGORY, category_id)
        brand = await client.get_by_code(Entity.BRAND, brand_id)
    finally:
        await client.aclose()
    assert isinstance(read, Product)
    assert (read.sku, read.name, read.description, read.brand, read.ncm) == (
        "CAMISA-01",
        "Camisa Polo",
        "Algodão",
        "Ponte",
        "61051000",
    )
    assert [(v.sku, v.price, v.promotional_price, v.gtin) for v in read.variants] == [
        ("CAMISA-01-P", Decimal("79.90"), None, "7891234567895"),
        ("CAMISA-01-M", Decimal("84.90"), Decimal("69.90"), None),
    ]
    assert [v.attributes for v in read.variants] == [p.attributes for p in product.variants]
    assert isinstance(category, Category) and category.name == "Camisas"
    assert isinstance(brand, Brand) and brand.name == "Ponte"
    assert len(kit.state.store.all("Variant")) == 2 and len(kit.state.store.all("Category")) == 1


async def test_stock_is_absolute_and_prices_carry_their_window(kit: TraySandboxKit) -> None:
    [product_id] = await kit.seed(Entity.PRODUCT, 1)
    sku = kit.state.store.get("Product", product_id)["reference"]  # type: ignore[index]
    now = time.time()
    from datetime import UTC, datetime, timedelta

    at = datetime.fromtimestamp(now, UTC)
    client = TrayClient(kit.settings())
    try:
        for _ in range(2):  # a retried write lands on the same number
            await client.set_stock(
                StockLevel(sku=sku, warehouse="1", quantity=Decimal("7"), measured_at=at)
            )
        await client.set_price(
            Price(
                sku=sku,
                price=Decimal("99.90"),
                promotional_price=Decimal("89.90"),
                promotion_starts_at=at,
                promotion_ends_at=at + timedelta(days=3),
            )
        )
    finally:
        await client.aclose()
    stored = kit.state.store.get("Product", product_id)
    assert stored is not None
    assert stored["stock"] == "7"
    assert (stored["price"], stored["promotional_price"]) == ("99.90", "89.90")
    assert stored["end_promotion"] > stored["start_promotion"] != "0000-00-00"


async def test_429_is_honoured_without_losing_the_write(kit: TraySandboxKit) -> None:
    await kit.force_rate_limit(calls=3, retry_after=0.2)
    client = TrayClient(kit.settings())
    try:
        started = time.monotonic()
        brand_id = await client.upsert(Entity.BRAND, Brand(name="Depois do 429"))
        waited = time.monotonic() - started
    finally:
        await client.aclose()
    assert client.session.rate_limited == 3
    assert waited >= 3 * 1.0  # Retry-After is whole seconds, rounded up
    assert [b["id"] for b in kit.state.store.all("Brand")] == [brand_id]


async def test_pagination_exhausts_exactly(kit: TraySandboxKit) -> None:
    ids = await kit.seed(Entity.PRODUCT, 120)
    transport = CountingTransport()
    client = TrayClient(kit.settings(), transport=transport)
    try:
        seen: list[str] = []
        async for page in client.list_since(Entity.PRODUCT, SyncCursor()):
            seen.extend(str(r.platform_product_id) for r in page.records)  # type: ignore[attr-defined]
    finally:
        await client.aclose()
    assert seen == ids
    assert transport.paths.count("/web_api/products") == 3  # 50 + 50 + 20


async def test_order_moves_use_this_stores_statuses(kit: TraySandboxKit) -> None:
    [order_id] = await kit.seed(Entity.ORDER, 1)
    ids = {s["status"]: s["id"] for s in kit.state.statuses()}
    key = "3" * 44
    client = TrayClient(kit.settings())
    try:
        await client.move_order(order_id, OrderMove(OrderMoveKind.START_HANDLING))
        assert kit.state.store.get("Order", order_id)["OrderStatus"]["id"] == ids["Em separação"]  # type: ignore[index]
        invoice = Invoice(key=key, number="1234", series="1")
        for _ in range(2):  # idempotent: one NF-e
            await client.move_order(order_id, OrderMove(OrderMoveKind.INVOICE, invoice=invoice))
        read = await client.get_by_code(Entity.ORDER, order_id)
        await client.move_order(
            order_id,
            OrderMove(
                OrderMoveKind.SHIP,
                tracking=Tracking(code="BR123", url="https://rastreio.example/BR123"),
            ),
        )
        shipped = kit.state.store.get("Order", order_id)
        await client.move_order(order_id, OrderMove(OrderMoveKind.CANCEL, reason="teste"))
        canceled = await client.get_by_code(Entity.ORDER, order_id)
    finally:
        await client.aclose()
    assert isinstance(read, Order) and read.invoice is not None and read.invoice.key == key
    assert read.platform_status == "NOTA FISCAL EMITIDA"
    assert len(kit.state.store.all("OrderInvoice")) == 1
    assert shipped is not None and shipped["OrderStatus"]["id"] == ids["ENVIADO"]
    assert (shipped["sending_code"], shipped["tracking_url"]) == (
        "BR123",
        "https://rastreio.example/BR123",
    )
    assert isinstance(canceled, Order) and canceled.status.value == "canceled"


async def test_an_order_placed_through_the_api_notifies_until_delivered(
    kit: TraySandboxKit,
) -> None:
    received: list[InboundRequest] = []
    answers = iter([500, 200])

    async def endpoint(request: web.Request) -> web.Response:
        received.append(
            InboundRequest(
                "POST",
                dict(request.headers),
                await request.read(),
                path_secret=request.match_info["secret"],
            )
        )
        return web.Response(status=next(answers))

    app = web.Application()
    app.router.add_post("/webhooks/tray/{secret}", endpoint)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    kit.state.store.add_notify_url(f"http://127.0.0.1:{port}/webhooks/tray/{NOTIFICATION_SECRET}")
    settings = kit.settings()
    client = TrayClient(settings)
    try:
        [product_id] = await kit.seed(Entity.PRODUCT, 1)
        created: Any = await client.session.call(
            "POST",
            "/orders",
            json={
                "Order": {
                    "shipment": "Sedex",
                    "shipment_value": "10.44",
                    "payment_form": "Pix",
                    "Customer": {"name": "Fulana", "cpf": "12442673177", "email": "f@example.com"},
                    "ProductsSold": [{"product_id": product_id, "quantity": 1}],
                }
            },
        )
        deadline = time.monotonic() + 5
        while len(received) < 2 and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
    finally:
        await client.aclose()
        await runner.cleanup()
    assert len(received) == 2, "a failed delivery is retried"
    assert received[0].body == received[1].body
    assert received[1].headers["Content-Type"].startswith("application/x-www-form-urlencoded")
    notification = verify_tray_notification(received[1], settings)
    assert (notification.entity, notification.platform_id) == (Entity.ORDER, str(created["id"]))
    [delivery] = kit.state.store.deliveries()
    assert delivery["state"] == "delivered" and delivery["attempts"] == 2


async def test_a_token_without_the_permission_is_named_missing_permission(
    kit: TraySandboxKit,
) -> None:
    settings = kit.failing_settings(CheckOutcome.MISSING_PERMISSION)
    client = TrayClient(settings)
    try:
        check = await client.test_connection()
    finally:
        await client.aclose()
    assert check.outcome is CheckOutcome.MISSING_PERMISSION
    assert "403" in check.detail and "permission" in check.detail
    assert settings.access_token is not None
    assert settings.access_token.get_secret_value() not in check.detail
