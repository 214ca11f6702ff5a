"""Builds product, variant and collection resources from REST bodies, shaped like Shopify's own
(`api_rest_2026-04_product_create_response.json`, `webhook_products_update.json`,
`webhook_collections_update.json`).

Pure: ids and the clock come in as arguments. A PUT replaces the variant list, as REST does:
listed variants with an id are updated in place, those without are created, the rest deleted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from connectors.shopify.sandbox.orders import gid, money

OPTION_KEYS = ("option1", "option2", "option3")
GRAMS_PER_UNIT = {"kg": Decimal(1000), "g": Decimal(1), "lb": Decimal("453.59237"),
                  "oz": Decimal("28.349523125")}  # fmt: skip
PRODUCT_FIELDS = ("title", "body_html", "vendor", "product_type", "status", "tags", "handle")
VARIANT_FIELDS = ("sku", "barcode", "taxable", "requires_shipping", "inventory_policy",
                  "inventory_management", "fulfillment_service")  # fmt: skip


class InvalidResource(ValueError):
    """Shopify answers 422 with `{"errors": {field: [message]}}`."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field} {message}")
        self.errors = {field: [message]}


@dataclass(frozen=True)
class Minting:
    """Where new ids and the time come from."""

    next_id: Callable[[str], int]
    now: str  # ISO-8601 with the shop's offset
    currency: str


def _amount(raw: Any, field: str) -> Decimal:
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise InvalidResource(field, "is not a number") from None
    if not value.is_finite() or value < 0:
        raise InvalidResource(field, "must be greater than or equal to 0")
    return value


def _grams(raw: Mapping[str, Any], prior: Mapping[str, Any]) -> tuple[int, float, str]:
    unit = str(raw.get("weight_unit") or prior.get("weight_unit") or "kg")
    if "weight" in raw:
        weight = _amount(raw["weight"], "weight")
        return int(weight * GRAMS_PER_UNIT.get(unit, Decimal(1000))), float(weight), unit
    if "grams" in raw:
        grams = int(_amount(raw["grams"], "grams"))
        return grams, float(Decimal(grams) / GRAMS_PER_UNIT.get(unit, Decimal(1000))), unit
    return int(prior.get("grams", 0)), float(prior.get("weight", 0.0)), unit


def build_variant(
    raw: Mapping[str, Any],
    prior: Mapping[str, Any] | None,
    product_id: int,
    position: int,
    mint: Minting,
) -> dict[str, Any]:
    """A variant resource: ``prior`` updated with ``raw``, or a new one (new inventory item)."""
    old: Mapping[str, Any] = prior or {}
    variant_id = int(old["id"]) if old else mint.next_id("ProductVariant")
    price = _amount(raw.get("price", old.get("price", "0")), "price")
    compare = raw.get("compare_at_price", old.get("compare_at_price"))
    compare_at = money(_amount(compare, "compare_at_price")) if compare is not None else None
    options = [raw.get(key, old.get(key)) for key in OPTION_KEYS]
    grams, weight, unit = _grams(raw, old)
    fields = {name: raw.get(name, old.get(name)) for name in VARIANT_FIELDS}
    item_id = old.get("inventory_item_id") or mint.next_id("InventoryItem")
    return {
        "id": variant_id,
        "product_id": product_id,
        "title": " / ".join(str(o) for o in options if o is not None) or "Default Title",
        "price": money(price),
        "position": position,
        "inventory_policy": fields["inventory_policy"] or "deny",
        "compare_at_price": compare_at,
        "option1": options[0],
        "option2": options[1],
        "option3": options[2],
        "created_at": old.get("created_at", mint.now),
        "updated_at": mint.now,
        "taxable": True if fields["taxable"] is None else bool(fields["taxable"]),
        "barcode": fields["barcode"],
        "fulfillment_service": fields["fulfillment_service"] or "manual",
        "grams": grams,
        "inventory_management": fields["inventory_management"],
        "requires_shipping": fields["requires_shipping"] is not False,
        "sku": fields["sku"] or "",
        "weight": weight,
        "weight_unit": unit,
        "inventory_item_id": item_id,
        "inventory_quantity": int(old.get("inventory_quantity", 0)),
        "old_inventory_quantity": int(old.get("inventory_quantity", 0)),
        "presentment_prices": [
            {
                "price": {"amount": money(price), "currency_code": mint.currency},
                "compare_at_price": (
                    {"amount": compare_at, "currency_code": mint.currency} if compare_at else None
                ),
            }
        ],
        "admin_graphql_api_id": gid("ProductVariant", variant_id),
        "image_id": old.get("image_id"),
    }


