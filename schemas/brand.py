"""A brand (marca); Shopify calls it the vendor."""

from __future__ import annotations

from schemas.base import Canonical, ExternalId


class Brand(Canonical):
    name: str
    platform_brand_id: ExternalId | None = None
