"""Catalog specifications (VTEX's product and SKU attributes) at VTEX's paths: a field
belongs to a category (and a group), its values are records of their own.

Covered: create and get a field (``/api/catalog/pvt/specification``), create a value
(``/api/catalog/pvt/specificationvalue``) and list a field's values
(``/api/catalog_system/pub/specification/fieldvalue/{fieldId}``), with the spec's shapes.
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


def add_specification_routes(app: web.Application) -> None:
    r = app.router
    r.add_post("/api/catalog/pvt/specification", post_field)
    r.add_get("/api/catalog/pvt/specification/{id}", get_field)
    r.add_post("/api/catalog/pvt/specificationvalue", post_value)
    r.add_get("/api/catalog_system/pub/specification/fieldvalue/{id}", field_values)