def _variants(
    raw: Mapping[str, Any], prior: Mapping[str, Any] | None, product_id: int, mint: Minting
) -> list[dict[str, Any]]:
    old_by_id = {int(v["id"]): v for v in (prior or {}).get("variants", [])}
    if "variants" not in raw and prior is not None:
        return list(prior["variants"])
    listed = raw.get("variants") or [{}]  # Shopify makes a "Default Title" variant
    if not isinstance(listed, list):
        raise InvalidResource("variants", "must be a list")
    if len(listed) == 1 and not any(listed[0].get(key) for key in OPTION_KEYS):
        listed = [{**listed[0], "option1": "Default Title"}]
    variants = []
    for position, variant in enumerate(listed, start=1):
        known = old_by_id.get(int(variant["id"])) if variant.get("id") else None
        if variant.get("id") and known is None:
            raise InvalidResource("variants", f"{variant['id']} does not belong to this product")
        variants.append(build_variant(variant, known, product_id, position, mint))
    combos = [tuple(v[key] for key in OPTION_KEYS) for v in variants]
    if len(set(combos)) != len(combos):
        raise InvalidResource("variants", "The variant already exists with the same options.")
    return variants


def _options(raw: Mapping[str, Any], prior: Mapping[str, Any] | None, product_id: int,
             variants: list[dict[str, Any]], mint: Minting) -> list[dict[str, Any]]:  # fmt: skip
    given = raw.get("options")
    old = list((prior or {}).get("options", []))
    names = (
        [str(o.get("name")) for o in given] if isinstance(given, list) else [o["name"] for o in old]
    )
    used = [key for key in OPTION_KEYS if any(v[key] is not None for v in variants)]
    names = (names + ["Title"] * len(used))[: len(used)] if used else []
    return [
        {
            "id": old[i]["id"] if i < len(old) else mint.next_id("ProductOption"),
            "product_id": product_id,
            "name": name,
            "position": i + 1,
            "values": list(dict.fromkeys(v[OPTION_KEYS[i]] for v in variants)),
        }
        for i, name in enumerate(names)
    ]


def build_product(
    raw: Mapping[str, Any], prior: Mapping[str, Any] | None, handle: str, mint: Minting
) -> dict[str, Any]:
    """A product resource: ``prior`` updated with ``raw`` (PUT), or a new one (POST)."""
    old: Mapping[str, Any] = prior or {}
    fields = {name: raw.get(name, old.get(name)) for name in PRODUCT_FIELDS}
    if not fields["title"]:
        raise InvalidResource("title", "can't be blank")
    status = fields["status"] or "active"
    if status not in ("active", "archived", "draft"):
        raise InvalidResource("status", "is not included in the list")
    product_id = int(old["id"]) if old else mint.next_id("Product")
    variants = _variants(raw, prior, product_id, mint)
    images = raw.get("images", old.get("images", []))
    published = old.get("published_at") if old else (mint.now if status == "active" else None)
    return {
        "id": product_id,
        "title": fields["title"],
        "body_html": fields["body_html"],
        "vendor": fields["vendor"] or "",
        "product_type": fields["product_type"] or "",
        "created_at": old.get("created_at", mint.now),
        "handle": handle,
        "updated_at": mint.now,
        "published_at": published,
        "template_suffix": old.get("template_suffix"),
        "published_scope": "web",
        "tags": fields["tags"] or "",
        "status": status,
        "admin_graphql_api_id": gid("Product", product_id),
        "variants": variants,
        "options": _options(raw, prior, product_id, variants, mint),
        "images": _images(images, product_id, mint),
        "image": None,
    }


def _images(raw: Any, product_id: int, mint: Minting) -> list[dict[str, Any]]:
    images = []
    for position, image in enumerate(raw if isinstance(raw, list) else [], start=1):
        if not isinstance(image, Mapping) or not image.get("src"):
            continue
        image_id = int(image.get("id") or mint.next_id("ProductImage"))
        images.append({"id": image_id, "product_id": product_id, "position": position,
                       "src": image["src"], "created_at": mint.now, "updated_at": mint.now,
                       "alt": image.get("alt"), "width": 0, "height": 0, "variant_ids": [],
                       "admin_graphql_api_id": gid("ProductImage", image_id)})  # fmt: skip
    return images


def build_collection(
    raw: Mapping[str, Any], prior: Mapping[str, Any] | None, handle: str, mint: Minting
) -> dict[str, Any]:
    """A custom collection resource, as the collections/* webhooks carry it."""
    old: Mapping[str, Any] = prior or {}
    title = raw.get("title", old.get("title"))
    if not title:
        raise InvalidResource("title", "can't be blank")
    collection_id = int(old["id"]) if old else mint.next_id("Collection")
    return {
        "id": collection_id,
        "handle": handle,
        "title": title,
        "updated_at": mint.now,
        "body_html": raw.get("body_html", old.get("body_html")),
        "published_at": old.get("published_at", mint.now),
        "sort_order": raw.get("sort_order", old.get("sort_order", "best-selling")),
        "template_suffix": old.get("template_suffix"),
        "published_scope": "web",
        "admin_graphql_api_id": gid("Collection", collection_id),
    }


def handle_from(text: str) -> str:
    """Shopify's handle rule: lower-case letters, digits and single hyphens."""
    cleaned = "".join(c if c.isalnum() and c.isascii() else "-" for c in text.lower())
    return "-".join(part for part in cleaned.split("-") if part) or "product"
