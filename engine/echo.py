"""Echo suppression between the ERP and a platform: content fingerprints of products. Pure.

With both product automations on, every write comes back: a product exported to the store
returns as the store's own ``products/update``, a product imported into the ERP returns as an
ERP change. Each link keeps, per side, the fingerprint of the content that side is known to
hold (written by us, or read from it), computed over the fields a write *to* that side
carries on an update: every synced field less the ones the side itself owns
(Configurações' ``field_owner``); toward the platform, prices too (the price flow sends them).

An incoming change whose fingerprint, over the fields it would write to the other side,
equals what the other side holds has nothing to write there: it is the echo of our own write,
or it changed only fields the other side owns. Anything genuinely different still flows.

Fingerprints are taken on the product in platform form (``engine.mapped.product_for_platform``
for an ERP product, the record as read for a platform's), over the fields both sides carry
faithfully: name, description, brand, the variants (SKU, GTIN, prices, sizes, options,
active) and active. NCM, categories and images are left out: the stores read back do not
carry them as the ERP does. The field list is part of the hash, so a change of ownership
makes the next write go through once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import orjson

from schemas.integration import IntegrationSettings, OwnedField, Side
from schemas.link import Link
from schemas.product import Dimensions, Product, Variant

FINGERPRINTED = (OwnedField.NAME, OwnedField.DESCRIPTION, OwnedField.PRICE, OwnedField.BRAND)
"""The owned fields a fingerprint covers (besides the variants' identity, which nobody owns)."""
ECHO_DETAIL = "skipped: echo of our own write ({side} already has this content)"


def owned_by(settings: IntegrationSettings, side: Side) -> frozenset[OwnedField]:
    return frozenset(
        field for field in OwnedField if settings.field_owner.get(field, Side.ERP) is side
    )


def toward_platform(settings: IntegrationSettings) -> frozenset[OwnedField]:
    """The fingerprinted fields a product export writes on an update."""
    left_out = owned_by(settings, Side.PLATFORM) | {OwnedField.PRICE}
    return frozenset(FINGERPRINTED) - left_out


def toward_erp(settings: IntegrationSettings) -> frozenset[OwnedField]:
    """The fingerprinted fields a product import writes to the ERP on an update."""
    return frozenset(FINGERPRINTED) - owned_by(settings, Side.ERP)


def fingerprint(product: Product, fields: Iterable[OwnedField]) -> str:
    """A stable hash of ``product``'s content over ``fields`` and the variants' identity."""
    covered = frozenset(fields)
    content: dict[str, Any] = {
        "fields": sorted(covered),
        "active": product.active,
        "variants": sorted(
            (_variant(v, OwnedField.PRICE in covered) for v in product.variants),
            key=lambda variant: str(variant["sku"]),
        ),
    }
    if OwnedField.NAME in covered:
        content["name"] = _text(product.name)
    if OwnedField.DESCRIPTION in covered:
        content["description"] = _text(product.description)
    if OwnedField.BRAND in covered:
        content["brand"] = _text(product.brand)
    encoded = orjson.dumps(content, option=orjson.OPT_SORT_KEYS)
    return hashlib.blake2b(encoded, digest_size=8).hexdigest()


def with_fingerprints(link: Link, *, erp: str, platform: str) -> Link:
    """``link`` recording what each side now holds."""
    if (link.erp_fingerprint, link.platform_fingerprint) == (erp, platform):
        return link
    return link.model_copy(update={"erp_fingerprint": erp, "platform_fingerprint": platform})


def _variant(variant: Variant, with_prices: bool) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "sku": variant.sku,
        "gtin": _text(variant.gtin),
        "size": _size(variant.dimensions),
        "options": sorted((_text(a.name), _text(a.value)) for a in variant.attributes),
        "active": variant.active,
    }
    if with_prices:
        fields["price"] = _amount(variant.price)
        fields["promotional_price"] = _amount(variant.promotional_price)
    return fields


def _size(dimensions: Dimensions) -> list[str | None]:
    """Sizes with zero as unknown: some stores answer 0 for a size never given."""
    values = (dimensions.weight_kg, dimensions.height_cm, dimensions.width_cm, dimensions.length_cm)
    return [_amount(value) if value else None for value in values]


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _text(value: str | None) -> str:
    return (value or "").strip()
