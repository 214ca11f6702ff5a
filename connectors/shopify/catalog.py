"""Reading and writing the records the capability table names: orders, products (with their
variants), categories (custom collections) and brands (vendors, derived from products).

Incremental reads ask for ``updated_at_min`` = the cursor's ``read_from`` and follow the Link
pages. Shopify orders pages by id, not by ``updated_at``, so a page in the middle of a sweep
says nothing about what later pages hold: until the sweep ends, each page's cursor keeps the
old ``since`` and only adds the records read to ``seen`` (a restart mid-sweep re-reads nothing
and skips nothing); the last page's cursor moves ``since`` to the newest record.

Brands and attributes have no resource: a brand (a vendor) or an attribute (an option name) is
(re)announced whenever a product carrying it changes, and its id is its name. An attribute's
values are gathered over the whole sweep, so its records come with the sweep's last page (a
restart mid-sweep reads it again); they hold the values of the products read in that sweep,
not necessarily every value the store uses.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from connectors.budget import Lane
from connectors.capabilities import Entity
from connectors.contract import Page
from connectors.cursor import SyncCursor, advance, is_new, read_from
from connectors.errors import NotFound, Permanent
from connectors.shopify.mapping import order_from_shopify
from connectors.shopify.mapping_catalog import (
    attributes_from_products,
    brands_from_products,
    collection_from_shopify,
    collection_to_shopify,
    handle_for,
    product_from_shopify,
    product_to_shopify,
)
from connectors.shopify.mapping_values import preferred_id, timestamp
from connectors.shopify.transport import MAX_PAGE_SIZE, ShopifyTransport
from schemas.attribute import Attribute
from schemas.brand import Brand
from schemas.category import Category
from schemas.product import Product

Raw = Mapping[str, Any]


@dataclass(frozen=True)
class Source:
    """Where one entity is listed and how a page of it becomes canonical records."""

    path: str
    root: str
    to_records: Callable[[Sequence[Raw]], list[BaseModel]]
    params: Mapping[str, str]
    whole_sweep: bool = False
    """True: records need every page of the sweep and come with its last page."""


def _each(mapper: Callable[[Raw], BaseModel]) -> Callable[[Sequence[Raw]], list[BaseModel]]:
    return lambda raws: [mapper(raw) for raw in raws]


def _brands(raws: Sequence[Raw]) -> list[BaseModel]:
    return list(brands_from_products(raws))


def _attributes(raws: Sequence[Raw]) -> list[BaseModel]:
    return list(attributes_from_products(raws))


OPTION_FIELDS = "id,options,updated_at"


SOURCES: Mapping[Entity, Source] = {
    Entity.ORDER: Source("/orders.json", "orders", _each(order_from_shopify), {"status": "any"}),
    Entity.PRODUCT: Source("/products.json", "products", _each(product_from_shopify), {}),
    Entity.CATEGORY: Source(
        "/custom_collections.json", "custom_collections", _each(collection_from_shopify), {}
    ),
    Entity.BRAND: Source("/products.json", "products", _brands, {"fields": "id,vendor,updated_at"}),
    Entity.ATTRIBUTE: Source(
        "/products.json", "products", _attributes, {"fields": OPTION_FIELDS}, whole_sweep=True
    ),
}


def _source(entity: Entity) -> Source:
    source = SOURCES.get(entity)
    if source is None:
        raise Permanent(f"Shopify cannot list {entity} incrementally")
    return source


def _stamp(raw: Raw) -> tuple[str, datetime] | None:
    record_id = preferred_id(raw, "id")
    updated_at = timestamp(raw.get("updated_at"), "updated_at")
    return (record_id, updated_at) if record_id and updated_at else None


async def list_since(
    api: ShopifyTransport, entity: Entity, cursor: SyncCursor, lane: Lane
) -> AsyncIterator[Page]:
    """Pages of records changed since ``cursor``, each with the cursor to resume after it."""
    source = _source(entity)
    params = {"limit": str(MAX_PAGE_SIZE), **source.params}
    since = read_from(cursor)
    if since is not None:
        params["updated_at_min"] = since.isoformat()
    read: list[tuple[str, datetime]] = []
    swept: list[Raw] = []
    pages = api.pages(source.path, source.root, params, lane)
    page = await anext(pages, None)
    while page is not None:
        fresh = [raw for raw in page if (s := _stamp(raw)) is None or is_new(cursor, *s)]
        read.extend(s for raw in fresh if (s := _stamp(raw)) is not None)
        following = await anext(pages, None)
        if following is None:
            after = advance(cursor, read)
        else:
            marks = {f"{record_id}@{at.isoformat()}" for record_id, at in read}
            after = SyncCursor(since=cursor.since, seen=cursor.seen | marks)
        if not source.whole_sweep:
            yield Page(records=source.to_records(fresh), cursor=after)
        else:
            swept.extend(fresh)
            if following is None:
                yield Page(records=source.to_records(swept), cursor=after)
        page = following


async def get_by_code(api: ShopifyTransport, entity: Entity, code: str) -> BaseModel:
    """A record by its Shopify id (a handle also finds products and collections)."""
    if entity is Entity.ORDER:
        return order_from_shopify(await api.json("GET", f"/orders/{code}.json"))
    if entity is Entity.PRODUCT:
        return product_from_shopify(await _find(api, PRODUCTS, code))
    if entity is Entity.CATEGORY:
        return collection_from_shopify(await _find(api, COLLECTIONS, code))
    if entity is Entity.BRAND:
        return await _brand(api, code)
    if entity is Entity.ATTRIBUTE:
        return await _attribute(api, code)
    raise Permanent(f"Shopify has no {entity} to fetch by code")


@dataclass(frozen=True)
class Resource:
    """A REST resource found by id or by handle."""

    plural: str  # "products"
    singular: str  # "product"


PRODUCTS = Resource("products", "product")
COLLECTIONS = Resource("custom_collections", "custom_collection")


async def _find(api: ShopifyTransport, resource: Resource, code: str) -> Raw:
    found = await _lookup(api, resource, code, handle_for(code))
    if found is None:
        raise NotFound(f"Shopify has no {resource.singular} {code!r}")
    return found


async def _lookup(
    api: ShopifyTransport, resource: Resource, platform_id: str | None, handle: str
) -> Raw | None:
    """The resource with ``platform_id`` when it still exists, else the one with ``handle``."""
    if platform_id and platform_id.isdigit():
        try:
            answer = await api.json("GET", f"/{resource.plural}/{platform_id}.json")
            return dict(answer[resource.singular])
        except NotFound:
            pass
    params = {"handle": handle, "limit": "1"}
    listed = await api.json("GET", f"/{resource.plural}.json", params=params)
    matches = [raw for raw in listed[resource.plural] if raw.get("handle") == handle]
    return matches[0] if matches else None


async def _brand(api: ShopifyTransport, name: str) -> Brand:
    params = {"vendor": name, "limit": "1", "fields": "id,vendor"}
    products = (await api.json("GET", "/products.json", params=params))["products"]
    brands = [brand for brand in brands_from_products(products) if brand.name == name]
    if not brands:
        raise NotFound(f"no Shopify product has the vendor {name!r}")
    return brands[0]


async def _attribute(api: ShopifyTransport, name: str) -> Attribute:
    """Shopify cannot filter products by option: every product's options are read."""
    params = {"limit": str(MAX_PAGE_SIZE), "fields": OPTION_FIELDS}
    carrying: list[Raw] = []
    async for page in api.pages("/products.json", "products", params, Lane.BULK):
        carrying.extend(raw for raw in page if _has_option(raw, name))
    found = [a for a in attributes_from_products(carrying) if a.name == name]
    if not found:
        raise NotFound(f"no Shopify product has the option {name!r}")
    return found[0]


