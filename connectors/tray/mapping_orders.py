"""Tray order JSON (`GET /orders/:id/complete`) -> canonical Order, Customer, Address. Pure.

Totals add up as Tray computes them: partial_total - discount - coupon - progressive_discount
+ shipment_value + taxes + payment_method_rate + interest = total; the payment method's rate
and interest are surcharges, carried in ``totals.tax``.
"""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal
from typing import Any

from connectors.tray.statuses import canonical_status
from connectors.tray.values import (
    STORE_TIME,
    day,
    day_and_hour,
    decimal,
    digits,
    instant,
    money,
    text,
    unwrap,
)
from schemas.address import Address
from schemas.customer import Customer, DocumentType
from schemas.order import (
    Discount,
    Invoice,
    Order,
    OrderItem,
    OrderTotals,
    Payment,
    Shipping,
    Tracking,
)
from schemas.order_status import OrderStatus

PLATFORM = "tray"
_BRAZIL = frozenset({"BRASIL", "BRAZIL", "BRA", "BR"})
COMPANY, DELIVERY, BILLING = "1", "1", "0"


def country_code(value: Any) -> str | None:
    """Tray writes the country as a name ("Brasil"); the canonical model wants ISO alpha-2."""
    raw = text(value)
    if raw is None:
        return None
    if raw.upper() in _BRAZIL:
        return "BR"
    return raw.upper() if len(raw) == 2 and raw.isalpha() else None


def customer_from_tray(body: dict[str, Any]) -> Customer:
    """The order's `Customer`: a company (type 1) by its CNPJ, a person by CPF."""
    company = text(body.get("type")) == COMPANY
    cnpj, cpf = digits(body.get("cnpj")), digits(body.get("cpf"))
    document, kind = (cnpj, DocumentType.CNPJ) if company and cnpj else (cpf, DocumentType.CPF)
    if document is None and cnpj is not None:
        document, kind = cnpj, DocumentType.CNPJ
    return Customer(
        platform_customer_id=text(body.get("id")),
        name=(text(body.get("company_name")) if company else None) or str(body.get("name") or ""),
        email=text(body.get("email")),
        phone=text(body.get("cellphone")) or text(body.get("phone")),
        document=document,
        document_type=kind if document else None,
        state_registration=text(body.get("state_inscription")),
    )


def address_from_tray(body: dict[str, Any], recipient: str | None = None) -> Address:
    """A `CustomerAddress` (or the address fields of `Customer`)."""
    return Address(
        recipient=text(body.get("recipient")) or recipient,
        street=text(body.get("address")),
        number=text(body.get("number")),
        complement=text(body.get("complement")),
        neighborhood=text(body.get("neighborhood")),
        city=text(body.get("city")),
        state=text(body.get("state")),
        postal_code=text(body.get("zip_code")),
        country=country_code(body.get("country")),
    )


def _addresses(customer: dict[str, Any], name: str) -> tuple[Address | None, Address | None]:
    """(billing, shipping): typed CustomerAddresses first, the customer's own address else."""
    typed = {
        text(a.get("type")): a for a in unwrap(customer.get("CustomerAddresses"), "CustomerAddress")
    }
    own = address_from_tray(customer, name) if text(customer.get("address")) else None
    billing = address_from_tray(typed[BILLING], name) if BILLING in typed else own
    shipping = address_from_tray(typed[DELIVERY], name) if DELIVERY in typed else own
    return billing, shipping


def item_from_tray(body: dict[str, Any]) -> OrderItem:
    """A `ProductsSold` line; a price below the original price is an item discount."""
    quantity = money(body.get("quantity"))
    price, original = money(body.get("price")), decimal(body.get("original_price"))
    unit, discount = price, Decimal("0")
    if original is not None and original > price:
        unit, discount = original, (original - price) * quantity
    variant = text(body.get("variant_id"))
    options = [text(s.get("value")) for s in body.get("Sku") or [] if isinstance(s, dict)]
    return OrderItem(
        sku=text(body.get("reference")),
        name=str(body.get("name") or body.get("original_name") or ""),
        variant_name=" / ".join(o for o in options if o) or None,
        quantity=quantity,
        unit_price=unit,
        discount=discount,
        platform_product_id=text(body.get("product_id")),
        platform_variant_id=None if variant in (None, "0") else variant,
        platform_item_id=text(body.get("id")),
    )


