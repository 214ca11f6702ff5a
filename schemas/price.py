"""The price of one SKU in one price list, with an optional promotional price window."""

from __future__ import annotations

from pydantic import Field, model_validator

from schemas.base import Canonical, CurrencyCode, Money, Timestamp


class Price(Canonical):
    sku: str
    price_list: str = Field("default", description="ERP price list (tabela de preço).")
    price: Money = Field(ge=0)
    promotional_price: Money | None = Field(None, ge=0)
    promotion_starts_at: Timestamp | None = None
    promotion_ends_at: Timestamp | None = None
    currency: CurrencyCode = "BRL"

    @model_validator(mode="after")
    def _promotion_window_ordered(self) -> Price:
        starts, ends = self.promotion_starts_at, self.promotion_ends_at
        if starts is not None and ends is not None and ends <= starts:
            raise ValueError("the promotion must end after it starts")
        return self
