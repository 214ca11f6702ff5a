"""The sandbox's resources have the shape of Shopify's real ones (the samples in shared/)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from aiohttp import web

from connectors.shopify.mapping import order_from_shopify_json
from connectors.shopify.sandbox import SandboxConfig, build_app

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples" / "shopify"
TOKEN = "shpat_fidelity"
API = "/admin/api/2026-04"

pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared samples not present")


def sample(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = orjson.loads((SAMPLES / name).read_bytes())
    return loaded


@pytest.fixture
async def http(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    config = SandboxConfig(db_path=tmp_path / "s.sqlite3", token=TOKEN)
    runner = web.AppRunner(build_app(config))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    headers = {"X-Shopify-Access-Token": TOKEN}
    async with httpx.AsyncClient(base_url=f"http://{host}:{port}{API}", headers=headers) as c:
        yield c
    await runner.cleanup()


async def make_order(http: httpx.AsyncClient) -> httpx.Response:
    body = {
        "order": {
            "email": "ana@example.com.br",
            "customer": {"first_name": "Ana", "last_name": "Souza"},
            "billing_address": {"first_name": "Ana", "last_name": "Souza", "city": "Campinas"},
            "shipping_address": {"first_name": "Ana", "last_name": "Souza", "city": "Campinas"},
            "line_items": [
                {
                    "title": "Camiseta",
                    "price": "49.90",
                    "quantity": 2,
                    "sku": "CAM-P",
                    "tax_lines": [{"title": "ICMS", "price": "17.96", "rate": 0.18}],
                }
            ],
            "shipping_lines": [{"title": "SEDEX", "price": "21.50"}],
        }
    }
    return await http.post("/orders.json", json=body)


async def test_shop_has_every_field_of_the_real_shop(http: httpx.AsyncClient) -> None:
    shop = (await http.get("/shop.json")).json()["shop"]
    assert set(shop) == set(sample("api_rest_2026-04_shop_get_response.json")["shop"])


async def test_order_has_every_field_of_the_real_order(http: httpx.AsyncClient) -> None:
    created = await make_order(http)
    assert created.status_code == 201
    order = created.json()["order"]
    real = sample("api_rest_2026-04_order_get_response.json")["order"]
    hook = sample("webhook_orders_create.json")
    assert set(real) - set(order) == set()
    assert set(hook) - set(order) == set()
    assert set(real["line_items"][0]) <= set(order["line_items"][0])
    assert set(real["shipping_lines"][0]) <= set(order["shipping_lines"][0])
    assert set(hook["shipping_lines"][0]) <= set(order["shipping_lines"][0])
    assert set(real["customer"]["default_address"]) <= set(order["customer"]["default_address"])
    assert set(hook["billing_address"]) == set(order["billing_address"])
    assert order["total_tax"] == "17.96"
    assert order["total_price"] == "139.26"  # 2 x 49.90 + 21.50 + 17.96
    assert order["tax_lines"][0]["price"] == "17.96"


async def test_order_maps_to_the_canonical_order(http: httpx.AsyncClient) -> None:
    created = await make_order(http)
    order = created.json()["order"]
    canonical = order_from_shopify_json(created.content)
    assert canonical.platform_order_id == str(order["id"])
    assert canonical.number == order["name"]
    assert [item.sku for item in canonical.items] == ["CAM-P"]
    assert canonical.totals.total == Decimal("139.26")
    assert canonical.totals.shipping == Decimal("21.50")


async def test_invalid_order_is_a_422_with_shopify_error_shape(http: httpx.AsyncClient) -> None:
    refused = await http.post("/orders.json", json={"order": {"line_items": []}})
    missing = await http.post("/orders.json", json={"nothing": 1})
    assert refused.status_code == 422
    assert refused.json() == {"errors": {"line_items": ["must have at least one line item"]}}
    assert "X-Shopify-Shop-Api-Call-Limit" in refused.headers
    assert missing.status_code == 400
    assert missing.json() == {"errors": {"order": "Required parameter missing or invalid"}}