def _has_option(product: Raw, name: str) -> bool:
    options = product.get("options")
    return isinstance(options, list) and any(
        isinstance(option, Mapping) and option.get("name") == name for option in options
    )


async def upsert(api: ShopifyTransport, entity: Entity, record: BaseModel) -> str:
    """Create or update a product or collection; the Shopify id. Idempotent."""
    writers: Mapping[Entity, Callable[[ShopifyTransport, Any], Awaitable[str]]] = {
        Entity.PRODUCT: upsert_product,
        Entity.CATEGORY: upsert_collection,
    }
    writer = writers.get(entity)
    if writer is None:
        raise Permanent(f"Shopify cannot write {entity} records")
    return await writer(api, record)


async def upsert_product(api: ShopifyTransport, product: Product) -> str:
    """REST POST/PUT products.json. Existing variants keep their ids (matched by SKU)."""
    existing = await _lookup(api, PRODUCTS, product.platform_product_id, handle_for(product.sku))
    body = {"product": product_to_shopify(product, existing)}
    if existing is None:
        answer = await api.json("POST", "/products.json", json=body)
    else:
        answer = await api.json("PUT", f"/products/{existing['id']}.json", json=body)
    return str(answer["product"]["id"])


async def upsert_collection(api: ShopifyTransport, category: Category) -> str:
    """REST POST/PUT custom_collections.json, found by id or by the handle of its code."""
    handle = handle_for(category.code)
    existing = await _lookup(api, COLLECTIONS, category.platform_category_id, handle)
    body = {"custom_collection": collection_to_shopify(category)}
    if existing is None:
        answer = await api.json("POST", "/custom_collections.json", json=body)
    else:
        body["custom_collection"]["id"] = existing["id"]
        path = f"/custom_collections/{existing['id']}.json"
        answer = await api.json("PUT", path, json=body)
    return str(answer["custom_collection"]["id"])
