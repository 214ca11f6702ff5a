"""Locations and inventory levels: `locations.json`, `inventory_levels.json` and the absolute
`inventory_levels/set.json` (answers and webhook shaped like the 2026-04 samples)."""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web

from connectors.shopify.sandbox.http import error, int_id, not_found, now_iso
from connectors.shopify.sandbox.state import STATE, SandboxState, default_location, json_response


async def list_locations(request: web.Request) -> web.Response:
    return json_response({"locations": [default_location(request.app[STATE].config)]})


async def get_location(request: web.Request) -> web.Response:
    location = default_location(request.app[STATE].config)
    if int_id(request.match_info["id"]) != location["id"]:
        raise not_found()
    return json_response({"location": location})


def _ids(raw: str | None) -> list[int] | None:
    if not raw:
        return None
    try:
        return [int(part) for part in raw.split(",") if part.strip()]
    except ValueError:
        raise error(400, {"inventory_item_ids": "Invalid value."}) from None


async def list_levels(request: web.Request) -> web.Response:
    """Shopify requires at least one of inventory_item_ids / location_ids."""
    items, locations = (
        _ids(request.query.get("inventory_item_ids")),
        _ids(request.query.get("location_ids")),
    )
    if not items and not locations:
        raise error(422, "inventory_item_ids or location_ids must be specified")
    levels = request.app[STATE].resources.levels(items, locations)
    return json_response({"inventory_levels": levels})


async def set_level(request: web.Request) -> web.Response:
    """POST inventory_levels/set.json: the absolute available quantity of an item at a location."""
    state = request.app[STATE]
    try:
        raw = orjson.loads(await request.read())
    except orjson.JSONDecodeError:
        raw = None
    if not isinstance(raw, dict):
        raise error(400, "Required parameter missing or invalid")
    item_id, location_id, available = (
        raw.get("inventory_item_id"), raw.get("location_id"), raw.get("available"),
    )  # fmt: skip
    if not isinstance(available, int) or isinstance(available, bool):
        raise error(422, {"available": ["must be an integer"]})
    if location_id != default_location(state.config)["id"]:
        raise error(422, {"location_id": ["Location does not exist"]})
    if not isinstance(item_id, int) or state.resources.get("InventoryItem", item_id) is None:
        raise error(422, {"inventory_item_id": ["Inventory item does not exist"]})
    level = {
        "inventory_item_id": item_id,
        "location_id": location_id,
        "available": available,
        "updated_at": now_iso(),
        "admin_graphql_api_id": f"gid://shopify/InventoryLevel/{location_id}"
        f"?inventory_item_id={item_id}",
    }
    with state.store.transaction():
        state.resources.put_level(level)
        _sync_variant_quantity(state, item_id)
        state.notify("inventory_levels/update", level)
    state.dispatcher.wake()
    return json_response({"inventory_level": level})


def _sync_variant_quantity(state: SandboxState, item_id: int) -> None:
    """A variant's `inventory_quantity` is the sum of its item's levels."""
    product_id = state.resources.parent_of("InventoryItem", item_id)
    product = state.resources.get("Product", product_id) if product_id is not None else None
    if product is None:
        return
    total = sum(level["available"] or 0 for level in state.resources.levels([item_id], None))
    variants: list[dict[str, Any]] = []
    for variant in product["variants"]:
        if variant["inventory_item_id"] == item_id:
            variant = {**variant, "old_inventory_quantity": variant["inventory_quantity"],
                       "inventory_quantity": total}  # fmt: skip
        variants.append(variant)
    state.resources.put("Product", {**product, "variants": variants})


def add_stock_routes(app: web.Application) -> None:
    base = "/admin/api/{version}"
    app.router.add_get(base + "/locations.json", list_locations)
    app.router.add_get(base + "/locations/{id}.json", get_location)
    app.router.add_get(base + "/inventory_levels.json", list_levels)
    app.router.add_post(base + "/inventory_levels/set.json", set_level)
