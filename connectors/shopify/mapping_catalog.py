"""Shopify REST products, variants and custom collections <-> canonical catalogue models.

Pure functions, no I/O. Rules where Shopify and the canonical model do not line up:

- Prices. Shopify's ``price`` is what the buyer pays; ``compare_at_price`` is the struck-through
  "was" price. So a promotion is ``price`` = promotional price and ``compare_at_price`` = regular
  price. Read back: a ``compare_at_price`` above ``price`` is the regular price and ``price`` the
  promotional one; otherwise ``price`` is the regular price and there is no promotion.
- Parent SKU. Shopify products have none; the first variant SKU stands in, else the handle.
  Products Ponte creates get ``handle`` = slug of the parent SKU, which is how an upsert without
  a platform id finds them again (``GET products.json?handle=``).
- Variant attributes are Shopify's options (at most 3): option names in order of first use,
  values in ``option1..3``. Shopify's placeholder ("Title" / "Default Title") is not an attribute.
  Several variants without attributes get one option "Variante" valued by SKU (Shopify refuses
  two variants with the same option values).
- Categories. The product resource carries only ``product_type``; it is read as the one
  category and written from the most specific one. Collections are categories of their own
  (``collection_from_shopify``); membership (collects) is not written.
- Attributes have no resource either: an attribute is an option name across the products, its
  values the union of the values the products give it; its platform id is its name.
- Brand is ``vendor``. NCM is not on Shopify's product (``ncm`` stays None).
- Weight: ``weight`` + ``weight_unit`` in kilograms; ``grams`` when they are absent.
- Ownership. An update leaves out the keys of the fields in ``Product.withheld`` (``SHOPIFY_KEYS``;
  a withheld price leaves out the existing variants' ``price`` and ``compare_at_price``). Images
  are sent on a create only. Specifications (``Product.specifications``) are not written: the
  reference names metafields as their place but documents no REST write for product
  metafields (only GraphQL ``productSet``, which replaces the whole list), so they are unsupported
  here (``ConnectorSpec.product_specifications`` is off).
- Active: ``status`` "active" (draft and archived are inactive); payloads older than ``status``
  count as active when published.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from connectors.errors import Permanent
from connectors.ownership import KeysOf, keys_withheld, withholds, without
from connectors.shopify.mapping_values import (
    first_text,
    money,
    optional_money,
    preferred_id,
    record,
    records,
    text,
    timestamp,
)
from schemas.attribute import Attribute
from schemas.brand import Brand
from schemas.category import Category
from schemas.integration import OwnedField
from schemas.product import AttributeValue, Dimensions, Product, Variant

KG_PER_UNIT = {
    "kg": Decimal(1),
    "g": Decimal("0.001"),
    "lb": Decimal("0.45359237"),
    "oz": Decimal("0.028349523125"),
}
WEIGHT_STEP = Decimal("0.001")
PLACEHOLDER_OPTION, PLACEHOLDER_VALUE = "Title", "Default Title"
SKU_OPTION = "Variante"
MAX_OPTIONS = 3
SHOPIFY_KEYS: KeysOf = {
    OwnedField.NAME: ("title",),
    OwnedField.DESCRIPTION: ("body_html",),
    OwnedField.BRAND: ("vendor",),
    OwnedField.CATEGORIES: ("product_type",),
    OwnedField.IMAGES: ("images",),
}
"""The product keys of each owned field; price lives on the variants (``PRICE_KEYS``)."""
PRICE_KEYS = frozenset({"price", "compare_at_price"})


def product_from_shopify(payload: Mapping[str, Any]) -> Product:
    """The canonical Product of a Shopify product (webhook body or ``{"product": ...}``)."""
    product = _unwrap(payload, "product")
    product_id = preferred_id(product, "product.id")
    option_names = [text(option.get("name")) for option in records(product.get("options"))]
    try:
        variants = [
            variant_from_shopify(variant, option_names)
            for variant in records(product.get("variants"))
        ]
        return Product(
            sku=_parent_sku(product, variants),
            name=text(product.get("title")) or "",
            description=text(product.get("body_html")),
            brand=text(product.get("vendor")),
            categories=[kind] if (kind := text(product.get("product_type"))) else [],
            images=[
                src for image in records(product.get("images")) if (src := text(image.get("src")))
            ],
            variants=variants,
            platform_product_id=product_id,
            active=_product_active(product),
            updated_at=timestamp(product.get("updated_at"), "product.updated_at"),
        )
    except ValidationError as exc:
        raise Permanent(
            f"Shopify product {product_id} does not fit the canonical product: {exc}"
        ) from exc


def variant_from_shopify(variant: Mapping[str, Any], option_names: list[str | None]) -> Variant:
    """One variant; a variant without SKU keeps an empty SKU (nothing in the ERP can match it)."""
    price, promotional = prices_from_shopify(variant.get("price"), variant.get("compare_at_price"))
    return Variant(
        sku=text(variant.get("sku")) or "",
        gtin=text(variant.get("barcode")),
        price=price,
        promotional_price=promotional,
        dimensions=Dimensions(weight_kg=weight_kg(variant)),
        attributes=attributes_from_options(variant, option_names),
        platform_variant_id=preferred_id(variant, "variant.id"),
    )


def prices_from_shopify(price: Any, compare_at_price: Any) -> tuple[Decimal, Decimal | None]:
    """(regular, promotional): a higher ``compare_at_price`` is the regular price."""
    paid = money(price, "variant.price")
    was = optional_money(compare_at_price, "variant.compare_at_price")
    if was is not None and was > paid:
        return was, paid
    return paid, None


def prices_to_shopify(price: Decimal, promotional: Decimal | None) -> dict[str, str | None]:
    """``price`` and ``compare_at_price`` for a regular price and an optional promotion."""
    if promotional is not None and promotional < price:
        return {"price": str(promotional), "compare_at_price": str(price)}
    return {"price": str(price), "compare_at_price": None}


def weight_kg(variant: Mapping[str, Any]) -> Decimal | None:
    unit = text(variant.get("weight_unit"))
    weight = optional_money(variant.get("weight"), "variant.weight")
    if weight is not None and unit in KG_PER_UNIT:
        kilos = weight * KG_PER_UNIT[unit]
    else:
        grams = optional_money(variant.get("grams"), "variant.grams")
        if grams is None:
            return None
        kilos = grams * KG_PER_UNIT["g"]
    return kilos.quantize(WEIGHT_STEP) if kilos else None


def attributes_from_options(
    variant: Mapping[str, Any], option_names: list[str | None]
) -> list[AttributeValue]:
    attributes = []
    for position, name in enumerate(option_names[:MAX_OPTIONS], start=1):
        value = text(variant.get(f"option{position}"))
        if name is None or value is None:
            continue
        if (name, value) == (PLACEHOLDER_OPTION, PLACEHOLDER_VALUE) or name == SKU_OPTION:
            continue
        attributes.append(AttributeValue(name=name, value=value))
    return attributes


def product_to_shopify(
    product: Product, existing: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The ``product`` object of a REST POST (``existing`` None) or PUT.

    On a PUT, REST replaces the variant list: variants left out are deleted. Each canonical
    variant keeps the id of the existing variant with its SKU, so Shopify updates it in place
    (its inventory item and order history stay); variants the ERP no longer has are removed.
    Fields the product withholds keep Shopify's values (keys absent from the PUT are kept).
    """
    names = option_names(product)
    body: dict[str, Any] = {
        "title": product.name,
        "body_html": product.description or "",
        "vendor": product.brand or "",
        "product_type": product.categories[-1] if product.categories else "",
        "status": "active" if product.active else "draft",
        "variants": [_variant_body(v, names) for v in product.variants],
    }
    if names:
        body["options"] = [{"name": name} for name in names]
    if existing is None:
        body["handle"] = handle_for(product.sku)
        body["images"] = [{"src": src} for src in product.images]
        return body
    ids_by_sku = {
        text(v.get("sku")): v["id"] for v in records(existing.get("variants")) if v.get("id")
    }
    body["id"] = existing["id"]
    price_kept = withholds(product, OwnedField.PRICE)
    for position, canonical in enumerate(product.variants):
        if (known := ids_by_sku.get(canonical.sku)) is not None:
            variant = {"id": known, **body["variants"][position]}
            body["variants"][position] = without(variant, PRICE_KEYS) if price_kept else variant
    return without(body, keys_withheld(product, SHOPIFY_KEYS))


