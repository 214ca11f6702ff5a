"""A catalogue category, possibly nested."""

from __future__ import annotations

from schemas.base import Canonical, ExternalId


class Category(Canonical):
    code: str
    name: str
    parent_code: str | None = None
    platform_category_id: ExternalId | None = None
