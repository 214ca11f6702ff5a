"""The sandbox pushes signed change events with retries; the ingress verifies them and re-fetches."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web

from connectors.contract import InboundRequest, NotificationRefused
from connectors.erp.client import ErpClient
from connectors.erp.webhooks import notification_events, verify_erp_notification
from schemas.events import OrderStatusChanged, PriceChanged, ProductChanged, StockChanged
from schemas.order_status import OrderStatus
from tests.contract.test_erp_sandbox import api_root, control, db_path, erp, pedido

__all__ = ["api_root", "db_path", "erp"]  # fixtures shared with test_erp_sandbox

SECRET = "push-secret"


@dataclass
class Receiver:
    """A real HTTP endpoint standing in for Ponte's ingress: it keeps what arrives."""

    url: str = ""
    failures_left: int = 0
    received: list[InboundRequest] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: web.Request) -> web.Response:
        if self.failures_left:
            self.failures_left -= 1
            return web.Response(status=503)
        body = await request.read()
        self.received.append(InboundRequest("POST", dict(request.headers), body))
        self.arrived.set()
        return web.Response(status=204)

    async def next(self, count: int = 1) -> list[InboundRequest]:
        async with asyncio.timeout(10):
            while len(self.received) < count:
                self.arrived.clear()
                await self.arrived.wait()
        return self.received[:count]


@pytest.fixture
async def receiver(api_root: str) -> AsyncIterator[Receiver]:
    hook = Receiver()
    app = web.Application()
    app.router.add_post("/webhooks/erp/loja", hook.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    hook.url = f"http://{host}:{port}/webhooks/erp/loja"
    await control(api_root, "POST", "/_sandbox/webhooks", {"url": hook.url, "secret": SECRET})
    yield hook
    await runner.cleanup()


async def test_a_pushed_product_change_verifies_and_is_fetched(
    erp: ErpClient, receiver: Receiver
) -> None:
    await erp.products.upsert_family(
        {"codigo": "CAM", "nome": "Camiseta", "preco": 50},
        [{"codigo": "CAM-M", "nome": "M", "preco": 50}],
    )
    pushes = await receiver.next(2)
    parsed = [n for push in pushes for n in verify_erp_notification(push, SECRET)]
    assert [n.topic for n in parsed] == ["product.created", "product.created"]
    assert all(n.event_id for n in parsed)

    events = await notification_events(erp, parsed[1])  # the child: its whole family comes
    assert isinstance(events[0], ProductChanged)
    assert [v.sku for v in events[0].product.variants] == ["CAM-M"]
    assert [type(e) for e in events[1:]] == [PriceChanged]


async def test_a_tampered_push_is_refused(erp: ErpClient, receiver: Receiver) -> None:
    await erp.products.upsert_products([{"codigo": "X", "nome": "X", "preco": 1}])
    [push] = await receiver.next()
    tampered = InboundRequest("POST", push.headers, push.body.replace(b'"X"', b'"Y"'))
    with pytest.raises(NotificationRefused) as caught:
        verify_erp_notification(tampered, SECRET)
    assert caught.value.status == 401
    with pytest.raises(NotificationRefused):
        verify_erp_notification(push, "another-secret")


async def test_stock_and_invoice_pushes_become_the_same_events_as_polling(
    erp: ErpClient, receiver: Receiver
) -> None:
    await erp.products.upsert_products([{"codigo": "EST", "nome": "Est", "preco": 1}])
    await erp.stock.set_stock_balance("EST", "1", 3)
    ref = await erp.create_order(pedido("8001"))
    await erp.invoices.emit_for_order(ref.numero_pedido or "")
    pushes = await receiver.next(4)
    notifications = [n for push in pushes for n in verify_erp_notification(push, SECRET)]
    assert [n.topic for n in notifications] == [
        "product.created",
        "stock.updated",
        "order.created",
        "order.updated",
    ]
    stock = await notification_events(erp, notifications[1])
    assert [
        (e.level.warehouse, e.level.quantity) for e in stock if isinstance(e, StockChanged)
    ] == [
        ("1", 3),
        ("2", 0),
    ]
    [invoiced] = await notification_events(erp, notifications[3])
    assert isinstance(invoiced, OrderStatusChanged)
    assert invoiced.status is OrderStatus.INVOICED and invoiced.invoice is not None


async def test_a_failed_delivery_is_retried_until_it_lands(
    erp: ErpClient, receiver: Receiver, api_root: str
) -> None:
    receiver.failures_left = 1
    await erp.products.upsert_products([{"codigo": "R", "nome": "R", "preco": 1}])
    [push] = await receiver.next()
    assert verify_erp_notification(push, SECRET)
    async with asyncio.timeout(5):  # the sandbox records the 2xx just after we answered
        while not (delivery := await only_delivery(api_root))["delivered"]:
            await asyncio.sleep(0.02)
    assert delivery["attempts"] == 2 and delivery["last_status"] == 204


async def only_delivery(api_root: str) -> dict[str, object]:
    [delivery] = (await control(api_root, "GET", "/_sandbox/webhooks/deliveries"))["deliveries"]
    return dict(delivery)
