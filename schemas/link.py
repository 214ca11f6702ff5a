"""The link between a record in the ERP and the same record on one platform (vínculo)."""

from __future__ import annotations

from pydantic import Field

from schemas.base import Canonical, Timestamp


class Link(Canonical):
    integration_id: str
    entity: str = Field(description="product, category, brand, attribute or order.")
    erp_id: str
    platform_id: str
    sku: str | None = None
    ean: str | None = None
    order_number: str | None = None
    created_by: str = Field(description="The flow that made it: import, export, order, match.")
    created_at: Timestamp
    erp_fingerprint: str | None = Field(
        None,
        description="Fingerprint of the product content the ERP is known to hold, over the "
        "fields a write to the ERP carries (engine.echo); None: not known yet.",
    )
    platform_fingerprint: str | None = Field(
        None,
        description="Fingerprint of the product content the platform is known to hold, over "
        "the fields a write to the platform carries (engine.echo); None: not known yet.",
    )

    @property
    def key(self) -> str:
        return f"{self.integration_id}:{self.entity}:{self.erp_id}"
