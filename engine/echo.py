"""Echo suppression between the ERP and a platform: per-field content fingerprints. Pure.

With both product automations on, every write comes back: a product exported to the store
returns as the store's own ``products/update``, a product imported into the ERP returns as an
ERP change, and with several stores a change imported from one is exported to the others,
whose notifications come back in turn. Each link keeps, per side, a short hash of each product
field's value that side is known to hold (as written by us or read from it).

A change is written to the other side only in the fields that a write to that side carries
on an update (every synced field less the ones the far side owns, Configurações'
``field_owner``; toward a store, prices are the price flow's) and that side does not hold
already. From a store, moreover, only in fields that changed on that store since we last knew
them: with several stores owning the name, a store that kept its own name while another
renamed the product must not write its name back (the stores would take turns for ever).
Toward a store, the ERP's value of a field it owns wins whenever the store holds another.
Nothing left: the change is the echo of our own write (or touched only fields the other side
owns) and is skipped. A genuinely different change still flows.

Hashes are taken on the product in platform form (``engine.mapped.product_for_platform`` for
an ERP product, the record as read for a platform's), over what both sides carry faithfully:
name, description, brand, prices, and the variants (SKU, GTIN, sizes, options, active) with
the product's active flag. NCM, categories and images are left out: the stores read back do
not carry them as the ERP does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

import orjson

from schemas.integration import IntegrationSettings, OwnedField, Side
from schemas.link import Link
from schemas.product import Dimensions, Product, Variant

Contents = dict[str, str]
"""A product field ("name", "description", "brand", "price", "variants") -> a short hash."""
OWNED_FIELDS = {
    OwnedField.NAME: "name",
    OwnedField.DESCRIPTION: "description",
    OwnedField.BRAND: "brand",
    OwnedField.PRICE: "price",
}
VARIANTS = "variants"
ECHO_DETAIL = "skipped: echo of our own write ({side} already has this content)"
STALE_DETAIL = "skipped: older than the platform's version of {newest} already read"


def contents(product: Product) -> Contents:
    """The hash of each field of ``product``."""
    variants = sorted(product.variants, key=lambda variant: variant.sku)
    values: dict[str, Any] = {
        "name": _text(product.name),
        "description": _text(product.description),
        "brand": _text(product.brand),
        "price": [(v.sku, _amount(v.price), _amount(v.promotional_price)) for v in variants],
        VARIANTS: [product.active, *(_identity(v) for v in variants)],
    }
    return {field: _hash(value) for field, value in values.items()}


def toward_platform(settings: IntegrationSettings) -> frozenset[str]:
    """The fields a product export writes on an update (prices go by the price flow)."""
    return _written(settings, far_side=Side.PLATFORM) - {"price"}


def toward_erp(settings: IntegrationSettings) -> frozenset[str]:
    """The fields a product import writes to the ERP on an update."""
    return _written(settings, far_side=Side.ERP)


def news(
    incoming: Contents, fields: frozenset[str], *, held: Contents, seen: Contents | None = None
) -> list[str]:
    """The ``fields`` of a change the side it would be written to does not ``held`` already
    and, given what was last ``seen`` at its source, that changed there since."""
    return sorted(
        field
        for field in fields
        if incoming[field] != held.get(field)
        and (seen is None or incoming[field] != seen.get(field))
    )


def noted(
    link: Link,
    *,
    erp: Mapping[str, str] | None = None,
    platform: Mapping[str, str] | None = None,
    platform_changed_at: datetime | None = None,
) -> Link:
    """``link`` with what each side is now known to hold (fields not given are kept)."""
    newest = link.platform_changed_at
    if platform_changed_at is not None and (newest is None or platform_changed_at > newest):
        newest = platform_changed_at
    update = {
        "erp_contents": link.erp_contents | dict(erp or {}),
        "platform_contents": link.platform_contents | dict(platform or {}),
        "platform_changed_at": newest,
    }
    if all(getattr(link, name) == value for name, value in update.items()):
        return link
    return link.model_copy(update=update)


def stale(link: Link, platform_changed_at: datetime | None) -> bool:
    """A platform's version older than one already read (a late or repeated notification):
    writing it would put back what the store has replaced since."""
    newest = link.platform_changed_at
    return platform_changed_at is not None and newest is not None and platform_changed_at < newest


def only(fields: frozenset[str], of: Contents) -> Contents:
    return {field: value for field, value in of.items() if field in fields}


def _written(settings: IntegrationSettings, far_side: Side) -> frozenset[str]:
    owners = settings.field_owner
    kept = {name for owned, name in OWNED_FIELDS.items() if owners.get(owned, Side.ERP) is far_side}
    return frozenset({*OWNED_FIELDS.values(), VARIANTS} - kept)


def _identity(variant: Variant) -> list[Any]:
    options = sorted((_text(a.name), _text(a.value)) for a in variant.attributes)
    return [variant.sku, _text(variant.gtin), _size(variant.dimensions), options, variant.active]


def _size(dimensions: Dimensions) -> list[str | None]:
    """Sizes with zero as unknown: some stores answer 0 for a size never given."""
    values = (dimensions.weight_kg, dimensions.height_cm, dimensions.width_cm, dimensions.length_cm)
    return [_amount(value) if value else None for value in values]


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _text(value: str | None) -> str:
    return (value or "").strip()


def _hash(value: Any) -> str:
    return hashlib.blake2b(orjson.dumps(value), digest_size=5).hexdigest()
