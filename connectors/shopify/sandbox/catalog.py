"""Products (with variants and their inventory items) and custom collections, on Shopify's
REST paths. Every write queues the matching `products/*` or `collections/*` webhook in the same
transaction."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from connectors.shopify.sandbox.http import body_of, error, int_id, not_found, now_iso, paged
from connectors.shopify.sandbox.products import (
    InvalidResource,
    Minting,
    build_collection,
    build_product,
    handle_from,
)
from connectors.shopify.sandbox.resources import Resources
from connectors.shopify.sandbox.state import (
    PRIMARY_LOCATION_ID,
    STATE,
    SandboxState,
    json_response,
)
from connectors.shopify.sandbox.store import ShopStore


def minting(state: SandboxState) -> Minting:
    shop = state.store.shop() or {}
    return Minting(state.store.next_id, now_iso(), str(shop.get("currency", "BRL")))


def _unique_handle(resources: Resources, kind: str, wanted: str, own_id: int | None) -> str:
    handle, n = wanted, 0
    while resources.handle_taken(kind, handle, own_id):
        n += 1
        handle = f"{wanted}-{n}"
    return handle


def _save_product(
    state: SandboxState, product: dict[str, Any], prior: dict[str, Any] | None
) -> None:
    """Store the product and keep its variants' inventory items (and first levels) in step."""
    resources = state.resources
    resources.put("Product", product)
    old_items = {v["inventory_item_id"] for v in (prior or {}).get("variants", [])}
    for variant in product["variants"]:
        item_id = variant["inventory_item_id"]
        resources.put("ProductVariant", {"id": variant["id"], "updated_at": variant["updated_at"]},
                      parent_id=product["id"])  # fmt: skip
        item = {"id": item_id, "sku": variant["sku"], "tracked": True, "variant_id": variant["id"],
                "created_at": variant["created_at"], "updated_at": variant["updated_at"],
                "requires_shipping": variant["requires_shipping"],
                "admin_graphql_api_id": f"gid://shopify/InventoryItem/{item_id}"}  # fmt: skip
        resources.put("InventoryItem", item, parent_id=product["id"])
        if item_id not in old_items:  # stocked at the primary location, 0 available
            resources.put_level(
                {
                    "inventory_item_id": item_id,
                    "location_id": PRIMARY_LOCATION_ID,
                    "available": 0,
                    "updated_at": variant["updated_at"],
                    "admin_graphql_api_id": f"gid://shopify/InventoryLevel/{PRIMARY_LOCATION_ID}"
                    f"?inventory_item_id={item_id}",
                }
            )
    kept = {v["id"] for v in product["variants"]}
    gone = [v for v in (prior or {}).get("variants", []) if v["id"] not in kept]
    resources.delete("ProductVariant", [v["id"] for v in gone])
    resources.delete("InventoryItem", [v["inventory_item_id"] for v in gone])


def product_webhook(product: dict[str, Any]) -> dict[str, Any]:
    """The products/* webhook body: the REST product plus the fields only webhooks carry."""
    gids = [
        {"admin_graphql_api_id": v["admin_graphql_api_id"], "updated_at": v["updated_at"]}
        for v in product["variants"]
    ]
    extra = {"media": [], "variant_gids": gids, "has_variants_that_requires_components": False}
    return {**product, **extra, "category": None}


async def list_products(request: web.Request) -> web.Response:
    resources = request.app[STATE].resources
    query = request.query

    def fetch(cursor: dict[str, Any], limit: int) -> list[dict[str, Any]]:
        return resources.find("Product", after_id=cursor["after"], limit=limit,
                              updated_at_min=cursor["updated_at_min"],
                              handle=cursor.get("handle"), vendor=cursor.get("vendor"))  # fmt: skip

    return paged(request, "products", fetch, {"handle": query.get("handle"),
                                              "vendor": query.get("vendor")})  # fmt: skip


async def get_product(request: web.Request) -> web.Response:
    product = request.app[STATE].resources.get("Product", int_id(request.match_info["id"]))
    if product is None:
        raise not_found()
    return json_response({"product": product})


async def write_product(request: web.Request) -> web.Response:
    """POST products.json (create) and PUT products/{id}.json (update)."""
    state = request.app[STATE]
    raw = await body_of(request, "product")
    prior = None
    if "id" in request.match_info:
        prior = state.resources.get("Product", int_id(request.match_info["id"]))
        if prior is None:
            raise not_found()
    with state.store.transaction():
        own = prior["id"] if prior else None
        wanted = (
            raw.get("handle")
            or (prior or {}).get("handle")
            or handle_from(str(raw.get("title", "")))
        )
        handle = _unique_handle(state.resources, "Product", handle_from(wanted), own)
        try:
            product = build_product(raw, prior, handle, minting(state))
        except InvalidResource as exc:
            raise error(422, exc.errors) from exc
        _save_product(state, product, prior)
        state.notify("products/update" if prior else "products/create", product_webhook(product))
    state.dispatcher.wake()
    return json_response({"product": product}, status=200 if prior else 201)


