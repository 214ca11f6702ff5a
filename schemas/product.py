"""A product and its variants (the ERP's parent/child items)."""

from __future__ import annotations

from pydantic import Field

from schemas.base import Canonical, ExternalId, Money, Timestamp
from schemas.integration import OwnedField


class Dimensions(Canonical):
    """Package size in centimetres, weight in kilograms (what Brazilian carriers quote on)."""

    weight_kg: Money | None = None
    height_cm: Money | None = None
    width_cm: Money | None = None
    length_cm: Money | None = None


class AttributeValue(Canonical):
    name: str = Field(description="Attribute name, e.g. 'Cor'.")
    value: str = Field(description="Value, e.g. 'Azul'.")


class Variant(Canonical):
    sku: str
    gtin: str | None = Field(None, description="GTIN/EAN barcode.")
    price: Money
    promotional_price: Money | None = None
    dimensions: Dimensions = Dimensions()
    attributes: list[AttributeValue] = []
    platform_variant_id: ExternalId | None = None
    active: bool = True


class Product(Canonical):
    sku: str = Field(description="Parent SKU (the ERP's master item code).")
    name: str
    description: str | None = None
    short_description: str | None = Field(None, description="The ERP's short description.")
    complement: str | None = Field(None, description="The ERP's complementary description.")
    brand: str | None = None
    categories: list[str] = Field([], description="Category path or names, most general first.")
    ncm: str | None = Field(None, pattern=r"^\d{8}$", description="NCM fiscal code, 8 digits.")
    images: list[str] = []
    specifications: list[AttributeValue] = Field(
        [], description="Product attributes (ficha técnica, e.g. Material), not variant options."
    )
    variants: list[Variant] = Field(min_length=1)
    platform_product_id: ExternalId | None = None
    active: bool = True
    updated_at: Timestamp | None = None
    withheld: list[OwnedField] = Field(
        [],
        description="Fields the sink leaves as the far side has them (owned there, or not "
        "synced); set by engine.mapped for one integration, empty on events.",
    )
