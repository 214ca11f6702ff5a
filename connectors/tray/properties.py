"""A product's specifications as Tray "características" (product properties).

``POST /products/:id/properties`` takes ``[{"property_id", "value"}]`` (T-DOC
``_caracteristicas.md``); a property is found by name in ``GET /products/properties`` and,
when the store has none of that name, created with ``POST /properties`` (its body,
``{"Property": {"name", "values"}}``, is UNCONFIRMED: the reference names the path only).
No update of a property is documented, so one already on the store keeps its values.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from connectors.tray.http import TraySession
from connectors.tray.mapping import properties_to_tray
from connectors.tray.paging import next_page, page_params, records
from schemas.attribute import Attribute
from schemas.product import Product


async def write_properties(session: TraySession, product_id: str, product: Product) -> None:
    """Set the product's specifications on it; nothing is called when it has none."""
    if not product.specifications:
        return
    ids = await property_ids(session, {spec.name for spec in product.specifications})
    body = properties_to_tray(product, ids)
    await session.call("POST", f"/products/{product_id}/properties", json=body)


async def property_ids(session: TraySession, names: set[str]) -> dict[str, str]:
    """The Tray id of each property in ``names``, creating the ones the store lacks."""
    ids: dict[str, str] = {}
    async for row in _properties(session):
        name = str(row.get("name") or "")
        if name in names:
            ids.setdefault(name, str(row["id"]))
        if names <= ids.keys():
            break
    for name in sorted(names - ids.keys()):
        created = await session.call("POST", "/properties", json={"Property": {"name": name}})
        ids[name] = str(created["id"])
    return ids


async def upsert_property(session: TraySession, attribute: Attribute) -> str:
    """The Tray id of ``attribute``: the property of its id while the store still has it, else
    the one of its name, else a new one with its values (exported again, it is not doubled)."""
    by_name: str | None = None
    async for row in _properties(session):
        if attribute.platform_attribute_id == str(row["id"]):
            return str(row["id"])
        if by_name is None and row.get("name") == attribute.name:
            by_name = str(row["id"])
    if by_name is not None:
        return by_name
    body = {"Property": {"name": attribute.name, "values": list(attribute.values)}}
    created = await session.call("POST", "/properties", json=body)
    return str(created["id"])


async def _properties(session: TraySession) -> AsyncIterator[dict[str, Any]]:
    """Every property of the store, page by page (``GET /products/properties``)."""
    page: int | None = 1
    while page is not None:
        params = {"sort": "id_asc", **page_params(page)}
        body = await session.call("GET", "/products/properties", params=params)
        for row in records(body, "Properties", "Property"):
            yield row
        page = next_page(body)