def option_names(product: Product) -> list[str]:
    """Shopify option names for the product's variant attributes, in order of first use."""
    names: list[str] = []
    for variant in product.variants:
        for attribute in variant.attributes:
            if attribute.name not in names:
                names.append(attribute.name)
    if len(names) > MAX_OPTIONS:
        raise Permanent(f"Shopify allows {MAX_OPTIONS} options; product {product.sku} has {names}")
    if not names and len(product.variants) > 1:
        return [SKU_OPTION]
    return names


def _variant_body(variant: Variant, names: list[str]) -> dict[str, Any]:
    values = {attribute.name: attribute.value for attribute in variant.attributes}
    body: dict[str, Any] = {
        "sku": variant.sku,
        "barcode": variant.gtin,
        **prices_to_shopify(variant.price, variant.promotional_price),
        "inventory_management": "shopify",
    }
    for position, name in enumerate(names, start=1):
        body[f"option{position}"] = variant.sku if name == SKU_OPTION else values.get(name)
    if variant.dimensions.weight_kg is not None:
        body["weight"], body["weight_unit"] = str(variant.dimensions.weight_kg), "kg"
    return body


def collection_from_shopify(payload: Mapping[str, Any]) -> Category:
    """A custom (or smart) collection as a Category; its code is the handle."""
    collection = _unwrap(payload, "custom_collection", "collection")
    collection_id = preferred_id(collection, "collection.id")
    code = first_text(collection.get("handle"), collection_id)
    title = text(collection.get("title"))
    if code is None or title is None:
        raise Permanent(f"Shopify collection {collection_id} has no handle or title")
    return Category(code=code, name=title, platform_category_id=collection_id)


