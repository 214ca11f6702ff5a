"""ShopifyClient against the Shopify sandbox, both running for real on loopback.

Webhook receivers are real aiohttp servers in the test; nothing of ours is mocked.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from aiohttp import web

from connectors.errors import AuthError, NotFound
from connectors.shopify.client import ShopifyClient
from connectors.shopify.sandbox import SandboxConfig, build_app
from connectors.shopify.settings import ShopifySettings
from connectors.shopify.webhooks import parse_delivery_headers, shopify_signature_valid

SHOP = "ponte-demo.myshopify.com"
TOKEN = "shpat_contract_test"
SECRET = "contract_webhook_secret"
API = "/admin/api/2026-04"


async def eventually(check: Callable[[], Awaitable[bool] | bool], timeout: float = 5.0) -> None:
    """Wait until ``check`` holds; fail with a clear message at the deadline."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        outcome = check()
        if await outcome if isinstance(outcome, Awaitable) else outcome:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"condition not met within {timeout} s")


@dataclass
class Sandbox:
    runner: web.AppRunner
    url: str
    config: SandboxConfig

    async def stop(self) -> None:
        await self.runner.cleanup()


async def start_sandbox(config: SandboxConfig) -> Sandbox:
    runner = web.AppRunner(build_app(config))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    return Sandbox(runner, f"http://{host}:{port}", config)


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """An HTTPS-endpoint stand-in for our own webhook intake: answers from a script."""

    script: list[int] = field(default_factory=list)
    default_status: int = 200
    got: list[Received] = field(default_factory=list)
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.got.append(Received(dict(request.headers), await request.read()))
        status = self.script.pop(0) if self.script else self.default_status
        return web.Response(status=status)


@pytest.fixture
def config(tmp_path: Path) -> SandboxConfig:
    return SandboxConfig(
        db_path=tmp_path / "shopify.sqlite3",
        shop_domain=SHOP,
        token=TOKEN,
        webhook_secret=SECRET,
        retry_base=0.05,
    )


@pytest.fixture
async def sandbox(config: SandboxConfig) -> AsyncIterator[Sandbox]:
    running = await start_sandbox(config)
    yield running
    await running.stop()


def settings_for(sandbox: Sandbox, token: str = TOKEN, **options: Any) -> ShopifySettings:
    fields = {
        "shop_domain": SHOP,
        "admin_api_token": token,
        "webhook_secret": SECRET,
        "base_url": sandbox.url,
        **options,
    }
    return ShopifySettings.model_validate(fields, context={"allow_private_urls": True})


