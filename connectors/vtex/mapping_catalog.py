"""VTEX Catalog JSON <-> canonical Product, Category, Brand and Attribute. Pure functions, no I/O.

VTEX's PUTs replace the whole record (omitted fields are blanked, booleans become false), so
every canonical -> VTEX function here merges into the record as last read, never builds a
partial body. The fields an update withholds (``Product.withheld``, ``VTEX_KEYS``) are simply
not merged, so the record keeps VTEX's values. Specifications are written by name with
``PUT .../product/{id}/specificationvalue`` (VTEX makes the group, field and values).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from connectors.ownership import KeysOf, keys_withheld, without
from connectors.vtex.mapping_values import from_units, parse_instant, text
from schemas.attribute import Attribute
from schemas.brand import Brand
from schemas.category import Category
from schemas.integration import OwnedField
from schemas.product import Dimensions, Product, Variant

# A new SKU must carry packaged dimensions; used when the ERP sends none.
_DEFAULT_PACKAGED = Decimal("1")
# Despite the names, WeightKg/PackagedWeightKg are in the unit configured in the store, grams
# by default (spec: "which by default is in grams"; PackagedWeightKg is an integer).
_GRAMS_PER_KG = Decimal(1000)
VTEX_KEYS: KeysOf = {
    OwnedField.NAME: ("Name",),
    OwnedField.DESCRIPTION: ("Description",),
    OwnedField.CATEGORIES: ("CategoryId",),
    OwnedField.BRAND: ("BrandId",),
}
"""The product keys of each owned field; price (Pricing API) and images are not written here."""
SPECIFICATION_GROUP = "Especificações"


def product_from_vtex(
    product: dict[str, Any],
    skus: list[dict[str, Any]],
    prices: dict[str, Decimal],
    brand_name: str | None = None,
) -> Product:
    """A product with its SKUs; ``prices`` maps SKU id -> basePrice (Pricing API)."""
    variants = [variant_from_vtex(sku, prices.get(str(sku["Id"]))) for sku in skus]
    return Product(
        sku=text(product.get("RefId")) or str(product["Id"]),
        name=product["Name"],
        description=text(product.get("Description")),
        brand=brand_name,
        categories=[str(product["CategoryId"])] if product.get("CategoryId") else [],
        variants=variants,
        platform_product_id=str(product["Id"]),
        active=bool(product.get("IsActive")),
    )


def variant_from_vtex(sku: dict[str, Any], price: Decimal | None) -> Variant:
    return Variant(
        sku=text(sku.get("RefId")) or str(sku["Id"]),
        price=price if price is not None else Decimal("0"),
        dimensions=Dimensions(
            weight_kg=_kilograms(sku.get("WeightKg")),
            height_cm=_units(sku.get("Height")),
            width_cm=_units(sku.get("Width")),
            length_cm=_units(sku.get("Length")),
        ),
        platform_variant_id=str(sku["Id"]),
        active=bool(sku.get("IsActive")),
    )


def skus_changed_at(skus: list[dict[str, Any]]) -> Any:
    """The newest SKU ``DateUpdated`` (else ``CreationDate``): the product itself carries no
    modification date, its SKUs do (``stockkeepingunitByProductId``)."""
    stamps = [parse_instant(sku.get("DateUpdated") or sku.get("CreationDate")) for sku in skus]
    known = [stamp for stamp in stamps if stamp is not None]
    return max(known) if known else None


def product_payload(
    product: Product, existing: dict[str, Any] | None, category_id: int, brand_id: int
) -> dict[str, Any]:
    """The full body for POST/PUT /api/catalog/pvt/product: the current record with our fields."""
    body = _without_id(existing)
    ours = {
        "Name": product.name,
        "RefId": product.sku,
        "CategoryId": category_id,
        "BrandId": brand_id,
        "IsActive": product.active,
        "IsVisible": body.get("IsVisible", True),
        "Description": product.description or body.get("Description") or "",
    }
    body.update(ours if existing is None else without(ours, keys_withheld(product, VTEX_KEYS)))
    if not body.get("LinkId"):
        body["LinkId"] = _slug(f"{product.name}-{product.sku}")
    return body


def specification_payloads(product: Product) -> list[dict[str, Any]]:
    """One ``PUT .../product/{id}/specificationvalue`` body per specification, by names."""
    return [
        {
            "FieldName": spec.name,
            "GroupName": SPECIFICATION_GROUP,
            "RootLevelSpecification": True,
            "FieldValues": [spec.value],
        }
        for spec in product.specifications
    ]


def sku_payload(
    variant: Variant, product_id: int, existing: dict[str, Any] | None
) -> dict[str, Any]:
    """The full body for POST/PUT /api/catalog/pvt/stockkeepingunit.

    A new SKU must not be sent with ``IsActive: true`` (VTEX answers 400): it is created with
    ``ActivateIfPossible`` and activates itself once it has a price, stock and an image."""
    body = _without_id(existing)
    dims = variant.dimensions
    body.update(ProductId=product_id, Name=variant.sku, RefId=variant.sku)
    if dims.weight_kg is not None:
        grams = max(int((dims.weight_kg * _GRAMS_PER_KG).to_integral_value()), 1)
        body["WeightKg"] = body["PackagedWeightKg"] = grams
    for field, value in (
        ("Height", dims.height_cm),
        ("Width", dims.width_cm),
        ("Length", dims.length_cm),
    ):
        if value is not None:
            body[field] = float(value)
            body[f"Packaged{field}"] = float(value)
    for field in ("PackagedHeight", "PackagedLength", "PackagedWidth"):
        body.setdefault(field, float(_DEFAULT_PACKAGED))
    if not isinstance(body.get("PackagedWeightKg"), int) or body["PackagedWeightKg"] < 1:
        body["PackagedWeightKg"] = max(int(body.get("PackagedWeightKg") or 1), 1)
    if existing is None:
        body["IsActive"] = False
        body["ActivateIfPossible"] = variant.active
    else:
        body["IsActive"] = variant.active
    return body


def category_from_vtex(category: dict[str, Any]) -> Category:
    father = category.get("FatherCategoryId")
    return Category(
        code=str(category["Id"]),
        name=category["Name"],
        parent_code=str(father) if father else None,
        platform_category_id=str(category["Id"]),
    )


def category_payload(category: Category, existing: dict[str, Any] | None) -> dict[str, Any]:
    """The full category body; the spec requires every one of these fields on POST and PUT."""
    body: dict[str, Any] = {
        "Keywords": "",
        "Title": category.name,
        "Description": "",
        "AdWordsRemarketingCode": "",
        "LomadeeCampaignCode": "",
        "GlobalCategoryId": 0,
        "ShowInStoreFront": True,
        "IsActive": True,
        "ActiveStoreFrontLink": True,
        "ShowBrandFilter": True,
        "Score": 0,
        "StockKeepingUnitSelectionMode": "SPECIFICATION",
    }
    body.update({k: v for k, v in _without_id(existing).items() if v is not None})
    for derived in ("HasChildren", "TreePath", "TreePathIds", "TreePathLinkIds", "LinkId"):
        body.pop(derived, None)
    parent = category.parent_code
    body["Name"] = category.name
    if parent and parent.isdigit():
        body["FatherCategoryId"] = int(parent)
    else:
        body["FatherCategoryId"] = None  # a root category
    return body


def brand_from_vtex(brand: dict[str, Any]) -> Brand:
    """A brand from ``/api/catalog/pvt/brand/{id}`` (``Id``/``Name``) or the paged list."""
    brand_id = brand.get("Id", brand.get("id"))
    return Brand(name=brand.get("Name", brand.get("name")), platform_brand_id=str(brand_id))


def brand_payload(brand: Brand, brand_id: int, existing: dict[str, Any] | None) -> dict[str, Any]:
    body = dict(existing or {})
    body.update(Id=brand_id, Name=brand.name)
    body.setdefault("Active", True)
    return body


def attribute_from_vtex(field: dict[str, Any], values: list[dict[str, Any]]) -> Attribute:
    """A specification field (``/api/catalog/pvt/specification/{id}``) with its active values
    (``/specification/fieldvalue/{id}``), in VTEX's position order."""
    active = sorted((v for v in values if v.get("IsActive", True)), key=lambda v: v["Position"])
    return Attribute(
        name=field["Name"],
        values=[str(v["Value"]) for v in active],
        platform_attribute_id=str(field["Id"]),
    )


def _without_id(existing: dict[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (existing or {}).items() if k != "Id"}


def _kilograms(grams: Any) -> Decimal | None:
    return None if grams is None else from_units(grams) / _GRAMS_PER_KG


def _units(value: Any) -> Decimal | None:
    return None if value is None else from_units(value)


def _slug(value: str) -> str:
    kept = "".join(ch.lower() if ch.isalnum() else "-" for ch in value)
    return "-".join(part for part in kept.split("-") if part)
