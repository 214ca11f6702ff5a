"""The payloads an event can carry, a union discriminated on ``type``."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from schemas.attribute import Attribute
from schemas.base import Canonical, ExternalId
from schemas.brand import Brand
from schemas.category import Category
from schemas.order import Invoice, Order, Tracking
from schemas.order_status import OrderStatus
from schemas.price import Price
from schemas.product import Product
from schemas.stock import StockLevel


class OrderPlaced(Canonical):
    """A new order on a platform: the ERP sales order is created from it, exactly once."""

    type: Literal["order.placed"] = "order.placed"
    order: Order


class OrderStatusChanged(Canonical):
    type: Literal["order.status_changed"] = "order.status_changed"
    platform_order_id: ExternalId
    status: OrderStatus
    invoice: Invoice | None = None
    tracking: Tracking | None = None
    erp_order_id: ExternalId | None = Field(
        None,
        description="The ERP's own id of the order, when the ERP reports the change: platform "
        "order ids of two stores may coincide, the link's ERP id tells them apart.",
    )


class ProductChanged(Canonical):
    type: Literal["product.changed"] = "product.changed"
    product: Product


class StockChanged(Canonical):
    type: Literal["stock.changed"] = "stock.changed"
    level: StockLevel


class PriceChanged(Canonical):
    type: Literal["price.changed"] = "price.changed"
    price: Price


class CategoryChanged(Canonical):
    type: Literal["category.changed"] = "category.changed"
    category: Category


class BrandChanged(Canonical):
    type: Literal["brand.changed"] = "brand.changed"
    brand: Brand


class AttributeChanged(Canonical):
    type: Literal["attribute.changed"] = "attribute.changed"
    attribute: Attribute


EventPayload = Annotated[
    OrderPlaced
    | OrderStatusChanged
    | ProductChanged
    | StockChanged
    | PriceChanged
    | CategoryChanged
    | BrandChanged
    | AttributeChanged,
    Field(discriminator="type"),
]
