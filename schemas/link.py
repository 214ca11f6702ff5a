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
    erp_contents: dict[str, str] = Field(
        default_factory=dict,
        description="Per product field, a short hash of the value the ERP is known to hold "
        "(engine.echo): a change the ERP already holds is not written to it again.",
    )
    platform_contents: dict[str, str] = Field(
        default_factory=dict,
        description="Per product field, a short hash of the value the platform is known to "
        "hold (engine.echo): a change the platform already holds is not pushed again.",
    )
    platform_changed_at: Timestamp | None = Field(
        None,
        description="The platform's own change time of the newest version of the product read "
        "from it; an older version arriving later is stale and not imported.",
    )

    @property
    def key(self) -> str:
        return f"{self.integration_id}:{self.entity}:{self.erp_id}"
