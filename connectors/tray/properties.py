"""A product's specifications as Tray "características" (product properties).

``POST /products/:id/properties`` takes ``[{"property_id", "value"}]`` (T-DOC
``_caracteristicas.md``); a property is found by name in ``GET /products/properties`` and,
when the store has none of that name, created with ``POST /properties`` (its body,
``{"Property": {"name"}}``, is UNCONFIRMED: the reference names the path only).
"""

from __future__ import annotations

from connectors.tray.http import TraySession
from connectors.tray.mapping import properties_to_tray
from connectors.tray.paging import next_page, page_params, records
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
    page: int | None = 1
    while page is not None and not names <= ids.keys():
        params = {"sort": "id_asc", **page_params(page)}
        body = await session.call("GET", "/products/properties", params=params)
        for row in records(body, "Properties", "Property"):
            name = str(row.get("name") or "")
            if name in names:
                ids.setdefault(name, str(row["id"]))
        page = next_page(body)
    for name in sorted(names - ids.keys()):
        created = await session.call("POST", "/properties", json={"Property": {"name": name}})
        ids[name] = str(created["id"])
    return ids
