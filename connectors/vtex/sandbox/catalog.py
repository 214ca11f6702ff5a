"""Catalog API at VTEX's paths: products, SKUs, categories, brands.

PUT is a full replacement, as on VTEX: a field the body omits is blanked (strings empty,
numbers null, booleans false). That is the trap the client's GET-merge-PUT must avoid.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from connectors.vtex.sandbox.state import STATE
from connectors.vtex.sandbox.store import Store

PRODUCT_FIELDS: dict[str, Any] = {
    "Name": "",
    "DepartmentId": None,
    "CategoryId": None,
    "BrandId": None,
    "LinkId": "",
    "RefId": "",
    "IsVisible": False,
    "Description": "",
    "DescriptionShort": "",
    "ReleaseDate": None,
    "KeyWords": "",
    "Title": "",
    "IsActive": False,
    "TaxCode": "",
    "MetaTagDescription": "",
    "SupplierId": 0,
    "ShowWithoutStock": False,
    "AdWordsRemarketingCode": "",
    "LomadeeCampaignCode": "",
    "Score": 0,
}
SKU_FIELDS: dict[str, Any] = {
    "ProductId": None,
    "IsActive": False,
    "ActivateIfPossible": False,
    "Name": "",
    "RefId": "",
    "PackagedHeight": None,
    "PackagedLength": None,
    "PackagedWidth": None,
    "PackagedWeightKg": None,
    "Height": 0,
    "Length": 0,
    "Width": 0,
    "WeightKg": 0,
    "CubicWeight": 0,
    "IsKit": False,
    "RewardValue": 0,
    "EstimatedDateArrival": None,
    "ManufacturerCode": "",
    "CommercialConditionId": 1,
    "MeasurementUnit": "un",
    "UnitMultiplier": 1.0,
    "ModalType": None,
    "KitItensSellApart": False,
    "Videos": [],
}
CATEGORY_FIELDS: dict[str, Any] = {
    "Name": "",
    "FatherCategoryId": None,
    "Title": "",
    "Description": "",
    "Keywords": "",
    "IsActive": False,
    "LomadeeCampaignCode": "",
    "AdWordsRemarketingCode": "",
    "ShowInStoreFront": False,
    "ShowBrandFilter": False,
    "ActiveStoreFrontLink": False,
    "GlobalCategoryId": 0,
    "StockKeepingUnitSelectionMode": "LIST",
    "Score": None,
}
BRAND_FIELDS: dict[str, Any] = {
    "Name": "", "Text": None, "Keywords": None, "SiteTitle": None, "Active": False,
    "MenuHome": False, "AdWordsRemarketingCode": None, "LomadeeCampaignCode": None,
    "Score": None, "LinkId": None,
}  # fmt: skip
_REQUIRED = {
    "product_put": ("Name", "CategoryId", "BrandId"),
    "sku": (
        "ProductId",
        "Name",
        "PackagedHeight",
        "PackagedLength",
        "PackagedWidth",
        "PackagedWeightKg",
    ),
    "brand": ("Id", "Name"),
    "category": ("Name",),
}


def now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


def replaced(fields: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """What VTEX keeps after a PUT/POST: the body's fields, every other one blanked."""
    return {name: body.get(name, blank) for name, blank in fields.items()}


def _missing(body: Any, required: tuple[str, ...]) -> web.Response | None:
    if not isinstance(body, dict):
        return web.json_response({"Message": "invalid JSON body"}, status=400)
    absent = [name for name in required if body.get(name) in (None, "")]
    if absent:
        return web.json_response({"Message": f"required: {', '.join(absent)}"}, status=400)
    return None


def _found(value: Any) -> web.Response:
    if value is None:
        return web.json_response({"Message": "not found"}, status=404)
    return web.json_response(value)


def _store(request: web.Request) -> Store:
    return request.app[STATE].store


def save_product(store: Store, body: dict[str, Any], product_id: int) -> dict[str, Any]:
    record = {"Id": product_id, **replaced(PRODUCT_FIELDS, body)}
    category = store.get("category", str(record["CategoryId"])) or {}
    record["DepartmentId"] = _tree(store, category)[0]["Id"] if category else record["CategoryId"]
    record["ReleaseDate"] = record["ReleaseDate"] or now_text()[:19]
    store.put("product", str(product_id), record)
    return record


