"""Records shaped as Tray returns them: every field of Tray's documented examples is present
(skeletons.json holds their structure with neutral values), strings for numbers, store-time
naive dates, "0000-00-00" for none."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from connectors.tray.values import STORE_TIME

SKELETONS = Path(__file__).with_name("skeletons.json")


@cache
def _skeletons() -> dict[str, dict[str, Any]]:
    loaded: dict[str, dict[str, Any]] = json.loads(SKELETONS.read_text(encoding="utf-8"))
    return loaded


def blank(kind: str) -> dict[str, Any]:
    """A fresh record of ``kind`` with every documented field, lists empty."""
    record = copy.deepcopy(_skeletons()[kind])
    for key, value in record.items():
        if isinstance(value, list) or key == "Properties":
            record[key] = []
    return record


def skeleton(kind: str) -> dict[str, Any]:
    """A deep copy of the documented shape of ``kind``, example list items included."""
    return copy.deepcopy(_skeletons()[kind])


def item_template(kind: str, key: str) -> dict[str, Any]:
    """The shape of one element of a record's list field (e.g. Order.ProductsSold)."""
    items = _skeletons()[kind][key]
    return copy.deepcopy(items[0]) if items else {}


def now_text() -> str:
    return datetime.now(STORE_TIME).strftime("%Y-%m-%d %H:%M:%S")


def amount(value: Any) -> str:
    """A number as Tray prints money: "10.00"."""
    return f"{Decimal(str(value)):.2f}"


def as_text(value: Any) -> str:
    """Whatever a client sent (number or string) as Tray stores it: a string."""
    if isinstance(value, bool):
        return "1" if value else "0"
    return "" if value is None else str(value)


def merge_fields(record: dict[str, Any], fields: dict[str, Any], money: frozenset[str]) -> None:
    """Write client fields onto a record: only known scalar fields, numbers as strings."""
    for key, value in fields.items():
        if key not in record or isinstance(record[key], (dict, list)):
            continue
        record[key] = amount(value) if key in money and value not in ("", None) else as_text(value)


PRODUCT_MONEY = frozenset({"price", "cost_price", "promotional_price", "current_price"})
VARIANT_MONEY = frozenset({"price", "cost_price", "promotional_price"})


def product(product_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    record = blank("Product")
    record.update(id=str(product_id), created=now_text(), modified=now_text(), available="1")
    record.update(ean="", reference="", ncm="")
    merge_fields(record, fields, PRODUCT_MONEY)
    record["slug"] = record["slug"] or record["name"].lower().replace(" ", "-")
    record["current_price"] = record["price"]
    return record


def variant(variant_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    record = blank("Variant")
    record.update(id=str(variant_id), available="1", ean="", reference="")
    merge_fields(record, fields, VARIANT_MONEY)
    record["Sku"] = [
        {
            "type": as_text(s.get("type")),
            "value": as_text(s.get("value")),
            "image": as_text(s.get("image")),
            "image_secure": as_text(s.get("image_secure")),
        }
        for s in fields.get("Sku") or []
        if isinstance(s, dict)
    ]
    record["modified"] = now_text()
    return record


def category(category_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    record = blank("Category")
    record.update(id=str(category_id))
    merge_fields(record, fields, frozenset())
    return record


def brand(brand_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    record = blank("Brand")
    record.update(id=str(brand_id))
    merge_fields(record, fields, frozenset())
    record["slug"] = record["slug"] or record["brand"].lower().replace(" ", "-")
    return record


def product_property(property_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    """A "característica". Not in skeletons.json: the reference documents its paths, not its
    fields, so `id`, `name` and `values` (strings) are UNCONFIRMED."""
    values = fields.get("values")
    listed = [as_text(v) for v in values] if isinstance(values, list) else []
    return {"id": str(property_id), "name": as_text(fields["name"]), "values": listed}


def order_status(status_id: int, name: str, kind: str) -> dict[str, Any]:
    record = blank("OrderStatus")
    record.update(id=str(status_id), status=name, type=kind, default="1", show_backoffice="1")
    return record


def order_view(order: dict[str, Any]) -> dict[str, Any]:
    """``GET /orders/:id`` (and list rows): line items and address as ids, no customer."""
    view = {k: v for k, v in order.items() if k != "Customer"}
    view["ProductsSold"] = [{"id": i["ProductsSold"]["id"]} for i in order["ProductsSold"]]
    addresses = order.get("Customer", {}).get("CustomerAddresses") or []
    view["CustomerAddress"] = (
        {"id": addresses[0]["CustomerAddress"]["id"]} if addresses else {"id": "0"}
    )
    return view
