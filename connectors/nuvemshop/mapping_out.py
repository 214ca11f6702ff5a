"""Canonical records -> Nuvemshop write bodies. Pure functions.

Texts go out as `{"pt": ...}` maps; money as decimal strings. Product bodies never carry
`variants` on update: `PUT /products/{id}` with variants replaces the whole variant set.

Ownership: an update leaves out the keys of the fields in `Product.withheld` (`NUVEMSHOP_KEYS`;
a withheld price leaves out the existing variants' prices). Images are sent on a create only.
Specifications are not written: the reference documents product `attributes` as the variant
axes only, and no place for a product's own name -> value attributes
(`ConnectorSpec.product_specifications` is off).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from connectors.ownership import KeysOf, keys_withheld, withholds, without
from schemas.category import Category
from schemas.integration import OwnedField
from schemas.product import Product, Variant

LANGUAGE = "pt"
CANCEL_REASONS = frozenset({"customer", "fraud", "inventory", "other"})
NUVEMSHOP_KEYS: KeysOf = {
    OwnedField.NAME: ("name",),
    OwnedField.DESCRIPTION: ("description",),
    OwnedField.BRAND: ("brand",),
    OwnedField.CATEGORIES: ("categories",),
    OwnedField.IMAGES: ("images",),
}
"""The product keys of each owned field; price lives on the variants (`PRICE_KEYS`)."""
PRICE_KEYS = frozenset({"price", "promotional_price"})


def _text(value: str, language: str) -> dict[str, str]:
    return {language: value}


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def product_create_body(product: Product, language: str = LANGUAGE) -> dict[str, Any]:
    """`POST /products`: the product with its attribute axes and every variant."""
    body = _product_fields(product, language)
    axes = [attribute.name for attribute in product.variants[0].attributes]
    body["attributes"] = [_text(axis, language) for axis in axes]
    body["variants"] = [variant_body(variant, language) for variant in product.variants]
    body["images"] = [{"src": src} for src in product.images]
    return body


def product_update_body(product: Product, language: str = LANGUAGE) -> dict[str, Any]:
    """`PUT /products/{id}`: the product's own fields, never its variants; the fields it
    withholds are left as Nuvemshop has them."""
    return without(_product_fields(product, language), keys_withheld(product, NUVEMSHOP_KEYS))


def _product_fields(product: Product, language: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": _text(product.name, language),
        "brand": product.brand,
        "published": product.active,
    }
    if product.description is not None:
        body["description"] = _text(product.description, language)
    category_ids = [int(code) for code in product.categories if code.isdigit()]
    if category_ids and len(category_ids) == len(product.categories):
        body["categories"] = category_ids  # names cannot be sent, only platform ids
    return body


def variant_body(variant: Variant, language: str = LANGUAGE) -> dict[str, Any]:
    """A variant's catalogue fields; stock is left to `set_stock` (absolute, per variant)."""
    dimensions = variant.dimensions
    body: dict[str, Any] = {
        "sku": variant.sku,
        "barcode": variant.gtin,
        "price": _decimal(variant.price),
        "promotional_price": _decimal(variant.promotional_price),
        "values": [_text(attribute.value, language) for attribute in variant.attributes],
    }
    for key, value in (
        ("weight", dimensions.weight_kg),
        ("height", dimensions.height_cm),
        ("width", dimensions.width_cm),
        ("depth", dimensions.length_cm),
    ):
        if value is not None:
            body[key] = _decimal(value)
    return body


def variant_patch(
    variant: Variant, variant_id: str, product: Product, language: str = LANGUAGE
) -> dict[str, Any]:
    """One element of `PATCH /products/{id}/variants`: the variant's id and its fields (its
    prices left as they are when the product withholds its price)."""
    fields = variant_body(variant, language)
    if withholds(product, OwnedField.PRICE):
        fields = without(fields, PRICE_KEYS)
    return {"id": int(variant_id), **fields}


def category_body(category: Category, language: str = LANGUAGE) -> dict[str, Any]:
    """`POST/PUT /categories`: its name and parent (a platform id, or none for the root)."""
    parent = category.parent_code
    if parent is not None and not parent.isdigit():
        raise ValueError(f"parent {parent!r} is not a Nuvemshop category id; upsert it first")
    return {"name": _text(category.name, language), "parent": int(parent) if parent else None}


def stock_body(quantity: Decimal) -> dict[str, Any]:
    """`PUT /products/{pid}/variants/{vid}` with an absolute stock (never a delta)."""
    if quantity != quantity.to_integral_value():
        raise ValueError(f"Nuvemshop stock is a whole number, got {quantity}")
    return {"stock": max(0, int(quantity))}


def price_body(price: Decimal, promotional_price: Decimal | None) -> dict[str, Any]:
    return {"price": str(price), "promotional_price": _decimal(promotional_price)}


def cancel_body(reason: str | None) -> dict[str, Any]:
    """`POST /orders/{id}/cancel`; Nuvemshop knows four reasons, anything else is "other"."""
    code = (reason or "other").strip().lower()
    return {"reason": code if code in CANCEL_REASONS else "other", "email": True, "restock": True}