def save_sku(
    store: Store, body: dict[str, Any], sku_id: int, created: str | None
) -> dict[str, Any]:
    record = {"Id": sku_id, **replaced(SKU_FIELDS, body)}
    record["CreationDate"] = created or now_text()
    record["DateUpdated"] = now_text()
    store.put("sku", str(sku_id), record)
    return record


async def product_and_sku_ids(request: web.Request) -> web.Response:
    start, end = int(request.query.get("_from", 1)), int(request.query.get("_to", 50))
    if end < start or end - start + 1 > 250:
        return web.json_response({"Message": "_to - _from must be below 250"}, status=400)
    store = _store(request)
    products = store.all("product")
    skus = store.all("sku")
    window = products[start - 1 : end]
    data = {str(p["Id"]): [s["Id"] for s in skus if s["ProductId"] == p["Id"]] for p in window}
    return web.json_response(
        {"data": data, "range": {"total": len(products), "from": start, "to": end}}
    )


async def get_product(request: web.Request) -> web.Response:
    return _found(_store(request).get("product", request.match_info["id"]))


async def put_product(request: web.Request) -> web.Response:
    body = await request.json()
    store = _store(request)
    product_id = request.match_info["id"]
    if store.get("product", product_id) is None:
        return _found(None)
    if error := _missing(body, _REQUIRED["product_put"]):
        return error
    return web.json_response(save_product(store, body, int(product_id)))


async def post_product(request: web.Request) -> web.Response:
    body = await request.json()
    if error := _missing(body, ("Name",)):
        return error
    if not body.get("CategoryId") or not body.get("BrandId"):
        return web.json_response({"Message": "CategoryId and BrandId required"}, status=400)
    store = _store(request)
    product_id = int(body.get("Id") or store.next_id("product", 1))
    return web.json_response(save_product(store, body, product_id))


async def product_by_ref(request: web.Request) -> web.Response:
    ref = request.match_info["ref"]
    return _found(next((p for p in _store(request).all("product") if p["RefId"] == ref), None))


async def skus_of_product(request: web.Request) -> web.Response:
    product_id = int(request.match_info["id"])
    return web.json_response(
        [s for s in _store(request).all("sku") if s["ProductId"] == product_id]
    )


async def get_sku(request: web.Request) -> web.Response:
    sku = _store(request).get("sku", request.match_info["id"])
    return _found({k: v for k, v in sku.items() if k != "DateUpdated"} if sku else None)


async def sku_by_ref_query(request: web.Request) -> web.Response:
    ref = request.query.get("RefId")
    found = next((s for s in _store(request).all("sku") if s["RefId"] == ref), None)
    return _found({k: v for k, v in found.items() if k != "DateUpdated"} if found else None)


async def sku_id_by_ref(request: web.Request) -> web.Response:
    ref = request.match_info["ref"]
    found = next((s for s in _store(request).all("sku") if s["RefId"] == ref), None)
    return _found(str(found["Id"]) if found else None)


async def post_sku(request: web.Request) -> web.Response:
    body = await request.json()
    if error := _missing(body, _REQUIRED["sku"]):
        return error
    if body.get("IsActive") is True:
        return web.json_response({"Message": "a new SKU cannot be created active"}, status=400)
    store = _store(request)
    if store.get("product", str(body["ProductId"])) is None:
        return web.json_response({"Message": "ProductId not found"}, status=400)
    sku_id = int(body.get("Id") or store.next_id("sku", 1))
    return web.json_response(save_sku(store, body, sku_id, None))


async def put_sku(request: web.Request) -> web.Response:
    body = await request.json()
    store = _store(request)
    current = store.get("sku", request.match_info["id"])
    if current is None:
        return _found(None)
    if error := _missing(body, _REQUIRED["sku"]):
        return error
    return web.json_response(save_sku(store, body, current["Id"], current["CreationDate"]))


def _tree(store: Store, category: dict[str, Any]) -> list[dict[str, Any]]:
    """The category's path from its root, as TreePath* show it."""
    path = [category]
    while path[0].get("FatherCategoryId") and len(path) < 20:
        father = store.get("category", str(path[0]["FatherCategoryId"]))
        if father is None:
            break
        path.insert(0, father)
    return path


def _link_id(name: str) -> str:
    return "-".join(name.split())


