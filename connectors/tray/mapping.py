"""Tray catalogue JSON <-> canonical products, variants, categories, brands and attributes. Pure.

Tray weighs in grams and measures in centimetres; the canonical model weighs in kilograms.
A product without variations carries its own price and stock; with variations they live on
each variant (``/products/variants``).

Ownership: a write leaves out the keys of the fields in ``Product.withheld`` (``TRAY_KEYS``; a
withheld price also stays on the existing variants). Tray's PUT changes only the keys sent, so
leaving them out keeps the store's values. The main category (``category_id``) is the most
specific category when it is a Tray id; images are not written here.
Specifications are the product's "características" (``properties_to_tray``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from connectors.ownership import KeysOf, keys_withheld, without
from connectors.tray.values import decimal, flag, instant, money, text, unwrap
from schemas.attribute import Attribute
from schemas.brand import Brand
from schemas.category import Category
from schemas.integration import OwnedField
from schemas.product import AttributeValue, Dimensions, Product, Variant

GRAMS_PER_KG = Decimal(1000)
TRAY_KEYS: KeysOf = {
    OwnedField.NAME: ("name",),
    OwnedField.DESCRIPTION: ("description",),
    OwnedField.BRAND: ("brand",),
    OwnedField.PRICE: ("price", "promotional_price"),
    OwnedField.CATEGORIES: ("category_id",),
}
"""The product (and variant) keys of each owned field Tray's product write sends."""


def _dimensions(body: dict[str, Any]) -> Dimensions:
    grams = decimal(body.get("weight"))
    return Dimensions(
        weight_kg=None if grams is None else grams / GRAMS_PER_KG,
        height_cm=decimal(body.get("height")),
        width_cm=decimal(body.get("width")),
        length_cm=decimal(body.get("length")),
    )


def _promotional(body: dict[str, Any]) -> Decimal | None:
    price = decimal(body.get("promotional_price"))
    return price if price else None  # "0.00" means no promotion


def _ncm(value: Any) -> str | None:
    raw = text(value)
    return raw if raw is not None and len(raw) == 8 and raw.isdigit() else None


def _images(items: Any) -> list[str]:
    if not isinstance(items, list):
        return []
    return [url for item in items if isinstance(item, dict) and (url := text(item.get("https")))]


def variant_from_tray(body: dict[str, Any]) -> Variant:
    """One `Variant` record of ``/products/variants``."""
    return Variant(
        sku=text(body.get("reference")) or str(body["id"]),
        gtin=text(body.get("ean")),
        price=money(body.get("price")),
        promotional_price=_promotional(body),
        dimensions=_dimensions(body),
        attributes=[
            AttributeValue(name=sku["type"], value=sku["value"])
            for sku in body.get("Sku") or []
            if text(sku.get("type")) and text(sku.get("value"))
        ],
        platform_variant_id=str(body["id"]),
        active=flag(body.get("available")),
    )


def product_from_tray(body: dict[str, Any], variants: list[dict[str, Any]]) -> Product:
    """A `Product` record with its `Variant` records (empty when it has no variations)."""
    sku = text(body.get("reference")) or str(body["id"])
    if variants:
        canonical_variants = [variant_from_tray(v) for v in variants]
    else:
        canonical_variants = [
            Variant(
                sku=sku,
                gtin=text(body.get("ean")),
                price=money(body.get("price")),
                promotional_price=_promotional(body),
                dimensions=_dimensions(body),
                active=flag(body.get("available")),
            )
        ]
    category = text(body.get("category_name"))
    return Product(
        sku=sku,
        name=str(body["name"]),
        description=text(body.get("description")) or text(body.get("description_small")),
        brand=text(body.get("brand")),
        categories=[category] if category else [],
        ncm=_ncm(body.get("ncm")),
        images=_images(body.get("ProductImage")),
        variants=canonical_variants,
        platform_product_id=str(body["id"]),
        active=flag(body.get("available")),
        updated_at=instant(body.get("modified")),
    )


def variant_ids(product: dict[str, Any]) -> list[str]:
    """The ids in a product's `Variant: [{"id": ...}]` list."""
    return [str(v["id"]) for v in unwrap(product.get("Variant"), "Variant") if "id" in v]


def category_from_tray(body: dict[str, Any]) -> Category:
    """A `Category` record; Tray has no category code of its own, so the code is its id."""
    parent = text(body.get("parent_id"))
    return Category(
        code=str(body["id"]),
        name=str(body["name"]),
        parent_code=None if parent in (None, "0") else parent,
        platform_category_id=str(body["id"]),
    )


