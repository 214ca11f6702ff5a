"""Catalog specifications (VTEX's product and SKU attributes) at VTEX's paths: a field
belongs to a category (and a group), its values are records of their own.

Covered: create and get a field (``/api/catalog/pvt/specification``), create a value
(``/api/catalog/pvt/specificationvalue``) and list a field's values
(``/api/catalog_system/pub/specification/fieldvalue/{fieldId}``), with the spec's shapes; set a
product's specification by names (``PUT /api/catalog/pvt/product/{productId}/specificationvalue``,
creating its group, field and values as VTEX does) and list a product's specifications
(``GET /api/catalog/pvt/product/{productId}/specification``).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from connectors.vtex.sandbox.catalog import replaced
from connectors.vtex.sandbox.state import STATE

FIELD_FIELDS: dict[str, Any] = {
    "FieldTypeId": None, "CategoryId": None, "FieldGroupId": None, "Name": "",
    "Description": None, "Position": 0, "IsFilter": False, "IsRequired": False,
    "IsOnProductDetails": False, "IsStockKeepingUnit": False, "IsWizard": False,
    "IsActive": False, "IsTopMenuLinkActive": False, "IsSideMenuLinkActive": False,
    "DefaultValue": None,
}  # fmt: skip
VALUE_FIELDS: dict[str, Any] = {
    "FieldId": None, "Name": "", "Text": None, "IsActive": False, "Position": 0,
}  # fmt: skip


def _refused(message: str, status: int = 400) -> web.Response:
    return web.json_response({"Message": message}, status=status)


def _created(
    request: web.Request, body: Any, kind: str, record: tuple[str, dict[str, Any]]
) -> web.Response:
    """A new record of ``kind`` under the next id, keyed ``record[0]``, fields ``record[1]``."""
    store = request.app[STATE].store
    key, fields = record
    new_id = store.next_id(kind, 1)
    saved = {key: new_id, **replaced(fields, body)}
    store.put(kind, str(new_id), saved)
    return web.json_response(saved)


async def post_field(request: web.Request) -> web.Response:
    body = await request.json()
    if not isinstance(body, dict) or not body.get("Name") or not body.get("FieldTypeId"):
        return _refused("required: Name, FieldTypeId")
    category = body.get("CategoryId")
    if category and request.app[STATE].store.get("category", str(category)) is None:
        return _refused("CategoryId not found")
    return _created(request, body, "specification", ("Id", FIELD_FIELDS))


async def get_field(request: web.Request) -> web.Response:
    found = request.app[STATE].store.get("specification", request.match_info["id"])
    return web.json_response(found) if found else _refused("not found", 404)


async def post_value(request: web.Request) -> web.Response:
    body = await request.json()
    if not isinstance(body, dict) or not body.get("FieldId") or not body.get("Name"):
        return _refused("required: FieldId, Name")
    if request.app[STATE].store.get("specification", str(body["FieldId"])) is None:
        return _refused("FieldId not found")
    return _created(request, body, "specificationvalue", ("FieldValueId", VALUE_FIELDS))


async def field_values(request: web.Request) -> web.Response:
    """The field's values as the public listing shows them: ``{FieldValueId, Value, IsActive,
    Position}``, by position."""
    field_id = int(request.match_info["id"])
    values = request.app[STATE].store.all("specificationvalue")
    shown = [
        {"FieldValueId": v["FieldValueId"], "Value": v["Name"], "IsActive": v["IsActive"],
         "Position": v["Position"]}
        for v in values if v["FieldId"] == field_id
    ]  # fmt: skip
    return web.json_response(sorted(shown, key=lambda v: v["Position"]))


_BY_NAMES = ("FieldName", "GroupName", "RootLevelSpecification", "FieldValues")


def _named(store: Any, kind: str, match: dict[str, Any], blank: dict[str, Any]) -> dict[str, Any]:
    """The record of ``kind`` whose fields equal ``match``; made from ``blank`` when missing."""
    for found in store.all(kind):
        if all(found.get(k) == v for k, v in match.items()):
            return dict(found)
    key = "FieldValueId" if kind == "specificationvalue" else "Id"
    made = {key: store.next_id(kind, 1), **blank, **match, "IsActive": True}
    store.put(kind, str(made[key]), made)
    return made


async def put_product_values(request: web.Request) -> web.Response:
    """A product's specification set by names: its group, field and values made if missing;
    the product's earlier values of that field are replaced."""
    store, product_id = request.app[STATE].store, request.match_info["id"]
    product = store.get("product", product_id)
    if product is None:
        return _refused("Product not found", 404)
    body = await request.json()
    if not isinstance(body, dict) or any(body.get(k) in (None, "") for k in _BY_NAMES):
        return _refused(f"required: {', '.join(_BY_NAMES)}")
    values = body["FieldValues"]
    if not isinstance(values, list) or not values or len(str(body["FieldName"])) > 100:
        return _refused("FieldValues must list at least one value; FieldName at most 100 long")
    category = product["CategoryId"]
    group = _named(
        store, "specificationgroup", {"CategoryId": category, "Name": body["GroupName"]}, {}
    )
    field_match = {"CategoryId": category, "FieldGroupId": group["Id"], "Name": body["FieldName"]}
    field = _named(store, "specification", field_match, {**FIELD_FIELDS, "FieldTypeId": 1})
    for old in store.all("productspecification"):
        if old["ProductId"] == int(product_id) and old["FieldId"] == field["Id"]:
            store.delete("productspecification", str(old["Id"]))
    return web.json_response(
        [_linked(store, int(product_id), field["Id"], str(text)) for text in values]
    )


def _linked(store: Any, product_id: int, field_id: int, text: str) -> dict[str, Any]:
    match = {"FieldId": field_id, "Name": text}
    value = _named(store, "specificationvalue", match, VALUE_FIELDS)
    link = {
        "Id": store.next_id("productspecification", 1),
        "ProductId": product_id,
        "FieldId": field_id,
        "FieldValueId": value["FieldValueId"],
        "Text": text,
    }
    store.put("productspecification", str(link["Id"]), link)
    return link


async def product_values(request: web.Request) -> web.Response:
    """The product's specifications: ``[{Id, ProductId, FieldId, FieldValueId, Text}]``."""
    store, product_id = request.app[STATE].store, request.match_info["id"]
    if store.get("product", product_id) is None:
        return _refused("Product not found", 404)
    linked = [s for s in store.all("productspecification") if s["ProductId"] == int(product_id)]
    return web.json_response(sorted(linked, key=lambda s: s["Id"]))


def add_specification_routes(app: web.Application) -> None:
    r = app.router
    r.add_post("/api/catalog/pvt/specification", post_field)
    r.add_get("/api/catalog/pvt/specification/{id}", get_field)
    r.add_post("/api/catalog/pvt/specificationvalue", post_value)
    r.add_get("/api/catalog_system/pub/specification/fieldvalue/{id}", field_values)
    r.add_put("/api/catalog/pvt/product/{id}/specificationvalue", put_product_values)
    r.add_get("/api/catalog/pvt/product/{id}/specification", product_values)
