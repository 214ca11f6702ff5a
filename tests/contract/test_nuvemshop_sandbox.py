"""The Nuvemshop sandbox is faithful: the real answers' fields, its refusals, its bucket, its
signed webhooks and their retries, and state that survives a restart."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from aiohttp import web

from connectors.capabilities import Entity
from connectors.contract import InboundRequest
from connectors.nuvemshop.sandbox.kit import USER_AGENT, NuvemshopSandboxKit
from connectors.nuvemshop.webhooks import verify_nuvemshop_notification

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples" / "nuvemshop"


def sample(name: str) -> Any:
    return orjson.loads((SAMPLES / name).read_bytes())


@pytest.fixture
async def kit(tmp_path: Path) -> AsyncIterator[NuvemshopSandboxKit]:
    kit = NuvemshopSandboxKit(leak_rate=500.0, retry_base=0.05)
    await kit.start(tmp_path)
    try:
        yield kit
    finally:
        await kit.stop()


async def until(condition: Callable[[], Awaitable[bool]], deadline: float = 5.0) -> None:
    """Wait for ``condition`` to hold, polling, failing after ``deadline`` seconds."""
    end = time.monotonic() + deadline
    while not await condition():
        assert time.monotonic() < end, "condition not met before the deadline"
        await asyncio.sleep(0.02)


def missing_keys(real: Any, ours: Any, path: str = "") -> list[str]:
    """Every key of the real sample that our answer lacks, recursively (lists by first item)."""
    if isinstance(real, dict) and isinstance(ours, dict):
        found = []
        for key, value in real.items():
            if key not in ours:
                found.append(f"{path}{key}")
            elif value is not None and ours[key] is not None:
                found += missing_keys(value, ours[key], f"{path}{key}.")
        return found
    if isinstance(real, list) and isinstance(ours, list) and real and ours:
        return missing_keys(real[0], ours[0], f"{path}[].")
    return []


async def test_every_field_of_the_real_answers_is_in_the_sandbox_answers(
    kit: NuvemshopSandboxKit,
) -> None:
    [product_id] = await kit.seed(Entity.PRODUCT, 1)
    category = await kit.api("POST", "/categories", {"name": "Roupas"})
    await kit.api("PUT", f"/products/{product_id}", {"categories": [category["id"]]})
    product = await kit.api("GET", f"/products/{product_id}")
    product["images"] = [{"id": 1, "src": "x", "position": 1, "product_id": 1}]  # none uploaded
    assert missing_keys(sample("api_get_product.json"), product) == []
    assert missing_keys(sample("api_get_product_variant.json"), product["variants"][0]) == []
    assert missing_keys(sample("api_get_category.json"), category) == []
    [order_id] = await kit.seed(Entity.ORDER, 1)
    order = await kit.api("GET", f"/orders/{order_id}")
    real_order = sample("api_get_orders_list.json")[0]
    real_order["products"][0].pop("image")  # our seeded product has no image
    real_order["extra"] = {}  # the merchant's own custom JSON
    assert missing_keys(real_order, order) == []
    assert missing_keys(sample("api_get_store.json"), await kit.api("GET", "/store")) == []
    hook = await kit.api("POST", "/webhooks", sample("api_post_webhook_request.json"))
    assert missing_keys(sample("api_post_webhook_response.json"), hook) == []
    assert (
        missing_keys(sample("api_get_webhooks_list.json"), await kit.api("GET", "/webhooks")) == []
    )


async def test_the_real_refusals(kit: NuvemshopSandboxKit) -> None:
    settings = kit.settings()
    auth = {"Authentication": f"bearer {settings.access_token.get_secret_value()}"}
    async with httpx.AsyncClient(base_url=settings.api_root) as http:
        no_agent = auth | {"User-Agent": ""}
        assert (await http.get("/store", headers=no_agent)).status_code == 400
        agent = {"User-Agent": USER_AGENT}
        standard = {"Authorization": f"Bearer {settings.access_token.get_secret_value()}"}
        assert (await http.get("/store", headers=agent | standard)).status_code == 401
        headers = auth | agent
        text = await http.post("/categories", headers=headers, content=b'{"name": "x"}')
        assert text.status_code == 415  # no JSON content type
        bad = await http.post("/categories", headers=headers, json={"description": "sem nome"})
        assert (bad.status_code, bad.json()) == (422, {"name": ["can't be blank"]})
        empty = await http.get("/orders", headers=headers)
        assert empty.status_code == 404 and "Last page is 0" in empty.text
        expire = await http.post(f"{kit.url}/_sandbox/token/expire")
        assert expire.status_code == 200
        assert (await http.get("/store", headers=headers)).status_code == 401


async def test_pages_carry_link_and_total_count(kit: NuvemshopSandboxKit) -> None:
    await kit.seed(Entity.CATEGORY, 5)
    settings = kit.settings()
    headers = {
        "Authentication": f"bearer {settings.access_token.get_secret_value()}",
        "User-Agent": USER_AGENT,
    }
    async with httpx.AsyncClient(base_url=settings.api_root, headers=headers) as http:
        first = await http.get("/categories", params={"per_page": 2})
        assert first.headers["X-Total-Count"] == "5"
        assert len(first.json()) == 2
        assert 'rel="next"' in first.headers["Link"] and 'rel="last"' in first.headers["Link"]
        assert (await http.get("/categories", params={"per_page": 2, "page": 4})).status_code == 404


async def test_the_bucket_overflows_into_429_and_reports_itself(tmp_path: Path) -> None:
    kit = NuvemshopSandboxKit(bucket=5, leak_rate=1.0)
    await kit.start(tmp_path)
    settings = kit.settings()
    headers = {
        "Authentication": f"bearer {settings.access_token.get_secret_value()}",
        "User-Agent": USER_AGENT,
    }
    try:
        async with httpx.AsyncClient(base_url=settings.api_root, headers=headers) as http:
            answers = await asyncio.gather(*(http.get("/store") for _ in range(8)))
    finally:
        await kit.stop()
    statuses = sorted(a.status_code for a in answers)
    assert statuses.count(200) >= 5 and 429 in statuses
    refused = next(a for a in answers if a.status_code == 429)
    assert refused.headers["x-rate-limit-limit"] == "5"
    assert refused.headers["x-rate-limit-remaining"] == "0"
    assert int(refused.headers["x-rate-limit-reset"]) > 0


async def test_an_order_placed_notifies_signed_and_is_retried_until_accepted(
    kit: NuvemshopSandboxKit,
) -> None:
    received: list[InboundRequest] = []

    async def receive(request: web.Request) -> web.Response:
        received.append(InboundRequest("POST", dict(request.headers), await request.read()))
        return web.Response(status=500 if len(received) < 3 else 200)

    app = web.Application()
    app.router.add_post("/hooks/nuvemshop", receive)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    try:
        await kit.api(
            "POST",
            "/webhooks",
            {"event": "order/created", "url": f"http://{host}:{port}/hooks/nuvemshop"},
        )
        [order_id] = await kit.seed(Entity.ORDER, 1)

        async def delivered() -> bool:
            rows = await kit.api_control("GET", "/_sandbox/deliveries")
            return any(row["state"] == "delivered" for row in rows)

        await until(delivered)
    finally:
        await runner.cleanup()
    assert len(received) == 3, "two failures, then the retry that succeeded"
    assert len({r.body for r in received}) == 1, "a retry is the same body"
    notification = verify_nuvemshop_notification(received[-1], kit.settings())
    assert (notification.topic, notification.platform_id) == ("order/created", order_id)
    assert orjson.loads(received[-1].body) == {
        "store_id": int(kit.settings().store_id),
        "event": "order/created",
        "id": int(order_id),
    }


async def test_state_survives_a_restart(tmp_path: Path) -> None:
    kit = NuvemshopSandboxKit()
    await kit.start(tmp_path)
    [product_id] = await kit.seed(Entity.PRODUCT, 1)
    await kit.stop()
    await kit.start(tmp_path)
    try:
        product = await kit.api("GET", f"/products/{product_id}")
        assert product["variants"][0]["sku"].startswith("SEED-")
        [second] = await kit.seed(Entity.PRODUCT, 1)
        assert int(second) > int(product_id), "ids keep counting"
    finally:
        await kit.stop()
