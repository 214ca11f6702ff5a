"""A sales order as Ponte carries it between a platform and the ERP."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field, model_validator

from schemas.address import Address
from schemas.base import Canonical, CurrencyCode, ExternalId, Money, Quantity, Timestamp
from schemas.customer import Customer
from schemas.order_status import OrderStatus


class OrderItem(Canonical):
    sku: str | None = Field(None, description="The seller's SKU; the ERP matches products by it.")
    name: str
    variant_name: str | None = None
    quantity: Quantity = Field(gt=0)
    unit_price: Money = Field(description="Price of one unit before item discounts.")
    discount: Money = Decimal("0")
    platform_product_id: ExternalId | None = None
    platform_variant_id: ExternalId | None = None
    platform_item_id: ExternalId | None = None

    @property
    def total(self) -> Decimal:
        return self.unit_price * self.quantity - self.discount


class Payment(Canonical):
    method: str = Field(description="Payment method as the platform names it (gateway or type).")
    amount: Money
    installments: int = Field(1, ge=1)
    status: str | None = None


class Discount(Canonical):
    code: str | None = None
    kind: str | None = Field(None, description="Platform's discount type (percentage, fixed...).")
    amount: Money


class Tracking(Canonical):
    code: str
    carrier: str | None = None
    url: str | None = None


class Invoice(Canonical):
    """The NF-e issued for the order."""

    key: str = Field(pattern=r"^\d{44}$", description="Chave de acesso, 44 digits.")
    number: str
    series: str | None = None
    issued_at: Timestamp | None = None
    url: str | None = None


class Shipping(Canonical):
    carrier: str | None = Field(None, description="Transportadora as the platform names it.")
    method: str | None = Field(None, description="Shipping service / method title.")
    price: Money = Decimal("0")
    tracking: Tracking | None = None


class OrderTotals(Canonical):
    subtotal: Money = Field(description="Sum of items after item discounts.")
    discount: Money = Decimal("0")
    shipping: Money = Decimal("0")
    tax: Money = Decimal("0")
    total: Money


class Order(Canonical):
    platform: str = Field(description="Platform the order was placed on, e.g. 'shopify'.")
    platform_order_id: ExternalId
    number: str = Field(description="The order number the merchant and buyer see.")
    status: OrderStatus
    platform_status: str | None = Field(None, description="The platform's own status, for audit.")
    customer: Customer
    billing_address: Address | None = None
    shipping_address: Address | None = None
    items: list[OrderItem] = Field(min_length=1)
    shipping: Shipping = Shipping()
    payments: list[Payment] = []
    discounts: list[Discount] = []
    totals: OrderTotals
    currency: CurrencyCode
    sales_channel: str | None = None
    note: str | None = None
    invoice: Invoice | None = None
    created_at: Timestamp
    updated_at: Timestamp | None = None
    paid_at: Timestamp | None = None
    canceled_at: Timestamp | None = None
    cancel_reason: str | None = None

    @model_validator(mode="after")
    def _invoice_matches_status(self) -> Order:
        if self.status is OrderStatus.INVOICED and self.invoice is None:
            raise ValueError("an invoiced order carries its NF-e (invoice key and number)")
        return self
