"""Nuvemshop catalogue JSON -> canonical products, categories and attributes. Pure functions,
no I/O.

Attributes have no resource of their own: they are the products' ``attributes`` (the variant
axes, language maps), each valued by the variants' ``values`` in the same order. An attribute
is identified by its name (``platform_attribute_id`` = the name in the first language present),
with the union of the values the products give it.

Orders, customers and addresses are in ``mapping_order``; canonical -> Nuvemshop write bodies
are in ``mapping_out``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from connectors.nuvemshop.mapping_values import (
    DEFAULT_LANGUAGES,
    decimal,
    localized,
    money,
    text,
    timestamp,
)
from schemas.attribute import Attribute
from schemas.category import Category
from schemas.product import AttributeValue, Dimensions, Product, Variant

MIN_PARENT_SKU = 3
_SKU_SEPARATORS = "-_./ "


def product_from_nuvemshop(
    product: Mapping[str, Any], languages: tuple[str, ...] = DEFAULT_LANGUAGES
) -> Product:
    """A product with its variants; the text fields in the first of ``languages`` present."""
    axes = [localized(axis, languages) or "" for axis in product.get("attributes") or []]
    variants = [
        variant_from_nuvemshop(variant, axes, languages)
        for variant in sorted(product.get("variants") or [], key=_position)
    ]
    return Product(
        sku=parent_sku([variant.sku for variant in variants]),
        name=localized(product.get("name"), languages) or "",
        description=localized(product.get("description"), languages) or None,
        brand=text(product.get("brand")),
        categories=[
            name
            for category in product.get("categories") or []
            if (name := _category_name(category, languages))
        ],
        images=[
            image["src"]
            for image in sorted(product.get("images") or [], key=_position)
            if image.get("src")
        ],
        variants=variants,
        platform_product_id=str(product["id"]),
        active=bool(product.get("published", True)),
        updated_at=timestamp(product.get("updated_at")),
    )


def variant_from_nuvemshop(
    variant: Mapping[str, Any], axes: Sequence[str], languages: tuple[str, ...] = DEFAULT_LANGUAGES
) -> Variant:
    """One variant; ``axes`` are the product's attribute names, in the order of its ``values``.

    A null price means "contact us" (no checkout): kept as an inactive variant priced 0.
    A variant without SKU gets ``nuvemshop:{id}`` so it stays addressable but never matches an
    ERP item by accident.
    """
    price = decimal(variant.get("price"))
    values = [localized(value, languages) or "" for value in variant.get("values") or []]
    return Variant(
        sku=text(variant.get("sku")) or f"nuvemshop:{variant['id']}",
        gtin=text(variant.get("barcode")),
        price=money(price),
        promotional_price=decimal(variant.get("promotional_price")),
        dimensions=Dimensions(
            weight_kg=decimal(variant.get("weight")),
            height_cm=decimal(variant.get("height")),
            width_cm=decimal(variant.get("width")),
            length_cm=decimal(variant.get("depth")),
        ),
        attributes=[
            AttributeValue(name=axis or f"atributo {index + 1}", value=value)
            for index, (axis, value) in enumerate(zip(axes, values, strict=False))
        ],
        platform_variant_id=str(variant["id"]),
        active=price is not None,
    )


def attributes_from_nuvemshop(
    products: Sequence[Mapping[str, Any]], languages: tuple[str, ...] = DEFAULT_LANGUAGES
) -> list[Attribute]:
    """The products' named attributes, in order of first use, each with its values' union."""
    values: dict[str, dict[str, None]] = {}
    for product in products:
        axes = [localized(axis, languages) for axis in product.get("attributes") or []]
        for axis in axes:
            if axis:
                values.setdefault(axis, {})
        for variant in product.get("variants") or []:
            for axis, raw in zip(axes, variant.get("values") or [], strict=False):
                if axis and (value := localized(raw, languages)):
                    values[axis][value] = None
    return [
        Attribute(name=name, values=list(found), platform_attribute_id=name)
        for name, found in values.items()
    ]


def parent_sku(skus: Sequence[str]) -> str:
    """Nuvemshop has no product-level SKU: the variants' common stem ("BSG1234" of "BSG1234A",
    "BSG1234B"), else the first variant's SKU."""
    if len(skus) > 1:
        stem = _common_prefix(skus).rstrip(_SKU_SEPARATORS)
        if len(stem) >= MIN_PARENT_SKU:
            return stem
    return skus[0] if skus else ""


def _common_prefix(words: Sequence[str]) -> str:
    shortest, longest = min(words), max(words)
    for index, char in enumerate(shortest):
        if char != longest[index]:
            return shortest[:index]
    return shortest


def category_from_nuvemshop(
    category: Mapping[str, Any], languages: tuple[str, ...] = DEFAULT_LANGUAGES
) -> Category:
    """A category; its code is the platform id (Nuvemshop has no merchant category code)."""
    parent = category.get("parent")
    return Category(
        code=str(category["id"]),
        name=localized(category.get("name"), languages) or "",
        parent_code=None if parent in (None, 0, "0") else str(parent),
        platform_category_id=str(category["id"]),
    )


def category_updated_at(category: Mapping[str, Any]) -> Any:
    """The category's `updated_at` (the canonical model does not carry it)."""
    return timestamp(category.get("updated_at"))


def _category_name(category: Any, languages: tuple[str, ...]) -> str | None:
    # GET returns full category objects; the docs (and POST) use bare ids.
    if isinstance(category, Mapping):
        return localized(category.get("name"), languages)
    return text(category)


def _position(item: Mapping[str, Any]) -> int:
    position = item.get("position")
    return position if isinstance(position, int) else 0