async def get_category(request: web.Request) -> web.Response:
    store = _store(request)
    category = store.get("category", request.match_info["id"])
    if category is None:
        return _found(None)
    path = _tree(store, category)
    children = any(c.get("FatherCategoryId") == category["Id"] for c in store.all("category"))
    return web.json_response(category | {
        "LinkId": _link_id(category["Name"]), "HasChildren": children,
        "TreePath": [c["Name"] for c in path], "TreePathIds": [c["Id"] for c in path],
        "TreePathLinkIds": [_link_id(c["Name"]) for c in path],
    })  # fmt: skip


async def save_category(request: web.Request) -> web.Response:
    body = await request.json()
    if error := _missing(body, _REQUIRED["category"]):
        return error
    store = _store(request)
    category_id = request.match_info.get("id")
    if category_id is not None and store.get("category", category_id) is None:
        return _found(None)
    new_id = int(category_id or body.get("Id") or store.next_id("category", 1))
    record = {"Id": new_id, **replaced(CATEGORY_FIELDS, body)}
    store.put("category", str(new_id), record)
    return web.json_response(record)


async def get_brand(request: web.Request) -> web.Response:
    return _found(_store(request).get("brand", request.match_info["id"]))


async def save_brand(request: web.Request) -> web.Response:
    body = await request.json()
    if error := _missing(body, _REQUIRED["brand"]):
        return error
    store = _store(request)
    brand_id = str(body["Id"])
    path_id = request.match_info.get("id")
    if path_id is not None and store.get("brand", path_id) is None:
        return _found(None)
    record = {"Id": int(path_id or brand_id), **replaced(BRAND_FIELDS, body)}
    store.put("brand", str(record["Id"]), record)
    return web.json_response(record)


def _brand_summary(brand: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": brand["Id"], "name": brand["Name"], "isActive": bool(brand["Active"]),
        "title": brand.get("SiteTitle") or "", "metaTagDescription": "", "imageUrl": None,
    }  # fmt: skip


async def brand_list(request: web.Request) -> web.Response:
    return web.json_response([_brand_summary(b) for b in _store(request).all("brand")])


async def brand_paged_list(request: web.Request) -> web.Response:
    page, size = int(request.query.get("page", 1)), int(request.query.get("pageSize", 20))
    if page < 1 or size < 1:
        return web.json_response({"Message": "page and pageSize start at 1"}, status=400)
    brands = _store(request).all("brand")
    items = [_brand_summary(b) for b in brands[(page - 1) * size : page * size]]
    pages = max(1, -(-len(brands) // size))
    paging = {"page": page, "perPage": size, "total": len(brands), "pages": pages}
    return web.json_response({"items": items, "paging": paging})


def add_catalog_routes(app: web.Application) -> None:
    r = app.router
    r.add_get("/api/catalog_system/pvt/products/GetProductAndSkuIds", product_and_sku_ids)
    r.add_get("/api/catalog/pvt/product/{id}", get_product)
    r.add_put("/api/catalog/pvt/product/{id}", put_product)
    r.add_post("/api/catalog/pvt/product", post_product)
    r.add_get("/api/catalog_system/pvt/products/productgetbyrefid/{ref}", product_by_ref)
    r.add_get("/api/catalog_system/pvt/sku/stockkeepingunitByProductId/{id}", skus_of_product)
    r.add_get("/api/catalog/pvt/stockkeepingunit", sku_by_ref_query)
    r.add_post("/api/catalog/pvt/stockkeepingunit", post_sku)
    r.add_get("/api/catalog/pvt/stockkeepingunit/{id}", get_sku)
    r.add_put("/api/catalog/pvt/stockkeepingunit/{id}", put_sku)
    r.add_get("/api/catalog_system/pvt/sku/stockkeepingunitidbyrefid/{ref}", sku_id_by_ref)
    r.add_get("/api/catalog/pvt/category/{id}", get_category)
    r.add_put("/api/catalog/pvt/category/{id}", save_category)
    r.add_post("/api/catalog/pvt/category", save_category)
    r.add_get("/api/catalog/pvt/brand/{id}", get_brand)
    r.add_put("/api/catalog/pvt/brand/{id}", save_brand)
    r.add_post("/api/catalog/pvt/brand", save_brand)
    r.add_get("/api/catalog_system/pvt/brand/list", brand_list)
    r.add_get("/api/catalog_system/pvt/brand/pagedlist", brand_paged_list)
