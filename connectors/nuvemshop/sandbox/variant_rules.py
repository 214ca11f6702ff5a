"""The rules variants follow in the sandbox: their fields, numbers as strings, one value per
product attribute, no two variants with the same combination of values."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from connectors.nuvemshop.sandbox.state import localized_input
from connectors.nuvemshop.sandbox.store import Records, now_text

VARIANT_FIELDS = (
    "price",
    "promotional_price",
    "stock_management",
    "stock",
    "sku",
    "barcode",
    "mpn",
    "age_group",
    "gender",
    "weight",
    "width",
    "height",
    "depth",
    "cost",
    "image_id",
    "values",
)
MONEY_FIELDS = ("price", "promotional_price", "cost", "weight", "width", "height", "depth")


def money_errors(fields: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for key in MONEY_FIELDS:
        value = fields.get(key)
        if value is None:
            continue
        try:
            Decimal(str(value))
        except InvalidOperation:
            errors[key] = ["is not a number"]
    stock = fields.get("stock")
    if stock is not None and (not isinstance(stock, int) or isinstance(stock, bool)):
        errors["stock"] = ["must be an integer or null"]
    return errors


def new_variant(
    records: Records, product_id: int, fields: dict[str, Any], position: int
) -> dict[str, Any]:
    stamp = now_text()
    variant: dict[str, Any] = {
        "id": records.next_id("variant"),
        "image_id": None,
        "promotional_price": None,
        "created_at": stamp,
        "depth": None,
        "height": None,
        "values": [],
        "price": "0.00",
        "product_id": product_id,
        "stock_management": False,
        "stock": None,
        "sku": None,
        "barcode": None,
        "mpn": None,
        "age_group": None,
        "gender": None,
        "updated_at": stamp,
        "weight": "0.000",
        "width": None,
        "cost": None,
        "position": position,
    }
    return apply_variant(variant, fields)


def apply_variant(variant: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    updated = dict(variant)
    for key in VARIANT_FIELDS:
        if key not in fields:
            continue
        value = fields[key]
        if key in MONEY_FIELDS and value is not None:
            value = str(value)
        if key == "values":
            value = [localized_input(v) for v in value or []]
        updated[key] = value
    if "stock" in fields and "stock_management" not in fields:
        updated["stock_management"] = fields["stock"] is not None
    updated["updated_at"] = now_text()
    return updated


def combination(variant: dict[str, Any]) -> str:
    return repr([sorted(v.items()) for v in variant.get("values") or []])


def product_errors(body: Any, attributes: int) -> dict[str, list[str]]:
    if not isinstance(body, dict):
        return {"product": ["must be a JSON object"]}
    errors: dict[str, list[str]] = {}
    variants = body.get("variants") or []
    for variant in variants:
        errors.update(money_errors(variant))
        if len(variant.get("values") or []) != attributes:
            errors["variants"] = ["each variant needs one value per product attribute"]
    combos = [
        combination({"values": [localized_input(v) for v in x.get("values") or []]})
        for x in variants
    ]
    if len(set(combos)) != len(combos):
        errors["variants"] = ["two variants have the same values"]
    return errors
