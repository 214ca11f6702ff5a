"""A product attribute (Cor, Tamanho...) and its allowed values."""

from __future__ import annotations

from schemas.base import Canonical, ExternalId


class Attribute(Canonical):
    name: str
    values: list[str] = []
    platform_attribute_id: ExternalId | None = None
