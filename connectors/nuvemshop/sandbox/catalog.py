"""Products, variants and categories at Nuvemshop's paths, with its rules: language maps,
`PUT /products/{id}/variants` replacing the whole set, `PATCH` never adding or removing."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from connectors.nuvemshop.sandbox.state import (
    API_PREFIX,
    answer,
    field_errors,
    filtered,
    json_body,
    localized_input,
    not_found,
    paged,
    slug,
    state_of,
)
from connectors.nuvemshop.sandbox.store import Records, now_text
from connectors.nuvemshop.sandbox.variant_rules import (
    apply_variant,
    combination,
    money_errors,
    new_variant,
    product_errors,
)


def public_product(records: Records, product: dict[str, Any]) -> dict[str, Any]:
    """A stored product as GET answers it: categories as full objects."""
    categories = [records.get("category", cid) for cid in product.get("categories", [])]
    shown = [
        c
        | {
            "subcategories": [
                x["id"] for x in records.all("category") if x.get("parent") == c["id"]
            ]
        }
        for c in categories
        if c is not None
    ]
    return product | {"categories": shown}


async def create_product(request: web.Request) -> web.Response:
    state, body = state_of(request), json_body(request)
    if not isinstance(body, dict) or not body.get("name"):
        return field_errors({"name": ["can't be blank"]})
    errors = product_errors(body, len(body.get("attributes") or []))
    if errors:
        return field_errors(errors)
    records, stamp = state.records, now_text()
    product_id = records.next_id("product")
    name = localized_input(body["name"])
    product: dict[str, Any] = {
        "id": product_id,
        "name": name,
        "description": localized_input(body.get("description", "")),
        "handle": {k: slug(v) for k, v in name.items()},
        "attributes": [localized_input(a) for a in body.get("attributes") or []],
        "published": bool(body.get("published", True)),
        "free_shipping": bool(body.get("free_shipping", False)),
        "requires_shipping": bool(body.get("requires_shipping", True)),
        "canonical_url": f"https://{state.config.store_id}.lojavirtualnuvem.com.br/produtos/{name['pt']}",
        "video_url": body.get("video_url"),
        "seo_title": body.get("seo_title"),
        "seo_description": body.get("seo_description"),
        "brand": body.get("brand"),
        "tags": body.get("tags", ""),
        "created_at": stamp,
        "updated_at": stamp,
        "categories": [int(c) for c in body.get("categories") or [] if records.get("category", c)],
        "images": [
            {
                "id": records.next_id("image"),
                "src": image.get("src"),
                "position": index + 1,
                "product_id": product_id,
                "alt": [],
            }
            for index, image in enumerate(body.get("images") or [])
        ],
    }
    product["variants"] = [
        new_variant(records, product_id, fields, index + 1)
        for index, fields in enumerate(body.get("variants") or [{}])
    ]
    records.save("product", product)
    state.outbox.notify("product/created", product_id)
    return answer(public_product(records, product), 201)


async def update_product(request: web.Request) -> web.Response:
    state, body = state_of(request), json_body(request)
    product = state.records.get("product", request.match_info["id"])
    if product is None:
        return not_found()
    if not isinstance(body, dict):
        return field_errors({"product": ["must be a JSON object"]})
    for key in (
        "name",
        "description",
        "seo_title",
        "seo_description",
        "brand",
        "published",
        "free_shipping",
        "requires_shipping",
        "video_url",
        "tags",
    ):
        if key in body:
            product[key] = (
                localized_input(body[key], product[key])
                if key in ("name", "description")
                else body[key]
            )
    if "categories" in body:
        product["categories"] = [
            int(c) for c in body["categories"] if state.records.get("category", c)
        ]
    if "variants" in body:  # the trap: the given set replaces the whole variant set
        replaced = _replace_variants(state.records, product, body["variants"] or [])
        if isinstance(replaced, web.Response):
            return replaced
    return _save_product(request, product)


def _save_product(request: web.Request, product: dict[str, Any], status: int = 200) -> web.Response:
    state = state_of(request)
    product["updated_at"] = now_text()
    state.records.save("product", product)
    state.outbox.notify("product/updated", product["id"])
    return answer(public_product(state.records, product), status)


def _replace_variants(
    records: Records, product: dict[str, Any], given: list[dict[str, Any]]
) -> web.Response | None:
    errors = product_errors({"variants": given}, len(product["attributes"]))
    if errors:
        return field_errors(errors)
    current = {combination(v): v for v in product["variants"]}
    kept = []
    for index, fields in enumerate(given):
        normalized = {"values": [localized_input(v) for v in fields.get("values") or []]}
        match = current.get(combination(normalized))
        kept.append(
            apply_variant(match, fields)
            if match
            else new_variant(records, product["id"], fields, index + 1)
        )
    product["variants"] = kept  # combinations not given are gone
    return None


async def replace_variants(request: web.Request) -> web.Response:
    state = state_of(request)
    product = state.records.get("product", request.match_info["id"])
    if product is None:
        return not_found()
    body = json_body(request)
    if not isinstance(body, list):
        return field_errors({"variants": ["must be a list"]})
    refused = _replace_variants(state.records, product, body)
    if refused is not None:
        return refused
    _save_product(request, product)
    return answer(product["variants"])


async def patch_variants(request: web.Request) -> web.Response:
    """Partial bulk update of existing variants; never adds or removes one."""
    state = state_of(request)
    product = state.records.get("product", request.match_info["id"])
    if product is None:
        return not_found()
    body = json_body(request)
    if not isinstance(body, list) or not all(isinstance(v, dict) for v in body):
        return field_errors({"variants": ["must be a list of objects"]})
    by_id = {v["id"]: i for i, v in enumerate(product["variants"])}
    unknown = [str(v.get("id")) for v in body if v.get("id") not in by_id]
    if unknown:
        return field_errors(
            {"id": [f"variants {', '.join(unknown)} do not belong to product {product['id']}"]}
        )
    errors = {k: m for v in body for k, m in money_errors(v).items()}
    if errors:
        return field_errors(errors)
    for fields in body:
        index = by_id[fields["id"]]
        product["variants"][index] = apply_variant(product["variants"][index], fields)
    if len({combination(v) for v in product["variants"]}) != len(product["variants"]):
        return field_errors({"values": ["two variants would have the same values"]})
    _save_product(request, product)
    return answer([v for v in product["variants"] if v["id"] in {f["id"] for f in body}])


async def create_variant(request: web.Request) -> web.Response:
    state = state_of(request)
    product = state.records.get("product", request.match_info["id"])
    if product is None:
        return not_found()
    fields = json_body(request)
    if not isinstance(fields, dict):
        return field_errors({"variant": ["must be a JSON object"]})
    errors = product_errors(
        {"variants": [*product["variants"], fields]}, len(product["attributes"])
    )
    if errors:
        return field_errors(errors)
    variant = new_variant(state.records, product["id"], fields, len(product["variants"]) + 1)
    product["variants"].append(variant)
    _save_product(request, product)
    return answer(variant, 201)


async def update_variant(request: web.Request) -> web.Response:
    state = state_of(request)
    product = state.records.get("product", request.match_info["id"])
    index = _variant_index(product, request.match_info["vid"])
    if product is None or index is None:
        return not_found()
    fields = json_body(request)
    if not isinstance(fields, dict):
        return field_errors({"variant": ["must be a JSON object"]})
    errors = money_errors(fields)
    if errors:
        return field_errors(errors)
    product["variants"][index] = apply_variant(product["variants"][index], fields)
    _save_product(request, product)
    return answer(product["variants"][index])


async def variant_stock(request: web.Request) -> web.Response:
    """`POST /products/{id}/variants/stock {action: replace|variation, value, id?}`."""
    state, body = state_of(request), json_body(request)
    product = state.records.get("product", request.match_info["id"])
    if product is None:
        return not_found()
    if not isinstance(body, dict) or body.get("action") not in ("replace", "variation"):
        return field_errors({"action": ["must be replace or variation"]})
    targets = [i for i, v in enumerate(product["variants"]) if body.get("id") in (None, v["id"])]
    if not targets:
        return not_found()
    for index in targets:
        variant = product["variants"][index]
        value = body.get("value")
        if body["action"] == "variation":
            value = (variant["stock"] or 0) + int(value or 0)
        product["variants"][index] = apply_variant(variant, {"stock": value})
    _save_product(request, product)
    return answer([product["variants"][i] for i in targets])


def _variant_index(product: dict[str, Any] | None, variant_id: str) -> int | None:
    for index, variant in enumerate((product or {}).get("variants", [])):
        if str(variant["id"]) == variant_id:
            return index
    return None


async def list_products(request: web.Request) -> web.Response:
    records = state_of(request).records
    rows = filtered(request, [public_product(records, p) for p in records.all("product")])
    return rows if isinstance(rows, web.Response) else paged(request, rows)


async def get_product(request: web.Request) -> web.Response:
    records = state_of(request).records
    product = records.get("product", request.match_info["id"])
    return not_found() if product is None else answer(public_product(records, product))


async def product_by_sku(request: web.Request) -> web.Response:
    records, sku = state_of(request).records, request.match_info["sku"]
    for product in records.all("product"):
        if any(v.get("sku") == sku for v in product["variants"]):
            return answer(public_product(records, product))
    return not_found()


async def list_variants(request: web.Request) -> web.Response:
    product = state_of(request).records.get("product", request.match_info["id"])
    if product is None:
        return not_found()
    rows = filtered(request, product["variants"])
    return rows if isinstance(rows, web.Response) else paged(request, rows)


async def get_variant(request: web.Request) -> web.Response:
    product = state_of(request).records.get("product", request.match_info["id"])
    index = _variant_index(product, request.match_info["vid"])
    return not_found() if product is None or index is None else answer(product["variants"][index])


def add_catalog_routes(app: web.Application) -> None:
    p = API_PREFIX
    app.router.add_get(p + "/products", list_products)
    app.router.add_post(p + "/products", create_product)
    app.router.add_get(p + "/products/sku/{sku}", product_by_sku)
    app.router.add_get(p + r"/products/{id:\d+}", get_product)
    app.router.add_put(p + r"/products/{id:\d+}", update_product)
    app.router.add_get(p + r"/products/{id:\d+}/variants", list_variants)
    app.router.add_post(p + r"/products/{id:\d+}/variants", create_variant)
    app.router.add_put(p + r"/products/{id:\d+}/variants", replace_variants)
    app.router.add_patch(p + r"/products/{id:\d+}/variants", patch_variants)
    app.router.add_post(p + r"/products/{id:\d+}/variants/stock", variant_stock)
    app.router.add_get(p + r"/products/{id:\d+}/variants/{vid:\d+}", get_variant)
    app.router.add_put(p + r"/products/{id:\d+}/variants/{vid:\d+}", update_variant)
