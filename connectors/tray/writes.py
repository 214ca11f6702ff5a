"""Catalogue writes: upsert by code (found first, so a retry never duplicates), absolute
stock and prices on the SKU's variant, or on the product when it has no variations."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from connectors.capabilities import Entity
from connectors.errors import ConfigError, NotFound, Permanent
from connectors.tray.http import TraySession
from connectors.tray.mapping import (
    brand_to_tray,
    category_to_tray,
    is_simple,
    product_to_tray,
    variant_keys_withheld,
    variant_to_tray,
)
from connectors.tray.paging import records
from connectors.tray.properties import upsert_property, write_properties
from connectors.tray.values import store_day
from schemas.attribute import Attribute
from schemas.brand import Brand
from schemas.category import Category
from schemas.price import Price
from schemas.product import Product
from schemas.stock import StockLevel


@dataclass(frozen=True)
class Sellable:
    """Where a SKU's stock and price live: a variant, or a product without variations."""

    kind: str  # "Variant" | "Product"
    id: str

    @property
    def path(self) -> str:
        return f"/products/variants/{self.id}" if self.kind == "Variant" else f"/products/{self.id}"


async def _find(
    session: TraySession,
    path: str,
    plural: str,
    singular: str,
    params: dict[str, str],
    match: dict[str, str],
) -> dict[str, Any] | None:
    """The first record of a filtered list whose fields equal ``match`` exactly."""
    body = await session.call("GET", path, params={**params, "limit": "50"})
    for record in records(body, plural, singular):
        if all(str(record.get(k) or "") == v for k, v in match.items()):
            return record
    return None


async def _save(
    session: TraySession, path: str, record_id: str | None, body: dict[str, Any]
) -> str:
    if record_id is not None:
        await session.call("PUT", f"{path}/{record_id}", json=body)
        return record_id
    answer = await session.call("POST", path, json=body)
    return str(answer["id"])


async def _upsert_product(session: TraySession, product: Product) -> str:
    product_id = product.platform_product_id
    if product_id is None:
        found = await _find(
            session,
            "/products",
            "Products",
            "Product",
            {"reference": product.sku},
            {"reference": product.sku},
        )
        product_id = None if found is None else str(found["id"])
    body = product_to_tray(product, creating=product_id is None)
    product_id = await _save(session, "/products", product_id, body)
    if not is_simple(product):
        kept = variant_keys_withheld(product)
        for variant in product.variants:
            variant_id = variant.platform_variant_id
            if variant_id is None:
                found = await _find(
                    session,
                    "/products/variants",
                    "Variants",
                    "Variant",
                    {"product_id": product_id, "reference": variant.sku},
                    {"reference": variant.sku},
                )
                variant_id = None if found is None else str(found["id"])
            variant_body = variant_to_tray(variant, product_id, kept if variant_id else frozenset())
            await _save(session, "/products/variants", variant_id, variant_body)
    await write_properties(session, product_id, product)
    return product_id


async def _upsert_category(session: TraySession, category: Category) -> str:
    category_id = category.platform_category_id
    if category_id is None:
        match = {"name": category.name, "parent_id": category.parent_code or ""}
        found = await _find(
            session, "/categories", "Categories", "Category", {"name": category.name}, match
        )
        category_id = None if found is None else str(found["id"])
    return await _save(session, "/categories", category_id, category_to_tray(category))


async def _upsert_brand(session: TraySession, brand: Brand) -> str:
    brand_id = brand.platform_brand_id
    if brand_id is None:
        found = await _find(
            session,
            "/products/brands",
            "Brands",
            "Brand",
            {"brand": brand.name},
            {"brand": brand.name},
        )
        brand_id = None if found is None else str(found["id"])
    return await _save(session, "/products/brands", brand_id, brand_to_tray(brand))


async def upsert(session: TraySession, entity: Entity, record: BaseModel) -> str:
    """Create or update one record; returns its Tray id."""
    if entity is Entity.PRODUCT and isinstance(record, Product):
        return await _upsert_product(session, record)
    if entity is Entity.CATEGORY and isinstance(record, Category):
        return await _upsert_category(session, record)
    if entity is Entity.BRAND and isinstance(record, Brand):
        return await _upsert_brand(session, record)
    if entity is Entity.ATTRIBUTE and isinstance(record, Attribute):
        return await upsert_property(session, record)
    raise ConfigError(f"Tray cannot write {entity} from a {type(record).__name__}")


async def locate(session: TraySession, sku: str) -> Sellable:
    """The variant carrying ``sku``, else the product without variations carrying it."""
    variant = await _find(
        session, "/products/variants", "Variants", "Variant", {"reference": sku}, {"reference": sku}
    )
    if variant is not None:
        return Sellable("Variant", str(variant["id"]))
    product = await _find(
        session, "/products", "Products", "Product", {"reference": sku}, {"reference": sku}
    )
    if product is None:
        raise NotFound(f"no Tray product or variant with reference {sku!r}")
    if str(product.get("has_variation")) == "1":
        raise Permanent(f"{sku!r} is a product with variations; its stock and price live on them")
    return Sellable("Product", str(product["id"]))


def stock_body(target: Sellable, quantity: Decimal) -> dict[str, Any]:
    if quantity != quantity.to_integral_value():
        raise Permanent(f"Tray stock is a whole number, not {quantity}")
    return {target.kind: {"stock": str(int(quantity))}}


def price_body(target: Sellable, price: Price) -> dict[str, Any]:
    fields: dict[str, Any] = {"price": f"{price.price:.2f}"}
    promo = price.promotional_price
    fields["promotional_price"] = "0.00" if promo is None else f"{promo:.2f}"
    start, end = price.promotion_starts_at, price.promotion_ends_at
    fields["start_promotion"] = store_day(start) if promo is not None and start else "0000-00-00"
    fields["end_promotion"] = store_day(end) if promo is not None and end else "0000-00-00"
    return {target.kind: fields}


async def set_stock(session: TraySession, level: StockLevel) -> None:
    target = await locate(session, level.sku)
    await session.call("PUT", target.path, json=stock_body(target, level.quantity))


async def set_price(session: TraySession, price: Price) -> None:
    target = await locate(session, price.sku)
    await session.call("PUT", target.path, json=price_body(target, price))