async def delete_product(request: web.Request) -> web.Response:
    state = request.app[STATE]
    prior = state.resources.get("Product", int_id(request.match_info["id"]))
    if prior is None:
        raise not_found()
    with state.store.transaction():
        state.resources.delete("Product", [prior["id"]])
        state.resources.delete("ProductVariant", [v["id"] for v in prior["variants"]])
        state.resources.delete("InventoryItem", [v["inventory_item_id"] for v in prior["variants"]])
        state.notify("products/delete", {"id": prior["id"]})
    state.dispatcher.wake()
    return json_response({})


def _product_of_variant(store: ShopStore, resources: Resources, variant_id: int) -> dict[str, Any]:
    product_id = resources.parent_of("ProductVariant", variant_id)
    product = resources.get("Product", product_id) if product_id is not None else None
    if product is None:
        raise not_found()
    return product


async def get_variant(request: web.Request) -> web.Response:
    state = request.app[STATE]
    variant_id = int_id(request.match_info["id"])
    product = _product_of_variant(state.store, state.resources, variant_id)
    [variant] = [v for v in product["variants"] if v["id"] == variant_id]
    return json_response({"variant": variant})


async def update_variant(request: web.Request) -> web.Response:
    """PUT variants/{id}.json: the variant changes, its product is updated (products/update)."""
    state = request.app[STATE]
    variant_id = int_id(request.match_info["id"])
    raw = await body_of(request, "variant")
    prior = _product_of_variant(state.store, state.resources, variant_id)
    variants = [{**v, **raw, "id": v["id"]} if v["id"] == variant_id else {"id": v["id"]}
                for v in prior["variants"]]  # fmt: skip
    with state.store.transaction():
        try:
            product = build_product({"variants": variants}, prior, prior["handle"], minting(state))
        except InvalidResource as exc:
            raise error(422, exc.errors) from exc
        _save_product(state, product, prior)
        state.notify("products/update", product_webhook(product))
    state.dispatcher.wake()
    [variant] = [v for v in product["variants"] if v["id"] == variant_id]
    return json_response({"variant": variant})


async def list_collections(request: web.Request) -> web.Response:
    resources = request.app[STATE].resources

    def fetch(cursor: dict[str, Any], limit: int) -> list[dict[str, Any]]:
        return resources.find("Collection", after_id=cursor["after"], limit=limit,
                              updated_at_min=cursor["updated_at_min"],
                              handle=cursor.get("handle"))  # fmt: skip

    return paged(request, "custom_collections", fetch, {"handle": request.query.get("handle")})


async def get_collection(request: web.Request) -> web.Response:
    found = request.app[STATE].resources.get("Collection", int_id(request.match_info["id"]))
    if found is None:
        raise not_found()
    return json_response({"custom_collection": found})


async def write_collection(request: web.Request) -> web.Response:
    state = request.app[STATE]
    raw = await body_of(request, "custom_collection")
    prior = None
    if "id" in request.match_info:
        prior = state.resources.get("Collection", int_id(request.match_info["id"]))
        if prior is None:
            raise not_found()
    with state.store.transaction():
        wanted = raw.get("handle") or (prior or {}).get("handle") or str(raw.get("title", ""))
        own = prior["id"] if prior else None
        handle = _unique_handle(state.resources, "Collection", handle_from(wanted), own)
        try:
            collection = build_collection(raw, prior, handle, minting(state))
        except InvalidResource as exc:
            raise error(422, exc.errors) from exc
        state.resources.put("Collection", collection)
        state.notify("collections/update" if prior else "collections/create", collection)
    state.dispatcher.wake()
    return json_response({"custom_collection": collection}, status=200 if prior else 201)


def add_catalog_routes(app: web.Application) -> None:
    base = "/admin/api/{version}"
    app.router.add_get(base + "/products.json", list_products)
    app.router.add_post(base + "/products.json", write_product)
    app.router.add_get(base + "/products/{id}.json", get_product)
    app.router.add_put(base + "/products/{id}.json", write_product)
    app.router.add_delete(base + "/products/{id}.json", delete_product)
    app.router.add_get(base + "/variants/{id}.json", get_variant)
    app.router.add_put(base + "/variants/{id}.json", update_variant)
    app.router.add_get(base + "/custom_collections.json", list_collections)
    app.router.add_post(base + "/custom_collections.json", write_collection)
    app.router.add_get(base + "/custom_collections/{id}.json", get_collection)
    app.router.add_put(base + "/custom_collections/{id}.json", write_collection)