@pytest.fixture
async def client(sandbox: Sandbox) -> AsyncIterator[ShopifyClient]:
    async with ShopifyClient(settings_for(sandbox)) as shopify:
        yield shopify


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    target = Receiver()
    app = web.Application()
    app.router.add_post("/webhooks/shopify", target.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    target.url = f"http://{host}:{port}/webhooks/shopify"
    yield target
    await runner.cleanup()


def order_body(n: int) -> dict[str, Any]:
    return {
        "email": f"cliente{n}@example.com.br",
        "customer": {"first_name": "Ana", "last_name": f"Souza {n}", "email": f"c{n}@ex.com.br"},
        "billing_address": {"first_name": "Ana", "last_name": "Souza", "city": "Campinas",
                            "province_code": "SP", "country_code": "BR", "zip": "13010-000"},
        "shipping_address": {"first_name": "Ana", "last_name": "Souza", "city": "Campinas"},
        "line_items": [
            {"title": "Camiseta", "price": "10.10", "quantity": 2, "sku": f"CAM-{n}"},
            {"title": "Adesivo", "price": "0.20", "quantity": 1, "sku": "ADS-1"},
        ],
        "shipping_lines": [{"title": "PAC", "price": "15.00", "code": "PAC"}],
    }  # fmt: skip


async def deliveries(sandbox: Sandbox) -> list[dict[str, Any]]:
    async with httpx.AsyncClient() as http:
        response = await http.get(f"{sandbox.url}/_sandbox/deliveries")
    return list(response.json()["deliveries"])


async def test_get_shop_and_bad_token(client: ShopifyClient, sandbox: Sandbox) -> None:
    shop = await client.get_shop()
    assert shop["myshopify_domain"] == SHOP
    assert shop["currency"] == "BRL"
    async with ShopifyClient(settings_for(sandbox, token="shpat_wrong")) as intruder:
        with pytest.raises(AuthError) as caught:
            await intruder.get_shop()
    assert caught.value.status == 401
    assert "Invalid API key or access token" in (caught.value.body or "")


async def test_http_shapes_of_auth_version_and_call_limit(sandbox: Sandbox) -> None:
    async with httpx.AsyncClient(base_url=sandbox.url) as http:
        denied = await http.get(f"{API}/shop.json", headers={"X-Shopify-Access-Token": "x"})
        unknown = await http.get("/admin/api/2019-01/shop.json")
        ok = await http.get(f"{API}/shop.json", headers={"X-Shopify-Access-Token": TOKEN})
    assert denied.status_code == 401
    assert denied.json() == {
        "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"
    }
    assert unknown.status_code == 404
    assert ok.headers["X-Shopify-Shop-Api-Call-Limit"] == "1/40"


async def test_orders_are_full_resources_with_exact_ids(client: ShopifyClient) -> None:
    created = await client.create_order(order_body(1))
    assert created["id"] > 2**53
    assert created["admin_graphql_api_id"] == f"gid://shopify/Order/{created['id']}"
    assert created["name"] == "#1001" and created["order_number"] == 1001
    assert created["number"] == 1
    assert created["total_line_items_price"] == "20.40"
    assert created["total_price"] == "35.40"
    assert created["total_price_set"]["shop_money"] == {"amount": "35.40", "currency_code": "BRL"}
    assert created["total_shipping_price_set"]["presentment_money"]["amount"] == "15.00"
    assert sum(Decimal(li["price"]) * li["quantity"] for li in created["line_items"]) == Decimal(
        created["subtotal_price"]
    )
    assert all(li["id"] > 2**53 for li in created["line_items"])
    assert created["customer"]["id"] > 2**53
    assert created["billing_address"]["name"] == "Ana Souza"
    assert created["created_at"].endswith("-03:00")

    fetched = await client.get_order(str(created["id"]))
    assert fetched == created
    with pytest.raises(NotFound):
        await client.get_order("1")


async def test_ids_survive_exactly_on_the_wire(client: ShopifyClient, sandbox: Sandbox) -> None:
    created = await client.create_order(order_body(1))
    async with httpx.AsyncClient(base_url=sandbox.url) as http:
        raw = await http.get(
            f"{API}/orders/{created['id']}.json", headers={"X-Shopify-Access-Token": TOKEN}
        )
    assert f'"id":{created["id"]},'.encode() in raw.content  # a JSON integer, not a float
    assert str(created["id"]).startswith("82098291194615")


async def test_list_since_walks_every_page_exactly(client: ShopifyClient, sandbox: Sandbox) -> None:
    ids = [(await client.create_order(order_body(n)))["id"] for n in range(7)]
    pages: list[httpx.Response] = []

    async def record(response: httpx.Response) -> None:
        if response.request.url.path.endswith("/orders.json"):
            pages.append(response)

    http = httpx.AsyncClient(event_hooks={"response": [record]})
    async with http, ShopifyClient(settings_for(sandbox), client=http) as shopify:
        listed = [
            o["id"] async for o in shopify.list_orders_since("2020-01-01T00:00:00-03:00", limit=3)
        ]
        later = [o async for o in shopify.list_orders_since("2999-01-01T00:00:00Z", limit=3)]
    assert listed == ids
    assert later == []
    assert len(pages) == 4  # 3 + 3 + 1, then the empty sweep
    assert all("page_info=" in p.links["next"]["url"] for p in pages[:2])
    assert "next" not in pages[2].links


async def test_burst_gets_429_while_client_paces(config: SandboxConfig) -> None:
    sandbox = await start_sandbox(replace(config, bucket_size=5, leak_rate=10.0))
    statuses: list[int] = []

    async def record(response: httpx.Response) -> None:
        statuses.append(response.status_code)

    try:
        http = httpx.AsyncClient(event_hooks={"response": [record]})
        paced = settings_for(sandbox, requests_per_second=10.0, bucket_size=5)
        async with http, ShopifyClient(paced, client=http) as c:
            shops = await asyncio.gather(*(c.get_shop() for _ in range(15)))
        assert len(shops) == 15 and statuses.count(200) == 15  # paced: not one 429 seen
        async with httpx.AsyncClient(base_url=sandbox.url) as raw:
            burst = await asyncio.gather(
                *(raw.get(f"{API}/shop.json", headers={"X-Shopify-Access-Token": TOKEN})
                  for _ in range(12))
            )  # fmt: skip
    finally:
        await sandbox.stop()
    refused = [r for r in burst if r.status_code == 429]
    assert refused, "a burst past the bucket must be throttled"
    assert all(float(r.headers["Retry-After"]) > 0 for r in refused)
    assert all(r.headers["X-Shopify-Shop-Api-Call-Limit"] == "5/5" for r in refused)
    assert refused[0].json()["errors"].startswith("Exceeded 2 calls per second for api client")


async def test_register_webhook_is_idempotent(client: ShopifyClient, receiver: Receiver) -> None:
    first = await client.register_webhook("orders/create", receiver.url)
    again = await client.register_webhook("orders/create", receiver.url)
    assert first == again
    assert [w["id"] for w in await client.list_webhooks()] == [int(first)]
    await client.delete_webhook(first)
    assert await client.list_webhooks() == []


async def test_order_creation_delivers_a_signed_webhook(
    client: ShopifyClient, receiver: Receiver, sandbox: Sandbox
) -> None:
    await client.register_webhook("orders/create", receiver.url)
    order = await client.create_order(order_body(1))
    await eventually(lambda: len(receiver.got) == 1)

    delivery = receiver.got[0]
    assert shopify_signature_valid(
        [SECRET], delivery.body, delivery.headers["X-Shopify-Hmac-Sha256"]
    )
    assert not shopify_signature_valid(
        ["other"], delivery.body, delivery.headers["X-Shopify-Hmac-Sha256"]
    )
    headers = parse_delivery_headers(delivery.headers)
    assert headers.topic == "orders/create"
    assert headers.shop_domain == SHOP
    assert headers.api_version == "2026-04"
    assert headers.event_id and headers.triggered_at
    assert delivery.headers["Content-Type"] == "application/json"
    assert orjson.loads(delivery.body) == order
    assert f'"id":{order["id"]},'.encode() in delivery.body

    await eventually(lambda: _delivered(sandbox))
    [summary] = await deliveries(sandbox)
    assert summary["webhook_id"] == headers.webhook_id
    assert summary["attempts"] == 1 and summary["last_status"] == 200


async def _delivered(sandbox: Sandbox) -> bool:
    found = await deliveries(sandbox)
    return bool(found) and all(d["delivered"] for d in found)


async def test_one_event_one_delivery_per_subscription(
    client: ShopifyClient, receiver: Receiver
) -> None:
    await client.register_webhook("orders/create", receiver.url)
    await client.register_webhook("orders/create", receiver.url + "?second")
    await client.create_order(order_body(1))
    await eventually(lambda: len(receiver.got) == 2)
    event_ids = {r.headers["X-Shopify-Event-Id"] for r in receiver.got}
    webhook_ids = {r.headers["X-Shopify-Webhook-Id"] for r in receiver.got}
    assert len(event_ids) == 1 and len(webhook_ids) == 2


async def test_failed_delivery_is_retried_with_the_same_ids(
    client: ShopifyClient, receiver: Receiver, sandbox: Sandbox
) -> None:
    receiver.script = [500, 500, 200]
    await client.register_webhook("orders/create", receiver.url)
    await client.create_order(order_body(1))
    await eventually(lambda: len(receiver.got) == 3)
    assert len({r.headers["X-Shopify-Webhook-Id"] for r in receiver.got}) == 1
    assert len({r.headers["X-Shopify-Event-Id"] for r in receiver.got}) == 1
    assert len({r.body for r in receiver.got}) == 1
    await eventually(lambda: _delivered(sandbox))
    [summary] = await deliveries(sandbox)
    assert summary["attempts"] == 3 and summary["last_status"] == 200

    async with httpx.AsyncClient() as http:
        redo = await http.post(f"{sandbox.url}/_sandbox/redeliver/{summary['delivery_id']}")
    assert redo.status_code == 202
    await eventually(lambda: len(receiver.got) == 4)
    assert (
        receiver.got[3].headers["X-Shopify-Event-Id"]
        == receiver.got[0].headers["X-Shopify-Event-Id"]
    )


async def test_pending_deliveries_survive_a_restart(
    config: SandboxConfig, receiver: Receiver
) -> None:
    config = replace(config, retry_base=0.2)
    receiver.default_status = 503
    first = await start_sandbox(config)
    try:
        async with ShopifyClient(settings_for(first)) as shopify:
            await shopify.register_webhook("orders/create", receiver.url)
            order = await shopify.create_order(order_body(1))
        await eventually(lambda: len(receiver.got) >= 1)
    finally:
        await first.stop()
    failed_attempts = len(receiver.got)
    receiver.default_status = 200

    second = await start_sandbox(config)
    try:
        await eventually(lambda: _delivered(second))
        async with ShopifyClient(settings_for(second)) as shopify:
            assert (await shopify.get_order(str(order["id"])))["id"] == order["id"]
    finally:
        await second.stop()
    assert len(receiver.got) == failed_attempts + 1
    assert len({r.headers["X-Shopify-Webhook-Id"] for r in receiver.got}) == 1
