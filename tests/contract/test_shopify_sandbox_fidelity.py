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


async def make_product(http: httpx.AsyncClient) -> dict[str, Any]:
    created = await http.post(
        "/products.json", json=sample("api_rest_2026-04_product_create_request.json")
    )
    assert created.status_code == 201
    product: dict[str, Any] = created.json()["product"]
    return product


async def test_created_product_has_every_field_of_the_real_one(http: httpx.AsyncClient) -> None:
    product = await make_product(http)
    real = sample("api_rest_2026-04_product_create_response.json")["product"]
    assert set(real) <= set(product)
    assert set(real["variants"][0]) <= set(product["variants"][0])
    assert set(real["options"][0]) <= set(product["options"][0])
    # Same values where the request decides them (ids, clock and currency are the shop's).
    for name in ("title", "body_html", "vendor", "product_type", "handle", "status", "tags",
                 "published_at", "published_scope"):  # fmt: skip
        assert product[name] == real[name], name
    [variant], [real_variant] = product["variants"], real["variants"]
    for name in ("title", "price", "position", "inventory_policy", "compare_at_price",
                 "option1", "fulfillment_service", "requires_shipping", "taxable"):  # fmt: skip
        assert variant[name] == real_variant[name], name
    assert product["options"][0]["name"] == "Title"
    assert product["options"][0]["values"] == ["Default Title"]


async def test_product_webhook_body_has_every_field_of_the_real_one(
    http: httpx.AsyncClient,
) -> None:
    from connectors.shopify.sandbox.catalog import product_webhook

    body = product_webhook(await make_product(http))
    real = sample("webhook_products_update.json")
    assert set(real) <= set(body)
    assert set(real["variant_gids"][0]) == set(body["variant_gids"][0])
    assert set(real["variants"][0]) <= set(body["variants"][0])


async def test_product_update_with_variants_like_the_real_request(http: httpx.AsyncClient) -> None:
    product = await make_product(http)
    [variant] = product["variants"]
    update = {"product": {"title": "Updated Product Title",
                          "variants": [{"id": variant["id"], "price": "2000.00", "sku": "Updating the Product SKU"}]}}  # fmt: skip
    answer = await http.put(f"/products/{product['id']}.json", json=update)
    assert answer.status_code == 200
    updated = answer.json()["product"]
    real = sample("api_rest_2026-04_product_update_variants_response.json")["product"]
    assert set(real) <= set(updated)
    assert updated["title"] == "Updated Product Title"
    [kept] = updated["variants"]
    assert (kept["id"], kept["price"], kept["sku"]) == (
        variant["id"],
        "2000.00",
        "Updating the Product SKU",
    )
    assert kept["inventory_item_id"] == variant["inventory_item_id"]


async def test_variant_update_like_the_real_one(http: httpx.AsyncClient) -> None:
    [variant] = (await make_product(http))["variants"]
    answer = await http.put(
        f"/variants/{variant['id']}.json",
        json=sample("api_rest_2026-04_variant_update_request.json"),
    )
    real = sample("api_rest_2026-04_variant_update_response.json")["variant"]
    got = answer.json()["variant"]
    assert set(real) <= set(got)
    assert (got["option1"], got["price"], got["title"]) == ("Not Pink", "99.00", "Not Pink")


async def test_collection_has_every_field_of_the_real_one(http: httpx.AsyncClient) -> None:
    answer = await http.post(
        "/custom_collections.json", json={"custom_collection": {"title": "My New Collection"}}
    )
    collection = answer.json()["custom_collection"]
    real = sample("webhook_collections_update.json")
    assert set(real) == set(collection)
    assert collection["title"] == real["title"]
    assert collection["handle"] == "my-new-collection"  # Shopify's handle from the title