def collection_to_shopify(category: Category) -> dict[str, Any]:
    """The ``custom_collection`` object for a Category (collections are flat: no parent)."""
    return {"title": category.name, "handle": handle_for(category.code)}


def brands_from_products(products: Sequence[Mapping[str, Any]]) -> list[Brand]:
    """The distinct vendors of ``products``, as brands identified by their name."""
    names = dict.fromkeys(name for p in products if (name := text(p.get("vendor"))))
    return [Brand(name=name, platform_brand_id=name) for name in names]


def attributes_from_products(products: Sequence[Mapping[str, Any]]) -> list[Attribute]:
    """The products' options as attributes identified by their name, each with the union of
    its values: the option's ``values`` and the values its variants use (older payloads send
    only the latter). Shopify's placeholder and Ponte's SKU option are not attributes."""
    values: dict[str, dict[str, None]] = {}
    for product in products:
        options = records(product.get("options"))
        names = [text(option.get("name")) for option in options]
        for name, option in zip(names, options, strict=True):
            for raw in option.get("values") or []:
                if name is not None and (value := text(raw)) is not None:
                    values.setdefault(name, {})[value] = None
        for variant in records(product.get("variants")):
            for attribute in attributes_from_options(variant, names):
                values.setdefault(attribute.name, {})[attribute.value] = None
    attributes = []
    for name, found in values.items():
        real = [v for v in found if (name, v) != (PLACEHOLDER_OPTION, PLACEHOLDER_VALUE)]
        if real and name != SKU_OPTION:
            attributes.append(Attribute(name=name, values=real, platform_attribute_id=name))
    return attributes


def handle_for(code: str) -> str:
    """Shopify's handle rule: lower-case ASCII letters, digits and single hyphens."""
    ascii_only = unicodedata.normalize("NFKD", code).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_only.lower()).strip("-") or "item"


def _parent_sku(product: Mapping[str, Any], variants: list[Variant]) -> str:
    sku = next((v.sku for v in variants if v.sku), None)
    fallback = first_text(product.get("handle"), preferred_id(product, "product.id"))
    return sku or fallback or ""


def _product_active(product: Mapping[str, Any]) -> bool:
    status = text(product.get("status"))
    if status is not None:
        return status == "active"
    return product.get("published_at") is not None


def _unwrap(payload: Mapping[str, Any], *roots: str) -> Mapping[str, Any]:
    for root in roots:
        inner = payload.get(root)
        if len(payload) == 1 and isinstance(inner, Mapping):
            return inner
    return record(payload)
