"""Catalog reads and writes: products with their SKUs and prices, categories, brands; reads of
specification fields (attributes).

Every update is GET, merge, PUT of the whole record: VTEX's PUT blanks what it is not sent.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from decimal import Decimal
from typing import Any

from connectors.budget import Lane
from connectors.errors import NotFound, Permanent
from connectors.ownership import withholds
from connectors.vtex.mapping_catalog import (
    attribute_from_vtex,
    brand_from_vtex,
    brand_payload,
    category_from_vtex,
    category_payload,
    product_from_vtex,
    product_payload,
    sku_payload,
    skus_changed_at,
    specification_payloads,
)
from connectors.vtex.mapping_values import from_units
from connectors.vtex.paging import CATALOG_RANGE, next_catalog_range
from connectors.vtex.transport import Api, VtexHttp
from schemas.attribute import Attribute
from schemas.brand import Brand
from schemas.category import Category
from schemas.integration import OwnedField
from schemas.product import Product

_PRODUCT = "/api/catalog/pvt/product"
_SKU = "/api/catalog/pvt/stockkeepingunit"
TREE_LEVELS = 5
"""Category levels read when a category is looked for by name (the ERP's tree has three)."""


async def product_id_pages(http: VtexHttp, lane: Lane) -> AsyncIterator[list[str]]:
    """Every product id, one GetProductAndSkuIds range at a time."""
    span: tuple[int, int] | None = (1, CATALOG_RANGE)
    while span is not None:
        body = await http.request(
            Api.CATALOG,
            "GET",
            "/api/catalog_system/pvt/products/GetProductAndSkuIds",
            params={"_from": span[0], "_to": span[1]},
            lane=lane,
        )
        yield list((body.get("data") or {}).keys())
        span = next_catalog_range(body)


async def read_product(
    http: VtexHttp, product_id: str, lane: Lane = Lane.LIVE
) -> tuple[Product, datetime | None]:
    """A product with its SKUs and base prices, and when its SKUs last changed."""
    product = await http.request(Api.CATALOG, "GET", f"{_PRODUCT}/{product_id}", lane=lane)
    skus = await http.request(
        Api.CATALOG, "GET", f"/api/catalog_system/pvt/sku/stockkeepingunitByProductId/{product_id}",
        lane=lane,
    )  # fmt: skip
    if not skus:  # created, its SKUs not yet (VTEX makes them one call after the product)
        raise NotFound(f"VTEX product {product_id} has no SKU yet: nothing to sell or import")
    prices: dict[str, Decimal] = {}
    for sku in skus:
        price = await base_price(http, str(sku["Id"]), lane)
        if price is not None:
            prices[str(sku["Id"])] = price
    brand = await _brand_name(http, product.get("BrandId"), lane)
    return product_from_vtex(product, skus, prices, brand), skus_changed_at(skus)


async def base_price(http: VtexHttp, sku_id: str, lane: Lane) -> Decimal | None:
    try:
        price = await http.request(Api.PRICING, "GET", f"/pricing/prices/{sku_id}", lane=lane)
    except NotFound:
        return None
    return from_units(price["basePrice"]) if price.get("basePrice") is not None else None


async def product_id_by_ref(http: VtexHttp, ref_id: str) -> str:
    found = await http.request(
        Api.CATALOG, "GET", f"/api/catalog_system/pvt/products/productgetbyrefid/{ref_id}"
    )
    if not found:
        raise NotFound(f"no VTEX product with RefId {ref_id!r}")
    return str(found["Id"])


async def upsert_product(http: VtexHttp, product: Product) -> str:
    """Create or update the product by RefId, then each of its SKUs by RefId."""
    existing = await _get_or_none(
        http, f"/api/catalog_system/pvt/products/productgetbyrefid/{product.sku}"
    )
    category_id = _category_id(product, existing)
    brand_kept = existing is not None and withholds(product, OwnedField.BRAND)
    brand_id = await _brand_id(http, None if brand_kept else product.brand, existing)
    if existing:
        existing = await http.request(Api.CATALOG, "GET", f"{_PRODUCT}/{existing['Id']}")
        body = product_payload(product, existing, category_id, brand_id)
        await http.request(Api.CATALOG, "PUT", f"{_PRODUCT}/{existing['Id']}", json=body)
        product_id = int(existing["Id"])
    else:
        body = product_payload(product, None, category_id, brand_id)
        created = await http.request(Api.CATALOG, "POST", _PRODUCT, json=body)
        product_id = int(created["Id"])
    for variant in product.variants:
        sku = await _get_or_none(http, f"{_SKU}?RefId={variant.sku}")
        if sku:
            body = sku_payload(variant, product_id, sku)
            await http.request(Api.CATALOG, "PUT", f"{_SKU}/{sku['Id']}", json=body)
        else:
            await http.request(
                Api.CATALOG, "POST", _SKU, json=sku_payload(variant, product_id, None)
            )
    for body in specification_payloads(product):
        path = f"{_PRODUCT}/{product_id}/specificationvalue"
        await http.request(Api.CATALOG, "PUT", path, json=body)
    return str(product_id)


async def read_category(http: VtexHttp, category_id: str) -> Category:
    body = await http.request(Api.CATALOG, "GET", f"/api/catalog/pvt/category/{category_id}")
    return category_from_vtex(body)


async def upsert_category(http: VtexHttp, category: Category) -> str:
    """By platform id, else by name under the same parent in the category tree, else created."""
    category_id = category.platform_category_id or await _category_named(http, category)
    if category_id:
        existing = await http.request(
            Api.CATALOG, "GET", f"/api/catalog/pvt/category/{category_id}"
        )
        body = category_payload(category, existing)
        await http.request(
            Api.CATALOG, "PUT", f"/api/catalog/pvt/category/{category_id}", json=body
        )
        return category_id
    created = await http.request(
        Api.CATALOG, "POST", "/api/catalog/pvt/category", json=category_payload(category, None)
    )
    return str(created["Id"])


async def _category_named(http: VtexHttp, category: Category) -> str | None:
    path = f"/api/catalog_system/pub/category/tree/{TREE_LEVELS}"
    tree = await http.request(Api.CATALOG, "GET", path)
    parent = category.parent_code
    return category_in_tree(
        tree, category.name, int(parent) if parent and parent.isdigit() else None
    )


def category_in_tree(tree: list[dict[str, Any]], name: str, parent: int | None) -> str | None:
    """The id of the category named ``name`` (case aside) under ``parent`` (None: a root)."""
    level = [(node, None) for node in tree]
    while level:
        for node, father in level:
            if father == parent and str(node.get("name", "")).casefold() == name.casefold():
                return str(node["id"])
        level = [(child, node["id"]) for node, _ in level for child in node.get("children") or []]
    return None


async def read_brand(http: VtexHttp, brand_id: str) -> Brand:
    return brand_from_vtex(
        await http.request(Api.CATALOG, "GET", f"/api/catalog/pvt/brand/{brand_id}")
    )


async def upsert_brand(http: VtexHttp, brand: Brand) -> str:
    """By platform id, else by name among the listed brands, else created (POST needs an Id)."""
    brands = await http.request(Api.CATALOG, "GET", "/api/catalog_system/pvt/brand/list")
    by_name = {str(b["name"]).casefold(): int(b["id"]) for b in brands}
    brand_id = (
        int(brand.platform_brand_id)
        if brand.platform_brand_id
        else by_name.get(brand.name.casefold())
    )
    if brand_id is not None:
        existing = await http.request(Api.CATALOG, "GET", f"/api/catalog/pvt/brand/{brand_id}")
        body = brand_payload(brand, brand_id, existing)
        await http.request(Api.CATALOG, "PUT", f"/api/catalog/pvt/brand/{brand_id}", json=body)
        return str(brand_id)
    new_id = max([2_000_000, *by_name.values()]) + 1
    created = await http.request(
        Api.CATALOG, "POST", "/api/catalog/pvt/brand", json=brand_payload(brand, new_id, None)
    )
    return str(created["Id"])


async def read_attribute(http: VtexHttp, field_id: str) -> Attribute:
    """A specification field by its id, with its values."""
    field = await http.request(Api.CATALOG, "GET", f"/api/catalog/pvt/specification/{field_id}")
    values = await http.request(
        Api.CATALOG, "GET", f"/api/catalog_system/pub/specification/fieldvalue/{field_id}"
    )
    return attribute_from_vtex(field, values or [])


async def _get_or_none(http: VtexHttp, path: str) -> Any:
    try:
        return await http.request(Api.CATALOG, "GET", path) or None
    except NotFound:
        return None


def _category_id(product: Product, existing: dict[str, Any] | None) -> int:
    for code in reversed(product.categories):
        if code.isdigit():
            return int(code)
    if existing and existing.get("CategoryId"):
        return int(existing["CategoryId"])
    raise Permanent(
        f"product {product.sku}: no VTEX category id among {product.categories}; VTEX files a"
        " new product under one of its category ids: add a Mapeamentos rule with target"
        " 'category' giving it (and one with target 'brand' if the ERP has none), then retry"
    )


async def _brand_id(http: VtexHttp, name: str | None, existing: dict[str, Any] | None) -> int:
    if name:
        return int(await upsert_brand(http, Brand(name=name)))
    if existing and existing.get("BrandId"):
        return int(existing["BrandId"])
    raise Permanent(
        "a new VTEX product needs a brand: the ERP product has none; add a Mapeamentos rule"
        " with target 'brand', then retry"
    )


async def _brand_name(http: VtexHttp, brand_id: Any, lane: Lane) -> str | None:
    if not brand_id:
        return None
    try:
        brand = await http.request(
            Api.CATALOG, "GET", f"/api/catalog/pvt/brand/{brand_id}", lane=lane
        )
    except NotFound:
        return None
    return str(brand["Name"])
