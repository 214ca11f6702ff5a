"""Logistics inventory and Pricing at VTEX's paths (Pricing under ``/{account}/pricing``, as on
``api.vtex.com/{account}``). The inventory PUT zeroes what it is not sent; the price PUT
replaces every fixed price."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from connectors.vtex.sandbox.state import STATE

WAREHOUSES = [{"id": "1_1", "name": "Principal", "warehouseDocks": [], "pickupPointIds": [],
               "priority": 0, "isActive": True},
              {"id": "2_1", "name": "Loja física", "warehouseDocks": [], "pickupPointIds": [],
               "priority": 1, "isActive": True}]  # fmt: skip


async def inventory_of_sku(request: web.Request) -> web.Response:
    store = request.app[STATE].store
    sku = request.match_info["sku"]
    if store.get("sku", sku) is None:
        return web.json_response({"error": {"message": "sku not found"}}, status=404)
    balance = [store.get("inventory", f"{sku}:{w['id']}") or _empty(w) for w in WAREHOUSES]
    return web.json_response({"skuId": sku, "balance": balance})


def _empty(warehouse: dict[str, Any]) -> dict[str, Any]:
    return {
        "warehouseId": warehouse["id"], "warehouseName": warehouse["name"], "totalQuantity": 0,
        "reservedQuantity": 0, "hasUnlimitedQuantity": False, "timeToRefill": None,
        "dateOfSupplyUtc": None, "leadTime": "00:00:00",
    }  # fmt: skip


async def put_inventory(request: web.Request) -> web.Response:
    store = request.app[STATE].store
    sku, warehouse = request.match_info["sku"], request.match_info["warehouse"]
    target = next((w for w in WAREHOUSES if w["id"] == warehouse), None)
    if store.get("sku", sku) is None or target is None:
        return web.json_response({"error": {"message": "sku or warehouse not found"}}, status=404)
    body = await request.json()
    quantity = body.get("quantity", 0) if isinstance(body, dict) else None
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 0:
        return web.json_response({"error": {"message": "quantity must be an integer"}}, status=400)
    record = _empty(target) | {
        "totalQuantity": quantity,
        "hasUnlimitedQuantity": bool(body.get("unlimitedQuantity", False)),
        "leadTime": body.get("leadTime") or "00:00:00",
    }
    store.put("inventory", f"{sku}:{warehouse}", record)
    return web.json_response(True)


async def warehouses(request: web.Request) -> web.Response:
    return web.json_response(WAREHOUSES)


async def get_price(request: web.Request) -> web.Response:
    price = request.app[STATE].store.get("price", request.match_info["item"])
    if price is None:
        return web.Response(status=404)
    return web.json_response(price)


async def put_price(request: web.Request) -> web.Response:
    item = request.match_info["item"]
    body = await request.json()
    if not isinstance(body, dict) or not any(
        k in body for k in ("basePrice", "costPrice", "markup")
    ):
        return web.json_response({"message": "basePrice, or costPrice and markup"}, status=400)
    for fixed in body.get("fixedPrices") or []:
        if not all(k in fixed for k in ("tradePolicyId", "value", "minQuantity")):
            return web.json_response({"message": "fixed price incomplete"}, status=400)
    base = body.get("basePrice")
    cost = body.get("costPrice", base)
    record = {
        "itemId": item,
        "listPrice": body.get("listPrice"),
        "costPrice": cost,
        "markup": body.get("markup", 0),
        "basePrice": base,
        "fixedPrices": body.get("fixedPrices") or [],
    }
    request.app[STATE].store.put("price", item, record)
    return web.Response(status=200)


def add_logistics_pricing_routes(app: web.Application) -> None:
    r = app.router
    r.add_get("/api/logistics/pvt/inventory/skus/{sku}", inventory_of_sku)
    r.add_put("/api/logistics/pvt/inventory/skus/{sku}/warehouses/{warehouse}", put_inventory)
    r.add_get("/api/logistics/pvt/configuration/warehouses", warehouses)
    r.add_get("/{account}/pricing/prices/{item}", get_price)
    r.add_put("/{account}/pricing/prices/{item}", put_price)