def brand_from_tray(body: dict[str, Any]) -> Brand:
    """A `Brand` record (its name is the `brand` field)."""
    return Brand(name=str(body["brand"]), platform_brand_id=str(body["id"]))


def attribute_from_tray(body: dict[str, Any]) -> Attribute:
    """A product property ("característica") of ``GET /products/properties``.

    UNCONFIRMED: the reference documents the paths, not this record. Its `id`, its `name` and
    its allowed values as `values` (a list of strings) are assumed, by analogy with a product's
    confirmed `Properties` block (``{"<name>": ["<value>", ...]}``).
    """
    values = body.get("values")  # UNCONFIRMED field name
    found = [t for v in values if (t := text(v))] if isinstance(values, list) else []
    return Attribute(
        name=str(body["name"]),
        values=list(dict.fromkeys(found)),
        platform_attribute_id=str(body["id"]),
    )


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def _dimension_fields(dimensions: Dimensions) -> dict[str, str]:
    fields: dict[str, str] = {}
    if dimensions.weight_kg is not None:
        fields["weight"] = str((dimensions.weight_kg * GRAMS_PER_KG).normalize())
    for name, value in (
        ("height", dimensions.height_cm),
        ("width", dimensions.width_cm),
        ("length", dimensions.length_cm),
    ):
        if value is not None:
            fields[name] = str(value.normalize())
    return fields


def is_simple(product: Product) -> bool:
    """A product Tray keeps without variations: one variant, same SKU, no attributes."""
    [first, *rest] = product.variants
    return not rest and first.sku == product.sku and not first.attributes


def product_to_tray(product: Product, *, creating: bool = False) -> dict[str, Any]:
    """`{"Product": {...}}` for POST/PUT /products; a simple product carries its price. An
    update leaves out what the product withholds; a create sends everything."""
    fields: dict[str, Any] = {
        "name": product.name,
        "reference": product.sku,
        "available": "1" if product.active else "0",
    }
    if product.description is not None:
        fields["description"] = product.description
    if product.brand is not None:
        fields["brand"] = product.brand
    if product.ncm is not None:
        fields["ncm"] = product.ncm
    if product.categories and product.categories[-1].isdigit():
        fields["category_id"] = product.categories[-1]
    first = product.variants[0]
    fields["price"] = _amount(first.price)
    if is_simple(product):
        if first.gtin:
            fields["ean"] = first.gtin
        if first.promotional_price is not None:
            fields["promotional_price"] = _amount(first.promotional_price)
        fields.update(_dimension_fields(first.dimensions))
    return {"Product": fields if creating else without(fields, keys_withheld(product, TRAY_KEYS))}


def variant_to_tray(
    variant: Variant, product_id: str, withheld: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """`{"Variant": {...}}` for POST/PUT /products/variants, less the ``withheld`` keys (an
    existing variant's; a new one has nothing to keep)."""
    fields: dict[str, Any] = {
        "product_id": product_id,
        "reference": variant.sku,
        "price": _amount(variant.price),
        "available": "1" if variant.active else "0",
        "Sku": [{"type": a.name, "value": a.value} for a in variant.attributes],
    }
    if variant.gtin:
        fields["ean"] = variant.gtin
    if variant.promotional_price is not None:
        fields["promotional_price"] = _amount(variant.promotional_price)
    fields.update(_dimension_fields(variant.dimensions))
    return {"Variant": without(fields, withheld)}


def variant_keys_withheld(product: Product) -> frozenset[str]:
    """The keys an update of one of ``product``'s existing variants leaves out."""
    return keys_withheld(product, TRAY_KEYS)


def properties_to_tray(product: Product, ids: dict[str, str]) -> list[dict[str, str]]:
    """`POST /products/:id/properties`: ``[{"property_id", "value"}]`` for the product's
    specifications, ``ids`` mapping a property name to its Tray id (values at most 100 long)."""
    return [
        {"property_id": ids[spec.name], "value": spec.value[:100]}
        for spec in product.specifications
    ]


def category_to_tray(category: Category) -> dict[str, Any]:
    """`{"Category": {...}}`; the parent is a Tray category id."""
    fields: dict[str, Any] = {"name": category.name}
    if category.parent_code is not None:
        fields["parent_id"] = category.parent_code
    return {"Category": fields}


def brand_to_tray(brand: Brand) -> dict[str, Any]:
    return {"Brand": {"brand": brand.name}}