async def test_locations_and_levels_like_the_real_ones(http: httpx.AsyncClient) -> None:
    [location] = (await http.get("/locations.json")).json()["locations"]
    assert set(sample("api_rest_locations.json")["locations"][0]) <= set(location)
    [variant] = (await make_product(http))["variants"]
    request = {**sample("api_rest_2026-04_inventory_levels_set_request.json"),
               "location_id": location["id"], "inventory_item_id": variant["inventory_item_id"]}  # fmt: skip
    level = (await http.post("/inventory_levels/set.json", json=request)).json()["inventory_level"]
    real = sample("api_rest_2026-04_inventory_levels_set_response.json")["inventory_level"]
    assert set(real) == set(level)
    assert level["available"] == 42
    assert level["admin_graphql_api_id"] == (
        f"gid://shopify/InventoryLevel/{location['id']}?inventory_item_id={variant['inventory_item_id']}"
    )
    listed = (await http.get(f"/inventory_levels.json?location_ids={location['id']}")).json()
    real_list = sample("api_rest_2026-04_inventory_levels_list_by_location_response.json")
    assert set(real_list["inventory_levels"][0]) == set(listed["inventory_levels"][0])
    refused = await http.post(
        "/inventory_levels/set.json", json={**request, "inventory_item_id": 1}
    )
    assert refused.status_code == 422


async def test_fulfillment_orders_fulfillments_and_cancel_like_the_real_ones(
    http: httpx.AsyncClient,
) -> None:
    order = (await make_order(http)).json()["order"]
    listed = (await http.get(f"/orders/{order['id']}/fulfillment_orders.json")).json()
    [fo] = listed["fulfillment_orders"]
    real_fo = sample("api_rest_2026-04_order_fulfillment_orders_list_response.json")[
        "fulfillment_orders"
    ][0]
    assert set(real_fo) <= set(fo)
    assert set(real_fo["line_items"][0]) <= set(fo["line_items"][0])
    assert set(real_fo["destination"]) <= set(fo["destination"])
    assert set(real_fo["assigned_location"]) <= set(fo["assigned_location"])
    assert fo["status"] == "open"

    request = sample("api_rest_2026-04_fulfillments_create_request.json")
    request["fulfillment"]["line_items_by_fulfillment_order"][0]["fulfillment_order_id"] = fo["id"]
    created = await http.post("/fulfillments.json", json=request)
    assert created.status_code == 201
    fulfillment = created.json()["fulfillment"]
    real = sample("api_rest_2026-04_fulfillments_create_response.json")["fulfillment"]
    assert set(real) == set(fulfillment)
    assert fulfillment["tracking_number"] == "MS1562678"
    assert fulfillment["tracking_url"] == request["fulfillment"]["tracking_info"]["url"]
    assert (await http.post("/fulfillments.json", json=request)).status_code == 422  # closed now

    cancelled = await http.post(f"/orders/{order['id']}/cancel.json")
    real_cancel = sample("api_rest_2026-04_order_cancel_response.json")
    assert set(cancelled.json()) == set(real_cancel)
    assert cancelled.json()["notice"] == real_cancel["notice"]
    assert set(real_cancel["order"]) - set(cancelled.json()["order"]) == set()
    assert cancelled.json()["order"]["cancel_reason"] == "other"
    assert (await http.post(f"/orders/{order['id']}/cancel.json")).status_code == 422


async def test_order_metafields(http: httpx.AsyncClient) -> None:
    order = (await make_order(http)).json()["order"]
    body = {"metafield": {"namespace": "nfe", "key": "list", "type": "json", "value": "[]"}}
    created = await http.post(f"/orders/{order['id']}/metafields.json", json=body)
    assert created.status_code == 201
    metafield = created.json()["metafield"]
    assert metafield["owner_id"] == order["id"] and metafield["owner_resource"] == "order"
    assert (await http.post(f"/orders/{order['id']}/metafields.json", json=body)).status_code == 422
    changed = {"metafield": {"value": '[{"key": "1"}]', "type": "json"}}
    put = await http.put(f"/orders/{order['id']}/metafields/{metafield['id']}.json", json=changed)
    assert put.json()["metafield"]["value"] == '[{"key": "1"}]'
    listed = await http.get(f"/orders/{order['id']}/metafields.json?namespace=nfe&key=list")
    assert [m["id"] for m in listed.json()["metafields"]] == [metafield["id"]]