def _discounts(order: dict[str, Any]) -> list[Discount]:
    found: list[Discount] = []
    coupon = order.get("coupon") if isinstance(order.get("coupon"), dict) else None
    if coupon and money(coupon.get("discount")):
        found.append(
            Discount(
                code=text(coupon.get("code")), kind="coupon", amount=money(coupon.get("discount"))
            )
        )
    for field in ("discount", "progressive_discount"):
        if money(order.get(field)):
            found.append(Discount(kind=field, amount=money(order.get(field))))
    return found


def _totals(order: dict[str, Any], discounts: list[Discount]) -> OrderTotals:
    surcharges = sum(
        (money(order.get(f)) for f in ("taxes", "payment_method_rate", "interest")), Decimal("0")
    )
    return OrderTotals(
        subtotal=money(order.get("partial_total")),
        discount=sum((d.amount for d in discounts), Decimal("0")),
        shipping=money(order.get("shipment_value")),
        tax=surcharges,
        total=money(order.get("total")),
    )


def _invoice(order: dict[str, Any]) -> Invoice | None:
    for record in unwrap(order.get("OrderInvoice"), "OrderInvoice"):
        key, number = digits(record.get("key")), text(record.get("number"))
        if key and len(key) == 44 and number:
            issued = day(record.get("issue_date"))
            return Invoice(
                key=key,
                number=number,
                series=text(record.get("serie")),
                issued_at=None if issued is None else datetime.combine(issued, time(), STORE_TIME),
                url=text(record.get("link")),
            )
    return None


def _midnight(value: Any) -> datetime | None:
    when = day(value)
    return None if when is None else datetime.combine(when, time(), STORE_TIME)


def order_from_tray(order: dict[str, Any]) -> Order:
    """The `Order` of ``GET /orders/:id/complete``."""
    customer_body = order.get("Customer") or {}
    customer = customer_from_tray(customer_body)
    billing, shipping_address = _addresses(customer_body, customer.name)
    store_status = order.get("OrderStatus") or {}
    status_name = text(store_status.get("status")) or text(order.get("status")) or ""
    paid_at = _midnight(order.get("payment_date"))
    status = canonical_status(status_name, text(store_status.get("type")), paid_at is not None)
    invoice = _invoice(order)
    if status is OrderStatus.INVOICED and invoice is None:
        status = OrderStatus.IN_HANDLING  # the NF-e is read separately (/orders/:id/invoices)
    discounts = _discounts(order)
    tracking_code = text(order.get("sending_code"))
    marketplace = unwrap(order.get("MarketplaceOrder"), "MarketplaceOrder")
    method = text(order.get("payment_method")) or text(order.get("payment_form"))
    created = day_and_hour(order.get("date"), order.get("hour"))
    if created is None:
        raise ValueError(f"Tray order {order.get('id')} has no date")
    return Order(
        platform=PLATFORM,
        platform_order_id=str(order["id"]),
        number=str(order["id"]),
        status=status,
        platform_status=status_name or None,
        customer=customer,
        billing_address=billing,
        shipping_address=shipping_address,
        items=[item_from_tray(i) for i in unwrap(order.get("ProductsSold"), "ProductsSold")],
        shipping=Shipping(
            method=text(order.get("shipment")),
            price=money(order.get("shipment_value")),
            tracking=Tracking(code=tracking_code, url=text(order.get("tracking_url")))
            if tracking_code
            else None,
        ),
        payments=[
            Payment(
                method=method,
                amount=money(order.get("total")),
                installments=max(int(money(order.get("installment"))), 1),
                status="paid" if paid_at else None,
            )
        ]
        if method
        else [],
        discounts=discounts,
        totals=_totals(order, discounts),
        currency="BRL",
        sales_channel=(text(marketplace[0].get("marketplace_name")) if marketplace else None)
        or text(order.get("point_sale")),
        note=text(order.get("customer_note")),
        invoice=invoice,
        created_at=created,
        updated_at=instant(order.get("modified")),
        paid_at=paid_at,
    )
