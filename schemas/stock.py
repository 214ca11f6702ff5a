"""Stock of one SKU in one warehouse, always an absolute quantity (a retried delta applies twice)."""

from __future__ import annotations

from pydantic import Field

from schemas.base import Canonical, Quantity, Timestamp


class StockLevel(Canonical):
    sku: str
    warehouse: str = Field(description="ERP deposit or platform location code.")
    quantity: Quantity = Field(description="Absolute quantity available, never a delta.")
    measured_at: Timestamp = Field(
        description="When this quantity was true; older never overwrites newer."
    )
